"""citygraph: the knowledge graph of city diplomacy."""

from .version import __version__

__all__ = ["__version__", "run_query"]


def __getattr__(name):  # lazy: `import citygraph` stays light until run_query is used
    if name == "run_query":
        from .query.api import run_query

        return run_query
    raise AttributeError(f"module 'citygraph' has no attribute {name!r}")
