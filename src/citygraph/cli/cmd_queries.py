"""citygraph queries: the stored-query catalogue."""

from __future__ import annotations

import json

import click

from .shared import options


@click.command("queries")
@options.output_format(["table", "json"],
                       help="'table' for people; 'json': an array of {name, summary, description, tags, form, federated, parameters}.")
def command(fmt):
    """List the stored queries: name, what each answers, and its parameters.

    Every query is loaded and checked; a broken header or a query that does not parse is an
    error (exit 2) naming the file.
    """
    from ..query import catalogue_cache as queries  # parsed once, kept beside the built stores

    catalogue = queries.catalogue()
    if fmt == "json":
        click.echo(json.dumps([q.as_dict() for q in catalogue], ensure_ascii=False, indent=2))
        return
    width = max((len(q.name) for q in catalogue), default=0)
    for q in catalogue:
        flag = " [federated: needs internet]" if q.federated else ""
        click.echo(f"{q.name:<{width}}  {q.summary}{flag}")
        for p in q.parameters:
            need = "required" if p.required else (f"default {p.default_text}" if p.default is not None else "optional")
            if p.example is not None:
                need += f"; e.g. {p.example}"
            desc = f" — {p.description}" if p.description else ""
            click.echo(f"{'':<{width}}    -p {p.name}=<{p.type}>  ({need}){desc}")
