"""void.ttl: the dumps described in VoID and DCAT 3.

The dataset, one void:subset per named graph (its IRI is the graph's name, with its triple
count and the files it was loaded from), one dcat:Distribution per dump file (media type, byte
size, SHA-256 checksum), the licence and version, and the source documents the data cites.
No run timestamps, so two builds of the same input describe themselves identically.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..formats import BY_NAME
from ..load import resources
from ..load.store import select
from ..namespaces import (
    CG,
    DATASET,
    DCAT,
    DCTERMS,
    GRAPH,
    GRAPH_ENRICHMENT,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_SHAPES,
    ID,
    OWL,
    RDF,
    SPDX,
    VOID,
    XSD,
    data_graph,
)
from ..version import __version__

FORMATS = {  # dump file -> W3C format IRI (http://www.w3.org/ns/formats/)
    name: BY_NAME[fmt].w3c_iri for name, fmt in (("citygraph.ttl", "turtle"), ("citygraph.nt", "ntriples"),
                                                ("citygraph.jsonld", "jsonld"), ("citygraph.trig", "trig"))
}
IANA = "https://www.iana.org/assignments/media-types/"
DCAT_VERSION = DCAT.version  # DCAT 3

GRAPH_ROLES = {
    GRAPH_ONTOLOGY.value: "The OWL ontology and SKOS vocabularies, as asserted.",
    GRAPH_SHAPES.value: "The SHACL shapes the data is validated against (in the TriG dump only).",
    GRAPH_INFERRED.value: "Triples entailed by the OWL 2 RL closure of ontology and data, not asserted by any source.",
    GRAPH_ENRICHMENT.value: "Facts fetched from Wikidata by `citygraph link enrich`; neither reasoned over nor validated.",
}


def _role(graph: str) -> str:
    if graph in GRAPH_ROLES:
        return GRAPH_ROLES[graph]
    name = graph[len(str(GRAPH)):] if graph.startswith(str(GRAPH)) else graph
    if name.startswith("data/"):
        return f"Asserted by the source {name}."
    if name.startswith("add/"):
        return "Asserted by a file added with `citygraph build --add`."
    return "A named graph of the build."


def _n(iri: str | ox.NamedNode) -> ox.NamedNode:
    return iri if isinstance(iri, ox.NamedNode) else ox.NamedNode(iri)


def _lit(value, datatype=None, language=None) -> ox.Literal:
    if language:
        return ox.Literal(str(value), language=language)
    return ox.Literal(str(value), datatype=_n(datatype)) if datatype else ox.Literal(str(value))


def _relative(path: Path) -> str:
    """A path as the repository names it (data/nanjing/x.ttl), else just its file name."""
    path = Path(path).resolve()
    for root in (resources.ontology_dir(), resources.data_dir()):
        root = root.resolve()
        if path.is_relative_to(root):
            return f"{root.name}/{path.relative_to(root).as_posix()}"
    return path.name


def graph_files(built) -> dict[str, list[str]]:
    """Named graph IRI -> the files it was loaded from (relative, sorted)."""
    out = {
        GRAPH_ONTOLOGY.value: [_relative(p) for p in resources.ontology_files()],
        GRAPH_SHAPES.value: [_relative(p) for p in resources.shapes_files()],
    }
    for key, files in (built.sources or {}).items():
        graph = key if "://" in key else data_graph(key).value
        out[graph] = sorted(_relative(p) for p in files)
    return out


def _licence(store: ox.Store) -> list[ox.NamedNode]:
    q = f"SELECT DISTINCT ?l WHERE {{ GRAPH {GRAPH_ONTOLOGY} {{ ?o a {OWL.Ontology} ; {DCTERMS.license} ?l }} }}"
    return sorted((r["l"] for r in select(store, q) if isinstance(r["l"], ox.NamedNode)), key=lambda n: n.value)


def _source_documents(store: ox.Store, graphs: list[str]) -> list[ox.NamedNode]:
    values = " ".join(f"<{g}>" for g in graphs)
    q = f"SELECT DISTINCT ?s WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s a {CG.Source} }} }}"
    return sorted((r["s"] for r in select(store, q) if isinstance(r["s"], ox.NamedNode)), key=lambda n: n.value)


def description(built, folder: Path, triples: int) -> list[ox.Triple]:
    """The VoID/DCAT triples for the dumps in `folder` (which must already be written)."""
    from .dump import MEDIA_TYPES, sha256_file

    ds = DATASET
    out: list[ox.Triple] = []

    def add(s, p, o):
        out.append(ox.Triple(s, _n(p), o))

    add(ds, RDF.type, _n(VOID.Dataset))
    add(ds, RDF.type, _n(DCAT.Dataset))
    add(ds, DCTERMS.title, _lit("citygraph", language="en"))
    add(ds, DCTERMS.description, _lit(
        "The knowledge graph of city diplomacy: sister cities, twin towns and friendship cities as "
        "validated, reasoned RDF linked to Wikidata.", language="en"))
    add(ds, DCAT_VERSION, _lit(__version__))
    for licence in _licence(built.store):
        add(ds, DCTERMS.license, licence)
    add(ds, VOID.triples, _lit(triples, XSD.integer))
    add(ds, VOID.uriSpace, _lit(str(ID)))
    add(ds, VOID.vocabulary, _n(CG))
    for doc in _source_documents(built.store, built.data_graphs):
        add(ds, DCTERMS.source, doc)

    files = graph_files(built)
    for graph, n in built.graph_sizes().items():
        if not graph:
            continue  # the default graph is not published
        sub = _n(graph)
        add(ds, VOID.subset, sub)
        add(sub, RDF.type, _n(VOID.Dataset))
        add(sub, DCTERMS.title, _lit(graph[len(str(GRAPH)):] if graph.startswith(str(GRAPH)) else graph))
        add(sub, VOID.triples, _lit(n, XSD.integer))
        role = _role(graph)
        if files.get(graph):
            role += " Loaded from " + ", ".join(files[graph]) + "."
        add(sub, DCTERMS.description, _lit(role, language="en"))

    for name, media in MEDIA_TYPES.items():
        path = Path(folder) / name
        if not path.is_file():
            continue
        dist = _n(f"{DATASET.value}/{name}")
        checksum = _n(f"{DATASET.value}/{name}#sha256")
        add(ds, DCAT.distribution, dist)
        add(dist, RDF.type, _n(DCAT.Distribution))
        add(dist, DCTERMS.title, _lit(name))
        add(dist, DCAT.mediaType, _n(IANA + media))
        if name in FORMATS:
            add(dist, DCTERMS.conformsTo, _n(FORMATS[name]))
        add(dist, DCAT.byteSize, _lit(path.stat().st_size, XSD.nonNegativeInteger))
        add(dist, SPDX.checksum, checksum)
        add(checksum, RDF.type, _n(SPDX.Checksum))
        add(checksum, SPDX.algorithm, _n(SPDX.checksumAlgorithm_sha256))
        add(checksum, SPDX.checksumValue, _lit(sha256_file(path), XSD.hexBinary))
    return out


def describe(built, folder: Path, triples: int) -> bytes:
    """void.ttl as sorted Turtle."""
    nt = ox.serialize(description(built, folder, triples), format=ox.RdfFormat.N_TRIPLES) or b""
    from .dump import serialize_turtle

    ordered = b"".join(sorted(set(nt.splitlines(keepends=True))))
    return serialize_turtle(ordered)
