"""The `citygraph` command: a thin click group whose verbs live in cli/cmd_<verb>.py.

Each verb module defines `command` (a click command or group). Verbs are discovered from the
module names and imported only when used, so `citygraph --help` stays fast and one verb's
heavy imports (pyshacl, SPARQLWrapper) do not slow the others. This is the only place that
turns a CitygraphError into an exit code.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from .. import __version__
from ..errors import EXIT_CODES, CitygraphError

_PREFIX = "cmd_"


def _verbs() -> dict[str, str]:
    """verb name -> module name, from the cmd_*.py modules beside this file."""
    out = {}
    for mod in pkgutil.iter_modules(__path__):
        if mod.name.startswith(_PREFIX):
            out[mod.name[len(_PREFIX):].replace("_", "-")] = f"{__name__}.{mod.name}"
    return dict(sorted(out.items()))


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return list(_verbs())

    def get_command(self, ctx, name):
        module = _verbs().get(name)
        if module is None:
            return None
        return importlib.import_module(module).command


EPILOG = "Exit codes: " + "; ".join(f"{code} {text.split(':')[0]}" for code, text in EXIT_CODES.items()) + "."


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="citygraph")
def group():
    """citygraph: the knowledge graph of city diplomacy.

    Build, validate, query and publish the graph of sister cities, twin towns and
    friendship cities (友好城市), and compare it with Wikidata.
    """


def main(argv=None) -> None:
    """Console-script entry point."""
    try:
        rv = group.main(args=argv, prog_name="citygraph", standalone_mode=False)
    except CitygraphError as err:
        click.echo(f"citygraph: error: {err}", err=True)
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        click.echo("citygraph: aborted", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(2 if err.exit_code not in (0, 1, 2, 3) else err.exit_code or 2)
    except BrokenPipeError:
        sys.exit(0)
    except KeyboardInterrupt:
        click.echo("citygraph: interrupted", err=True)
        sys.exit(130)
    sys.exit(rv if isinstance(rv, int) else 0)
