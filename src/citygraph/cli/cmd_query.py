"""citygraph query: run a stored query (or --file) on the built graph, a dump, or an endpoint."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from ..io.formats import QUERY_OUTPUTS
from .shared import options


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    from ..errors import BadInput

    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise BadInput(f"-p {pair!r}: write parameters as NAME=VALUE, e.g. -p city=place:Q16666")
        if name.strip() in out:
            raise BadInput(f"-p {name.strip()}: given twice; give each parameter once")
        out[name.strip()] = value
    return out


@click.command("query")
@click.argument("name", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter value, checked against its declared type and bound as an RDF term; repeatable.")
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path),
              help="Run this .rq file instead of a stored query (a '#+' header with parameters is optional).")
@options.output_format(QUERY_OUTPUTS, default=None,
                       help="Output format. Default: table on a terminal; csv (SELECT/ASK) or turtle (CONSTRUCT) in a pipe.")
@click.option("--endpoint", metavar="URL", help="Run on this SPARQL 1.1 endpoint instead of the local graph.")
@options.timeout(60.0, "Seconds the whole query may take, on --endpoint (the whole request, not one read) or locally.")
@click.option("--allow-service", "allow_service", multiple=True, metavar="URL",
              help="Let SERVICE call this endpoint too (default: only Wikidata's query service); repeatable.")
@click.option("--max-bytes", "max_bytes", type=click.IntRange(min=1), default=None,
              help="Largest answer accepted from --endpoint, in bytes (default 64 MiB).")
@click.option("--graph", "graph", type=click.Path(dir_okay=False, path_type=Path),
              help="Query this dump (TriG, N-Quads, Turtle, N-Triples) instead of the built graph.")
@options.scope("Data sources of the built graph: 'all' (default) or one source such as 'nanjing'.")
@options.add("An extra RDF file in the built graph, as with 'citygraph build --add'; repeatable.")
@options.reasoner(None, "OWL 2 RL engine of the built graph (default: the one 'citygraph build' uses).")
@click.option("--rebuild", is_flag=True, help="Rebuild the graph even if the cache holds an up-to-date build.")
def command(name, params, file, fmt, endpoint, timeout, allow_service, max_bytes, graph, scope, extra, reasoner, rebuild):
    """Run the stored query NAME (see 'citygraph queries') and print its answer.

    Without --endpoint or --graph it runs on the built graph (scope, --add files, reasoner),
    building it on first use and caching the build in $CITYGRAPH_CACHE_DIR (default
    ~/.cache/citygraph) until an input changes. The default graph of every query is the union
    of the named graphs, locally and on the endpoint (run Oxigraph with --union-default-graph).

    \b
    Examples:
      citygraph query partners
      citygraph query status-on -p date=2015-01-01 --format csv
      citygraph query history -p tie=partnership:Q11751-Q16666
      citygraph query twinned-with --format turtle
      citygraph query partners --endpoint http://127.0.0.1:7878/query
      citygraph query --file my.rq --graph dist/citygraph.trig

    Exit 2 for an unknown query or parameter, a value of the wrong type or a bad format;
    3 when the endpoint fails or times out.
    """
    from ..errors import BadInput
    from ..query import service_policy
    from ..query.binding import bind
    from ..query.catalogue import load_adhoc
    from ..query.catalogue_cache import get
    from ..query.results import check_format, default_format, write
    from ..query.run import ENGINE_FORMATS, GRAPH_FORMS, graph_answer, run
    from .shared.progress import StageProgress

    if (name is None) == (file is None):
        raise BadInput("give either a stored query NAME or --file FILE (see 'citygraph queries')")
    if endpoint and graph:
        raise BadInput("--endpoint and --graph both name the graph to query; give one")
    if (endpoint or graph) and (extra or rebuild or reasoner or scope != "all"):
        raise BadInput("--scope, --add, --reasoner and --rebuild choose the built graph; "
                       "they do not apply with --endpoint or --graph")
    # The HTTP rules (io/remote.py: http.client, ssl, urllib.request, ~25 ms) are imported only with
    # --endpoint, and the input guards only with --file: a stored query on the local graph needs neither.
    if endpoint is not None:
        from ..io import remote

        remote.check_url(endpoint, "--endpoint")
    if file:
        from ..load.guards import regular_file

        query = load_adhoc(regular_file(file, "query file"))
    else:
        query = get(name)
    values = _params(params)
    fmt = fmt or default_format(query.form, sys.stdout.isatty())
    check_format(fmt, query.form, query.name)
    bind(query, values)  # check every value before any build or network work
    with service_policy.allowing(allow_service):
        # SERVICE calls are checked before any build or network work, too
        service_policy.check_services(query.text, service_policy.allowed(), str(query.path or f"query {query.name!r}"))

    store = None
    if endpoint is None:
        from .. import cache

        if graph is not None:
            store = cache.graph_file_store(graph)
        else:
            store = cache.built_store(scope, extra, reasoner, progress=StageProgress(), refresh=rebuild)
    # --max-bytes caps answers read over HTTP: only --endpoint reads any (SERVICE runs in the engine)
    capped = remote.capped(max_bytes) if endpoint is not None else contextlib.nullcontext()
    with service_policy.allowing(allow_service), capped:
        if query.form in GRAPH_FORMS and fmt in ENGINE_FORMATS:
            # a big graph answer goes from the engine's serialiser to stdout, no Python terms between
            data = graph_answer(query, values, fmt, store=store, endpoint=endpoint, timeout=timeout)
            buffer = getattr(sys.stdout, "buffer", None)
            if buffer is None:  # a text-only stdout (tests, notebooks)
                click.echo(data.decode("utf-8"), nl=False)
            else:
                sys.stdout.flush()
                buffer.write(data)
                buffer.flush()
            return
        result = run(query, values, store=store, endpoint=endpoint, timeout=timeout)
    click.echo(write(result, fmt), nl=False)
