"""Pushing a build into a triple store: the SPARQL 1.1 Graph Store HTTP Protocol, then a check.

Any store that speaks the protocol takes the build (Oxigraph, Virtuoso, Fuseki, GraphDB,
QLever's loader aside): each named graph goes by `PUT ?graph=IRI` with N-Triples, which
replaces the graph; a big graph goes in chunks, the first by PUT and the rest by POST (which
adds), so no single request is larger than `chunk` triples. `--merge` sends every chunk by POST
and leaves what the store already held.

Afterwards every graph is checked through the store's SPARQL endpoint, not through the
Graph Store: the store must count exactly the build's triples in the graph (at least as many
with merge), and every triple of the build must be there, asked in batches with `VALUES`, so
equal counts and full membership mean the same set. A graph that already holds exactly the
build's triples is left alone ("unchanged"), so a re-run changes nothing.

Credentials never come from the command line (it ends up in shell histories and process
lists): they come from CITYGRAPH_STORE_USER / CITYGRAPH_STORE_PASSWORD, or else from a netrc
file ($NETRC, default ~/.netrc) entry for the store's host. The store's challenge decides
between HTTP Basic and Digest. No message ever includes a password.

A failure midway says exactly where each graph stands: replaced with this build, partly
written (the one that failed), or not touched (still its previous content).
"""

from __future__ import annotations

import json
import netrc
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import BadInput, RemoteError

NTRIPLES_MEDIA = "application/n-triples"
RESULTS_JSON = "application/sparql-results+json"
CHUNK = 50_000  # triples per request: ~6 MB of N-Triples
CHECK_BATCH = 100  # triples per membership query (a UNION of 500 overflows Virtuoso's stack)
WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"
WKT_TOLERANCE = 1e-5  # degrees; a float32 coordinate of up to 180 is within 8e-6
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
USER_AGENT = "citygraph-publish (https://w3id.org/citygraph)"
ENV_USER = "CITYGRAPH_STORE_USER"
ENV_PASSWORD = "CITYGRAPH_STORE_PASSWORD"

# Graph Store endpoint path -> SPARQL query endpoint path, for stores whose layout is known.
KNOWN_LAYOUTS = (
    ("/store", "/query"),  # Oxigraph
    ("/sparql-graph-crud-auth", "/sparql"),  # Virtuoso, authenticated
    ("/sparql-graph-crud", "/sparql"),  # Virtuoso
    ("/data", "/sparql"),  # Apache Jena Fuseki (/DATASET/data)
    ("/rdf-graphs/service", ""),  # RDF4J / GraphDB (/repositories/ID/rdf-graphs/service)
)


@dataclass
class Target:
    """Where the build goes: the Graph Store endpoint and the SPARQL endpoint that checks it."""

    graph_store: str
    sparql: str
    timeout: float = 120.0
    opener: urllib.request.OpenerDirector = field(default_factory=urllib.request.build_opener, repr=False)


@dataclass
class GraphOutcome:
    graph: str
    triples: int  # in the build
    action: str  # replaced | merged | unchanged
    found: int = 0  # in the store, after the push


class PartialPublish(RemoteError):
    """The store failed midway; the message says which graphs are new, partial and untouched."""

    def __init__(self, message: str, done: list[str], failed: str, untouched: list[str]):
        super().__init__(message)
        self.done, self.failed, self.untouched = done, failed, untouched


class VerificationFailed(RemoteError):
    """A graph in the store does not hold exactly the build's triples."""

    def __init__(self, message: str, graph: str):
        super().__init__(message)
        self.graph = graph


# --- where and who ---------------------------------------------------------------------------

def check_url(url: str, option: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"{option} {url!r}: not an http(s) URL; give the store's endpoint, e.g. http://127.0.0.1:7878/store")
    if parts.username or parts.password:
        raise BadInput(f"{option}: the URL carries credentials; remove them and set {ENV_USER}/{ENV_PASSWORD} "
                       "or a netrc entry for the host instead (a command line ends up in logs)")
    return url


def sparql_endpoint_for(graph_store: str) -> str | None:
    """The SPARQL endpoint beside a Graph Store endpoint of a known layout, else None."""
    parts = urllib.parse.urlsplit(graph_store)
    path = parts.path.rstrip("/")
    for gsp, query in KNOWN_LAYOUTS:
        if path.endswith(gsp):
            return urllib.parse.urlunsplit(parts._replace(path=path[: -len(gsp)] + query, query=""))
    return None


def credentials(url: str, environ: dict[str, str] | None = None) -> tuple[str, str] | None:
    """(user, password) for the store at `url`: from the environment, else from netrc, else None."""
    env = os.environ if environ is None else environ
    user, password = env.get(ENV_USER), env.get(ENV_PASSWORD)
    if user or password:
        if not (user and password):
            raise BadInput(f"set both {ENV_USER} and {ENV_PASSWORD} (only one is set)")
        return user, password
    path = Path(env.get("NETRC") or Path.home() / ".netrc").expanduser()
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except (netrc.NetrcParseError, OSError) as err:
        raise BadInput(f"{path}: cannot read the netrc file ({getattr(err, 'msg', err)}); fix or remove it") from None
    if entry is None or not entry[0]:
        return None
    return entry[0], entry[2] or ""


def target(graph_store: str, sparql: str | None = None, timeout: float = 120.0,
           environ: dict[str, str] | None = None) -> Target:
    """A Target with an opener that answers Basic or Digest challenges with the credentials found."""
    check_url(graph_store, "--graph-store")
    if sparql is None:
        sparql = sparql_endpoint_for(graph_store)
        if sparql is None:
            raise BadInput(f"--graph-store {graph_store}: cannot tell this store's SPARQL endpoint; give it with --sparql URL")
    check_url(sparql, "--sparql")
    handlers: list[urllib.request.BaseHandler] = []
    creds = credentials(graph_store, environ)
    if creds:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in (graph_store, sparql):
            passwords.add_password(None, url, *creds)
        handlers += [urllib.request.HTTPDigestAuthHandler(passwords), urllib.request.HTTPBasicAuthHandler(passwords)]
    return Target(graph_store, sparql, timeout, urllib.request.build_opener(*handlers))


# --- talking to the store --------------------------------------------------------------------

def _graph_url(t: Target, graph: str) -> str:
    sep = "&" if urllib.parse.urlsplit(t.graph_store).query else "?"
    return t.graph_store + sep + urllib.parse.urlencode({"graph": graph})


def _reason(err: BaseException) -> str:
    if isinstance(err, urllib.error.HTTPError):
        body = err.read(300).decode("utf-8", "replace").strip().splitlines()
        return f"HTTP {err.code} {err.reason}" + (f": {body[0][:200]}" if body else "")
    if isinstance(err, urllib.error.URLError):
        return f"cannot connect ({err.reason})"
    return str(err) or type(err).__name__


def _send(t: Target, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> bytes:
    req = urllib.request.Request(url, data=body, method=method, headers={"User-Agent": USER_AGENT, **headers})
    with t.opener.open(req, timeout=t.timeout) as resp:
        return resp.read()


def put_graph(t: Target, graph: str, lines: Sequence[bytes], *, merge: bool = False, chunk: int = CHUNK) -> None:
    """Send one graph's N-Triples lines: PUT the first chunk (replace), POST the rest (add)."""
    url = _graph_url(t, graph)
    headers = {"Content-Type": NTRIPLES_MEDIA}
    starts = range(0, max(len(lines), 1), chunk)
    for i, start in enumerate(starts):
        body = b"".join(lines[start:start + chunk])
        if merge and not body:
            continue
        _send(t, "POST" if merge or i else "PUT", url, body, headers)


def select(t: Target, query: str) -> list[dict]:
    """Run a SELECT on the SPARQL endpoint; its JSON result rows."""
    body = urllib.parse.urlencode({"query": query}).encode()
    try:
        data = _send(t, "POST", t.sparql, body, {"Content-Type": "application/x-www-form-urlencoded", "Accept": RESULTS_JSON})
        rows = json.loads(data)["results"]["bindings"]
        if not isinstance(rows, list):
            raise TypeError(rows)
        return rows
    except (TimeoutError, urllib.error.URLError, OSError) as err:
        raise RemoteError(f"--sparql {t.sparql}: {_reason(err)}") from None
    except (ValueError, KeyError, TypeError):
        raise RemoteError(f"--sparql {t.sparql}: the answer is not SPARQL JSON results; is this the store's SPARQL endpoint?") from None


def select_count(t: Target, query: str) -> int:
    """Run a `SELECT (COUNT(*) AS ?n)` on the SPARQL endpoint and return n."""
    rows = select(t, query)
    try:
        return int(rows[0]["n"]["value"]) if rows else 0
    except (KeyError, ValueError, TypeError):
        raise RemoteError(f"--sparql {t.sparql}: the answer holds no count ?n; is this the store's SPARQL endpoint?") from None


# --- the build's side ------------------------------------------------------------------------

def graph_lines(store: ox.Store, graph: str) -> list[bytes]:
    """One named graph of the build as sorted N-Triples lines."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""
    return sorted(data.splitlines(keepends=True))


def publishable_graphs(store: ox.Store) -> list[str]:
    """Every named graph of the build, by IRI."""
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def _batches(lines: Sequence[bytes], size: int) -> Iterator[list[ox.Triple]]:
    for start in range(0, len(lines), size):
        yield [q.triple for q in ox.parse(b"".join(lines[start:start + size]), format=ox.RdfFormat.N_TRIPLES)]


def _is_geometry(triple: ox.Triple) -> bool:
    return isinstance(triple.object, ox.Literal) and triple.object.datatype.value == WKT


def _lexical(term) -> str:
    return term.value if isinstance(term, ox.Literal) else str(term)


def same_geometry(a: str, b: str, tolerance: float = WKT_TOLERANCE) -> bool:
    """Two WKT texts name the same geometry: same words and shape, coordinates within `tolerance`."""
    words_a, words_b = _NUMBER.sub("#", a).upper().split(), _NUMBER.sub("#", b).upper().split()
    nums_a, nums_b = [float(x) for x in _NUMBER.findall(a)], [float(x) for x in _NUMBER.findall(b)]
    return (words_a == words_b and len(nums_a) == len(nums_b)
            and all(abs(x - y) <= tolerance for x, y in zip(nums_a, nums_b, strict=True)))


def count_in_store(t: Target, graph: str) -> int:
    return select_count(t, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


def _union_query(graph: str, triples: Iterable[ox.Triple]) -> str:
    # A UNION of constant patterns, not VALUES: Virtuoso 7.2 drops language-tagged literals
    # from a VALUES block of more than one row.
    rows = " UNION ".join(f"{{ {t.subject} {t.predicate} {t.object} }}" for t in triples)
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ {rows} }} }}"


def _missing_geometries(t: Target, graph: str, triples: list[ox.Triple]) -> int:
    """Geometry triples the store lacks, compared by their coordinates.

    Some stores keep WKT in a type of their own: Virtuoso turns geo:wktLiteral into
    virtrdf:Geometry, spells numbers its own way and keeps some coordinates in single
    precision (30.3449 comes back as 30.344900131226). So the literal cannot be matched
    exactly; the geometry must still be there, to within WKT_TOLERANCE degrees (about a metre).
    """
    rows = " ".join(f"({t.subject} {t.predicate})" for t in triples)
    found: dict[tuple[str, str], list[str]] = {}
    for r in select(t, f"SELECT ?s ?p (STR(?o) AS ?w) WHERE {{ VALUES (?s ?p) {{ {rows} }} GRAPH <{graph}> {{ ?s ?p ?o }} }}"):
        found.setdefault((f"<{r['s']['value']}>", f"<{r['p']['value']}>"), []).append(r["w"]["value"])
    return sum(not any(same_geometry(_lexical(x.object), w) for w in found.get((str(x.subject), str(x.predicate)), []))
               for x in triples)


def missing_in_store(t: Target, graph: str, lines: Sequence[bytes], batch: int = CHECK_BATCH) -> int:
    """How many of the build's triples of `graph` the store's SPARQL endpoint does not find."""
    missing = 0
    for triples in _batches(lines, batch):
        plain = [x for x in triples if not _is_geometry(x)]
        if plain:
            missing += len(plain) - select_count(t, _union_query(graph, plain))
        if len(plain) < len(triples):
            missing += _missing_geometries(t, graph, [x for x in triples if _is_geometry(x)])
    return missing


def holds_exactly(t: Target, graph: str, lines: Sequence[bytes]) -> bool:
    return count_in_store(t, graph) == len(lines) and missing_in_store(t, graph, lines) == 0


def verify_graph(t: Target, graph: str, lines: Sequence[bytes], *, merge: bool = False) -> int:
    """Check one graph through the SPARQL endpoint; return the store's count or raise VerificationFailed."""
    found = count_in_store(t, graph)
    too_few = found < len(lines)
    if too_few or (found != len(lines) and not merge):
        raise VerificationFailed(
            f"graph {graph}: the store holds {found} triples, the build {len(lines)}"
            + ("" if merge else " (a replace must leave exactly the build's)")
            + "; publish again with --replace", graph)
    missing = missing_in_store(t, graph, lines)
    if missing:
        raise VerificationFailed(
            f"graph {graph}: {missing} of the build's {len(lines)} triples are not found through {t.sparql} "
            "(the store may have changed literals it does not support); publish again with --replace", graph)
    return found


# --- publishing ------------------------------------------------------------------------------

def _failure(t: Target, graph: str, err: BaseException, done: list[str], untouched: list[str]) -> PartialPublish:
    msg = (f"--graph-store {t.graph_store}: the store failed while writing graph {graph} ({_reason(err)}); "
           f"already holding this build: {', '.join(done) or 'none'}; "
           f"may hold part of it: {graph}; not touched (previous content): {', '.join(untouched) or 'none'}; "
           "run the same command again to finish")
    return PartialPublish(msg, list(done), graph, list(untouched))


def publish(
    store: ox.Store,
    t: Target,
    graphs: Sequence[str] | None = None,
    *,
    merge: bool = False,
    chunk: int = CHUNK,
    on_graph: Callable[[GraphOutcome], None] | None = None,
) -> list[GraphOutcome]:
    """Push each graph of `store` into the store at `t`, then verify them all.

    Raises PartialPublish if the store fails midway (naming every graph's state), and
    VerificationFailed if a graph does not hold the build's triples afterwards.
    """
    graphs = list(graphs) if graphs is not None else publishable_graphs(store)
    outcomes: list[GraphOutcome] = []
    done: list[str] = []
    for i, graph in enumerate(graphs):
        lines = graph_lines(store, graph)
        try:
            if not merge and holds_exactly(t, graph, lines):
                action = "unchanged"
            else:
                put_graph(t, graph, lines, merge=merge, chunk=chunk)
                action = "merged" if merge else "replaced"
        except (TimeoutError, urllib.error.URLError, OSError, RemoteError) as err:
            raise _failure(t, graph, err, done, graphs[i + 1:]) from None
        done.append(graph)
        outcome = GraphOutcome(graph, len(lines), action)
        outcomes.append(outcome)
        if on_graph:
            on_graph(outcome)
    for outcome in outcomes:
        outcome.found = verify_graph(t, outcome.graph, graph_lines(store, outcome.graph), merge=merge)
    return outcomes


def check(store: ox.Store, t: Target, graphs: Sequence[str] | None = None, *, merge: bool = False) -> list[GraphOutcome]:
    """Verify without pushing: every graph must hold the build's triples (exactly, unless merge)."""
    out = []
    for graph in list(graphs) if graphs is not None else publishable_graphs(store):
        lines = graph_lines(store, graph)
        out.append(GraphOutcome(graph, len(lines), "checked", verify_graph(t, graph, lines, merge=merge)))
    return out


__all__ = ["Target", "GraphOutcome", "PartialPublish", "VerificationFailed", "target", "credentials",
           "sparql_endpoint_for", "publish", "check", "publishable_graphs", "put_graph", "verify_graph"]
