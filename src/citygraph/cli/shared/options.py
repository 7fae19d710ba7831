"""The options several verbs share, each defined once: the same name, meaning and default everywhere.

- `--scope`: which data sources make the graph; `all` by default in every verb (link included).
- `--format`: `table` is the format for people in every verb; the others are for programs.
- `--reasoner`: a choice among the reasoners that exist (citygraph.reason.REASONERS).
- `--out`, `--add`, `--timeout`: where results go, extra RDF files, seconds to wait.
- `--with-alignments`: materialise the alignments to Wikidata, DBpedia, schema.org … (off by default).

Old spellings stay one release as hidden aliases that print a warning (`renamed_option`,
`Choice(aliases=…)`); `--help` shows only the current ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from ...reason import DEFAULT_REASONER, REASONERS  # the package, light: not the reasoners
from ...validate import SEVERITIES  # the package, light: not the validators

F = TypeVar("F", bound=Callable[..., Any])
Decorator = Callable[[F], F]


def warn(message: str) -> None:
    """One line on stderr: `citygraph: warning: …`."""
    click.echo(f"citygraph: warning: {message}", err=True)


class Choice(click.Choice):
    """click.Choice with hidden old spellings: `aliases` maps an old value to its new one, with a warning."""

    def __init__(self, choices: Sequence[str], aliases: dict[str, str] | None = None, case_sensitive: bool = True):
        super().__init__(list(choices), case_sensitive=case_sensitive)
        self.aliases = dict(aliases or {})

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value in self.aliases:
            new = self.aliases[value]
            name = param.opts[0] if param is not None and param.opts else "the option"
            warn(f"{name} {value} is an old spelling; write {name} {new} (the old one goes in the next release)")
            value = new
        return super().convert(value, param, ctx)


def scope(help: str = "Data sources of the graph: 'all' (default) or one source such as 'nanjing' or 'world'.") -> Decorator:
    return click.option("--scope", default="all", show_default=True, metavar="SOURCE", help=help)


def output_format(choices: Sequence[str], default: str | None = "table", help: str = "",
                  aliases: dict[str, str] | None = None) -> Decorator:
    """`--format` (stored as `fmt`): `table` is the human format wherever there is one."""
    text = help or ("'table' for people; " + ", ".join(c for c in choices if c != "table") + " for programs.")
    return click.option("--format", "fmt", type=Choice(choices, aliases=aliases), default=default,
                        show_default=default is not None, help=text)


def reasoner(default: str | None = DEFAULT_REASONER, help: str = "") -> Decorator:
    text = help or ("OWL 2 RL engine: 'fast' (compiled rules, checked against owlrl) or "
                    "'owlrl' (the slow pure-Python reference).")
    return click.option("--reasoner", type=click.Choice(REASONERS), default=default,
                        show_default=default is not None, help=text)


def out(help: str, *, folder: bool = False, default: Path | None = None, required: bool = False) -> Decorator:
    kind = click.Path(file_okay=not folder, dir_okay=folder, path_type=Path)
    return click.option("--out", "out", type=kind, default=default, required=required,
                        show_default=default is not None, help=help)


def add(help: str = "An extra RDF file (Turtle, TriG, N-Triples, JSON-LD) in the graph, as a named graph of its own; "
                    "repeatable.") -> Decorator:
    return click.option("--add", "extra", multiple=True, type=click.Path(dir_okay=False, path_type=Path), help=help)


def public_url(help: str = "The address the world reaches this server at (e.g. https://data.example.org/citygraph/): the "
                            "dataset record it writes puts the downloads at URL/download/NAME and the endpoint at URL/sparql "
                            "(default: the address it listens on).") -> Decorator:
    """`--public-url`: where a server is reached from outside (not the IRI base: that is --base-url)."""

    def check(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        from ...publish.release import check_base_url  # only when the option is given

        return check_base_url(value, "--public-url") if value else None

    return click.option("--public-url", "public_url", metavar="URL", default=None, callback=check, help=help)


def timeout(default: float | None, help: str) -> Decorator:
    return click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=default,
                        show_default=default is not None, metavar="SECONDS", help=help)


def with_alignments(help: str = "Also materialise the alignments (ontology/alignments/: cg:twinnedWith as wdt:P190 and "
                                 "dbo:twinCity, cg:City as schema:City …) into graph/inferred/alignment.") -> Decorator:
    """`--with-alignments` (stored as `alignments`): the alignments' entailments, only on request."""
    return click.option("--with-alignments", "alignments", is_flag=True, default=False, help=help)


def severity(help: str = "List results of this severity and the more severe ones: violation, warning or info (all).") -> Decorator:
    return click.option("--severity", type=click.Choice(SEVERITIES), default="info", show_default=True, help=help)


def renamed_option(old: str, new: str, dest: str, **attrs: Any) -> Decorator:
    """A hidden `old` spelling of option `new`: when written, it fills parameter `dest` and warns."""

    def said(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value is None:  # the hidden spelling has no default: not None means it was written
            return
        warn(f"{old} is an old spelling; write {new} (the old one goes in the next release)")
        if ctx.get_parameter_source(dest) != click.core.ParameterSource.COMMANDLINE:  # the new spelling wins
            ctx.params[dest] = value
            # Ranked like an environment variable: above the current option's default, below it when written.
            ctx.set_parameter_source(dest, click.core.ParameterSource.ENVIRONMENT)

    return click.option(old, f"old_{dest}", hidden=True, default=None, expose_value=False, callback=said, **attrs)
