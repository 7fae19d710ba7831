"""citygraph info: version, packaged files, triple counts."""

from __future__ import annotations

import click


@click.command("info")
def command():
    """Show the version, where the packaged ontology/data/queries are, and triple counts."""
    from .. import __version__, resources
    from ..build import load_sources

    click.echo(f"citygraph {__version__}")
    click.echo(f"ontology: {resources.ontology_dir()}")
    click.echo(f"data:     {resources.data_dir()}")
    click.echo(f"queries:  {resources.queries_dir()}")
    built = load_sources()
    click.echo("asserted triples per graph (before reasoning):")
    for graph, n in built.graph_sizes().items():
        click.echo(f"  {n:>9,}  {graph}")
