"""Running a stored query: bind its values, then answer locally or from a remote endpoint."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from ..errors import BadInput
from . import places
from .binding import bind, bound_text
from .catalogue import StoredQuery
from .results import run_local, run_remote


def run(query: StoredQuery, values: Mapping[str, object] | None = None, *, store: ox.Store | None = None,
        endpoint: str | None = None, timeout: float = 60.0):
    """Run a stored query on `store` (default graph = union of named graphs) or on `endpoint`."""
    values = places.resolve_values(query, values or {}, store if endpoint is None else None)  # names -> IRIs
    text = bound_text(query, bind(query, values))
    if endpoint is not None:
        return run_remote(text, query.form, endpoint, timeout=timeout)
    if store is None:
        raise BadInput("no graph to query: give a store or an endpoint")
    return run_local(text, store, query.form)
