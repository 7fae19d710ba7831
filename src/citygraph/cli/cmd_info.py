"""citygraph info: version, packaged files, and the triple counts of the built store."""

from __future__ import annotations

import click


@click.command("info")
def command():
    """Show the version, where the packaged ontology/data/queries are, and triple counts.

    The counts come from the manifest of the built store (`citygraph build` or the first
    `citygraph query` leaves it in $CITYGRAPH_CACHE_DIR): nothing is loaded, so this is instant.

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
    root = resources.data_dir()
    sources = {p.name: sum(1 for f in p.rglob("*") if f.is_file() and f.suffix != ".md")
               for p in sorted(root.iterdir()) if p.is_dir()}
    click.echo("data sources: " + ", ".join(f"{name} ({n} file(s))" for name, n in sources.items()))
    click.echo("\n".join(counts()))


def counts() -> list[str]:
    """Triples per named graph of the newest build of the current inputs, read from its manifest."""
    from .. import cache
    from ..prefixes import PREFIXES

    entry = current_entry()
    if entry is None:
        return ["triples: no build of the current inputs yet; run `citygraph build` (or any `citygraph query`)"]
    m = entry.manifest
    lines = [f"triples per named graph (the build of scope {m.get('scope')}, reasoner {m.get('reasoner')}, "
             f"in {cache.cache_dir()}):"]
    base = PREFIXES["graph"]
    for graph, n in sorted(entry.graph_sizes.items()):
        lines.append(f"  {n:>10,}  {graph[len(base):] if graph.startswith(base) else graph or '(default graph)'}")
    n = m.get("counts") or {}
    if m.get("conforms") is not None:
        lines.append(f"conforms: {'yes' if m['conforms'] else 'no'} ({n.get('Violation', 0)} violation(s), "
                     f"{n.get('Warning', 0)} warning(s), {n.get('Info', 0)} info)")
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
