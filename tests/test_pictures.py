"""Pictures (citygraph.pictures): what the SVG marks say, checked against the graph itself.

Expectations come from SPARQL over the built store or from geography, never from the
picture code: one mark per partner with coordinates (data-qid), one per dated event
(data-event), a year drawn as a bar and a day as a point, suspensions shaded, the same bytes
twice, a PNG with real content, labels escaped.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from citygraph.pictures import dates, render
from citygraph.pictures.drawing.svg import esc, fmt
from citygraph.pictures.earth import geo, projection

SVG = "{http://www.w3.org/2000/svg}"
CG = "https://w3id.org/citygraph/ontology#"
NANJING = "https://w3id.org/citygraph/id/place/Q16666"
NAGOYA_TIE = "https://w3id.org/citygraph/id/partnership/Q11751-Q16666"
XSD = "http://www.w3.org/2001/XMLSchema#"
EVIL = Path(__file__).parent / "data" / "pictures" / "evil-labels.ttl"  # a place labelled with <script> and <img onerror>


def _tree(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)


def _select(store, query: str) -> list[list[str]]:
    return [[t.value if t is not None else None for t in row] for row in store.query(query, use_default_graph_as_union=True)]


def _marks(root: ET.Element, attr: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get(attr)]


# --- the map of a place --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def nanjing_map(curated) -> ET.Element:
    return _tree(render("map", curated.store, city="Nanjing"))


def test_city_map_has_one_mark_per_partner_with_coordinates(curated, nanjing_map):
    located = {r[0] for r in _select(curated.store, f"""
        SELECT DISTINCT ?qid WHERE {{ ?t <{CG}party> <{NANJING}> , ?p FILTER(?p != <{NANJING}>)
          ?p <{CG}qid> ?qid ; <http://www.opengis.net/ont/geosparql#hasCentroid> ?c }}""")}
    marks = [e for e in _marks(nanjing_map, "data-qid") if "partner" in e.get("class", "")]
    assert sorted(m.get("data-qid") for m in marks) == sorted(located)
    assert len(located) >= 19  # the article's partners (tests/facts/nanjing_ties.tsv)
    width, height = (float(v) for v in nanjing_map.get("viewBox").split()[2:])
    for m in marks:
        assert 0 <= float(m.get("data-x")) <= width and 0 <= float(m.get("data-y")) <= height
        assert m.find(f"{SVG}title").text.startswith(m.find(f"{SVG}title").text.split(" (")[0])
        assert m.get("href") == f"https://w3id.org/citygraph/id/place/{m.get('data-qid')}"


def test_city_map_puts_partners_where_they_are(nanjing_map):
    pos = {e.get("data-qid"): (float(e.get("data-x")), float(e.get("data-y"))) for e in _marks(nanjing_map, "data-qid")}
    assert pos["Q11751"][0] > pos["Q16666"][0]  # Nagoya lies east of Nanjing
    assert pos["Q38022"][0] < pos["Q2079"][0] < pos["Q16666"][0]  # St. Louis, Leipzig, Nanjing from west to east
    assert pos["Q3183"][1] > pos["Q16666"][1]  # Perth is south of Nanjing (y grows downwards)
    assert pos["Q1880"][1] > pos["Q62823"][1]  # Concepción is south of Barranquilla


def test_city_map_is_accessible(nanjing_map):
    assert nanjing_map.find(f"{SVG}title").text == "Ties of Nanjing, China"
    desc = nanjing_map.find(f"{SVG}desc").text
    assert "Nagoya" in desc and "Equal Earth" in desc
    assert nanjing_map.get("aria-labelledby") == "cg-map-title cg-map-desc"
    for m in _marks(nanjing_map, "data-qid"):
        assert m.find(f"{SVG}title") is not None  # every mark names itself to a screen reader


def test_arcs_across_the_pacific_are_split_at_the_antimeridian(nanjing_map):
    arc = next(e for e in nanjing_map.iter(f"{SVG}path") if e.get("data-tie") == "https://w3id.org/citygraph/id/partnership/Q16666-Q38022")
    assert arc.get("d").count("M") == 2  # Nanjing -> the Pacific's edge, the other edge -> St. Louis


def test_status_styles_a_suspended_tie_differently(curated, tmp_path):
    from citygraph.pictures import facts
    from citygraph.pictures.charts import citymap

    ties = facts.ties_of(curated.store, NANJING)
    nagoya = next(t for t in ties if t.iri == NAGOYA_TIE)
    nagoya.status = "suspended"  # as the status rule would answer after a later suspension
    root = _tree(citymap.render(facts.places(curated.store, [NANJING])[NANJING], ties))
    mark = next(e for e in _marks(root, "data-qid") if e.get("data-qid") == "Q11751")
    assert mark.get("data-status") == "suspended" and mark.find(f"{SVG}rect") is not None  # a square, not a circle


# --- timelines -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def nagoya_timeline(curated) -> ET.Element:
    return _tree(render("timeline", curated.store, tie="partnership:Q11751-Q16666"))


def test_tie_timeline_has_one_mark_per_dated_event(curated, nagoya_timeline):
    rows = _select(curated.store, f"SELECT ?e ?d WHERE {{ <{NAGOYA_TIE}> <{CG}event> ?e OPTIONAL {{ ?e <{CG}date> ?d }} }}")
    dated = sorted(e for e, d in rows if d)
    undated = sorted(e for e, d in rows if not d)
    assert sorted(m.get("data-event") for m in _marks(nagoya_timeline, "data-event")) == dated
    assert sorted(m.get("data-undated-event") for m in _marks(nagoya_timeline, "data-undated-event")) == undated
    assert len(dated) == 5 and len(undated) == 2


def _shape(root, event_suffix):
    mark = next(m for m in _marks(root, "data-event") if m.get("data-event").endswith(event_suffix))
    return mark, next(c for c in mark if c.tag in (f"{SVG}rect", f"{SVG}circle"))


def test_a_year_is_a_bar_a_month_a_short_bar_and_a_day_a_point(nagoya_timeline):
    _m, year = _shape(nagoya_timeline, "formalisation-1978")
    _m, month = _shape(nagoya_timeline, "incident-2012-02")
    _m, day = _shape(nagoya_timeline, "formalisation-1978-12-21")
    assert year.tag == f"{SVG}rect" and day.tag == f"{SVG}circle"
    # 1978 is 365 days wide; February 2012 is 29 days of 366 (or the 3 px minimum that keeps it visible)
    assert abs(float(month.get("width")) - max(3.0, float(year.get("width")) * 29 / 366)) < 0.15


def test_suspension_is_shaded_until_the_resumption(nagoya_timeline):
    shade = next(e for e in nagoya_timeline.iter(f"{SVG}rect") if e.get("class") == "suspension")
    _m, suspension = _shape(nagoya_timeline, "suspension-2012-02-21")
    _m, resumption = _shape(nagoya_timeline, "resumption-2019")
    x0, x1 = float(shade.get("x")), float(shade.get("x")) + float(shade.get("width"))
    assert abs(x0 - float(suspension.get("cx"))) < 0.2
    resumed_by = float(resumption.get("x")) + float(resumption.get("width"))  # "no later than 2019": the end of 2019
    assert abs(x1 - resumed_by) < 0.3
    assert any(e.get("class") == "uncertain" for e in nagoya_timeline.iter(f"{SVG}rect"))


def test_each_mark_is_titled_with_its_quote_and_source(curated, nagoya_timeline):
    quote = _select(curated.store, f"SELECT ?q WHERE {{ <https://w3id.org/citygraph/id/event/Q11751-Q16666-suspension-2012-02-21> <{CG}quote> ?q }}")[0][0]
    mark, _shape_el = _shape(nagoya_timeline, "suspension-2012-02-21")
    text = mark.find(f"{SVG}title").text
    assert quote in text and "Source: The Nanjinger, sister-cities article, section 'Nagoya, Japan (1978)'" in text


def test_city_timeline_has_a_row_per_tie(curated):
    root = _tree(render("timeline", curated.store, city="Q16666"))
    ties = {r[0] for r in _select(curated.store, f"SELECT DISTINCT ?t WHERE {{ ?t <{CG}party> <{NANJING}> }}")}
    assert sorted(e.get("data-tie") for e in root.iter(f"{SVG}g") if e.get("class") == "tie-row") == sorted(ties)
    events = {r[0] for r in _select(curated.store, f"""SELECT DISTINCT ?e WHERE {{ ?t <{CG}party> <{NANJING}> ; <{CG}event> ?e .
                                                      ?e <{CG}date> ?d }}""")}
    assert {m.get("data-event") for m in _marks(root, "data-event")} == events


def test_status_agrees_with_the_stored_query_status_on(curated):
    """The status a picture draws (after every dated act) is the one `status-on` (SPARQL) answers
    for a day after them all: one rule (reason/status.py), two readings that must agree."""
    from citygraph.pictures import facts
    from citygraph.query.catalogue import get
    from citygraph.query.run import run

    ties = facts.ties(curated.store, facts.pairs(curated.store))
    answer = {str(row["tie"]): str(row["status"]) for row in run(get("status-on"), {"date": "2100-01-01"}, store=curated.store).dicts()}
    drawn = {t.iri: t.status for t in ties if t.iri in answer}
    assert drawn == {iri: answer[iri] for iri in drawn}
    assert len(drawn) >= 20
    nagoya = "https://w3id.org/citygraph/id/partnership/Q11751-Q16666"
    assert drawn[nagoya] == "active"  # suspended 2012, in favour once more by 2019


# --- growth --------------------------------------------------------------------------------------

def test_growth_counts_each_dated_tie_once_in_its_first_year(curated):
    root = _tree(render("growth", curated.store))
    rows = _select(curated.store, f"""SELECT ?t (MIN(SUBSTR(STR(?d), 1, 4)) AS ?y) WHERE {{ ?t <{CG}event> ?e .
        ?e a ?c ; <{CG}date> ?d . VALUES ?c {{ <{CG}Formalisation> <{CG}PreliminaryStageEstablished> }}
        FILTER NOT EXISTS {{ ?e <{CG}dateQualifier> <{CG}Planned> }} }} GROUP BY ?t""")
    expected: dict[str, int] = {}
    for _t, year in rows:
        expected[year] = expected.get(year, 0) + 1
    formed: dict[str, int] = {}
    for bar in _marks(root, "data-series"):
        if bar.get("data-series") in ("formal", "preliminary"):
            formed[bar.get("data-year")] = formed.get(bar.get("data-year"), 0) + int(bar.get("data-count"))
    assert formed == expected
    suspended = [b for b in _marks(root, "data-series") if b.get("data-series") == "suspended"]
    assert [(b.get("data-year"), b.get("data-count")) for b in suspended] == [("2012", "1")]  # Nagoya, 21 February 2012


# --- the same bytes, PNG, escaping, units ----------------------------------------------------------

def test_the_same_graph_gives_the_same_bytes(curated):
    from citygraph.build import build

    again = build(scope="nanjing").store
    for kind, kw in (("map", {"city": "Nanjing"}), ("map", {}), ("timeline", {"tie": NAGOYA_TIE}),
                     ("timeline", {"city": "Q16666"}), ("growth", {})):
        assert render(kind, curated.store, **kw) == render(kind, again, **kw), kind
    assert render("map", curated.store, city="Nanjing", fmt="html") == render("map", again, city="Nanjing", fmt="html")


@pytest.mark.slow  # two fresh processes drawing every picture: the full suite, not the quick loop
def test_two_processes_write_the_same_files(tmp_path):
    """Separate runs of the command (other hash seeds, the second from the cache) give byte-identical files."""
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "CITYGRAPH_CACHE_DIR": str(tmp_path / "cache")}
        folder = tmp_path / f"run{seed}"
        folder.mkdir()
        for args in (["map", "--city", "Nanjing"], ["timeline", "--city", "Q16666"], ["growth"]):
            out = folder / f"{args[0]}.svg"
            subprocess.run([sys.executable, "-m", "citygraph", "picture", *args, "--scope", "nanjing", "--out", str(out)],
                           env=env, check=True, capture_output=True)
        outputs.append({p.name: p.read_bytes() for p in sorted(folder.iterdir())})
    assert outputs[0] == outputs[1] and len(outputs[0]) == 3


def test_png_decodes_with_real_content(curated):
    from PIL import Image, ImageStat

    svg = render("map", curated.store, city="Nanjing")
    image = Image.open(io.BytesIO(render("map", curated.store, city="Nanjing", fmt="png"))).convert("RGB")
    width = float(_tree(svg).get("width"))
    assert image.width == round(2 * width)
    assert max(ImageStat.Stat(image).stddev) > 20  # not blank
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 200
    assert any(c == (0x00, 0x72, 0xB2) for _n, c in colours)  # the active ties' blue reached the pixels


def test_labels_are_text_never_markup(curated):
    from citygraph.build import build

    store = build(scope="nanjing", extra=[EVIL]).store
    for fmt_ in ("svg", "html"):
        data = render("map", store, city="Q16666", fmt=fmt_).decode("utf-8")
        assert "<script>alert" not in data and "&lt;script&gt;alert(1)&lt;/script&gt;" in data
    root = _tree(render("map", store, city="Q16666"))
    mark = next(m for m in _marks(root, "data-tie") if m.get("data-tie", "").endswith("Q16666-test-script-label") and m.tag == f"{SVG}a")
    assert mark.find(f"{SVG}title").text.startswith('<script>alert(1)</script>"><img src=x onerror=alert(2)>')




def test_equal_earth_matches_proj():
    # Values PROJ 9.5.1 gives for +proj=eqearth +R=1 (pyproj 3.7.2), computed once and written down.
    for (lon, lat), (x, y) in {(180, 0): (2.7066299836960748, 0.0), (0, 90): (0.0, 1.3173627591574133),
                               (118.77778, 32.06167): (1.654451853572604, 0.6313778947765666),
                               (-90.19778, 38.62722): (-1.2122547439779956, 0.7504484455947517),
                               (-73.04977, -36.82699): (-0.9921881069487437, -0.7183495031712135)}.items():
        px, py = projection.forward(lon, lat)
        assert abs(px - x) < 1e-12 and abs(py - y) < 1e-12


def test_date_intervals_follow_the_datatype():
    from datetime import date

    assert dates.interval("1978", XSD + "gYear") == (date(1978, 1, 1), date(1978, 12, 31))
    assert dates.interval("2012-02", XSD + "gYearMonth") == (date(2012, 2, 1), date(2012, 2, 29))
    assert dates.interval("2012-02-21", XSD + "date") == (date(2012, 2, 21), date(2012, 2, 21))
    assert dates.interval("2019-02-30", XSD + "date") is None
    assert dates.interval("1978", XSD + "date") is None  # a year is not a day
    assert dates.precision("2012-02", XSD + "gYearMonth") == "month"


def test_great_circles_and_the_antimeridian():
    pts = geo.great_circle((118.8, 32.1), (-90.2, 38.6))
    assert pts[0] == (118.8, 32.1) and pts[-1] == (-90.2, 38.6)
    assert max(lat for _lon, lat in pts) > 50  # the shortest way bends north over the Pacific
    pieces = geo.split_antimeridian(pts)
    assert len(pieces) == 2 and pieces[0][-1][0] == 180.0 and pieces[1][0][0] == -180.0
    assert pieces[0][-1][1] == pieces[1][0][1]
    assert len(geo.split_antimeridian(geo.great_circle((2.35, 48.86), (13.4, 52.5)))) == 1


def test_svg_text_helpers():
    assert esc('<a href="x">&\'') == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    assert [fmt(v) for v in (0.0, -0.01, 1.25, 2.0, -3.14159)] == ["0", "0", "1.2", "2", "-3.1"]


# --- the command line and the build --------------------------------------------------------------

def test_picture_cli_writes_the_format_of_the_file_name(cli, tmp_path):
    for name in ("nanjing.svg", "nanjing.png", "nanjing.html"):
        result = cli("picture", "map", "--city", "Nanjing", "--scope", "nanjing", "--out", tmp_path / name)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == f"wrote {tmp_path / name}\n"
    assert (tmp_path / "nanjing.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "nanjing.html").read_bytes().startswith(b"<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nanjing.html", "nanjing.png", "nanjing.svg"]  # no temp files


def test_picture_cli_bad_input_is_one_line_exit_2(cli, tmp_path):
    bad = cli("picture", "map", "--city", "Nanjing", "--out", tmp_path / "x.pdf")
    assert bad.exit_code == 2 and bad.stderr.startswith("citygraph: error: --out") and ".svg, .png or .html" in bad.stderr
    unknown = cli("picture", "map", "--city", "Atlantis", "--scope", "nanjing", "--out", tmp_path / "x.svg")
    assert unknown.exit_code == 2 and "--city 'Atlantis'" in unknown.stderr and unknown.stderr.count("\n") == 1
    no_tie = cli("picture", "timeline", "--tie", "partnership:Q1-Q2", "--scope", "nanjing", "--out", tmp_path / "x.svg")
    assert no_tie.exit_code == 2 and "--tie" in no_tie.stderr
    assert not (tmp_path / "x.svg").exists()


def test_build_writes_the_world_map_and_growth_chart(cli, tmp_path):
    out = tmp_path / "dist"
    assert cli("build", "--scope", "nanjing", "--out", out).exit_code == 0
    for name in ("world-map.svg", "growth.svg"):
        root = _tree((out / "pictures" / name).read_bytes())
        assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text


@pytest.mark.slow
@pytest.mark.world
def test_world_map_draws_every_located_tie(world):
    from citygraph.pictures import facts

    root = _tree(render("map", world.store))
    pairs = facts.pairs(world.store)
    located = {r[0] for r in _select(world.store, "SELECT ?p WHERE { ?p <http://www.opengis.net/ont/geosparql#hasCentroid> ?c }")}
    drawn = sum(1 for _t, a, b in pairs if a in located and b in located)
    assert len(pairs) > 20000
    assert f"The {drawn:,} ties whose two places have coordinates are drawn" in root.find(f"{SVG}desc").text
    assert len([e for e in root.iter(f"{SVG}path") if e.get("class") == "density"]) >= 6
    assert len(_marks(root, "data-qid")) == 25
