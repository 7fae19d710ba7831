"""The Python API for notebooks: `citygraph.run_query`, `citygraph.sparql`, `citygraph.store`,
`citygraph.dataset`.

Answers are light: SELECT gives `Rows` (dicts of Python values, `.to_dataframe()` with typed
columns), CONSTRUCT/DESCRIBE gives `Triples` (pyoxigraph triples, `.to_rdflib()` on request),
ASK a bool. rdflib and pandas are imported only when asked for.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..errors import BadInput
from .binding import bind
from .catalogue_cache import get
from .results import Result, _from_solutions, sorted_ntriples
from .run import engine_query, run

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                              "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong")}
_FLOAT = {XSD + t for t in ("decimal", "double", "float")}


class Rows(list):
    """A SELECT answer: a list of {variable: value} dicts, with the variables in order."""

    def __init__(self, rows, variables, result):
        super().__init__(rows)
        self.variables = list(variables)
        self.result = result  # the results.Result with the RDF terms

    def to_dataframe(self):
        """The rows as a pandas DataFrame with typed columns (pandas is optional: `pip install pandas`).

        A column whose bound values all share one datatype gets a matching dtype: xsd:date ->
        datetime64, integers -> nullable Int64, decimals/doubles -> float64, booleans -> boolean;
        gYear/gYearMonth and anything mixed stay strings (a year is not a date).
        """
        try:
            import pandas
        except ImportError:
            raise BadInput("to_dataframe() needs pandas; install it with 'pip install pandas'") from None
        frame = pandas.DataFrame(list(self), columns=self.variables)
        for i, var in enumerate(self.variables):
            kinds = {_datatype(row[i]) for row in self.result.rows if row[i] is not None}
            if len(kinds) == 1:
                frame[var] = _typed(pandas, frame[var], kinds.pop())
        return frame


def _datatype(term) -> str:
    return term.datatype.value if isinstance(term, ox.Literal) and not term.language else ""


def _typed(pandas, column, datatype: str):
    if datatype == XSD + "date":
        return pandas.to_datetime(column, format="%Y-%m-%d", errors="coerce")
    if datatype in _INTEGER:
        return pandas.to_numeric(column, errors="coerce").astype("Int64")
    if datatype in _FLOAT:
        return pandas.to_numeric(column, errors="coerce").astype("float64")
    if datatype == XSD + "boolean":
        return column.astype("boolean")
    return column


class Triples(list):
    """A CONSTRUCT/DESCRIBE answer: pyoxigraph Triples in N-Triples byte order."""

    def ntriples(self) -> bytes:
        return ox.serialize(self, format=ox.RdfFormat.N_TRIPLES) or b""

    def to_rdflib(self):
        """The triples as an rdflib Graph (imports rdflib; N-Triples carries them exactly)."""
        import rdflib

        return rdflib.Graph().parse(data=self.ntriples(), format="nt")


def _triples(nt: bytes) -> Triples:
    return Triples(q.triple for q in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))


def _light(result: Result):
    if result.form == "ASK":
        return bool(result.boolean)
    if result.is_graph:
        return _triples(b"".join(sorted({str(t).encode() + b" .\n" for t in result.triples})))
    return Rows(result.dicts(), result.variables, result)


def store(scope: str = "all", add=(), reasoner: str | None = None) -> ox.Store:
    """The built graph's pyoxigraph Store (read-only when it comes from the cache), built if needed."""
    from .. import cache

    return cache.built_store(scope, add, reasoner)


def dataset(scope: str = "all", add=(), reasoner: str | None = None):
    """The built graph as an rdflib Dataset, one named graph per source (imports rdflib; slow for the world)."""
    import rdflib

    data = store(scope, add, reasoner).dump(format=ox.RdfFormat.N_QUADS) or b""
    return rdflib.Dataset().parse(data=data, format="nquads")


def sparql(text: str, *, scope: str = "all", add=(), reasoner: str | None = None, graph: str | Path | None = None):
    """Run any SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) on the built graph, or on `graph=` a dump.

    The default graph is the union of the named graphs. SERVICE calls are refused here (use a
    stored federated query). Returns Rows, a bool, or Triples, as run_query does.

        >>> import citygraph
        >>> citygraph.sparql("ASK { ?s ?p ?o }")
        True
    """
    from .. import cache
    from .sparqltext import query_form, uses_service

    form = query_form(text)
    if uses_service(text):
        raise BadInput("the query calls a SERVICE; citygraph.sparql runs on the local graph only")
    target = cache.graph_file_store(Path(graph)) if graph is not None else store(scope, add, reasoner)
    answer = engine_query(text, target)
    if isinstance(answer, ox.QueryTriples):
        return _triples(sorted_ntriples(answer.serialize(format=ox.RdfFormat.N_TRIPLES) or b""))
    return _light(_from_solutions(form, answer))


def run_query(name: str, *, endpoint: str | None = None, graph: str | Path | None = None, scope: str = "all",
              add=(), reasoner: str | None = None, timeout: float = 60.0, **params):
    """Run the stored query `name` with parameters given as keywords, for notebooks.

    SELECT -> Rows (a list of dicts; .to_dataframe() with pandas); ASK -> bool;
    CONSTRUCT/DESCRIBE -> Triples (pyoxigraph triples; .to_rdflib() for an rdflib Graph).
    The graph is the cached build (as `citygraph query`), or `graph=` a dump file, or
    `endpoint=` a SPARQL endpoint.

        >>> import citygraph
        >>> rows = citygraph.run_query("status-on", date="2015-01-01")
    """
    from .. import cache

    query = get(name)
    bind(query, params)  # check values before building
    target = None
    if endpoint is None:
        target = cache.graph_file_store(Path(graph)) if graph is not None else cache.built_store(scope, add, reasoner)
    if target is not None and query.form in ("CONSTRUCT", "DESCRIBE"):
        from .binding import bound_text

        return _triples(sorted_ntriples(engine_query(bound_text(query, bind(query, params)), target).serialize(format=ox.RdfFormat.N_TRIPLES) or b""))
    return _light(run(query, params, store=target, endpoint=endpoint, timeout=timeout))
