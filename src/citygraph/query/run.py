"""Running a stored query: bind its values, then answer locally or from a remote endpoint.

Big graph answers (CONSTRUCT/DESCRIBE) on the local store skip Python terms altogether
(`graph_answer`): the engine writes N-Triples, the lines are sorted bytewise (the dumps' order,
so output is deterministic) and, for Turtle, the engine's own writer re-serialises them.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from ..errors import BadInput
from . import places, service_policy
from .binding import bind, bound_text
from .catalogue import StoredQuery
from .results import run_local, run_remote, sorted_ntriples, turtle_from_ntriples, within

GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
ENGINE_FORMATS = ("ntriples", "turtle")  # written by pyoxigraph's serialisers straight from the answer


def run(query: StoredQuery, values: Mapping[str, object] | None = None, *, store: ox.Store | None = None,
        endpoint: str | None = None, timeout: float = 60.0):
    """Run a stored query on `store` (default graph = union of named graphs) or on `endpoint`."""
    values = places.resolve_values(query, values or {}, store if endpoint is None else None)  # names -> IRIs
    text = bound_text(query, bind(query, values))
    if endpoint is not None:
        return run_remote(text, query.form, endpoint, timeout=timeout)
    if store is None:
        raise BadInput("no graph to query: give a store or an endpoint")
    return run_local(text, store, query.form, timeout=timeout)


def engine_query(text: str, store: ox.Store):
    """store.query with the union default graph; the engine's errors as BadInput."""
    try:
        return store.query(text, use_default_graph_as_union=True)
    except SyntaxError as err:
        raise BadInput(f"the query does not parse: {err}") from None
    except (OSError, RuntimeError) as err:
        raise BadInput(f"the query failed on the local graph: {err}") from None


def graph_answer(query: StoredQuery, values: Mapping[str, object] | None, fmt: str, *, store: ox.Store | None = None,
                 endpoint: str | None = None, timeout: float = 60.0) -> bytes:
    """A CONSTRUCT/DESCRIBE answer in `fmt` (ntriples or turtle), in the same bytes whichever engine
    answered: locally the engine writes it; a remote answer is put in the same order."""
    if query.form not in GRAPH_FORMS or fmt not in ENGINE_FORMATS:
        raise BadInput(f"--format {fmt}: the engine writes {', '.join(ENGINE_FORMATS)} for CONSTRUCT/DESCRIBE only")
    if store is not None and endpoint is None:
        text = bound_text(query, bind(query, values or {}))
        service_policy.check_services(text, service_policy.allowed(), "the query")
        nt = within(timeout, lambda: sorted_ntriples(engine_query(text, store).serialize(format=ox.RdfFormat.N_TRIPLES) or b""))
    else:
        result = run(query, values, endpoint=endpoint, timeout=timeout)
        nt = sorted_ntriples(ox.serialize(result.triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    return nt if fmt == "ntriples" else turtle_from_ntriples(nt)


__all__ = ["run", "graph_answer", "engine_query", "ENGINE_FORMATS"]
