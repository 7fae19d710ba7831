"""The `citygraph` command: a thin click group whose verbs live in cli/cmd_<verb>.py.

Each verb module defines `command` (a click command or group). Verbs are discovered from the
module names and imported only when used, so `citygraph --help` stays fast and one verb's
heavy imports (pyshacl, SPARQLWrapper) do not slow the others.

This is the only place that turns errors into exit codes, and every error is one line on
stderr, `citygraph: error: …`: a CitygraphError with its own code (1 validation, 2 bad input,
3 remote); a usage error (unknown verb or option, missing argument, bad choice) with 2; and,
as a last resort, anything unexpected with 4 and a hint to rerun with `--debug`, which shows
the traceback.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import sys

import click

from ..errors import EXIT_CODES, CitygraphError, error_line, one_line
from ..version import __version__

_PREFIX = "cmd_"
INTERNAL_ERROR = 4
_STATE = {"debug": False}


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

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if self.get_command(ctx, name) is None and not name.startswith("-"):
            raise click.UsageError(f"no such command {name!r}; choose one of {', '.join(self.list_commands(ctx))}", ctx)
        return super().resolve_command(ctx, args)


EPILOG = "Exit codes: " + "; ".join(f"{code} {text.split(':')[0]}" for code, text in EXIT_CODES.items()) + "."


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="citygraph")
@click.option("--debug", is_flag=True, help="On an unexpected error, show the Python traceback.")
def group(debug):
    """citygraph: the knowledge graph of city diplomacy.

    Build, validate, query and publish the graph of sister cities, twin towns and
    friendship cities (友好城市), and compare it with Wikidata.
    """
    _STATE["debug"] = debug


def usage_message(err: click.UsageError) -> str:
    """A click usage error as one line naming the command and where its help is."""
    message = one_line(err.format_message()).rstrip(".")
    message = message[:1].lower() + message[1:]
    path = err.ctx.command_path if err.ctx is not None else "citygraph"
    if path != "citygraph":
        message = f"{path.removeprefix('citygraph ')}: {message}"
    return f"{message} (see '{path} --help')"


def fail(message: str, code: int) -> None:
    click.echo(error_line(message), err=True)
    sys.exit(code)


def main(argv=None) -> None:
    """Console-script entry point (argv None: this process is the command, and ends with it)."""
    try:
        _main(argv)
    finally:
        if argv is None:
            # The answer is out; what is left is the interpreter's teardown, whose garbage collections
            # walk every object of the ~300 modules loaded (10-20 ms of a 100 ms command). Frozen
            # objects are left out of those walks; everything is still closed and flushed as usual.
            gc.freeze()


def _main(argv) -> None:
    _STATE["debug"] = False
    try:
        rv = group.main(args=argv, prog_name="citygraph", standalone_mode=False)
    except CitygraphError as err:
        if err.details:
            click.echo(err.details, err=True)
        fail(str(err), err.exit_code)
    except click.exceptions.NoArgsIsHelpError as err:  # `citygraph` or `citygraph link` alone: the help
        click.echo(err.ctx.get_help() if err.ctx is not None else "")
        sys.exit(0)
    except click.UsageError as err:
        fail(usage_message(err), 2)
    except click.exceptions.Abort:
        click.echo("citygraph: aborted", err=True)
        sys.exit(130)
    except click.ClickException as err:  # e.g. a file click could not open
        fail(err.format_message(), 2)
    except BrokenPipeError:
        sys.exit(0)
    except KeyboardInterrupt:
        click.echo("citygraph: interrupted", err=True)
        sys.exit(130)
    except Exception as err:  # the last resort: a bug, not a user error
        if _STATE["debug"]:
            import traceback  # lazy: only a bug report needs it (~2 ms of every start-up otherwise)

            traceback.print_exc()
        fail(f"unexpected {type(err).__name__}: {err} — this is a bug in citygraph {__version__}; "
             "rerun with --debug (citygraph --debug VERB …) for the traceback and report it", INTERNAL_ERROR)
    sys.exit(rv if isinstance(rv, int) else 0)
