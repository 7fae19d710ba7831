"""citygraph: the knowledge graph of city diplomacy."""

# The one place the version is written (pyproject.toml reads it: [tool.hatch.version]); a
# literal, because importlib.metadata costs ~50 ms of every command's start.
__version__ = "0.1.0"

__all__ = ["__version__", "run_query"]


def __getattr__(name):  # lazy: `import citygraph` stays light until run_query is used
    if name == "run_query":
        from .query.api import run_query

        return run_query
    raise AttributeError(f"module 'citygraph' has no attribute {name!r}")
