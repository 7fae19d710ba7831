"""Reading RDF files into the store, and moving graphs between pyoxigraph and rdflib.

pyoxigraph is the store (fast parsing, SPARQL, serialisation); rdflib is the lingua franca of
pyshacl and owlrl. Graphs cross between them as N-Triples/N-Quads text, which both read fast
and losslessly.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import rdflib

from .. import formats
from ..errors import BadInput
from ..namespaces import BASE

# RDF 1.1 §3.5: blank nodes are replaced by IRIs under a well-known path ("Skolem IRIs").
SKOLEM_BASE = BASE + ".well-known/genid/"

FORMATS_BY_SUFFIX: dict[str, ox.RdfFormat] = formats.rdf_formats_by_suffix()


def format_for(path: Path) -> ox.RdfFormat:
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS_BY_SUFFIX))
        raise BadInput(f"{path}: unknown RDF file type {path.suffix!r}; use one of {known}")
    return fmt


def describe_syntax_error(path: Path, err: SyntaxError) -> str:
    """'FILE:LINE:COL: what is wrong' from a pyoxigraph SyntaxError."""
    where = f"{path}"
    if err.lineno:
        where += f":{err.lineno}"
        if err.offset:
            where += f":{err.offset}"
    return f"{where}: not valid {path.suffix.lstrip('.') or 'RDF'}: {err.msg}. Fix the syntax at that line and run again."


def load_file(store: ox.Store, path: Path, graph: str | None) -> None:
    """Parse one file into `graph` (a named graph IRI; None keeps a quad format's own graphs).

    Triple formats always go to `graph`. A syntax error becomes BadInput naming file and line,
    and nothing of the file is left in the store (it is parsed into a scratch store first).
    Blank nodes are skolemised deterministically (see `skolemise`), so dumps stay byte-identical.
    """
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    fmt = format_for(path)
    scratch = ox.Store()
    to_graph = ox.NamedNode(graph) if graph is not None and not fmt.supports_datasets else None
    try:
        if to_graph is None:
            scratch.bulk_load(path=str(path), format=fmt)
        else:
            scratch.bulk_load(path=str(path), format=fmt, to_graph=to_graph)
    except SyntaxError as err:
        raise BadInput(describe_syntax_error(path, err)) from None
    except (ValueError, OSError) as err:
        raise BadInput(f"{path}: cannot be read as {fmt.name}: {err}") from None
    quads = skolemise(path, fmt, to_graph) if _has_blank_nodes(scratch) else scratch
    if fmt.supports_datasets and graph is not None:
        target = ox.NamedNode(graph)
        store.extend(ox.Quad(q.subject, q.predicate, q.object, target) for q in quads)
    else:
        store.extend(quads)


_ASK_BLANK = """ASK {
  { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }
  UNION { GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o) || isBlank(?g)) } }
}"""


def _has_blank_nodes(store: ox.Store) -> bool:
    return bool(store.query(_ASK_BLANK))


def skolemise(path: Path, fmt: ox.RdfFormat, to_graph: ox.NamedNode | None) -> list[ox.Quad]:
    """The file's quads with every blank node replaced by a stable IRI.

    Parsers label blank nodes at random, so the IRI is made from what does not change: a hash
    of the file's bytes and the order in which the blank node first appears in the file. The
    same file always gives the same IRIs; two different files never share one.
    """
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    names: dict[str, ox.NamedNode] = {}

    def fix(term):
        if isinstance(term, ox.BlankNode):
            iri = names.get(term.value)
            if iri is None:
                iri = names[term.value] = ox.NamedNode(f"{SKOLEM_BASE}{digest}-{len(names) + 1}")
            return iri
        return term

    out = []
    for q in ox.parse(path=str(path), format=fmt):
        g = to_graph if to_graph is not None else fix(q.graph_name)
        out.append(ox.Quad(fix(q.subject), q.predicate, fix(q.object), g))
    return out


def graph_to_ntriples(store: ox.Store, graphs) -> bytes:
    """The union of the given named graphs as N-Triples bytes."""
    triples = (
        ox.Triple(q.subject, q.predicate, q.object)
        for g in graphs
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(g)))
    )
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def to_rdflib(store: ox.Store, graphs) -> rdflib.Graph:
    """The union of the given named graphs as one rdflib Graph."""
    g = rdflib.Graph()
    data = graph_to_ntriples(store, graphs)
    if data:
        g.parse(data=data.decode("utf-8"), format="nt")
    return g


def from_rdflib_triples(triples, graph: str) -> list[ox.Quad]:
    """rdflib triples as pyoxigraph quads in `graph` (via N-Triples, which is exact)."""
    tmp = rdflib.Graph()
    for t in triples:
        tmp.add(t)
    data = tmp.serialize(format="nt", encoding="utf-8")
    target = ox.NamedNode(graph)
    return [ox.Quad(t.subject, t.predicate, t.object, target) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
