"""citygraph build: load, reason, validate and publish the graph."""

from __future__ import annotations

import time
from pathlib import Path

import click

from . import options
from .progress import StageProgress


@click.command("build")
@options.out("Folder for the dumps; replaced atomically, left untouched if the build fails. "
             "A non-empty folder without SHA256SUMS (not earlier dumps) is refused.", folder=True, default=Path("dist"))
@options.scope()
@options.add()
@options.reasoner()
@options.severity("Which validation results the summary lists, grouped by shape: violation, warning or info (all).")
@click.option("--progress/--no-progress", default=None, help="Show stage progress on stderr (default: only on a terminal).")
@click.option("--with-enrichment", "enrichment", is_flag=False, flag_value="", default=None, metavar="[FILE]",
              help="Include a `citygraph link enrich` file as graph/enrichment (default file: $CITYGRAPH_CACHE_DIR/enrichment.trig).")
def command(out, scope, extra, reasoner, severity, progress, enrichment):
    """Build the graph and write Turtle, N-Triples, JSON-LD, TriG, VoID and SHA256SUMS into OUT.

    \b
    Example:
      citygraph build --out dist
      citygraph build --scope nanjing --add my-ties.ttl --out /tmp/try

    Exit 1 if the data violates the shapes (the report is printed), 2 for bad input.
    """
    from ..build import build
    from ..pictures.output import write_build_pictures
    from ..publish.dump import write_dumps

    say = StageProgress(progress)
    started = time.perf_counter()
    try:
        built = build(scope=scope, extra=extra, reasoner=reasoner, progress=say)
        if enrichment is not None:  # Wikidata's facts: dumped apart, neither reasoned over nor validated
            from ..link.enrich import default_path, load_into

            say("loading the Wikidata enrichment")
            load_into(built, Path(enrichment) if enrichment else default_path())
        t0 = time.perf_counter()
        say("writing dumps")
        folder = write_dumps(built, out, writers=[write_build_pictures])  # + pictures/: world map, growth chart
        built.timings["dump"] = time.perf_counter() - t0
        say.done()
    except BaseException:
        say.abort()
        raise
    built.timings["total"] = time.perf_counter() - started
    click.echo(summary(built, folder, severity))


def summary(built, folder: Path, severity: str = "info") -> str:
    """What was built: triples per graph, conformance (results grouped by shape), files, seconds per stage."""
    from ..namespaces import GRAPH
    from ..publish.dump import CHECKSUMS

    base = str(GRAPH)
    lines = [f"built {folder}", "triples per named graph:"]
    for graph, n in built.graph_sizes().items():
        lines.append(f"  {n:>10,}  {graph[len(base):] if graph.startswith(base) else graph or '(default graph)'}")
    report = built.report
    if report is None:
        lines.append("conforms: not checked")
    else:
        counts = report.counts()
        lines.append(f"conforms: {'yes' if report.conforms else 'no'} "
                     f"({counts.get('Violation', 0)} violation(s), {counts.get('Warning', 0)} warning(s), {counts.get('Info', 0)} info)"
                     + ("; `citygraph validate --summary` lists them by shape" if counts.get("Warning") or counts.get("Info") else ""))
        listed = report.at_least(severity)
        if listed.results:
            lines += ["  " + line for line in listed.to_summary().splitlines()[1:]]
    files = sorted(p for p in Path(folder).iterdir() if p.is_file())
    lines.append("files: " + ", ".join(f"{p.name} ({_size(p.stat().st_size)})" for p in files if p.name != CHECKSUMS)
                 + f", {CHECKSUMS}")
    lines.append("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in built.timings.items()))
    return "\n".join(lines)


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} B"
