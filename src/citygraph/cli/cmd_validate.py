"""citygraph validate: check the shipped data, or your own files, against the shapes."""

from __future__ import annotations

from pathlib import Path

import click

from .progress import StageProgress


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text", show_default=True,
              help="Report as readable text, as a SHACL validation report in Turtle, or as JSON.")
@click.option("--scope", default="all", show_default=True,
              help="Without FILEs: 'all' shipped data, or one source such as 'nanjing'. Ignored with FILEs.")
@click.option("--progress/--no-progress", default=None, help="Show stage progress on stderr (default: only on a terminal).")
def command(files, fmt, scope, progress):
    """Validate the shipped data, or FILE… (Turtle, TriG, N-Triples, JSON-LD), against the shapes.

    FILEs are loaded with the ontology alongside and reasoned first (OWL 2 RL), so a shape
    that targets cg:Partnership also checks a node typed only cg:SisterCity. Each result gives
    the focus node, path, severity, constraint and message.

    \b
    Examples:
      citygraph validate
      citygraph validate my-ties.ttl --format json

    Exit 0 conforms (warnings allowed), 1 violations, 2 a file that cannot be parsed (file and line named).
    """
    from ..build import build
    from ..errors import ValidationFailed
    from ..validate.report import validate_built

    say = StageProgress(progress)
    try:
        built = build(scope="none" if files else scope, extra=files, validate=False, progress=say)
        say("validating with SHACL")
        report = validate_built(built)
        say.done()
    except BaseException:
        say.abort()
        raise
    if fmt == "json":
        click.echo(report.to_json())
    elif fmt == "turtle":
        click.echo(report.to_turtle(), nl=False)
    else:
        click.echo(report.to_text())
    if report.violations:
        what = ", ".join(str(f) for f in files) if files else "the shipped data"
        raise ValidationFailed(f"{what}: {len(report.violations)} violation(s); each is listed above with its fix", report=report)
