"""`citygraph import wikidata-results`: WDQS results in JSON, CSV, TSV and XML → citygraph Turtle."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, RDF, XSD

from citygraph import namespaces as ns

# rdflib's view of citygraph's namespaces: the Turtle written is read back with rdflib.
CG, EVENT, PARTNERSHIP, PLACE = (rdflib.Namespace(n) for n in (ns.CG, ns.EVENT, ns.PARTNERSHIP, ns.PLACE))

DATA = Path(__file__).parent / "data" / "import"
FORMATS = ["json", "csv", "tsv", "xml"]


def run_import(cli, src: Path, out: Path, *extra: str):
    args = ["import", "wikidata-results", src, "--out", out, *extra]
    if src.suffix == ".csv":
        args += ["--lang", "en"]  # SPARQL CSV drops language tags
    return cli(*args)


def load(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    from conftest import run_cli

    out = {}
    for fmt in FORMATS:
        target = tmp_path_factory.mktemp(fmt) / "ties.ttl"
        r = run_import(run_cli, DATA / f"ties.{fmt}", target)
        assert r.exit_code == 0, r.stderr
        out[fmt] = load(target)
    return out


@pytest.mark.parametrize("fmt", FORMATS[1:])
def test_every_format_gives_the_same_graph(graphs, fmt):
    assert isomorphic(graphs["json"], graphs[fmt]), f"{fmt} differs from json"


def test_both_directions_are_one_tie_and_self_ties_are_dropped(graphs):
    g = graphs["json"]
    ties = set(g.subjects(RDF.type, CG.FormalPartnership))
    # rows: Nanjing→Nagoya, Nagoya→Nanjing, Nanjing→St. Louis, St. Louis→St. Louis, Leipzig→Nanjing
    assert ties == {PARTNERSHIP["Q11751-Q16666"], PARTNERSHIP["Q16666-Q38022"], PARTNERSHIP["Q2079-Q16666"]}
    assert set(g.objects(PARTNERSHIP["Q11751-Q16666"], CG.party)) == {PLACE.Q11751, PLACE.Q16666}
    for tie in ties:
        parties = set(g.objects(tie, CG.party))
        assert len(parties) == 2
        assert (tie, CG.kind, CG.FormalPartnership) in g
        assert any(True for _ in g.objects(tie, PROV.wasDerivedFrom))
    assert not any(str(t).endswith("Q38022-Q38022") for t in g.all_nodes())


def test_labels_coordinates_and_dates_at_their_precision(graphs):
    g = graphs["json"]
    assert (PLACE.Q16666, rdflib.RDFS.label, rdflib.Literal("Nanjing", lang="en")) in g
    wkt = rdflib.Literal("POINT(118.778888888 32.060833333)", datatype=rdflib.URIRef("http://www.opengis.net/ont/geosparql#wktLiteral"))
    geo = rdflib.Namespace("http://www.opengis.net/ont/geosparql#")
    # Wikidata's point is a geometry of the place; the centroid stays the curated, verified one
    geometry = rdflib.URIRef("https://w3id.org/citygraph/id/geometry/Q16666-wikidata")
    assert (PLACE.Q16666, geo.hasGeometry, geometry) in g
    assert (geometry, geo.asWKT, wkt) in g
    assert not any(g.triples((None, geo.hasCentroid, None)))
    # precision 11 (day), 9 (year), and none on 1988-05-01 (a month, never an invented day)
    dates = {str(e): d for e, d in g.subject_objects(CG.date)}
    assert dates[str(EVENT["Q11751-Q16666-formalisation-1978-12-21"])] == rdflib.Literal("1978-12-21", datatype=XSD.date)
    assert dates[str(EVENT["Q16666-Q38022-formalisation-1979"])] == rdflib.Literal("1979", datatype=XSD.gYear)
    assert dates[str(EVENT["Q2079-Q16666-formalisation-1988-05"])] == rdflib.Literal("1988-05", datatype=XSD.gYearMonth)


def test_map_reads_variables_from_other_columns(cli, tmp_path, graphs):
    out = tmp_path / "ties.ttl"
    r = run_import(cli, DATA / "renamed" / "ties.csv", out, "--map", "item=city", "--map", "twin=sister")
    assert r.exit_code == 0, r.stderr
    assert isomorphic(load(out), graphs["json"])


def test_without_map_the_missing_column_is_named(cli, tmp_path):
    r = run_import(cli, DATA / "renamed" / "ties.csv", tmp_path / "x.ttl")
    assert r.exit_code == 2
    assert "'item'" in r.stderr and "--map item=COLUMN" in r.stderr
    assert not (tmp_path / "x.ttl").exists()


@pytest.mark.parametrize("bad", ["item", "nosuchvar=city", "item=nosuchcolumn"])
def test_bad_map_is_exit_2_naming_the_option(cli, tmp_path, bad):
    r = run_import(cli, DATA / "ties.csv", tmp_path / "x.ttl", "--map", bad)
    assert r.exit_code == 2
    assert f"--map {bad}" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("name, where", [
    ("bad-row.csv", "bad-row.csv:3:"),
    ("bad-term.tsv", "bad-term.tsv:3:"),
    ("bad-qid.tsv", "line 3: ?twin"),
    ("bad-syntax.json", "bad-syntax.json:4:"),
    ("bad-date.json", "result 2: ?start"),
    ("bad-xml.xml", "bad-xml.xml:6:"),
])
def test_malformed_files_exit_2_naming_the_line_or_result(cli, tmp_path, name, where):
    out = tmp_path / "out.ttl"
    out.write_text("previous content\n")
    r = cli("import", "wikidata-results", DATA / name, "--out", out)
    assert r.exit_code == 2
    assert where in r.stderr
    assert "Traceback" not in r.stderr
    assert out.read_text() == "previous content\n"  # untouched: written atomically or not at all
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]  # no temp file left behind


def test_output_is_deterministic(cli, tmp_path):
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    assert run_import(cli, DATA / "ties.xml", a).exit_code == 0
    assert run_import(cli, DATA / "ties.xml", b).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_import_builds_with_add_as_its_own_named_graph(tmp_path):
    from citygraph.build import build
    from conftest import run_cli

    out = tmp_path / "ties.ttl"
    assert run_import(run_cli, DATA / "ties.json", out).exit_code == 0
    built = build(scope="nanjing", extra=[out])
    assert any(g.endswith("/add/ties") for g in built.data_graphs)
    assert built.report is not None and not built.report.violations
