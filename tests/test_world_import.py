"""The world importer on a small input folder of its own: the N-Triples text it hands the engine.

sources/world.py writes the world layer as N-Triples lines and lets pyoxigraph parse them
(`Store.load`) instead of building a Python `Quad` per triple. The graph it leaves in the store is
compared here triple by triple with the graph written out by hand below, so an escaping slip
(a quote, a backslash, a line break, a `\\u` that is text and not an escape) or a lost, doubled
or reordered pair shows as a difference.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from citygraph import ids
from citygraph.errors import BadInput
from citygraph.namespaces import PREFIXES, SOURCE, data_graph
from citygraph.sources import world

TRICKY = 'Pa"ris \\u0041 back\\slash'  # a quote, a backslash and a "\u0041" that must stay text
CITIES = f'''id,name,lng,lat,country,countrycd,continent
Q90,"{TRICKY.replace('"', '""')}",2.35,48.85,France,FR,Europe
Q64,"Ber
lin",13.4,52.5,Germany,DE,Europe
'''
LINKS = "source,target\nQ90,Q64\nQ64,Q90\nQ90,Q90\n"  # one pair twice (both directions) and a self-tie
RELATIONS = "Q64\tQ1055\n"
NAMES = "Q64\tBerlin\nQ90\tParis\nQ1055\tHamburg\n"
FAULTS = "qid\twhy\nQ64\tchecked: the tab-separated reason\n"

EXPECTED = r'''
@prefix cg: <https://w3id.org/citygraph/ontology#> . @prefix place: <https://w3id.org/citygraph/id/place/> .
@prefix partnership: <https://w3id.org/citygraph/id/partnership/> . @prefix claim: <https://w3id.org/citygraph/id/claim/> .
@prefix source: <https://w3id.org/citygraph/id/source/> . @prefix wd: <http://www.wikidata.org/entity/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix schema: <https://schema.org/> .

place:Q64 a cg:City ; cg:qid "Q64" ; cg:wikidata wd:Q64 ; rdfs:label "Ber\nlin" ; skos:altLabel "Berlin" ;
  geo:hasCentroid <https://w3id.org/citygraph/id/place/Q64/centroid> .
<https://w3id.org/citygraph/id/place/Q64/centroid> a geo:Geometry ; geo:asWKT "POINT(13.4 52.5)"^^geo:wktLiteral .
claim:Q64-bothness-country a cg:Claim ; cg:about place:Q64 ; schema:addressCountry "DE" ; cg:continent "Europe" ;
  rdfs:label "bothness map country of Ber\nlin: Germany (DE)"@en ; prov:wasDerivedFrom source:world-bothness-cities .
claim:Q64-bothness-country-discrepancy a cg:Discrepancy ; cg:about place:Q64 , claim:Q64-bothness-country ;
  cg:reading "bothness-cities.csv (country from map boundaries) places Ber\nlin in Germany (DE)"@en ,
             "checked: the tab-separated reason"@en ;
  cg:resolution "The bothness country is kept only as a claim of its source, never as cg:country; the curated or documented reading stands."@en ;
  prov:wasDerivedFrom source:world-bothness-cities .

place:Q90 a cg:City ; cg:qid "Q90" ; cg:wikidata wd:Q90 ; rdfs:label "Pa\"ris \\u0041 back\\slash" ; skos:altLabel "Paris" ;
  geo:hasCentroid <https://w3id.org/citygraph/id/place/Q90/centroid> .
<https://w3id.org/citygraph/id/place/Q90/centroid> a geo:Geometry ; geo:asWKT "POINT(2.35 48.85)"^^geo:wktLiteral .
claim:Q90-bothness-country a cg:Claim ; cg:about place:Q90 ; schema:addressCountry "FR" ; cg:continent "Europe" ;
  rdfs:label "bothness map country of Pa\"ris \\u0041 back\\slash: France (FR)"@en ; prov:wasDerivedFrom source:world-bothness-cities .

place:Q1055 a cg:Place ; cg:qid "Q1055" ; cg:wikidata wd:Q1055 ; rdfs:label "Hamburg" .

partnership:Q64-Q90 a cg:FormalPartnership ; cg:kind cg:FormalPartnership ; cg:party place:Q64 , place:Q90 ;
  prov:wasDerivedFrom source:world-bothness-links .
place:Q64 cg:twinnedWith place:Q90 .
partnership:Q64-Q1055 a cg:FormalPartnership ; cg:kind cg:FormalPartnership ; cg:party place:Q64 , place:Q1055 ;
  prov:wasDerivedFrom source:world-l3viathan-relations .
place:Q64 cg:twinnedWith place:Q1055 .
'''


def _folder(tmp_path: Path, **override: str) -> Path:
    files = {world.CITIES: CITIES, world.LINKS: LINKS, world.RELATIONS: RELATIONS, world.NAMES: NAMES,
             world.KNOWN_FAULTS: FAULTS} | {getattr(world, k): v for k, v in override.items()}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _imported(folder: Path) -> set[ox.Triple]:
    store = ox.Store()
    graph = world.import_world(store, folder)
    assert graph == data_graph("world").value
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


def test_the_loaded_graph_is_exactly_the_one_written_by_hand(tmp_path):
    got = _imported(_folder(tmp_path))
    sources = {t for t in got if t.subject.value.startswith(str(SOURCE))}
    assert {t.subject.value.rsplit("/", 1)[-1] for t in sources} == {v[0] for v in world.SOURCES.values()}
    assert len(sources) == 5 * len(world.SOURCES)  # type, label, origin, licence, description each
    expected = {q.triple for q in ox.parse(EXPECTED.encode(), format=ox.RdfFormat.TURTLE)}
    assert got - sources == expected, (f"imported only: {sorted(map(str, got - sources - expected))}\n"
                                       f"expected only: {sorted(map(str, expected - got))}")


def test_world_quads_are_the_imported_graph(tmp_path):
    folder = _folder(tmp_path)
    quads = world.world_quads(world.read_inputs(folder), "urn:x-test:world")
    assert {q.graph_name for q in quads} == {ox.NamedNode("urn:x-test:world")}
    assert {q.triple for q in quads} == _imported(folder)


def test_partnership_iris_are_the_ids_module_s(tmp_path):
    # world_lines writes the tie IRI from the ordered pair itself; it must be ids.partnership_iri
    got = _imported(_folder(tmp_path))
    ties = {t.subject for t in got if t.predicate.value == PREFIXES["cg"] + "party"}
    assert ties == {ids.partnership_iri("Q90", "Q64"), ids.partnership_iri("Q1055", "Q64")}


@pytest.mark.parametrize("text", ["plain", 'a "quote"', "back\\slash", "line\nbreak", "carriage\rreturn",
                                  "\\u0041 and \\n as text", "tab\tand ünïcødé 南京", "", "\x00nul"])
def test_a_literal_s_text_survives_the_engine_s_parser(text):
    doc = f"<urn:x:s> <urn:x:p> {world._lit(text)} .".encode()
    (quad,) = list(ox.parse(doc, format=ox.RdfFormat.N_TRIPLES))
    assert quad.object == ox.Literal(text)


@pytest.mark.parametrize(("name", "text", "where"), [
    ("LINKS", "source,target\nQ90,Q64\nQ90,Paris\n", "bothness-links.csv:3"),
    ("RELATIONS", "Q64\tQ1055\nQ0\tQ64\n", "l3viathan-relations.tsv:2"),
    ("LINKS", "source,target\nQ90,Q64,Q1\n", "bothness-links.csv:2"),
])
def test_a_bad_pair_row_is_named_by_file_and_line(tmp_path, name, text, where):
    with pytest.raises(BadInput, match=where):
        world.read_inputs(_folder(tmp_path, **{name: text}))
