"""QuickStatements rules that the fixture run does not reach (issue 5): two different start
dates, an untitled source, a title V1 cannot quote, ties known only from the world layer."""

from __future__ import annotations

import pyoxigraph as ox

from citygraph.link.diff import compare
from citygraph.link.ours import read
from citygraph.link.quickstatements import commands
from citygraph.link.theirs import WdTies
from citygraph.namespaces import PREFIXES, data_graph

HEAD = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())

TTL = HEAD + """
source:doc a cg:Source ; dcterms:title "An article"@en .
source:untitled a cg:Source ; cg:section "Somewhere" .
source:quoted a cg:Source ; dcterms:title "The \\"Twin\\" towns"@en .
place:Q16666 a cg:City ; cg:qid "Q16666" .
place:Q37701 a cg:City ; cg:qid "Q37701" .
place:Q3183 a cg:City ; cg:qid "Q3183" .
place:Q2044 a cg:City ; cg:qid "Q2044" .
partnership:Q16666-Q37701 a cg:SisterCity ; cg:kind cg:SisterCity ; cg:party place:Q16666 , place:Q37701 ;
    cg:event event:a , event:b ; prov:wasDerivedFrom source:doc .
event:a a cg:Formalisation ; cg:date "1999"^^xsd:gYear .
event:b a cg:Formalisation ; cg:date "2000-03"^^xsd:gYearMonth .
partnership:Q3183-Q16666 a cg:SisterCity ; cg:kind cg:SisterCity ; cg:party place:Q16666 , place:Q3183 ;
    prov:wasDerivedFrom source:untitled .
partnership:Q2044-Q16666 a cg:SisterCity ; cg:kind cg:SisterCity ; cg:party place:Q16666 , place:Q2044 ;
    prov:wasDerivedFrom source:quoted .
"""

WORLD = HEAD + """
place:Q16666 a cg:City ; cg:qid "Q16666" .
place:Q65 a cg:City ; cg:qid "Q65" .
partnership:Q65-Q16666 a cg:Partnership ; cg:party place:Q16666 , place:Q65 .
"""


def ours():
    store = ox.Store()
    store.load(TTL.encode(), format=ox.RdfFormat.TURTLE, to_graph=data_graph("nanjing"))
    store.load(WORLD.encode(), format=ox.RdfFormat.TURTLE, to_graph=data_graph("world"))
    return read(store, [data_graph("nanjing").value, data_graph("world").value])


def test_rules_for_dates_sources_and_the_world_layer():
    graph = ours()
    assert graph.curated_cities() == ["Q2044", "Q3183", "Q16666", "Q37701"]  # Q65 is world-only
    result = compare(graph, WdTies({}, {}), ["Q16666"])
    assert [tuple(i["pair"]) for i in result["only_here"]] == [
        ("Q65", "Q16666"), ("Q2044", "Q16666"), ("Q3183", "Q16666"), ("Q16666", "Q37701")]
    lines, notes = commands(graph, result)
    # Two different formalisation dates: the tie is proposed, its start is not.
    assert lines == [
        'Q16666\tP190\tQ37701\tS1476\ten:"An article"',
        'Q37701\tP190\tQ16666\tS1476\ten:"An article"',
    ]
    assert any(n.startswith("Q3183-Q16666: no source title") for n in notes)
    assert any(n.startswith("Q2044-Q16666: no source title") for n in notes)  # V1 cannot write its '"'
    assert not any("Q65" in line for line in lines)  # world-layer ties are Wikidata's own
