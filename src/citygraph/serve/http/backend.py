"""The graph the server reads: the built store in this process, or an external SPARQL endpoint.

Both answer `query(text, …)` with a `results.Result` (pyoxigraph terms), so pages, API and
/sparql are the same code over either. Every query is checked first: read-only (updates and
LOAD refused) and SERVICE only to the allow-list (query/service_policy). The local store's
answers are read row by row against a deadline and a row cap, so a streaming query stops
when either is reached. `default-graph-uri`/`named-graph-uri` make the query's dataset in both:
given to the local store, or passed on to the external endpoint as the same protocol parameters.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ...errors import BadInput, RemoteError
from ...query import results
from ...query.results import Result
from ...query.service_policy import check_services
from ...query.sparqltext import _tokens

UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
QUERY_WORDS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


class ReadOnly(BadInput):
    """An update (INSERT, DELETE, LOAD, …) sent to a read-only server: HTTP 403."""


class TooLarge(BadInput):
    """An answer over the row cap: HTTP 413."""


class QueryTimeout(RemoteError):
    """A query that ran past its time: HTTP 503."""


def query_form(text: str) -> str:
    """SELECT/CONSTRUCT/ASK/DESCRIBE from the first keyword after the prologue; updates refused."""
    for kind, value, *_ in _tokens(text):
        if kind != "word":
            continue
        word = value.upper()
        if word in QUERY_WORDS:
            return word
        if word in UPDATE_WORDS:
            raise ReadOnly(f"this endpoint is read-only: {word} (a SPARQL update) is refused; send a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    raise BadInput("not a SPARQL query: no SELECT, CONSTRUCT, ASK or DESCRIBE")


@dataclass
class Answer:
    result: Result
    truncated: bool = False   # more rows than the cap; only the first ones are kept


@dataclass
class Backend:
    """Settings shared by both kinds of backend."""

    allowed_services: Sequence[str] = ()
    max_rows: int = 10_000

    def check(self, text: str) -> str:
        """The query's form, after the read-only and SERVICE checks (BadInput/ReadOnly on failure)."""
        form = query_form(text)
        # no "service" anywhere (and no \u escape that could spell it): no SERVICE clause, nothing to
        # check. The pages' own queries (a labels query names up to 300 IRIs) skip lexing the whole text.
        lowered = text.lower()
        if "service" in lowered or "\\u" in lowered:
            check_services(text, self.allowed_services, where="the query")
        return form

    def ask(self, text: str, *, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
            timeout: float = 10.0, max_rows: int | None = None) -> Answer:
        raise NotImplementedError  # LocalBackend and RemoteBackend answer


def _graphs(iris: Iterable[str]) -> list[ox.NamedNode]:
    out = []
    for iri in iris:
        try:
            out.append(ox.NamedNode(iri))
        except ValueError:
            raise BadInput(f"default-graph-uri/named-graph-uri {iri!r} is not an IRI") from None
    return out


@dataclass
class LocalBackend(Backend):
    store: ox.Store | None = None

    def ask(self, text: str, *, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
            timeout: float = 10.0, max_rows: int | None = None) -> Answer:
        form = self.check(text)
        cap = self.max_rows if max_rows is None else max_rows
        deadline = time.monotonic() + timeout
        kwargs: dict = {"use_default_graph_as_union": True}
        if default_graphs or named_graphs:  # the protocol's dataset: the default graph is the merge of
            # the default-graph-uri graphs (empty if none), the named graphs only the named-graph-uri ones
            kwargs = {"default_graph": _graphs(default_graphs), "named_graphs": _graphs(named_graphs)}
        assert self.store is not None
        try:
            answer = self.store.query(text, **kwargs)
            return _collect(form, answer, cap, deadline, timeout)
        except SyntaxError as err:
            raise BadInput(f"the query does not parse: {err}") from None
        except (OSError, RuntimeError) as err:
            raise BadInput(f"the query failed: {err}") from None


def _collect(form: str, answer, cap: int, deadline: float, timeout: float) -> Answer:
    if isinstance(answer, ox.QueryBoolean):
        return Answer(Result(form="ASK", boolean=bool(answer)))
    items: list = []
    truncated = False
    for n, item in enumerate(answer):
        if n >= cap:
            truncated = True
            break
        if n % 256 == 0 and time.monotonic() > deadline:
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped; narrow it or add a LIMIT")
        items.append(item)
    if isinstance(answer, ox.QueryTriples):
        return Answer(Result(form=form if form in results.GRAPH_FORMS else "CONSTRUCT", triples=items), truncated)
    variables = [v.value for v in answer.variables]
    rows = [tuple(sol) for sol in items]  # a solution iterates over its values in the order of `variables`
    return Answer(Result(form="SELECT", variables=variables, rows=rows), truncated)


@dataclass
class RemoteBackend(Backend):
    endpoint: str = ""

    def ask(self, text: str, *, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
            timeout: float = 10.0, max_rows: int | None = None) -> Answer:
        form = self.check(text)
        _graphs([*default_graphs, *named_graphs])  # IRIs, checked as the local backend checks them
        cap = self.max_rows if max_rows is None else max_rows
        started = time.monotonic()
        try:
            result = results.run_remote(text, form, self.endpoint, timeout=timeout,
                                        default_graphs=default_graphs, named_graphs=named_graphs)
        except RemoteError as err:
            if time.monotonic() - started >= timeout:  # the endpoint did not answer in time: 503, not 502
                raise QueryTimeout(f"the endpoint gave no answer within {timeout:g} s; narrow the query or add a LIMIT") from None
            raise err
        truncated = False
        if result.is_graph and len(result.triples) > cap:
            result.triples, truncated = result.triples[:cap], True
        elif len(result.rows) > cap:
            result.rows, truncated = result.rows[:cap], True
        return Answer(result, truncated)
