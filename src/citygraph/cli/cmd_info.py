"""citygraph info: version, packaged files, and the triple counts of the built store."""

from __future__ import annotations

import click


@click.command("info")
def command():
    """Show the version, where the packaged ontology/data/queries are, and triple counts.

    The counts come from the manifest of the built store (`citygraph build` leaves it in
    $CITYGRAPH_CACHE_DIR): nothing is loaded, so this is instant. Before the first build of
    the current inputs the sources are loaded to count them (a few seconds).

    \b
    Example:
      citygraph info
    """
    from ..load import resources
    from ..version import __version__

    click.echo(f"citygraph {__version__}")
    click.echo(f"ontology: {resources.ontology_dir()}")
    click.echo(f"context:  {resources.context_file()}")
    click.echo(f"data:     {resources.data_dir()}")
    click.echo(f"queries:  {resources.queries_dir()}")
    click.echo("\n".join(counts(resources.data_dir())))


def counts(root) -> list[str]:
    """Sources and asserted triples per named graph of scope all: read from the manifest of its
    built store when there is one (instant), else counted by loading the sources (as before)."""
    from .. import cache
    from ..prefixes import PREFIXES

    base = PREFIXES["graph"]
    try:
        kept = cache.kept_entry("all")  # the manifest only: the database is not opened
    except OSError:
        kept = None
    if kept is not None:
        m = kept.manifest
        sources = {name: len(files) for name, files in m["sources"].items()}
        sizes = {g: n for g, n in kept.graph_sizes.items() if g != m.get("inferred_graph")}
    else:  # no build of the current inputs yet: load them (seconds, as `info` always did)
        from ..build import load_sources

        built = load_sources()
        sources = {name: len(files) for name, files in built.sources.items()}
        sizes = built.graph_sizes()
    lines = ["data sources: " + ", ".join(f"{name} ({n} file(s))" for name, n in sorted(sources.items())),
             "asserted triples per named graph (before reasoning; `citygraph build` adds graph inferred):"]
    for graph, n in sorted(sizes.items()):
        if graph:
            lines.append(f"  {n:>10,}  {graph[len(base):] if graph.startswith(base) else graph}")
    return lines
