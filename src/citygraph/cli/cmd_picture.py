"""citygraph picture: a map, timeline or growth chart of the built graph, as SVG, PNG or HTML."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .shared import options


@click.command("picture")
@click.argument("kind", type=click.Choice(["map", "timeline", "growth"]))
@click.option("--city", metavar="QID|NAME", help="A place: Q16666, place:Q16666 or its exact name (e.g. Nanjing). "
              "map: its ties; timeline: all its ties as rows; growth: its ties, or a country's. Without it: the world.")
@click.option("--tie", metavar="IRI", help="A tie for `timeline`: partnership:Q11751-Q16666 or its IRI.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write; its ending (.svg, .png, .html) chooses the format. Default: SVG on standard output.")
@click.option("--base", metavar="URL", help="Link marks to pages under URL (URL/id/place/Q…) instead of the w3id.org IRIs.")
@options.scope("Data sources of the built graph: 'all' (default) or one source such as 'nanjing'.")
@options.add("An extra RDF file in the built graph, as with 'citygraph build --add'; repeatable.")
def command(kind, city, tie, out, base, scope, extra):
    """Draw a picture of the graph: KIND is map, timeline or growth.

    Pictures are deterministic (the same graph gives the same bytes), drawn offline with the
    Natural Earth base map shipped in the package, and accessible (title, description, a
    title on every mark). The graph is the cached build, as for `citygraph query`.

    \b
    Examples:
      citygraph picture map --city Nanjing --out nanjing.svg
      citygraph picture map --out world.png
      citygraph picture timeline --tie partnership:Q11751-Q16666 --out nagoya.html
      citygraph picture timeline --city Q16666 --out nanjing-ties.svg
      citygraph picture growth --city Q148 --out china.svg

    Exit 2 for an unknown place or tie, or a file name without .svg, .png or .html.
    """
    from .. import cache
    from ..pictures import render
    from ..pictures.drawing import layout
    from ..pictures.output import format_for, write_atomically

    fmt = format_for(out) if out is not None else "svg"
    store = cache.built_store(scope, extra)
    link = layout.base_link(base) if base else layout.iri_link
    data = render(kind, store, city=city, tie=tie, fmt=fmt, link=link)
    if out is None:
        stream = getattr(sys.stdout, "buffer", None)  # a text-only stdout (in-process tests) gets text
        stream.write(data) if stream is not None else sys.stdout.write(data.decode("utf-8"))
        return
    write_atomically(out, data)
    click.echo(f"wrote {out}")
