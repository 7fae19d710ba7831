"""citygraph info: version, packaged files, triple counts."""

from __future__ import annotations

import click


@click.command("info")
def command():
    """Show the version, where the packaged ontology/data/queries are, and triple counts.

    \b
    Example:
      citygraph info
    """
    from ..build import load_sources
    from ..load import resources
    from ..namespaces import GRAPH
    from ..version import __version__

    click.echo(f"citygraph {__version__}")
    click.echo(f"ontology: {resources.ontology_dir()}")
    click.echo(f"context:  {resources.context_file()}")
    click.echo(f"data:     {resources.data_dir()}")
    click.echo(f"queries:  {resources.queries_dir()}")
    built = load_sources()
    click.echo("data sources: " + ", ".join(f"{name} ({len(files)} file(s))" for name, files in sorted(built.sources.items())))
    click.echo("asserted triples per named graph (before reasoning; `citygraph build` adds graph inferred):")
    base = str(GRAPH)
    for graph, n in built.graph_sizes().items():
        click.echo(f"  {n:>10,}  {graph[len(base):] if graph.startswith(base) else graph}")
