"""SPARQL SELECT on a pyoxigraph Store, typed: the one place that narrows `Store.query`'s result.

`Store.query` returns solutions, a boolean or triples depending on the query form; code that
runs a SELECT it wrote itself calls `select`, which checks the form once and returns solutions.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox


def select(store: ox.Store, query: str, **options: Any) -> ox.QuerySolutions:
    """Run a SELECT query (options as for `Store.query`) and return its solutions."""
    result = store.query(query, **options)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"expected a SELECT query, got one answering {type(result).__name__}")
    return result
