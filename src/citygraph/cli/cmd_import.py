"""citygraph import: turn other people's data into citygraph RDF."""

from __future__ import annotations

from pathlib import Path

import click

from ..io.formats import RESULTS_INPUTS
from .shared import options


@click.group("import")
def command():
    """Convert external data into citygraph Turtle (then add it with `citygraph build --add FILE`)."""


@command.command("wikidata-results")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--map", "maps", multiple=True, metavar="VAR=COLUMN",
              help="Read variable VAR from a column named COLUMN (e.g. --map item=city --map twin=sister); repeatable.")
@options.out("The Turtle file to write (replaced atomically; untouched on error).", required=True)
@click.option("--input-format", "fmt", type=click.Choice(RESULTS_INPUTS), default=None,
              help="FILE's results format; default: from FILE's suffix (.json/.srj, .csv, .tsv, .xml/.srx).")
@options.renamed_option("--format", "--input-format", "fmt", type=click.Choice(RESULTS_INPUTS))
@click.option("--lang", default=None, metavar="TAG",
              help="Language tag for labels that carry none (SPARQL CSV drops them), e.g. --lang en.")
def wikidata_results(file, maps, out, fmt, lang):
    """Turn a Wikidata Query Service result of a P190 query into citygraph Turtle.

    FILE holds SPARQL 1.1 results (JSON, CSV, TSV or XML) with variables ?item and ?twin
    (required), and optionally ?itemLabel ?twinLabel ?itemCoord ?twinCoord ?itemCountry
    ?twinCountry ?start ?end ?startPrecision ?endPrecision. Both directions of a pair become one
    tie; self-ties are dropped. Exit 2 if FILE is malformed (the message names the line or result).

    \b
    Example:
      citygraph import wikidata-results ties.csv --map item=city --map twin=sister --out ties.ttl
    """
    from ..sources.wdqs_results import import_results, parse_mapping

    counts = import_results(file, out, parse_mapping(maps), fmt=fmt, lang=lang)
    click.echo(f"wrote {out}: {counts['ties']:,} tie(s) between {counts['places']:,} place(s) "
               f"from {counts['rows']:,} row(s), {counts['triples']:,} triples")
