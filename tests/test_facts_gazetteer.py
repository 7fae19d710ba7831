"""Every identifier, coordinate and Chinese name of the article's places matches the gazetteer.

The gazetteer (../shared/reference/gazetteer.tsv) is the only allowed source of QIDs, GeoNames
ids, coordinates and Chinese names. The test reads it when the shared folder is present, and
otherwise the committed copy of the columns it needs (tests/reference/gazetteer.tsv).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference" / "gazetteer.tsv"
COPY = Path(__file__).parent / "reference" / "gazetteer.tsv"
COLUMNS = ("name_in_article", "kind", "country", "wikidata_qid", "geonames_id", "latitude", "longitude", "chinese_name")


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))


GAZETTEER = {r["wikidata_qid"]: r for r in read(SHARED if SHARED.is_file() else COPY) if r["wikidata_qid"]}
PREFIXES = """PREFIX cg: <https://w3id.org/citygraph/ontology#>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def rows(curated, q: str):
    return list(curated.store.query(PREFIXES + q, use_default_graph_as_union=True))


@pytest.mark.skipif(not SHARED.is_file(), reason="compares the copy with ../shared when present")
def test_committed_copy_matches_the_shared_gazetteer():
    shared = [{c: r[c] for c in COLUMNS} for r in read(SHARED)]
    assert read(COPY) == shared


def test_every_qid_in_the_curated_data_is_the_gazetteer_s(curated):
    found = rows(curated, """SELECT ?x ?qid ?wd WHERE { GRAPH <https://w3id.org/citygraph/graph/data/nanjing> { ?x cg:qid ?qid }
        OPTIONAL { ?x cg:wikidata ?wd } }""")
    assert len(found) >= 45
    for r in found:
        qid = r["qid"].value
        assert qid in GAZETTEER, f"{r['x'].value}: {qid} is not in the gazetteer"
        assert r["wd"] is not None and r["wd"].value == f"http://www.wikidata.org/entity/{qid}"
        if "/place/" in r["x"].value:
            assert r["x"].value == f"https://w3id.org/citygraph/id/place/{qid}"


def test_every_party_of_a_nanjing_tie_is_in_the_gazetteer(curated):
    found = rows(curated, """SELECT DISTINCT ?qid WHERE { GRAPH <https://w3id.org/citygraph/graph/data/nanjing> { ?p cg:party ?place }
        ?place cg:qid ?qid }""")
    qids = {r["qid"].value for r in found}
    assert len(qids) == 23  # Nanjing, its 20 partners, Jiangsu, Khomas
    assert qids <= set(GAZETTEER)


@pytest.mark.parametrize("qid", sorted(q for q, r in GAZETTEER.items() if not r["kind"].startswith("org")))
def test_place_matches_its_gazetteer_row(curated, qid):
    g = GAZETTEER[qid]
    place = f"<https://w3id.org/citygraph/id/place/{qid}>"
    geonames = rows(curated, f"SELECT ?g WHERE {{ {place} cg:geonames ?g }}")
    expected = {f"https://sws.geonames.org/{g['geonames_id']}/"} if g["geonames_id"] else set()
    assert {r["g"].value for r in geonames} == expected
    wkt = rows(curated, f"SELECT ?w WHERE {{ {place} geo:hasCentroid ?c . ?c geo:asWKT ?w }}")
    assert [r["w"].value for r in wkt] == [f"POINT({g['longitude']} {g['latitude']})"]
    # every Chinese label (preferred or alternative) is one the gazetteer gives
    zh = rows(curated, f"SELECT ?l WHERE {{ {place} rdfs:label|skos:altLabel ?l FILTER(STRSTARTS(LANG(?l), 'zh')) }}")
    assert zh, f"{qid} has no Chinese label"
    assert all(r["l"].value in g["chinese_name"] for r in zh)
    # a name the gazetteer marks as traditional script is not tagged simplified
    if "traditional" in g["chinese_name"]:
        assert all(r["l"].language.lower() != "zh-hans" for r in zh if r["l"].value in g["chinese_name"].split(" (")[0])


def test_people_have_no_wikidata_ids(curated):
    assert rows(curated, "SELECT ?p WHERE { ?p a cg:Person ; cg:qid|cg:wikidata ?x }") == []
