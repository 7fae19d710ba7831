"""citygraph info: version, packaged files, and the triple counts of the built store."""

from __future__ import annotations

import click


@click.command("info")
def command():
    """Show the version, where the packaged ontology/data/queries are, and triple counts.

    The counts come from the manifest of the built store of the current inputs (`citygraph
    build` or the first `citygraph query` leaves it in $CITYGRAPH_CACHE_DIR; scope all if
    built, else the most recent): nothing is loaded, so this is instant.

    \b
    Example:
      citygraph info
    """
    from .. import __version__
    from ..load import resources

    click.echo(f"citygraph {__version__}")
    click.echo(f"ontology: {resources.ontology_dir()}")
    click.echo(f"context:  {resources.context_file()}")
    click.echo(f"data:     {resources.data_dir()}")
    click.echo(f"queries:  {resources.queries_dir()}")
    click.echo("\n".join(counts(resources.data_dir())))


def counts(root) -> list[str]:
    """Sources and asserted triples per named graph of the newest build of the current inputs,
    read from its manifest (the same lines the loaded data gave)."""
    from ..prefixes import PREFIXES

    entry = current_entry()
    if entry is None:
        names = ", ".join(sorted(p.name for p in root.iterdir() if p.is_dir()))
        return [f"data sources: {names}",
                "triples: no build of the current inputs yet; run `citygraph build` (or any `citygraph query`)"]
    m = entry.manifest
    lines = ["data sources: " + ", ".join(f"{name} ({len(files)} file(s))" for name, files in sorted(m["sources"].items())),
             "asserted triples per named graph (before reasoning; `citygraph build` adds graph inferred):"]
    base = PREFIXES["graph"]
    for graph, n in sorted(entry.graph_sizes.items()):
        if graph and graph != m.get("inferred_graph"):
            lines.append(f"  {n:>10,}  {graph[len(base):] if graph.startswith(base) else graph}")
    return lines


def current_entry():
    """The entry of scope 'all' if built, else the most recently used entry (without --add) whose
    inputs are still the current ones; None if there is none."""
    from .. import cache

    try:
        entry = cache.open_entry(cache.cache_key("all"))
    except cache.Damaged:
        entry = None
    if entry is not None:
        return entry
    folder = cache.cache_dir()
    try:
        paths = sorted(folder.glob(f"built-*{cache.SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return None
    for path in paths:
        try:
            entry = cache.open_entry(path.name[len("built-"):-len(cache.SUFFIX)])
        except (cache.Damaged, OSError):
            continue
        m = entry.manifest if entry else {}
        if entry and not m.get("add") and m.get("scope") and m.get("key") == cache.cache_key(m["scope"], [], m.get("reasoner")):
            return entry
    return None
