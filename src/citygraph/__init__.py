"""citygraph: the knowledge graph of city diplomacy.

`import citygraph` stays light (no pyoxigraph, no rdflib); the API functions load on first use:
run_query (stored queries), sparql (any query on the built graph), store (the pyoxigraph Store),
dataset (an rdflib Dataset, on request).
"""

from .version import __version__

__all__ = ["__version__", "run_query", "sparql", "store", "dataset"]

_API = ("run_query", "sparql", "store", "dataset")


def __getattr__(name):  # lazy: `import citygraph` stays light until the API is used
    if name in _API:
        from .query import api

        return getattr(api, name)
    raise AttributeError(f"module 'citygraph' has no attribute {name!r}")
