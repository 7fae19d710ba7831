"""citygraph validate: check the shipped data, or your own files, against the shapes."""

from __future__ import annotations

from pathlib import Path

import click

from .shared import options
from .shared.progress import StageProgress


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@options.output_format(["table", "turtle", "json"], aliases={"text": "table"},
                       help="'table': each result, readable; 'turtle': the SHACL validation report; 'json'.")
@click.option("--summary", is_flag=True,
              help="Group the results by shape and message: a count and one example each (format table).")
@options.severity("List results of this severity and the more severe ones: violation, warning or info (all). "
                  "The turtle report is always complete.")
@options.scope("Without FILEs: 'all' shipped data (default), or one source such as 'nanjing'. Ignored with FILEs.")
@click.option("--progress/--no-progress", default=None, help="Show stage progress on stderr (default: only on a terminal).")
def command(files, fmt, summary, severity, scope, progress):
    """Validate the shipped data, or FILE… (Turtle, TriG, N-Triples, JSON-LD), against the shapes.

    FILEs are loaded with the ontology alongside and reasoned first (OWL 2 RL), so a shape
    that targets cg:Partnership also checks a node typed only cg:SisterCity. Each result gives
    the focus node, path, severity, constraint and message.

    \b
    Examples:
      citygraph validate --summary
      citygraph validate --severity violation
      citygraph validate my-ties.ttl --format json

    Exit 0 conforms (warnings allowed), 1 violations, 2 a file that cannot be parsed (file and line named).
    """
    from ..build import build
    from ..errors import BadInput, ValidationFailed
    from ..validate.report import validate_built

    if summary and fmt != "table":
        raise BadInput(f"--summary is a table for people; drop --format {fmt} or --summary")
    say = StageProgress(progress)
    try:
        built = build(scope="none" if files else scope, extra=files, validate=False, progress=say)
        say("validating with SHACL")
        report = validate_built(built)
        say.done()
    except BaseException:
        say.abort()
        raise
    listed = report.at_least(severity)
    if fmt == "json":
        click.echo(listed.to_json())
    elif fmt == "turtle":
        click.echo(report.to_turtle(), nl=False)
    elif summary:
        click.echo(listed.to_summary())
    else:
        click.echo(listed.to_text())
    if report.violations:
        what = ", ".join(str(f) for f in files) if files else "the shipped data"
        raise ValidationFailed(f"{what}: {len(report.violations)} violation(s); each is listed above with its fix", report=report)
