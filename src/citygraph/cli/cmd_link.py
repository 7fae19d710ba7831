"""citygraph link: check our QIDs, diff our ties against Wikidata's, enrich from Wikidata."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click

from .shared import options

ENDPOINT_HELP = ("Wikidata's SPARQL endpoint, or a copy of it (default: $CITYGRAPH_WIKIDATA_ENDPOINT or "
                 "https://query.wikidata.org/sparql).")


def remote_options(f):
    """Options every link verb shares: where to ask, how patiently, and the cache."""
    shared = [
        click.option("--wikidata-endpoint", "endpoint", default=None, metavar="URL", help=ENDPOINT_HELP),
        options.renamed_option("--endpoint", "--wikidata-endpoint", "endpoint"),
        click.option("--offline", is_flag=True, help="Answer from the cache only; a query not cached is an error (exit 3)."),
        click.option("--refresh", is_flag=True, help="Ask the endpoint again even if the cache holds an answer (and update it)."),
        options.timeout(None, "Seconds to wait for an answer (default 60, or $CITYGRAPH_WIKIDATA_TIMEOUT)."),
        click.option("--retries", type=click.IntRange(min=0), default=None,
                     help="Retries after a 429/503/5xx, timeout or broken answer (default 4, or $CITYGRAPH_WIKIDATA_RETRIES)."),
        click.option("--max-bytes", type=click.IntRange(min=1), default=None, expose_value=False,
                     callback=lambda _ctx, _param, value: _set_max_bytes(value),
                     help="Largest answer accepted from the endpoint, in bytes (default 64 MiB); a larger one is exit 3."),
        click.option("--batch-size", type=click.IntRange(1, 200), default=None,
                     help="QIDs per VALUES block (default 50, or $CITYGRAPH_WIKIDATA_BATCH)."),
        options.scope("Which data/ source(s) are 'our graph': 'all' (default), or one source such as 'nanjing' (the curated core)."),
        click.option("--data", "data_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                     help="Read our graph from these RDF files instead of data/ (repeatable); --scope is then ignored."),
    ]
    for option in reversed(shared):
        f = option(f)
    return f


def _set_max_bytes(value):
    from ..io.remote import set_max_bytes

    set_max_bytes(value)


def _client(endpoint, offline, refresh, timeout, retries, batch_size):
    from ..link.client import WikidataClient

    return WikidataClient(endpoint=endpoint, offline=offline, refresh=refresh, timeout=timeout, retries=retries,
                          batch_size=batch_size, say=lambda msg: click.echo(f"citygraph: {msg}", err=True))


def _ours(scope, data_files):
    from ..link.ours import load

    return load(scope, tuple(data_files))


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@click.group("link")
def command():
    """Compare citygraph with Wikidata: check QIDs, diff ties, fetch enrichment.

    Answers are cached in $CITYGRAPH_CACHE_DIR/wikidata (default ~/.cache/citygraph/wikidata),
    so a repeated run asks nothing and --offline works from the cache alone. Exit 3 when the
    endpoint fails, times out or answers nonsense, or --offline misses the cache.
    """


@command.command("check")
@remote_options
@options.output_format(["table", "json"])
def check_command(endpoint, offline, refresh, timeout, retries, batch_size, scope, data_files, fmt):
    """For every place with a QID: Wikidata's English label, country (P17) and coordinates (P625)
    against ours. Status ok, mismatch (coordinates more than 25 km apart, a different label or
    country), not-found or redirected."""
    from ..link.check import check, describe

    ours = _ours(scope, data_files)
    results = check(ours, _client(endpoint, offline, refresh, timeout, retries, batch_size))
    if fmt == "json":
        click.echo(_json(results), nl=False)
        return
    labels = {q: p.label or "" for q, p in ours.places.items()}
    width = max([len(labels[r["qid"]]) for r in results] + [5])
    click.echo(f"{'QID':<11} {'status':<10} {'place':<{width}}  details")
    for r in results:
        click.echo(f"{r['qid']:<11} {r['status']:<10} {labels[r['qid']]:<{width}}  {describe(r['details'])}".rstrip())
    counts = {s: sum(r["status"] == s for r in results) for s in ("ok", "mismatch", "not-found", "redirected")}
    click.echo(f"{len(results)} places: " + ", ".join(f"{n} {s}" for s, n in counts.items()))


def _dates(dates: list[dict]) -> str:
    shown = [d["value"] + (f" ({d['qualifier']})" if d.get("qualifier") else "") for d in dates]
    return ", ".join(dict.fromkeys(shown)) or "-"  # one Wikidata date may sit on both statements


def _pair_text(item: dict) -> str:
    a, b = item["pair"]
    return f"{a}-{b} {item['labels'].get(a) or '?'} – {item['labels'].get(b) or '?'}"


def _diff_table(result: dict) -> str:
    out = io.StringIO()
    titles = {
        "agree": "both hold the tie",
        "date_mismatch": "both hold the tie, dates disagree",
        "only_here": "only in citygraph",
        "only_wikidata": "only in Wikidata",
    }
    for name in ("date_mismatch", "only_here", "only_wikidata", "agree"):
        items = result[name]
        out.write(f"{name} ({len(items)}): {titles[name]}\n")
        for item in items:
            line = f"  {_pair_text(item)}"
            if name != "only_wikidata":
                line += f"  here {_dates(item['here']['start'])}"
                if item["here"]["end"]:
                    line += f" to {_dates(item['here']['end'])}"
            if name != "only_here":
                line += f"  wikidata {_dates(item['wikidata']['start'])}"
                if item["wikidata"]["end"]:
                    line += f" to {_dates(item['wikidata']['end'])}"
            if item.get("mismatch"):
                line += f"  [{', '.join(item['mismatch'])} differ]"
            for r in item["wikidata"].get("redirected_values", []):
                line += f"  [Wikidata states {r['stated']}, merged into {r['merged_into']}]"
            out.write(line + "\n")
    deprecated = result.get("deprecated", [])
    out.write(f"deprecated ({len(deprecated)}): Wikidata statements ranked deprecated, not compared\n")
    for item in deprecated:
        out.write(f"  {_pair_text(item)}  " + " ".join(s["statement"] for s in item["statements"]) + "\n")
    return out.getvalue()


CSV_FIELDS = ["category", "qid_a", "qid_b", "label_a", "label_b", "kinds", "here_start", "here_end",
              "wikidata_start", "wikidata_end", "mismatch", "partnership", "statements"]


def _diff_csv(result: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for name in ("agree", "only_here", "only_wikidata", "date_mismatch"):
        for item in result[name]:
            a, b = item["pair"]
            writer.writerow([
                name, a, b, item["labels"].get(a) or "", item["labels"].get(b) or "", " ".join(item["kinds"]),
                " ".join(d["value"] for d in item["here"]["start"]), " ".join(d["value"] for d in item["here"]["end"]),
                " ".join(d["value"] for d in item["wikidata"]["start"]), " ".join(d["value"] for d in item["wikidata"]["end"]),
                " ".join(item.get("mismatch", [])), item["partnership"] or "", " ".join(item["wikidata"]["statements"]),
            ])
    return out.getvalue()


@command.command("diff")
@remote_options
@click.option("--city", "cities", multiple=True, metavar="QID",
              help="Compare the ties of this city (repeatable). Default: every place with ties in our data "
                   "outside the Wikidata-derived world layer.")
@options.output_format(["table", "json", "csv"])
@click.option("--quickstatements", "qs_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write QuickStatements (V1) commands adding what Wikidata lacks to this file, for an editor to review.")
def diff_command(endpoint, offline, refresh, timeout, retries, batch_size, scope, data_files, cities, fmt, qs_file):
    """Our ties against Wikidata's P190 statements (both directions, as unordered pairs):
    agree, only_here, only_wikidata, date_mismatch (and deprecated statements, reported apart)."""
    from ..errors import BadInput
    from ..ids import check_qid
    from ..link.diff import diff

    chosen = [check_qid(q.strip().upper(), f"--city {q!r}") for q in cities]
    ours = _ours(scope, data_files)
    if not chosen:
        chosen = ours.curated_cities()
        if not chosen:
            raise BadInput("no place in our graph has ties outside the world layer; name cities with --city QID")
    result = diff(ours, _client(endpoint, offline, refresh, timeout, retries, batch_size), chosen)
    if qs_file is not None:
        from ..link import quickstatements

        lines, notes = quickstatements.commands(ours, result)
        quickstatements.write(qs_file, lines)
        for note in notes:
            click.echo(f"citygraph: quickstatements: {note}", err=True)
        click.echo(f"citygraph: wrote {len(lines)} QuickStatements line(s) to {qs_file} (review them; nothing was sent)", err=True)
    if fmt == "json":
        click.echo(_json(result), nl=False)
    elif fmt == "csv":
        click.echo(_diff_csv(result), nl=False)
    else:
        click.echo(_diff_table(result), nl=False)


@command.command("enrich")
@remote_options
@click.option("--lang", "languages", multiple=True, metavar="TAG",
              help="Label language to fetch (repeatable). Default: en zh-hans zh ja ko de fr es pt ru ar.")
@options.out("TriG file to write (default: $CITYGRAPH_CACHE_DIR/enrichment.trig).")
def enrich_command(endpoint, offline, refresh, timeout, retries, batch_size, scope, data_files, languages, out):
    """Fetch labels in more languages, population (P1082 with its P585 date) and coordinates for
    our places into the graph/enrichment named graph (PROV: endpoint, retrieval time). Include
    it in a build with `citygraph build --with-enrichment [FILE]`."""
    from ..link.enrich import DEFAULT_LANGUAGES, default_path, enrich, write

    ours = _ours(scope, data_files)
    quads = enrich(ours, _client(endpoint, offline, refresh, timeout, retries, batch_size), languages or DEFAULT_LANGUAGES)
    path = out or default_path()
    write(path, quads)
    click.echo(f"wrote {len(quads)} quads about {len(ours.places)} places to {path}")
