"""The validation speed-ups (docs/performance.md, "Validation of the world build") change no answer.

- Three sh:sparql constraints were rewritten into forms Oxigraph plans cheaply (cg:DatedShape,
  cg:FigureShape, cg:OneTiePerPairShape): on data that hits each of them — a second tie between
  the same two place nodes, one through another node with the same QID, a misnamed tie, a place
  with two QIDs, dates and figures of the wrong type — the shipped shapes and the shapes with the
  constraints' first forms give the same report, in the fast checker and in pyshacl, and the two
  engines agree — including on a figure without a number beside figures with one, which the fast
  checker missed before cg:FigureShape's first branch named $this itself (see the shapes file).
- A query that joins several patterns runs on a scratch store holding only the triples it can
  match (fastshacl.Checker.answer, validate/sparqlscope.py): it gives the store's own rows, with
  their multiplicity, for every sh:select of our shapes; and sparqlscope refuses what it cannot
  vouch for.
"""

from __future__ import annotations

import collections
import re

import pyoxigraph as ox
import pytest
import rdflib

from citygraph.load import resources
from citygraph.validate import fastshacl, sparqlscope
from citygraph.validate import report as validate

CG = "https://w3id.org/citygraph/ontology#"

# (the shipped text, the text it replaced): each pair occurs once in the shapes file
FIRST_FORMS = [
    ("""  {       $this <https://w3id.org/citygraph/ontology#date> ?value .        BIND(<https://w3id.org/citygraph/ontology#date> AS ?property) }
  UNION { $this <https://w3id.org/citygraph/ontology#asOf> ?value .        BIND(<https://w3id.org/citygraph/ontology#asOf> AS ?property) }
  UNION { $this <https://w3id.org/citygraph/ontology#periodStart> ?value . BIND(<https://w3id.org/citygraph/ontology#periodStart> AS ?property) }
  UNION { $this <https://w3id.org/citygraph/ontology#periodEnd> ?value .   BIND(<https://w3id.org/citygraph/ontology#periodEnd> AS ?property) }
""", """  $this ?property ?value .
  FILTER(?property IN (<https://w3id.org/citygraph/ontology#date>, <https://w3id.org/citygraph/ontology#asOf>,
                       <https://w3id.org/citygraph/ontology#periodStart>, <https://w3id.org/citygraph/ontology#periodEnd>))
"""),
    ("""    {       $this <https://w3id.org/citygraph/ontology#value> ?v .    BIND(<https://w3id.org/citygraph/ontology#value> AS ?property) }
    UNION { $this <https://w3id.org/citygraph/ontology#minValue> ?v . BIND(<https://w3id.org/citygraph/ontology#minValue> AS ?property) }
    UNION { $this <https://w3id.org/citygraph/ontology#maxValue> ?v . BIND(<https://w3id.org/citygraph/ontology#maxValue> AS ?property) }
""", """    $this ?property ?v .
    FILTER(?property IN (<https://w3id.org/citygraph/ontology#value>, <https://w3id.org/citygraph/ontology#minValue>, <https://w3id.org/citygraph/ontology#maxValue>))
"""),
    ("""  OPTIONAL {
    ?other a <https://w3id.org/citygraph/ontology#Partnership> ;
           <https://w3id.org/citygraph/ontology#party> ?c , ?d .
    ?c <https://w3id.org/citygraph/ontology#qid> ?q1 .
    ?d <https://w3id.org/citygraph/ontology#qid> ?q2 .
  }
  FILTER(BOUND(?other) && $this != ?other)
""", """  ?other a <https://w3id.org/citygraph/ontology#Partnership> ;
         <https://w3id.org/citygraph/ontology#party> ?c , ?d .
  ?c <https://w3id.org/citygraph/ontology#qid> ?q1 .
  ?d <https://w3id.org/citygraph/ontology#qid> ?q2 .
  FILTER($this != ?other)
"""),
]

DATA = """
@prefix cg: <https://w3id.org/citygraph/ontology#> .
@prefix ex: <https://example.org/edge/> .
@prefix partnership: <https://w3id.org/citygraph/id/partnership/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:nanjing a cg:City , cg:Place ; rdfs:label "Nanjing"@en , "南京"@zh ; cg:qid "Q16666" .
ex:nagoya a cg:City , cg:Place ; rdfs:label "Nagoya"@en ; cg:qid "Q11751" .
ex:nagoya2 a cg:City , cg:Place ; rdfs:label "Nagoya again"@en ; cg:qid "Q11751" .
ex:dallas a cg:City , cg:Place ; rdfs:label "Dallas"@en ; cg:qid "Q16557" , "Q1" .
ex:lyon a cg:City , cg:Place ; rdfs:label "Lyon"@fr ; cg:qid "Q456" .

partnership:Q11751-Q16666 a cg:Partnership , cg:SisterCity ; cg:party ex:nanjing , ex:nagoya .
ex:tie2 a cg:Partnership , cg:SisterCity ; cg:party ex:nanjing , ex:nagoya .
ex:tie3 a cg:Partnership , cg:SisterCity ; cg:party ex:nanjing , ex:nagoya2 .
partnership:Q16666-Q16557 a cg:Partnership , cg:SisterCity ; cg:party ex:nanjing , ex:dallas .
partnership:Q456-Q16666 a cg:Partnership , cg:SisterCity ; cg:party ex:lyon , ex:nanjing .

ex:ev1 a cg:Formalisation ; cg:eventOf ex:tie2 ; cg:date "1978-12-21T00:00:00"^^xsd:dateTime .
ex:ev2 a cg:Formalisation ; cg:eventOf ex:tie3 ; cg:date "1978"^^xsd:gYear ; cg:asOf "2020" ; cg:periodStart "1990"^^xsd:gYear .
ex:claim cg:periodEnd "2001-13"^^xsd:gYearMonth ; cg:asOf "2020-02-30"^^xsd:date .
ex:fig1 a cg:Figure ; cg:value "419,045" ; cg:minValue 3 ; cg:maxValue "4" .
ex:fig2 a cg:Figure .
ex:fig3 a cg:Figure ; cg:value 12 .
"""
GRAPH = "https://example.org/edge/graph"


def _shapes_text() -> str:
    files = resources.shapes_files()
    assert len(files) == 1
    return files[0].read_text(encoding="utf-8")


def _first_forms() -> str:
    text = _shapes_text()
    for shipped, first in FIRST_FORMS:
        assert text.count(shipped) == 1, shipped
        text = text.replace(shipped, first)
    return text


def _fast(shapes: str) -> validate.ValidationReport:
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(GRAPH))
    shapes_store = ox.Store()
    shapes_store.load(shapes.encode(), format=ox.RdfFormat.TURTLE)
    assert fastshacl.unsupported(fastshacl.ShapesGraph(shapes_store, ox.DefaultGraph())) == []
    return validate.report_from_results(fastshacl.check(store, [GRAPH], shapes_store, ox.DefaultGraph()))


def _pyshacl(shapes: str) -> validate.ValidationReport:
    return validate.validate_graphs(rdflib.Graph().parse(data=DATA, format="turtle"),
                                    rdflib.Graph().parse(data=shapes, format="turtle"))


def _by_shape(report: validate.ValidationReport) -> collections.Counter:
    return collections.Counter((r.shape or "").rsplit("#", 1)[-1] for r in report.results)


@pytest.mark.parametrize("engine", [_fast, _pyshacl], ids=["fast", "pyshacl"])
def test_rewritten_constraints_give_the_report_of_their_first_forms(engine):
    shipped, first = engine(_shapes_text()), engine(_first_forms())
    assert shipped.results == first.results
    hits = _by_shape(shipped)
    # each rewritten constraint is hit: the two twins of the Nanjing–Nagoya tie (same nodes, and
    # another node with Nagoya's QID) name each other; bad dates; figures without a number
    assert hits["OneTiePerPairShape"] == 6
    assert hits["DatedShape"] == 3  # a dateTime, a plain string, month 13 (day 30 of February passes the pattern)
    assert hits["FigureShape"] == 3
    assert hits["TieIriShape"] >= 1  # partnership:Q16666-Q16557, the pair unsorted


def test_the_engines_agree_on_the_rewritten_constraints():
    fast, ref = _fast(_shapes_text()), _pyshacl(_shapes_text())
    assert collections.Counter(fast.results) == collections.Counter(ref.results)
    assert _by_shape(fast)["OneTiePerPairShape"] == 6


def _selects() -> list[str]:
    store = ox.Store()
    store.load(_shapes_text().encode(), format=ox.RdfFormat.TURTLE)
    sg = fastshacl.ShapesGraph(store, ox.DefaultGraph())
    return [re.sub(r"\$this\b", "?this", sg.value(c, fastshacl.SH + "select").value) for c in sg.subjects(fastshacl.SH + "select")]


def _rows(solutions) -> collections.Counter:
    names = [v.value for v in solutions.variables]
    return collections.Counter(tuple(str(row[n]) for n in names) for row in solutions)


@pytest.mark.parametrize("whole_store", [True, False], ids=["union", "graph-list"])
def test_the_scratch_store_gives_the_stores_rows(whole_store):
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(GRAPH))
    # the same tie stated in a second graph too: the union counts its rows twice, and so must the scratch
    store.load(b"@prefix cg: <https://w3id.org/citygraph/ontology#> . <https://example.org/edge/tie2> cg:party"
               b" <https://example.org/edge/nanjing> ; a cg:Partnership . <https://example.org/edge/nanjing> cg:qid 'Q16666' .",
               format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(GRAPH + "2"))
    graphs = [GRAPH, GRAPH + "2"]
    checker = fastshacl.Checker(store, graphs, ox.Store(), ox.DefaultGraph(), whole_store=whole_store)
    scratched = 0
    for text in _selects():
        scope = sparqlscope.scope(text)
        scratched += scope is not None and scope.widest >= fastshacl.SCRATCH_WIDEST
        expected = _rows(store.query(text, use_default_graph_as_union=True) if whole_store
                         else store.query(text, default_graph=[ox.NamedNode(g) for g in graphs]))
        assert _rows(checker.answer(text)) == expected, text
    assert scratched >= 2  # the two tie-identity joins at least
    assert checker._scratches  # and the scratch store was really used


def test_scope_reads_patterns_paths_and_exists():
    scope = sparqlscope.scope("""PREFIX cg: <https://w3id.org/citygraph/ontology#>
        SELECT ?this (cg:x AS ?path) WHERE {
          ?this a cg:Place , cg:City ; cg:party/^cg:event+ ?x .
          OPTIONAL { ?x cg:qid "Q1"@en , 3 , "a{b}"^^<http://www.w3.org/2001/XMLSchema#string> }
          FILTER NOT EXISTS { ?this (cg:label|cg:name) ?n FILTER(?n < ?x) }
          { ?this cg:a ?b } UNION { SELECT ?this WHERE { ?this cg:b ?c } GROUP BY ?this }
          BIND(EXISTS { ?this cg:c ?d } AS ?e)
        } ORDER BY ?this""")
    assert scope is not None
    rdf_type = sparqlscope.RDF_TYPE
    assert scope.patterns == {(rdf_type, CG + "Place"), (rdf_type, CG + "City"), (CG + "party", None), (CG + "event", None),
                              (CG + "qid", None), (CG + "label", None), (CG + "name", None), (CG + "a", None),
                              (CG + "b", None), (CG + "c", None)}
    assert scope.widest == 3


@pytest.mark.parametrize("body", [
    "?this ?p ?o",  # a variable predicate
    "?this a ?class",  # every type triple
    "?this <https://e.org/p>* ?o",  # zero-length paths reach every node
    "?this <https://e.org/p>? ?o",
    "?this !<https://e.org/p> ?o",
    "GRAPH ?g { ?this <https://e.org/p> ?o }",
    "SERVICE <https://e.org/sparql> { ?this <https://e.org/p> ?o }",
    "?this <https://e.org/p> [ <https://e.org/q> ?o ]",
    "?this <https://e.org/p> ( ?o )",
    "?this undeclared:p ?o",
    "MINUS { ?this <https://e.org/p> ?o }",
    "FILTER(EXISTS { ?this ?p ?o })",
])
def test_scope_refuses_what_it_cannot_vouch_for(body):
    assert sparqlscope.scope(f"SELECT ?this WHERE {{ {body} }}") is None
