"""Running a bound query text locally or remotely, and writing its result in every format.

A `Result` holds pyoxigraph terms whichever engine answered (remote answers are parsed back
with pyoxigraph's own results parsers), so both engines go through the same writers and can be
compared term by term. One table (`FORMATS`) maps each format to its writer and query forms.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import pyoxigraph as ox

from ..errors import BadInput, RemoteError
from . import service_policy

T = TypeVar("T")

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def xml_escape(text: str) -> str:
    from xml.sax.saxutils import escape  # lazy: saxutils imports urllib.request, ~40 ms of every command's start
    return escape(text)


def quoteattr(text: str) -> str:
    from xml.sax.saxutils import quoteattr as quote  # lazy, as above
    return quote(text)
SELECT_FORMS = ("SELECT", "ASK")
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")


@dataclass
class Result:
    form: str                                   # SELECT, ASK, CONSTRUCT or DESCRIBE
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)  # one tuple of terms (None = unbound) per solution
    boolean: bool | None = None
    triples: list = field(default_factory=list)

    @property
    def is_graph(self) -> bool:
        return self.form in GRAPH_FORMS

    def dicts(self) -> list[dict]:
        """Rows as {variable: Python value}: IRIs as strings, literals as their text (numbers as numbers)."""
        return [{v: python_value(t) for v, t in zip(self.variables, row, strict=True)} for row in self.rows]


def python_value(term):
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value.rsplit("#", 1)[-1] if term.datatype else ""
        try:
            if dt in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger"):
                return int(term.value)
            if dt in ("decimal", "double", "float"):
                return float(term.value)
            if dt == "boolean":
                return term.value in ("true", "1")
        except ValueError:
            pass
        return term.value
    return term.value


def _from_solutions(form: str, answer) -> Result:
    if isinstance(answer, ox.QueryBoolean):
        return Result(form="ASK", boolean=bool(answer))
    if isinstance(answer, ox.QueryTriples):
        return Result(form=form if form in GRAPH_FORMS else "CONSTRUCT", triples=list(answer))
    variables = [v.value for v in answer.variables]
    rows = [tuple(sol) for sol in answer]  # a solution iterates over its values in the order of `variables`
    return Result(form="SELECT", variables=variables, rows=rows)


def run_local(text: str, store: ox.Store, form: str = "SELECT", *, timeout: float | None = None) -> Result:
    """Run on the embedded store; the default graph is the union of all named graphs.

    The query is refused before it runs if it calls a SERVICE not on the allow-list (see
    service_policy) or is an update; with `timeout`, a query still running after that many
    seconds is abandoned with BadInput (it runs in a worker thread: pyoxigraph cannot be
    interrupted, so the thread finishes in the background and its answer is dropped).
    """
    service_policy.check_services(text, service_policy.allowed(), "the query")
    return within(timeout, lambda: _run_local(text, store, form))


def within(timeout: float | None, work: Callable[[], T]) -> T:
    """`work()`, abandoned with BadInput if it is still running after `timeout` seconds.

    It runs in a worker thread: pyoxigraph cannot be interrupted, so the thread finishes in the
    background and its answer is dropped.
    """
    if timeout is None:
        return work()
    box: dict = {}

    def run() -> None:
        try:
            box["result"] = work()
        except BaseException as err:  # handed to the caller's thread
            # without its traceback and context: they hold pyoxigraph's query objects, which
            # must be dropped in the thread that made them
            err.__context__ = err.__cause__ = None
            box["error"] = err.with_traceback(None)

    worker = threading.Thread(target=run, name="citygraph-local-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise BadInput(f"the query ran longer than --timeout {timeout:g} s on the local graph and was stopped; "
                       "narrow it (a LIMIT, more specific patterns) or raise --timeout")
    if "error" in box:
        raise box["error"]
    return box["result"]


def _run_local(text: str, store: ox.Store, form: str) -> Result:
    try:
        return _from_solutions(form, store.query(text, use_default_graph_as_union=True))
    except SyntaxError as err:
        raise BadInput(f"the query does not parse: {err}") from None
    except (OSError, RuntimeError) as err:
        targets = service_policy.service_targets(text)
        if targets:
            raise RemoteError(f"the query calls SERVICE <{targets[0]}>, which failed: {err}. This query needs the network "
                              "(a federated query); the stored queries that are not federated run offline") from None
        raise BadInput(f"the query failed on the local graph: {err}") from None


OFFLINE_HINT = ("check the URL and that the server runs, or run without --endpoint to query the local graph "
                "(built from the files in the cache)")


def run_remote(text: str, form: str, endpoint: str, *, timeout: float = 60.0, max_bytes: int | None = None,
               default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> Result:
    """Run on a SPARQL 1.1 endpoint through SPARQLWrapper; any HTTP/network failure -> RemoteError.

    http(s) URLs only; redirects only within the endpoint's host; the answer is read against a
    wall-clock `timeout` for the whole request and a `max_bytes` cap, and checked before use.
    `default_graphs`/`named_graphs` go to the endpoint as the SPARQL 1.1 Protocol's
    `default-graph-uri`/`named-graph-uri` parameters (the dataset of the query).
    """
    # lazy: the HTTP stack (http.client, ssl, email, urllib.request: ~25 ms) is for --endpoint only,
    # not for every local query's start-up
    import http.client
    import socket
    import urllib.error

    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    from ..io import remote

    remote.check_url(endpoint, "--endpoint")
    max_bytes = max_bytes or remote.max_bytes()
    service_policy.check_services(text, service_policy.allowed(), "the query")
    remote.install_opener()
    deadline = time.monotonic() + timeout
    client = _sparqlwrapper(text, form, endpoint, timeout)
    for iri in default_graphs:
        client.addDefaultGraph(iri)
    for iri in named_graphs:
        client.addNamedGraph(iri)
    try:
        response = client.query().response
        try:
            data = remote.read_capped(response, endpoint, deadline=deadline, max_bytes=max_bytes, timeout=timeout)
        finally:
            response.close()
    except SPARQLWrapperException as err:
        raise RemoteError(f"{endpoint}: the endpoint refused the query: {' '.join(str(err).split())[:500]}") from None
    except urllib.error.HTTPError as err:
        what = "a redirect loop or too many redirects" if 300 <= err.code < 400 else "check the endpoint URL, or try later"
        raise RemoteError(f"{endpoint}: HTTP {err.code} {' '.join(str(err.reason).split())}; {what}") from None
    except urllib.error.URLError as err:
        if isinstance(err.reason, (TimeoutError, socket.timeout)):
            raise RemoteError(f"{endpoint}: no answer within {timeout:g} s; raise --timeout or try later") from None
        raise RemoteError(remote.offline_message(endpoint, err, OFFLINE_HINT)) from None
    except TimeoutError:
        raise RemoteError(f"{endpoint}: no answer within {timeout:g} s; raise --timeout or try later") from None
    except (OSError, ValueError, http.client.HTTPException) as err:
        raise RemoteError(f"{endpoint}: request failed: {type(err).__name__}: {err}") from None
    return _parse_answer(data, form, endpoint)


def _sparqlwrapper(text: str, form: str, endpoint: str, timeout: float):
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

    from ..version import __version__

    client = SPARQLWrapper(endpoint, agent=f"citygraph/{__version__} (stored queries; https://w3id.org/citygraph)")
    client.setQuery(text)
    # SPARQLWrapper guesses the query type by regex over the text, and a word like "ADD" or
    # "DROP" in a comment or a bound string makes it send an update; we know the form.
    client.queryType = form if form in SELECT_FORMS + GRAPH_FORMS else "SELECT"
    client.setMethod(POST)
    client.timeout = max(0.01, timeout)  # type: ignore[assignment]  # setTimeout() would round to whole seconds
    client.setReturnFormat(TURTLE if form in GRAPH_FORMS else JSON)
    return client


def _parse_answer(data: bytes, form: str, endpoint: str) -> Result:
    from ..load import guards  # lazy, as in run_remote: a remote answer's checks, not a local query's start-up

    graph = form in GRAPH_FORMS
    head = data.lstrip()[:15].lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise RemoteError(f"{endpoint}: answered an HTML page, not {'Turtle' if graph else 'SPARQL results JSON'}; "
                          "check that the URL is the endpoint itself (often ending in /sparql or /query)")
    try:
        if graph:
            quads = ox.parse(data, format=ox.RdfFormat.TURTLE)  # the parser yields quads (default graph)
            return Result(form=form, triples=[ox.Triple(q.subject, q.predicate, q.object) for q in quads])
        guards.check_json_depth(data.decode("utf-8", "replace"), endpoint)
        return _from_solutions(form, ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON))
    except BadInput as err:
        raise RemoteError(f"{endpoint}: the answer was refused: {err}") from None
    except (SyntaxError, ValueError, MemoryError) as err:
        raise RemoteError(f"{endpoint}: the answer is not valid {'Turtle' if graph else 'SPARQL results JSON'}: {err}") from None


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------

def _term_key(term) -> tuple:
    if term is None:
        return (0, "")
    if isinstance(term, ox.NamedNode):
        return (1, term.value)
    if isinstance(term, ox.BlankNode):
        return (2, term.value)
    return (3, term.value, term.datatype.value if term.datatype else "", term.language or "")


def sorted_triples(triples) -> list:
    unique = set(triples)
    return sorted(unique, key=lambda t: (_term_key(t.subject), _term_key(t.predicate), _term_key(t.object)))


def nt_term(term) -> str:
    """A term in N-Triples/Turtle syntax (for TSV)."""
    # pyoxigraph writes every term in N-Triples syntax (escapes included): no second escaper here.
    return "" if term is None else str(term)


def _cell(term) -> str:
    """Table cells: IRIs as prefixed names, literals as their text (language and datatype dropped)."""
    from .terms import shorten
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    return term.value if isinstance(term, ox.Literal) else str(term)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())  # newlines and tabs would break the table
    if _width(text) <= limit:
        return text
    out, w = [], 0
    for c in text:
        cw = _width(c)
        if w + cw > limit - 1:
            break
        out.append(c)
        w += cw
    return "".join(out) + "…"


def write_table(result: Result, max_cell: int = 60) -> str:
    if result.form == "ASK":
        return ("yes" if result.boolean else "no") + "\n"
    if result.is_graph:
        header = ["subject", "predicate", "object"]
        rows = [(t.subject, t.predicate, t.object) for t in sorted_triples(result.triples)]
    else:
        header, rows = result.variables, result.rows
    cells = [[_clip(_cell(t), max_cell) for t in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(header)]

    def line(values):
        return "  ".join(v + " " * (widths[i] - _width(v)) for i, v in enumerate(values)).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    n = len(cells)
    out.append(f"({n} {'triple' if result.is_graph else 'row'}{'' if n == 1 else 's'})")
    return "\n".join(out) + "\n"


def write_csv(result: Result) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if result.form == "ASK":
        w.writerow(["boolean"])
        w.writerow(["true" if result.boolean else "false"])
        return buf.getvalue()
    w.writerow(result.variables)
    for row in result.rows:
        w.writerow(["" if t is None else (f"_:{t.value}" if isinstance(t, ox.BlankNode) else t.value) for t in row])
    return buf.getvalue()


def write_tsv(result: Result) -> str:
    if result.form == "ASK":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join("?" + v for v in result.variables)]
    lines += ["\t".join(nt_term(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def write_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.form == "ASK":
        doc = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [{v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None} for row in result.rows]
        doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{xml_escape(term.value)}</literal>"
    return f"<literal>{xml_escape(term.value)}</literal>"


def write_xml(result: Result) -> str:
    """SPARQL Query Results XML."""
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.form == "ASK":
        out += ["  <head/>", f"  <boolean>{'true' if result.boolean else 'false'}</boolean>"]
    else:
        out.append("  <head>")
        out += [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
        out += ["  </head>", "  <results>"]
        for row in result.rows:
            out.append("    <result>")
            out += [f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>" for v, t in zip(result.variables, row, strict=True) if t is not None]
            out.append("    </result>")
        out.append("  </results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def sorted_ntriples(data: bytes) -> bytes:
    """N-Triples lines sorted bytewise and de-duplicated: the one order of every graph answer,
    whichever engine or writer produced them (the CLI's engine path, the server, a remote answer)."""
    return b"".join(sorted(set(data.splitlines(keepends=True))))


def turtle_from_ntriples(nt: bytes) -> bytes:
    """Turtle by the engine's writer, declaring only the prefixes the triples use, in our fixed order."""
    from ..prefixes import ordered_prefixes
    from .terms import DISPLAY_PREFIXES

    used = {k: v for k, v in DISPLAY_PREFIXES.items() if b"<" + v.encode() in nt}
    data = ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE, prefixes=used) or b""
    return ordered_prefixes(data, used)


def write_turtle(result: Result) -> str:
    """The answer's N-Triples order; only the prefixes it uses, in the project's fixed order."""
    return turtle_from_ntriples(write_ntriples(result).encode("utf-8")).decode("utf-8")


def write_ntriples(result: Result) -> str:
    return sorted_ntriples(ox.serialize(result.triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def write_jsonld(result: Result) -> str:
    """Compacted with the project's JSON-LD context, as the JSON-LD dump is (jsonld.py)."""
    from ..publish.jsonld import to_jsonld
    return to_jsonld(sorted_triples(result.triples)).decode("utf-8")


# format -> (writer, query forms it serves)
FORMATS: dict[str, tuple[Callable[[Result], str], tuple[str, ...]]] = {
    "table": (write_table, SELECT_FORMS + GRAPH_FORMS),
    "csv": (write_csv, SELECT_FORMS),
    "tsv": (write_tsv, SELECT_FORMS),
    "json": (write_json, SELECT_FORMS),
    "xml": (write_xml, SELECT_FORMS),
    "turtle": (write_turtle, GRAPH_FORMS),
    "jsonld": (write_jsonld, GRAPH_FORMS),
    "ntriples": (write_ntriples, GRAPH_FORMS),
}


def default_format(form: str, terminal: bool) -> str:
    """table on a terminal; csv (SELECT/ASK) or turtle (CONSTRUCT/DESCRIBE) in a pipe."""
    if terminal:
        return "table"
    return "turtle" if form in GRAPH_FORMS else "csv"


def check_format(fmt: str, form: str, name: str) -> None:
    if fmt not in FORMATS:
        raise BadInput(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if form not in FORMATS[fmt][1]:
        fits = ", ".join(f for f, (_w, forms) in FORMATS.items() if form in forms)
        raise BadInput(f"--format {fmt}: query {name!r} is a {form} query; use one of {fits}")


def write(result: Result, fmt: str) -> str:
    check_format(fmt, result.form, "(result)")
    return FORMATS[fmt][0](result)


__all__ = ["Result", "FORMATS", "run_local", "run_remote", "write", "default_format", "check_format", "sorted_triples"]
