"""citygraph publish: push the build into a triple store over the SPARQL 1.1 Graph Store Protocol."""

from __future__ import annotations

from pathlib import Path

import click

from .shared import options


@click.command("publish")
@click.option("--graph-store", "graph_store", required=True, metavar="URL",
              help="The store's Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph) "
                   "or http://HOST:8890/sparql-graph-crud-auth (Virtuoso).")
@click.option("--sparql", "sparql", metavar="URL",
              help="The store's SPARQL query endpoint, used to check the result "
                   "(default: guessed for Oxigraph, Virtuoso, Fuseki and RDF4J layouts).")
@click.option("--replace/--merge", "replace", default=True, show_default=True,
              help="--replace makes each named graph hold exactly the build's triples; --merge adds them to what the graph holds.")
@click.option("--check", "check_only", is_flag=True, help="Send nothing: only check that the store holds the build's graphs.")
@click.option("--only", "only", multiple=True, metavar="GRAPH",
              help="Publish only this named graph (its IRI, or its name such as data/nanjing); repeatable.")
@click.option("--chunk", type=click.IntRange(min=1), default=50_000, show_default=True,
              help="Triples per request; bigger graphs go in several (PUT, then POST).")
@options.timeout(120.0, "Seconds to wait for each request.")
@click.option("--graph", "graph", type=click.Path(dir_okay=False, path_type=Path),
              help="Publish this TriG/N-Quads dump (e.g. dist/citygraph.trig) instead of the built graph.")
@options.scope("Data sources of the built graph: 'all' (default) or one source such as 'nanjing'.")
@options.add("An extra RDF file in the built graph, as with 'citygraph build --add'; repeatable.")
@options.reasoner(None, "OWL 2 RL engine of the built graph (default: the one 'citygraph build' uses).")
def command(graph_store, sparql, replace, check_only, only, chunk, timeout, graph, scope, extra, reasoner):
    """Push every named graph of the build into a triple store, then check it through SPARQL.

    Each graph goes by PUT ?graph=IRI (in chunks of --chunk triples); afterwards the store's
    SPARQL endpoint must count exactly the build's triples in each graph and find every one
    of them. A graph that already holds exactly the build is left alone, so a re-run changes
    nothing. Credentials come from CITYGRAPH_STORE_USER and CITYGRAPH_STORE_PASSWORD, or a
    netrc entry ($NETRC, default ~/.netrc) for the store's host; never from the command line.

    \b
    Examples:
      citygraph publish --graph-store http://127.0.0.1:7878/store
      CITYGRAPH_STORE_USER=dba CITYGRAPH_STORE_PASSWORD=... \\
        citygraph publish --graph-store http://127.0.0.1:8890/sparql-graph-crud-auth

    Exit 2 for bad input, 3 if the store fails (the message says which graphs hold the new
    build, which may be partial and which are untouched) or a graph does not hold the build.
    """
    from ..publish import graph_store as gs

    t = gs.target(graph_store, sparql, timeout)
    store = _store(graph, scope, extra, reasoner)
    graphs = _selected(gs.publishable_graphs(store), only)
    if check_only:
        outcomes = gs.check(store, t, graphs, merge=not replace)
    else:
        outcomes = gs.publish(store, t, graphs, merge=not replace, chunk=chunk)
    click.echo(report(outcomes, graph_store))


def _store(graph, scope, extra, reasoner):
    from ..cache import built_store, graph_file_store

    if graph is not None:
        return graph_file_store(graph)
    return built_store(scope, extra, reasoner)


def _selected(graphs: list[str], only: tuple[str, ...]) -> list[str]:
    from ..errors import BadInput
    from ..namespaces import GRAPH

    if not only:
        return graphs
    out = []
    for name in only:
        iri = name if "://" in name else str(GRAPH) + name
        if iri not in graphs:
            short = [g[len(str(GRAPH)):] if g.startswith(str(GRAPH)) else g for g in graphs]
            raise BadInput(f"--only {name}: the build has no such graph; choose one of {', '.join(short)}")
        out.append(iri)
    return out


def report(outcomes, where: str) -> str:
    """One line per graph: triples in the build, what was done, triples found in the store."""
    lines = [f"published to {where}:"]
    for o in outcomes:
        lines.append(f"  {o.triples:>10,}  {o.action:<9}  {o.graph}  (store holds {o.found:,}; checked)")
    return "\n".join(lines)
