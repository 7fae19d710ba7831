"""Reading RDF files into the store, and moving graphs between pyoxigraph and rdflib.

pyoxigraph is the store (fast parsing, SPARQL, serialisation); rdflib is the lingua franca of
pyshacl and owlrl. Graphs cross between them as N-Triples/N-Quads text, which both read fast
and losslessly.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import BadInput
from ..io import formats
from ..namespaces import BASE
from . import guards

if TYPE_CHECKING:  # rdflib is imported where a graph crosses to it (~50 ms): loading files needs none
    import rdflib

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
    fix = "Fix the syntax at that line and run again" if err.lineno else "Fix the syntax and run again"
    return f"{where}: not valid {path.suffix.lstrip('.') or 'RDF'}: {err.msg}. {fix}."


def load_file(store: ox.Store, path: Path, graph: str | None) -> None:
    """Parse one file into `graph` (a named graph IRI; None keeps a quad format's own graphs).

    Triple formats always go to `graph`. The file is checked at the border first (see
    load/guards.py: a regular file within the size cap, no exploding XML entities, no JSON
    nested beyond the cap, no JSON-LD term or relative IRI that would be dropped silently), and
    its literals after parsing (size cap, ill-typed XSD values). Any problem becomes BadInput
    naming file and line, and nothing of the file is left in the store (it is parsed into a
    scratch store first). Blank nodes are skolemised deterministically (see `skolemise`), so
    dumps stay byte-identical.
    """
    path = guards.regular_file(Path(path), "RDF file")
    fmt = format_for(path)
    data = _checked_bytes(path, fmt)
    base = guards.RELATIVE_BASE if fmt in _RELATIVE_FORMATS else None
    scratch = ox.Store()
    to_graph = ox.NamedNode(graph) if graph is not None and not fmt.supports_datasets else None
    try:
        if to_graph is None:
            scratch.bulk_load(data, format=fmt, base_iri=base)
        else:
            scratch.bulk_load(data, format=fmt, to_graph=to_graph, base_iri=base)
    except SyntaxError as err:
        raise BadInput(describe_syntax_error(path, err)) from None
    except MemoryError as err:
        raise BadInput(f"{path}: a literal or IRI is larger than the parser's 16 MiB buffer ({err}); "
                       "refused. Remove the oversized literal, or split it") from None
    except (ValueError, OSError) as err:
        raise BadInput(f"{path}: cannot be read as {fmt.name}: {err}") from None
    if base is not None:
        _refuse_relative(path, scratch)
    guards.check_literals(scratch.quads_for_pattern(None, None, None, None), str(path))
    quads = skolemise(path, fmt, to_graph, data, base) if _has_blank_nodes(scratch) else scratch
    if fmt.supports_datasets and graph is not None:
        target = ox.NamedNode(graph)
        store.extend(ox.Quad(q.subject, q.predicate, q.object, target) for q in quads)
    else:
        store.extend(quads)


# Formats whose parser keeps going without a base IRI by dropping relative IRIs: they are parsed
# with guards.RELATIVE_BASE, and any IRI under it is refused by name.
_RELATIVE_FORMATS = (ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML)
_BOM = b"\xef\xbb\xbf"


def _checked_bytes(path: Path, fmt: ox.RdfFormat) -> bytes:
    """The file's bytes (a UTF-8 byte order mark dropped), after the checks that need no parser."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise BadInput(f"{path}: cannot read the file: {err.strerror or err}") from None
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    if not data.strip():
        raise BadInput(f"{path}: the file is empty; nothing to load (check that it was written completely)")
    if fmt in (ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        text = data.decode("utf-8", "replace")
        if fmt == ox.RdfFormat.RDF_XML:
            guards.check_xml_entities(text, str(path))
        else:
            guards.check_json_depth(text, str(path))
            guards.check_jsonld_terms(text, str(path))
    return data


def _refuse_relative(path: Path, scratch: ox.Store) -> None:
    iris = (t.value for q in scratch.quads_for_pattern(None, None, None, None)
            for t in (q.subject, q.predicate, q.object, q.graph_name) if isinstance(t, ox.NamedNode))
    relative = guards.relative_iris(iris)
    if relative:
        more = f" (and {len(relative) - 1} more)" if len(relative) > 1 else ""
        raise BadInput(f"{path}: relative IRI {relative[0]!r}{more} has no base to resolve against, so its triples would be "
                       "dropped; write full IRIs (https://…) or set @base / xml:base")


_ASK_BLANK = """ASK {
  { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }
  UNION { GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o) || isBlank(?g)) } }
}"""


def _has_blank_nodes(store: ox.Store) -> bool:
    return bool(store.query(_ASK_BLANK))


def skolemise(path: Path, fmt: ox.RdfFormat, to_graph: ox.NamedNode | None, data: bytes | None = None,
              base: str | None = None) -> list[ox.Quad]:
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
    source = ox.parse(data, format=fmt, base_iri=base) if data is not None else ox.parse(path=str(path), format=fmt)
    for q in source:
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
    import rdflib  # lazy: see the imports

    g = rdflib.Graph()
    data = graph_to_ntriples(store, graphs)
    if data:
        g.parse(data=data.decode("utf-8"), format="nt")
    return g


def from_rdflib_triples(triples, graph: str) -> list[ox.Quad]:
    """rdflib triples as pyoxigraph quads in `graph` (via N-Triples, which is exact)."""
    import rdflib  # lazy: see the imports

    tmp = rdflib.Graph()
    for t in triples:
        tmp.add(t)
    data = tmp.serialize(format="nt", encoding="utf-8")
    target = ox.NamedNode(graph)
    return [ox.Quad(t.subject, t.predicate, t.object, target) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
