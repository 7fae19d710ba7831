"""Materialising the alignments (ontology/alignments/) on request.

The build publishes the mapping triples (graph/alignment) but never reasons over them, so the
dumps stay in citygraph's own terms. `materialise` applies the materialisable ones — an
rdfs:subPropertyOf or rdfs:subClassOf from a citygraph term to a term of another vocabulary
(wdt:P190, dbo:twinCity, org:holds, schema:City, prov:Activity …) — to the data and the inferred
graph, one step (the targets are other vocabularies' terms, so no chains arise), into the named
graph graph/inferred/alignment. skos:closeMatch / skos:relatedMatch correspondences are for
readers and are not applied.

From the command line, `citygraph build --with-alignments` materialises them into the dumps (the
cached store `citygraph query` opens stays without them); query a dump with
`citygraph query --graph dist/citygraph.trig`.

    >>> from citygraph.build import build
    >>> from citygraph.reason import alignment
    >>> built = build(scope="nanjing")
    >>> alignment.materialise(built) > 0
    True
"""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import CG, GRAPH, RDF, RDFS

GRAPH_ALIGNMENT_INFERRED = GRAPH["inferred/alignment"].value


def _mappings(store: ox.Store, graphs: list[str], predicate: str) -> list[tuple[ox.NamedNode, ox.NamedNode]]:
    out = []
    for g in graphs:
        for q in store.quads_for_pattern(None, ox.NamedNode(predicate), None, ox.NamedNode(g)):
            s, o = q.subject, q.object
            if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode) and s.value.startswith(str(CG)) \
                    and not o.value.startswith(str(CG)):
                out.append((s, o))
    return sorted(set(out), key=lambda t: (t[0].value, t[1].value))


def materialise(built, targets: tuple[str, ...] = ()) -> int:
    """Add the alignments' entailments to graph/inferred/alignment; returns how many triples.

    targets: namespaces to restrict to (e.g. "http://www.wikidata.org/prop/direct/"); all if empty.
    """
    store: ox.Store = built.store
    out_graph = ox.NamedNode(GRAPH_ALIGNMENT_INFERRED)
    if store.contains_named_graph(out_graph):
        store.remove_graph(out_graph)
    sources = [ox.NamedNode(g) for g in built.data_graphs + ([built.inferred_graph] if built.inferred_graph else [])]

    def wanted(term: ox.NamedNode) -> bool:
        return not targets or term.value.startswith(targets)

    quads: set[ox.Quad] = set()
    for ours, theirs in _mappings(store, built.alignment_graphs, RDFS.subPropertyOf.value):
        if wanted(theirs):
            for g in sources:
                quads.update(ox.Quad(q.subject, theirs, q.object, out_graph) for q in store.quads_for_pattern(None, ours, None, g))
    rdf_type = RDF.type
    for ours, theirs in _mappings(store, built.alignment_graphs, RDFS.subClassOf.value):
        if wanted(theirs):
            for g in sources:
                quads.update(ox.Quad(q.subject, rdf_type, theirs, out_graph) for q in store.quads_for_pattern(None, rdf_type, ours, g))
    store.extend(sorted(quads, key=str))
    built.aligned_graph = GRAPH_ALIGNMENT_INFERRED
    return len(quads)
