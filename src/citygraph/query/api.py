"""The Python API for notebooks: `citygraph.run_query`."""

from __future__ import annotations

from pathlib import Path

from ..errors import BadInput
from .binding import bind
from .catalogue_cache import get
from .run import run


class Rows(list):
    """A SELECT answer: a list of {variable: value} dicts, with the variables in order."""

    def __init__(self, rows, variables, result):
        super().__init__(rows)
        self.variables = list(variables)
        self.result = result  # the results.Result with the RDF terms

    def to_dataframe(self):
        """The rows as a pandas DataFrame (pandas is optional: `pip install pandas`)."""
        try:
            import pandas
        except ImportError:
            raise BadInput("to_dataframe() needs pandas; install it with 'pip install pandas'") from None
        return pandas.DataFrame(list(self), columns=self.variables)


def run_query(name: str, *, endpoint: str | None = None, graph: str | Path | None = None, scope: str = "all",
              add=(), reasoner: str | None = None, timeout: float = 60.0, **params):
    """Run the stored query `name` with parameters given as keywords, for notebooks.

    SELECT -> Rows (a list of dicts; .to_dataframe() with pandas); ASK -> bool;
    CONSTRUCT/DESCRIBE -> an rdflib Graph. The graph is the cached build (as `citygraph query`),
    or `graph=` a dump file, or `endpoint=` a SPARQL endpoint.

        >>> import citygraph
        >>> rows = citygraph.run_query("status-on", date="2015-01-01")
    """
    from .. import cache

    query = get(name)
    bind(query, params)  # check values before building
    store = None
    if endpoint is None:
        store = cache.graph_file_store(Path(graph)) if graph is not None else cache.built_store(scope, add, reasoner)
    result = run(query, params, store=store, endpoint=endpoint, timeout=timeout)
    if result.form == "ASK":
        return bool(result.boolean)
    if result.is_graph:
        import rdflib

        from .results import write_ntriples
        return rdflib.Graph().parse(data=write_ntriples(result), format="nt")
    return Rows(result.dicts(), result.variables, result)
