"""citygraph: the knowledge graph of city diplomacy.

`import citygraph` stays light (no pyoxigraph, no rdflib); the API functions load on first use:
run_query (stored queries), sparql (any query on the built graph), store (the pyoxigraph Store),
dataset (an rdflib Dataset, on request).
"""

# The one place the version is written (pyproject.toml reads it: [tool.hatch.version]); a
# literal, because importlib.metadata costs ~50 ms of every command's start.
__version__ = "0.1.0"

__all__ = ["__version__", "run_query", "sparql", "store", "dataset"]

_API = ("run_query", "sparql", "store", "dataset")


def __getattr__(name):  # lazy: `import citygraph` stays light until the API is used
    if name in _API:
        from .query import api

        return getattr(api, name)
    raise AttributeError(f"module 'citygraph' has no attribute {name!r}")
