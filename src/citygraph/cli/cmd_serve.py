"""citygraph serve: the SPARQL endpoint, linked-data pages, query page and API over the built graph."""

from __future__ import annotations

from pathlib import Path

import click

from ..namespaces import BASE
from .shared import options


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@options.scope("Data sources of the built graph: 'all' (default) or one source such as 'nanjing'.")
@options.add("An extra RDF file in the built graph, as with 'citygraph build --add'; repeatable.")
@options.reasoner(None, "OWL 2 RL engine of the built graph (default: the one 'citygraph build' uses).")
@click.option("--base-url", default=BASE, show_default=True, help="The IRI base mapped onto this server's paths (<base>id/place/Q1 -> /id/place/Q1).")
@options.public_url()
@click.option("--endpoint", metavar="URL", help="Serve pages, API and /sparql over this SPARQL 1.1 endpoint instead of the built graph.")
@click.option("--dumps", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The output folder of 'citygraph build' whose files the landing page offers (default: ./dist if it exists).")
@options.timeout(10.0, "Seconds a query may run (then 503).")
@click.option("--max-rows", type=click.IntRange(1), default=10_000, show_default=True, help="Rows (or triples) an answer may have (then 413).")
@click.option("--max-bytes", type=click.IntRange(1), default=50_000_000, show_default=True, help="Bytes a serialised answer may have (then 413).")
@click.option("--max-body", type=click.IntRange(1), default=100_000, show_default=True, help="Bytes a request body may have (then 413).")
@click.option("--concurrent", type=click.IntRange(1), default=4, show_default=True, help="Queries running at once per worker; more wait in a queue.")
@click.option("--queue", type=click.IntRange(0), default=64, show_default=True, help="Requests that may wait for a query slot (then 503 + Retry-After).")
@click.option("--queue-wait", type=float, default=5.0, show_default=True, help="Seconds a request may wait in the queue (then 503 + Retry-After).")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True, help="Server processes, each with its own socket on the port and the store opened read-only; one per core.")
@click.option("--allow-service", multiple=True, metavar="URL",
              help="A remote SPARQL endpoint queries may call with SERVICE; repeatable (default: Wikidata's query service only).")
def command(host, port, scope, extra, reasoner, base_url, public_url, endpoint, dumps, timeout, max_rows, max_bytes, max_body,
            concurrent, queue, queue_wait, workers, allow_service):
    """Serve the graph: /sparql, a page for every IRI, /query, /api and the dumps.

    Read-only and safe to expose: updates and LOAD are refused, SERVICE only to the
    allow-list, every query has a time limit and answers a row and byte cap, concurrent
    queries wait in a bounded queue (then 503 with Retry-After). One access-log line per
    request goes to stderr. Stop with Ctrl-C.

    \b
    Examples:
      citygraph serve
      citygraph serve --scope nanjing --port 8080 --dumps dist
      citygraph serve --endpoint http://127.0.0.1:7878/query

    Exit 2 for bad options (or a port in use); with --workers, a worker that stops before it
    serves stops the server with the worker's exit code.
    """
    from ..errors import BadInput
    from ..query.service_policy import DEFAULT_ALLOWED
    from ..serve import memory
    from ..serve.http.server import Options, run, site_from_options
    from .shared.progress import StageProgress

    if endpoint and (extra or reasoner or scope != "all"):
        raise BadInput("--scope, --add and --reasoner choose the built graph; they do not apply with --endpoint")
    if timeout <= 0:
        raise BadInput("--timeout must be a positive number of seconds")
    if dumps is not None and not dumps.is_dir():
        raise BadInput(f"--dumps {dumps}: no such folder; give the --out folder of 'citygraph build'")
    if dumps is None and Path("dist").is_dir():
        dumps = Path("dist")
    _check_port(host, port)
    limits = {"timeout": timeout, "max_rows": max_rows, "max_bytes": max_bytes, "max_body": max_body,
              "concurrent": concurrent, "queue": queue, "queue_wait": queue_wait}
    opts = Options(host=host, port=port, scope=scope, add=[str(p) for p in extra], reasoner=reasoner, base_url=base_url,
                   public_url=public_url, endpoint=endpoint, dumps=str(dumps.resolve()) if dumps else None, workers=workers,
                   allow_service=list(allow_service) or list(DEFAULT_ALLOWED), limits=limits)
    memory.limit_arenas()  # before the store and the threads: see serve/memory.py
    say = StageProgress()
    site = site_from_options(opts, progress=say)
    say.done()
    click.echo(f"citygraph: serving {site.source} on http://{host}:{port}/ (Ctrl-C to stop)"
               + (f" in {workers} worker processes" if workers > 1 else ""), err=True)
    if workers > 1:
        from ..serve.http import workers as worker_processes

        worker_processes.run(opts, site)
    else:
        run(opts, site)


def _check_port(host: str, port: int) -> None:
    """A port in use is bad input (exit 2), said before any build work."""
    import socket

    from ..errors import BadInput

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as err:
            raise BadInput(f"--host {host} --port {port}: cannot listen there ({err.strerror}); choose another port") from None
