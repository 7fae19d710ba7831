"""The exports for people without RDF: CSV + CSVW (round trip to RDF), Excel, GeoJSON, ties.json.

The CSVW-to-RDF conversion here is written for the features our metadata uses (W3C "Generating
RDF from Tabular Data on the Web", minimal mode): the table's aboutUrl, per-column aboutUrl,
propertyUrl, valueUrl (URI templates with {name} and {+name}), separator, datatype (a
built-in name or {"@id": IRI}) and suppressOutput.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
import zipfile

import pyoxigraph as ox
import pytest
from openpyxl import load_workbook

from citygraph.namespaces import CG, RDF
from citygraph.publish import formats, outputs
from citygraph.publish.tabular import csv_export, geojson_export, tables, ties_json

XSD = "http://www.w3.org/2001/XMLSchema#"
BUILTIN = {"string": XSD + "string", "anyURI": XSD + "anyURI", "gYear": XSD + "gYear", "date": XSD + "date",
           "integer": XSD + "integer", "decimal": XSD + "decimal"}


@pytest.fixture(scope="module")
def dist(curated, tmp_path_factory):
    return outputs.write_release(curated, tmp_path_factory.mktemp("exports") / "dist", release_date="2026-11-29")


@pytest.fixture(scope="module")
def graph(curated) -> set[ox.Triple]:
    """Every triple of the build, graphs merged."""
    return {q.triple for q in curated.store}


def read_csv(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


# --- a small CSVW-to-RDF converter --------------------------------------------------------------

def expand(template: str, row: dict) -> str:
    def sub(m):
        reserved, name = m.group(1) == "+", m.group(2)
        value = row[name]
        return value if reserved else urllib.parse.quote(value, safe="")
    return re.sub(r"\{(\+?)([A-Za-z_][A-Za-z0-9_]*)\}", sub, template)


def csvw_to_rdf(folder, name: str) -> set[ox.Triple]:
    meta = json.loads((folder / f"{name}-metadata.json").read_text(encoding="utf-8"))
    assert meta["@context"] == "http://www.w3.org/ns/csvw" and meta["url"] == name
    schema = meta["tableSchema"]
    out = set()
    for row in read_csv(folder / name):
        for col in schema["columns"]:
            if col.get("suppressOutput") or row[col["name"]] == "":
                continue
            cells = row[col["name"]].split(col["separator"]) if col.get("separator") else [row[col["name"]]]
            subject = ox.NamedNode(expand(col.get("aboutUrl", schema["aboutUrl"]), row))
            for cell in cells:
                value = {**row, col["name"]: cell}
                if "valueUrl" in col:
                    obj = ox.NamedNode(expand(col["valueUrl"], value))
                else:
                    dt = col["datatype"]
                    obj = ox.Literal(cell, datatype=ox.NamedNode(dt["@id"] if isinstance(dt, dict) else BUILTIN[dt]))
                out.add(ox.Triple(subject, ox.NamedNode(col["propertyUrl"]), obj))
    return out


@pytest.mark.parametrize("name", sorted(csv_export.TABLES))
def test_csvw_describes_every_column_of_the_csv(dist, name):
    meta = json.loads((dist / f"{name}-metadata.json").read_text(encoding="utf-8"))
    header = (dist / name).read_text(encoding="utf-8").splitlines()[0].split(",")
    assert [c["name"] for c in meta["tableSchema"]["columns"]] == header
    assert all(c["dc:description"] for c in meta["tableSchema"]["columns"])


@pytest.mark.parametrize("name", sorted(csv_export.TABLES))
def test_csv_converts_back_to_triples_of_the_graph(dist, graph, name):
    triples = csvw_to_rdf(dist, name)
    assert triples, name
    assert triples - graph == set()


def test_csv_carries_every_party_kind_source_and_event_of_each_tie(dist, graph):
    """The other way round: for the ties in the CSV, the graph's facts the columns stand for are all there."""
    triples = csvw_to_rdf(dist, "ties.csv") | csvw_to_rdf(dist, "events.csv")
    ties = {ox.NamedNode(r["tie"]) for r in read_csv(dist / "ties.csv")}
    for p in (CG.party, CG.kind, CG.event, CG.listedYear):
        expected = {t for t in graph if t.subject in ties and t.predicate == p}
        assert expected and expected <= triples, p


def test_one_row_per_tie_with_labels_where_people_read(dist, curated):
    rows = read_csv(dist / "ties.csv")
    ties = {r["t"].value for r in curated.store.query(
        f"SELECT DISTINCT ?t WHERE {{ GRAPH ?g {{ ?t {CG.party} ?p }} }}")}
    assert sorted(r["tie"] for r in rows) == sorted(ties)
    nagoya = next(r for r in rows if r["tie"].endswith("Q11751-Q16666"))
    assert (nagoya["party_a"], nagoya["party_b"], nagoya["party_a_country"]) == ("Nagoya", "Nanjing", "Japan")
    assert (nagoya["kind"], nagoya["kind_normalised"]) == ("sister city", "formal")
    # formalised "1978" (the article) and "1978-12-21" (nsca.gr.jp): the interval spans both
    assert (nagoya["start_earliest"], nagoya["start_latest"]) == ("1978-01-01", "1978-12-31")
    assert nagoya["listed_year"] == "1978"
    assert int(nagoya["events"]) == sum(1 for e in read_csv(dist / "events.csv") if e["tie"] == nagoya["tie"])


def test_status_comes_from_status_on_for_the_release_date(dist, curated):
    from citygraph.query.catalogue import get
    from citygraph.query.run import run

    result = run(get("status-on"), {"date": "2026-11-29"}, store=curated.store)
    expected = {d["tie"]: d["status"] for d in result.dicts()}
    rows = {r["tie"]: r["status"] for r in read_csv(dist / "ties.csv")}
    assert {t: s for t, s in rows.items() if t in expected} == expected
    assert all(s == "unknown" for t, s in rows.items() if t not in expected)
    earlier = tables.tables(curated, __import__("datetime").date(2012, 2, 21))
    nagoya = next(t for t in earlier.ties if t["tie"].endswith("Q11751-Q16666"))
    assert nagoya["status"] == "suspended"  # suspended that day (tests/data/status: the day itself is certain)


def test_date_intervals():
    nlt = {CG.NoLaterThan.value}
    assert tables.date_interval("2019", XSD + "gYear", nlt) == ("", "2019-12-31")
    assert tables.date_interval("2012-02", XSD + "gYearMonth", set()) == ("2012-02-01", "2012-02-29")
    assert tables.date_interval("2012-02-21", XSD + "date", set()) == ("2012-02-21", "2012-02-21")


def test_xlsx_has_a_sheet_per_table_with_the_csv_cells(dist):
    wb = load_workbook(dist / "citygraph.xlsx", read_only=True)
    assert wb.sheetnames == ["ties", "places", "events"]
    for sheet, name in (("ties", "ties.csv"), ("places", "places.csv"), ("events", "events.csv")):
        cells = [["" if v is None else str(v) for v in row] for row in wb[sheet].iter_rows(values_only=True)]
        with open(dist / name, encoding="utf-8", newline="") as f:
            assert cells == list(csv.reader(f))
    with zipfile.ZipFile(dist / "citygraph.xlsx") as z:
        dates = {i.date_time for i in z.infolist()}
        assert len(dates) == 1 and next(iter(dates))[0] == 1980  # one fixed date, not the clock
        core = z.read("docProps/core.xml").decode()
    assert ">2026-11-29T00:00:00Z</dcterms:modified>" in core and ">2026-11-29T00:00:00Z</dcterms:created>" in core


def test_geojson_lines_run_between_the_parties_points(dist):
    doc = json.loads((dist / "ties.geojson").read_text(encoding="utf-8"))
    places = {r["place"]: (float(r["longitude"]), float(r["latitude"])) for r in read_csv(dist / "places.csv") if r["longitude"]}
    ties = {r["tie"]: r for r in read_csv(dist / "ties.csv")}
    assert doc["type"] == "FeatureCollection"
    assert sorted(f["id"] for f in doc["features"]) == sorted(ties)
    drawn = 0
    for f in doc["features"]:
        a, b = places.get(ties[f["id"]]["party_a_iri"]), places.get(ties[f["id"]]["party_b_iri"])
        if f["geometry"] is None:
            assert a is None or b is None
            continue
        drawn += 1
        parts = [f["geometry"]["coordinates"]] if f["geometry"]["type"] == "LineString" else f["geometry"]["coordinates"]
        assert tuple(parts[0][0]) == a and tuple(parts[-1][-1]) == b
        assert f["properties"]["party_a_qid"] == ties[f["id"]]["party_a_qid"]
    assert drawn


def test_a_line_across_the_antimeridian_is_split_where_it_crosses():
    parts = geojson_export.split_at_antimeridian((170.0, 10.0), (-170.0, 20.0))
    assert parts == [[[170.0, 10.0], [180.0, 15.0]], [[-180.0, 15.0], [-170.0, 20.0]]]
    back = geojson_export.split_at_antimeridian((-170.0, 20.0), (170.0, 10.0))
    assert back == [[[-170.0, 20.0], [-180.0, 15.0]], [[180.0, 15.0], [170.0, 10.0]]]
    assert geojson_export.split_at_antimeridian((10.0, 1.0), (20.0, 2.0)) == [[[10.0, 1.0], [20.0, 2.0]]]


def test_ties_json_is_plain_json_with_arrays_where_a_property_repeats(dist):
    doc = json.loads((dist / "ties.json").read_text(encoding="utf-8"))
    assert isinstance(doc["ties"], list) and doc["ties"]
    for tie in doc["ties"]:
        for key in ("type", "kind", "party", "event", "source"):
            assert isinstance(tie[key], list), key
        assert len(tie["party"]) == 2
        for e in tie["event"]:
            assert isinstance(e["type"], list) and isinstance(e["source"], list) and isinstance(e["dateQualifier"], list)
        assert all(":" not in k or k.startswith("@") for k in tie)  # short keys
    nagoya = next(t for t in doc["ties"] if t["id"].endswith("Q11751-Q16666"))
    assert nagoya["type"] == ["FormalPartnership"]  # asserted only: not also Partnership, prov:Entity
    assert nagoya["kind"] == ["SisterCity"]  # the source's own word
    assert json.loads((dist / "ties.context.jsonld").read_text())["@context"] == doc["@context"]


def test_ties_json_read_by_pyld_gives_triples_of_the_graph(dist, graph):
    from pyld import jsonld

    doc = json.loads((dist / "ties.json").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    triples = {q.triple for q in ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)}
    assert len(triples) > 100
    assert triples - graph == set()
    formal = {t.subject for t in triples if t.predicate == RDF.type and t.object == CG.FormalPartnership}
    # asserted types only: a formal tie does not also carry its inferred superclass cg:Partnership
    assert formal and not any(t.predicate == RDF.type and t.object == CG.Partnership and t.subject in formal for t in triples)


def test_exports_are_listed_in_void_and_sha256sums_and_rebuild_byte_identical(dist, curated, tmp_path):
    listed = {line.split("  ", 1)[1] for line in (dist / "SHA256SUMS").read_text().splitlines()}
    void = (dist / "void.ttl").read_text(encoding="utf-8")
    for name in formats.DISTRIBUTIONS:
        assert name in listed, name
        assert f"<https://w3id.org/citygraph/dataset/{name}>" in void, name
    again = outputs.write_release(curated, tmp_path / "again", release_date="2026-11-29")
    for p in sorted(q for q in dist.rglob("*") if q.is_file()):  # pictures/ included
        name = p.relative_to(dist)
        assert (again / name).read_bytes() == p.read_bytes(), name


@pytest.mark.slow
def test_world_exports(world, tmp_path):
    out = outputs.write_release(world, tmp_path / "world")
    rows = read_csv(out / "ties.csv")
    assert len(rows) > 10_000
    doc = json.loads((out / "ties.json").read_text(encoding="utf-8"))
    assert len(doc["ties"]) == len(rows)
    ids = [f["id"] for f in json.loads((out / "ties.geojson").read_text())["features"]]
    assert ids == [r["tie"] for r in rows]
    assert ties_json.NAME in (out / "SHA256SUMS").read_text()
