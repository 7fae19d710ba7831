"""The ontology and its vocabularies: documented terms, and the reasoning they promise.

Reasoning is checked on the curated build (fixture `curated`, the real build with the default
reasoner) and, for the preliminary stage, on a small graph with both reasoners.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from citygraph.build import BuiltGraph
from citygraph.load import resources
from citygraph.load.rdfio import load_file
from citygraph.namespaces import GRAPH_INFERRED, GRAPH_ONTOLOGY, data_graph
from citygraph.reason import materialise as reason

CG = "https://w3id.org/citygraph/ontology#"
PREFIXES = f"""PREFIX cg: <{CG}>
PREFIX place: <https://w3id.org/citygraph/id/place/>
PREFIX partnership: <https://w3id.org/citygraph/id/partnership/>
PREFIX event: <https://w3id.org/citygraph/id/event/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX vann: <http://purl.org/vocab/vann/>
"""
INFERRED = f"{GRAPH_INFERRED}"
SISTER_CITY_PARTNERS = {"Q11751", "Q38022", "Q2044", "Q9832", "Q2079", "Q199440", "Q185632", "Q20921", "Q92561", "Q3183",
                        "Q37701", "Q62823", "Q61089", "Q9279", "Q3935", "Q154835", "Q19316", "Q1880", "Q6397066", "Q11025"}


@pytest.fixture(scope="module")
def ontology() -> ox.Store:
    store = ox.Store()
    for f in resources.ontology_files():
        load_file(store, f, None)
    return store


def select(store, q: str, union: bool = False):
    return list(store.query(PREFIXES + q, use_default_graph_as_union=union) if union else store.query(PREFIXES + q))


def ask(store, q: str) -> bool:
    return bool(store.query(PREFIXES + q, use_default_graph_as_union=True))


# --- the ontology is documented ------------------------------------------------------------------

def test_ontology_header(ontology):
    for prop in ("dcterms:title", "owl:versionIRI", "owl:versionInfo", "dcterms:license", "dcterms:creator",
                 "dcterms:created", "dcterms:modified", "vann:preferredNamespacePrefix", "vann:preferredNamespaceUri"):
        assert ask(ontology, f"ASK {{ <https://w3id.org/citygraph/ontology> a owl:Ontology ; {prop} ?v }}"), prop


def test_every_own_term_has_an_english_label_a_chinese_label_and_a_definition(ontology):
    missing = {}
    for check, q in {
        "rdfs:label@en": "?t rdfs:label ?l FILTER(langMatches(LANG(?l), 'en'))",
        "rdfs:label@zh-Hans": "?t rdfs:label ?l FILTER(langMatches(LANG(?l), 'zh-Hans'))",
        "skos:definition@en": "?t skos:definition ?l FILTER(langMatches(LANG(?l), 'en'))",
    }.items():
        rows = select(ontology, f"""SELECT ?t WHERE {{ VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty }}
            ?t a ?kind . FILTER(STRSTARTS(STR(?t), "{CG}")) FILTER NOT EXISTS {{ {q} }} }}""")
        if rows:
            missing[check] = sorted(r["t"].value for r in rows)
    assert missing == {}
    n = select(ontology, f"""SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty }}
        ?t a ?kind . FILTER(STRSTARTS(STR(?t), "{CG}")) }}""")[0]["n"]
    assert int(n.value) > 60  # the check above really ran over the ontology's terms


@pytest.mark.parametrize("scheme", ["partnership-kind", "event-kind", "field", "role", "measure", "document", "criterion"])
def test_every_concept_of_a_scheme_is_labelled_in_english_and_chinese(ontology, scheme):
    iri = f"<https://w3id.org/citygraph/vocab/{scheme}>"
    concepts = select(ontology, f"SELECT ?c WHERE {{ ?c skos:inScheme {iri} }}")
    assert len(concepts) >= 6
    for lang in ("en", "zh-Hans"):
        rows = select(ontology, f"""SELECT ?c WHERE {{ ?c skos:inScheme {iri} .
            FILTER NOT EXISTS {{ ?c skos:prefLabel ?l FILTER(langMatches(LANG(?l), "{lang}")) }} }}""")
        assert rows == [], f"{scheme}: concepts without a {lang} prefLabel"
    assert select(ontology, f"SELECT ?c WHERE {{ ?c skos:inScheme {iri} FILTER NOT EXISTS {{ ?c skos:definition ?d }} }}") == []


def test_the_regional_terms_the_article_explains(ontology):
    labels = {(r["c"].value.removeprefix(CG), r["l"].value) for r in select(
        ontology, "SELECT ?c ?l WHERE { ?c skos:inScheme <https://w3id.org/citygraph/vocab/partnership-kind> ; skos:prefLabel|skos:altLabel ?l }")}
    for term in [("SisterCity", "sister city"), ("TwinTown", "twin town"), ("FriendshipCity", "友好城市"),
                 ("FriendshipCity", "yǒuhǎo chéngshì"), ("PreliminaryPartnership", "friendship & cooperation city"),
                 ("Partnership", "city diplomacy")]:
        assert term in labels
    assert ask(ontology, "ASK { cg:FormalPartnership owl:disjointWith cg:PreliminaryPartnership }")


def test_no_blank_nodes_in_the_ontology_and_vocabularies():
    for f in resources.ontology_files():
        store = ox.Store()
        store.load(path=str(f), format=ox.RdfFormat.TURTLE)
        assert not any(isinstance(t, ox.BlankNode) for q in store for t in (q.subject, q.object)), f


# --- reasoning on the curated build ----------------------------------------------------------

def _partners(curated, cls: str) -> set[str]:
    rows = select(curated.store, f"""SELECT ?qid WHERE {{ ?p a cg:{cls} ; cg:party place:Q16666 , ?o .
        FILTER(?o != place:Q16666) ?o cg:qid ?qid }}""", union=True)
    return {r["qid"].value for r in rows}


@pytest.mark.parametrize("label", ["sister city@en-US", "twin town@en-GB", "友好城市@zh-Hans", "friendship city@en-CN",
                                   "Partnerstadt@de", "ville jumelée@fr"])
def test_a_query_for_any_regional_name_finds_the_formal_ties(curated, label):
    text, lang = label.rsplit("@", 1)
    rows = select(curated.store, f"""SELECT DISTINCT ?qid WHERE {{
        ?kind skos:prefLabel|skos:altLabel "{text}"@{lang} . ?p a ?kind ; cg:party place:Q16666 , ?o .
        FILTER(?o != place:Q16666) ?o cg:qid ?qid }}""", union=True)
    assert {r["qid"].value for r in rows} == SISTER_CITY_PARTNERS


SYNONYMS = ["FormalPartnership", "SisterCity", "TwinTown", "FriendshipCity"]


def test_no_tie_carries_two_synonymous_types(curated):
    rows = select(curated.store, f"""SELECT ?p (COUNT(DISTINCT ?t) AS ?n) WHERE {{
        VALUES ?t {{ {" ".join("cg:" + c for c in SYNONYMS)} }} ?p a ?t }} GROUP BY ?p HAVING (COUNT(DISTINCT ?t) > 1)""", union=True)
    assert rows == []


SYNONYMOUS_TYPES = f"""SELECT ?p (COUNT(DISTINCT ?t) AS ?n) WHERE {{
    VALUES ?t {{ {" ".join(f"<{CG}{c}>" for c in SYNONYMS)} }} ?p a ?t }} GROUP BY ?p HAVING (COUNT(DISTINCT ?t) > 1)"""


@pytest.mark.parametrize("name, fmt", [("citygraph.nt", ox.RdfFormat.N_TRIPLES), ("citygraph.jsonld", ox.RdfFormat.JSON_LD),
                                       ("citygraph.trig", ox.RdfFormat.TRIG), ("citygraph.ttl", ox.RdfFormat.TURTLE)])
def test_no_dump_types_a_tie_twice(curated_dumps, name, fmt):
    """What a reader of each dump sees: one class per tie among the kinds, never the regional synonyms as types."""
    store = ox.Store()
    store.load(path=str(curated_dumps / name), format=fmt)
    assert len(store) > 1000
    assert list(store.query(SYNONYMOUS_TYPES, use_default_graph_as_union=True)) == []
    regional = " ".join(f"<{CG}{c}>" for c in SYNONYMS[1:])
    assert not store.query(f"ASK {{ VALUES ?t {{ {regional} }} ?p a ?t }}", use_default_graph_as_union=True)


def test_no_tie_of_the_world_build_carries_two_synonymous_types(world):
    assert list(world.store.query(SYNONYMOUS_TYPES, use_default_graph_as_union=True)) == []


def test_each_tie_keeps_the_source_s_word(curated):
    kinds = {r["p"].value.rsplit("/", 1)[-1]: r["k"].value.removeprefix(CG) for r in select(
        curated.store, "SELECT ?p ?k WHERE { ?p cg:kind ?k ; cg:party place:Q16666 }", union=True)}
    # "becoming friendship cities in 2016", "formally concluded the Friendship City relationship",
    # "signed the “Friendly City Agreement”"
    for tie in ("Q16666-Q154835", "Q16666-Q37701", "Q16666-Q19316"):
        assert kinds[tie] == "FriendshipCity"
    assert kinds["Q11751-Q16666"] == "SisterCity"  # "formally given sister status"


def test_the_province_ties_are_not_formal(curated):
    for p in ("Q16963-Q834508", "Q11751-Q16963"):
        assert not ask(curated.store, f"ASK {{ partnership:{p} a cg:FormalPartnership }}")
        assert ask(curated.store, f"ASK {{ partnership:{p} a cg:Partnership }}")


def test_twinned_with_holds_both_ways(curated):
    assert ask(curated.store, f"ASK {{ GRAPH {INFERRED} {{ place:Q11751 cg:twinnedWith place:Q16666 }} }}")
    rows = select(curated.store, "SELECT ?a ?b WHERE { ?a cg:twinnedWith ?b FILTER NOT EXISTS { ?b cg:twinnedWith ?a } }", union=True)
    assert rows == []
    # twinnedWith is a kind of tiedWith, and tiedWith is symmetric too
    assert ask(curated.store, f"ASK {{ GRAPH {INFERRED} {{ place:Q11751 cg:tiedWith place:Q16666 . place:Q834508 cg:tiedWith place:Q16963 }} }}")


def test_party_and_partnership_hold_both_ways(curated):
    assert ask(curated.store, f"ASK {{ GRAPH {INFERRED} {{ place:Q16666 cg:partnership partnership:Q11751-Q16666 }} }}")
    rows = select(curated.store, "SELECT ?p ?x WHERE { ?p cg:party ?x FILTER NOT EXISTS { ?x cg:partnership ?p } }", union=True)
    assert rows == []


def test_event_and_event_of_hold_both_ways(curated):
    assert ask(curated.store, f"ASK {{ GRAPH {INFERRED} {{ event:Q11751-Q16666-suspension-2012-02-21 cg:eventOf partnership:Q11751-Q16666 }} }}")
    rows = select(curated.store, "SELECT ?p ?e WHERE { ?p cg:event ?e FILTER NOT EXISTS { ?e cg:eventOf ?p } }", union=True)
    assert rows == []


def test_wikidata_links_do_not_make_reasoners_copy_places(curated):
    assert not ask(curated.store, "ASK { place:Q16666 owl:sameAs ?x }")
    # cg:wikidata is a sub-property of skos:exactMatch in the ontology; the slim inferred graph does
    # not copy each link as skos:exactMatch (nothing reads it; the SKOS alignment can materialise it)
    assert ask(curated.store, "ASK { cg:wikidata rdfs:subPropertyOf skos:exactMatch }")
    assert not ask(curated.store, f"ASK {{ GRAPH {INFERRED} {{ place:Q16666 skos:exactMatch ?x }} }}")


def test_agents_are_prov_agents_and_cities_are_places(curated):
    # prov:Agent is read by a shape (sh:class); schema:City is read by nothing, so not kept
    assert ask(curated.store, """ASK { <https://w3id.org/citygraph/id/person/lan-shaomin> a <http://www.w3.org/ns/prov#Agent> .
        place:Q16666 a cg:Place }""")
    assert not ask(curated.store, f"ASK {{ GRAPH {INFERRED} {{ ?x a <https://schema.org/City> }} }}")


# --- the preliminary stage is not a formal tie, under either reasoner --------------------------

PRELIMINARY = """@prefix cg: <https://w3id.org/citygraph/ontology#> .
@prefix ex: <https://example.org/fixture/> .
ex:a a cg:City . ex:b a cg:City .
ex:tie a cg:PreliminaryPartnership ; cg:kind cg:PreliminaryPartnership ; cg:party ex:a , ex:b .
ex:a cg:tiedWith ex:b .
"""


@pytest.mark.parametrize("reasoner", reason.REASONERS)
def test_the_preliminary_stage_is_not_inferred_formal(tmp_path, reasoner):
    path = tmp_path / "preliminary.ttl"
    path.write_text(PRELIMINARY, encoding="utf-8")
    store = ox.Store()
    for f in resources.ontology_files():
        load_file(store, f, GRAPH_ONTOLOGY.value)
    load_file(store, path, data_graph("fixture").value)
    built = BuiltGraph(store=store, ontology_graphs=[GRAPH_ONTOLOGY.value], shape_graphs=[], data_graphs=[data_graph("fixture").value])
    reason.materialise(built, reasoner=reasoner)
    types = {r["t"].value.removeprefix(CG) for r in select(store, "SELECT ?t WHERE { <https://example.org/fixture/tie> a ?t }", union=True)}
    assert "Partnership" in types  # the umbrella is inferred ...
    assert not types & {"FormalPartnership", "SisterCity", "TwinTown", "FriendshipCity"}  # ... the formal tie is not
    assert not ask(store, "ASK { <https://example.org/fixture/a> cg:twinnedWith ?x }")
    assert ask(store, "ASK { <https://example.org/fixture/b> cg:tiedWith <https://example.org/fixture/a> }")
