"""void.ttl against DCAT-AP 3 shapes; dataset.jsonld, datacite.json and .zenodo.json parsed and checked."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID

from citygraph.namespaces import DATASET, GRAPH
from citygraph.publish import catalogue, formats, outputs, release

DATASET_IRI = DATASET.value

SHAPES = Path(__file__).parent / "data" / "dcat-ap" / "dcat-ap-3.shapes.ttl"
BASE = "https://example.org/citygraph/0.1.0/"
ENDPOINT = "https://example.org/citygraph/sparql"
DS = rdflib.URIRef(DATASET_IRI)


@pytest.fixture(scope="module")
def released(curated, tmp_path_factory):
    return outputs.write_release(curated, tmp_path_factory.mktemp("release") / "dist", base_url=BASE,
                                 release_date="2027-03-01", sparql_endpoint=ENDPOINT)


@pytest.fixture(scope="module")
def unreleased(curated, tmp_path_factory):
    """The same build without a base URL or a release date."""
    return outputs.write_release(curated, tmp_path_factory.mktemp("plain") / "dist")


def void_graph(folder) -> rdflib.Graph:
    return rdflib.Graph().parse(folder / "void.ttl", format="turtle")


def shacl(folder):
    conforms, results, text = pyshacl.validate(void_graph(folder), shacl_graph=rdflib.Graph().parse(SHAPES))
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    rows = [(results.value(r, sh.resultSeverity), results.value(r, sh.focusNode), results.value(r, sh.resultPath))
            for r in results.subjects(RDF.type, sh.ValidationResult)]
    return conforms, rows, text


def test_void_meets_dcat_ap_3_mandatory_and_recommended_properties(released):
    conforms, rows, text = shacl(released)
    assert conforms, text
    assert rows == [], text  # not even a warning: every recommended property is there


def test_without_a_base_url_dcat_ap_misses_the_access_urls(unreleased):
    conforms, rows, _ = shacl(unreleased)
    assert not conforms
    missing = {(str(focus), str(path)) for severity, focus, path in rows}
    dists = {f"{DATASET_IRI}/{name}" for name, _ in formats.present(unreleased)}
    assert missing == {(d, str(DCAT.accessURL)) for d in dists}


def test_every_distribution_says_where_it_is_and_what_it_is(released):
    g = void_graph(released)
    dists = {str(g.value(d, DCTERMS.title)): d for d in g.objects(DS, DCAT.distribution)}
    assert sorted(dists) == [name for name, _ in formats.present(released)]
    for name, d in dists.items():
        assert str(g.value(d, DCAT.downloadURL)) == BASE + name
        assert str(g.value(d, DCAT.accessURL)) == BASE
        assert int(g.value(d, DCAT.byteSize)) == (released / name).stat().st_size
        assert str(g.value(d, DCTERMS.conformsTo)) == formats.DISTRIBUTIONS[name].conforms_to
    dumps = {str(u) for u in g.objects(DS, VOID.dataDump)}
    assert dumps == {BASE + n for n, f in formats.DISTRIBUTIONS.items() if f.rdf}
    assert str(g.value(DS, VOID.sparqlEndpoint)) == ENDPOINT


def test_dates_come_from_the_release_date_given_or_the_ontology_never_the_clock(released, unreleased, curated):
    assert str(void_graph(released).value(DS, DCTERMS.issued)) == "2027-03-01"
    assert str(void_graph(released).value(DS, DCTERMS.modified)) == "2027-03-01"
    ontology_date = release.data_release_date(curated.store)
    assert str(void_graph(unreleased).value(DS, DCTERMS.issued)) == ontology_date.isoformat()
    assert ontology_date != dt.date(2027, 3, 1)


def test_temporal_coverage_is_the_earliest_and_latest_dated_event_of_a_tie(released):
    trig = rdflib.Dataset().parse(released / "citygraph.trig", format="trig")
    rows = trig.query("""
        PREFIX cg: <https://w3id.org/citygraph/ontology#>
        SELECT ?d WHERE { GRAPH ?g { ?tie cg:event ?e . ?e cg:date ?d
          FILTER NOT EXISTS { ?e cg:dateQualifier cg:Planned } FILTER NOT EXISTS { ?e a cg:HistoricalEvent } } }""")
    years = sorted(str(r.d)[:4] for r in rows)
    g = void_graph(released)
    period = g.value(DS, DCTERMS.temporal)
    assert str(g.value(period, DCAT.startDate))[:4] == years[0]
    assert str(g.value(period, DCAT.endDate))[:4] == years[-1]


def test_each_named_graph_carries_its_licence(released, curated):
    g = void_graph(released)
    licences = {str(s): str(g.value(s, DCTERMS.license)) for s in g.objects(DS, VOID.subset)}
    assert licences == {graph: release.CC_BY for graph in curated.graph_sizes() if graph}
    assert g.value(DS, DCTERMS.license) == rdflib.URIRef(release.CC_BY)


@pytest.mark.slow
def test_the_world_layer_is_cc0_and_the_rest_cc_by(world_dumps):
    g = void_graph(world_dumps)
    licences = {str(s): str(g.value(s, DCTERMS.license)) for s in g.objects(DS, VOID.subset)}
    assert licences.pop(GRAPH["data/world"].value) == release.CC0
    assert set(licences.values()) == {release.CC_BY}


def test_schema_org_dataset_has_what_dataset_search_reads(released):
    data = json.loads((released / catalogue.SCHEMA_JSONLD).read_text(encoding="utf-8"))
    assert data["@context"] == "https://schema.org/" and data["@type"] == "Dataset"
    assert 50 <= len(data["description"]) <= 5000
    for key in ("name", "url", "version", "license", "creator", "keywords", "spatialCoverage", "temporalCoverage", "citation"):
        assert data[key], key
    assert data["license"] == release.CC_BY and data["creator"]["name"] == "citygraph contributors"
    downloads = {d["name"]: d for d in data["distribution"]}
    assert sorted(downloads) == [name for name, _ in formats.present(released)]
    for name, d in downloads.items():
        assert d["@type"] == "DataDownload"
        assert d["contentUrl"] == BASE + name
        assert d["encodingFormat"] == formats.DISTRIBUTIONS[name].media_type
    start, end = data["temporalCoverage"].split("/")
    assert start <= end
    s, w, n, e = (float(x) for x in data["spatialCoverage"]["geo"]["box"].split())
    assert -90 <= s <= n <= 90 and -180 <= w <= e <= 180
    assert any("The Nanjinger" in c for c in data["citation"])


def test_schema_org_dataset_is_json_ld_pyld_can_expand(released):
    from pyld import jsonld

    data = json.loads((released / catalogue.SCHEMA_JSONLD).read_text(encoding="utf-8"))
    data["@context"] = {"@vocab": "https://schema.org/", "contentUrl": {"@type": "@id"}}  # offline: no fetch of schema.org
    expanded = jsonld.expand(data)
    assert expanded[0]["@type"] == ["https://schema.org/Dataset"]


def test_datacite_record_has_the_schemas_mandatory_properties(released):
    data = json.loads((released / catalogue.DATACITE).read_text(encoding="utf-8"))
    # DataCite 4.5 mandatory: Identifier (assigned on deposit), Creator, Title, Publisher, PublicationYear, ResourceType
    assert data["creators"] == [{"name": "citygraph contributors", "nameType": "Organizational"}]
    assert data["titles"][0]["title"] == release.TITLE
    assert data["publisher"]["name"]
    assert data["publicationYear"] == "2027"
    assert data["types"]["resourceTypeGeneral"] == "Dataset"
    assert "doi" not in data  # the registration agency assigns it
    # recommended and optional ones we fill
    assert {d["dateType"] for d in data["dates"]} == {"Issued", "Coverage"}
    assert {r["rightsIdentifier"] for r in data["rightsList"]} == {"cc-by-4.0", "cc0-1.0"}
    assert data["url"] == BASE and data["version"]
    box = data["geoLocations"][0]["geoLocationBox"]
    assert box["westBoundLongitude"] <= box["eastBoundLongitude"]


def test_zenodo_deposit_metadata(released):
    data = json.loads((released / catalogue.ZENODO).read_text(encoding="utf-8"))
    assert data["upload_type"] == "dataset" and data["access_right"] == "open"
    assert data["license"] == "cc-by-4.0"
    assert data["creators"] == [{"name": "citygraph contributors"}]
    assert data["publication_date"] == "2027-03-01"
    assert all(data[k] for k in ("title", "description", "keywords", "version"))


def test_records_are_listed_in_sha256sums_and_byte_identical_on_rebuild(released, curated, tmp_path):
    listed = {line.split("  ", 1)[1] for line in (released / "SHA256SUMS").read_text().splitlines()}
    assert {catalogue.SCHEMA_JSONLD, catalogue.DATACITE, catalogue.ZENODO, "void.ttl"} <= listed
    again = outputs.write_release(curated, tmp_path / "again", base_url=BASE, release_date="2027-03-01", sparql_endpoint=ENDPOINT)
    for p in sorted(q for q in released.rglob("*") if q.is_file()):  # pictures/ included
        name = p.relative_to(released)
        assert (again / name).read_bytes() == p.read_bytes(), name


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--base-url", "ftp://example.org/x", "--base-url 'ftp://example.org/x': give the http(s) folder URL"),
    ("--release-date", "2027-13-01", "--release-date '2027-13-01': not a date; write YYYY-MM-DD"),
])
def test_bad_release_options_are_named(cli, tmp_path, option, value, message):
    result = cli("build", "--scope", "nanjing", "--out", tmp_path / "dist", option, value)
    assert result.exit_code == 2
    assert result.stderr.startswith("citygraph: error: " + message)
    assert not (tmp_path / "dist").exists()
