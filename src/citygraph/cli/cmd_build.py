"""citygraph build: load, reason, validate and publish the graph."""

from __future__ import annotations

from pathlib import Path

import click

from .progress import StageProgress


@click.command("build")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"), show_default=True,
              help="Folder for the dumps; replaced atomically, left untouched if the build fails.")
@click.option("--scope", default="all", show_default=True, help="'all' for every data source, or one source such as 'nanjing'.")
@click.option("--add", "extra", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="An extra RDF file (Turtle, TriG, N-Triples, JSON-LD) to include as a named graph of its own; repeatable.")
@click.option("--reasoner", type=click.Choice(["fast", "owlrl"]), default="fast", show_default=True,
              help="OWL 2 RL engine: 'fast' (compiled rules, checked against owlrl) or 'owlrl' (the slow pure-Python reference).")
@click.option("--progress/--no-progress", default=None, help="Show stage progress on stderr (default: only on a terminal).")
@click.option("--with-enrichment", "enrichment", is_flag=False, flag_value="", default=None, metavar="[FILE]",
              help="Include a `citygraph link enrich` file as graph/enrichment (default file: $CITYGRAPH_CACHE_DIR/enrichment.trig).")
def command(out, scope, extra, reasoner, progress, enrichment):
    """Build the graph and write Turtle, N-Triples, JSON-LD, TriG, VoID and SHA256SUMS into OUT.

    Exit 1 if the data violates the shapes (the report is printed), 2 for bad input.
    """
    from ..build import build
    from ..dump import write_dumps

    say = StageProgress(progress)
    built = build(scope=scope, extra=extra, reasoner=reasoner, progress=say)
    if enrichment is not None:  # Wikidata's facts: dumped apart, neither reasoned over nor validated
        from ..linkenrich import default_path, load_into

        say("loading the Wikidata enrichment")
        load_into(built, Path(enrichment) if enrichment else default_path())
    import time
    t0 = time.perf_counter()
    say("writing dumps")
    folder = write_dumps(built, out)
    built.timings["dump"] = time.perf_counter() - t0
    click.echo(f"built {folder}")
    click.echo("triples per graph:")
    for graph, n in built.graph_sizes().items():
        click.echo(f"  {n:>9,}  {graph}")
    counts = built.report.counts() if built.report else {}
    click.echo(f"conforms: yes ({counts.get('Warning', 0)} warning(s), {counts.get('Info', 0)} info)")
    click.echo("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in built.timings.items()))
