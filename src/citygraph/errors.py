"""One error family for citygraph, each kind with its exit code, and the one line that says an error.

Only the CLI (and a `serve --workers` worker process, which ends as the command would) turns
these into exit codes; library code raises them and never calls sys.exit.
"""

from __future__ import annotations


class CitygraphError(Exception):
    """Base class: something the user can fix, with a message saying how.

    The message is one line; `details` (optional, may span lines) is printed before it, e.g. the
    violations a build found.
    """

    exit_code = 2

    def __init__(self, message: str, details: str | None = None):
        super().__init__(message)
        self.details = details


class ValidationFailed(CitygraphError):
    """The data does not conform to the shapes (exit 1)."""

    exit_code = 1

    def __init__(self, message: str, report=None, details: str | None = None):
        super().__init__(message, details)
        self.report = report


class BadInput(CitygraphError):
    """Input that cannot be read or used: a file, a parameter, an option (exit 2)."""

    exit_code = 2


class RemoteError(CitygraphError):
    """A remote endpoint failed, timed out or answered nonsense; or the offline cache missed (exit 3)."""

    exit_code = 3


EXIT_CODES = {
    0: "success",
    1: "validation failed: the data does not conform to the shapes",
    2: "bad input or usage: a file that does not parse, an unknown option or parameter, a wrong value",
    3: "remote or network failure: an endpoint that failed, timed out or answered nonsense; an offline cache miss",
    4: "internal error: a bug in citygraph; rerun with --debug for the traceback and report it",
}


def one_line(text: object) -> str:
    """The text with its whitespace and line breaks collapsed to single spaces."""
    return " ".join(str(text).split())


def error_line(message: object) -> str:
    """`citygraph: error: …` on one line: how the command, and each worker process of
    `serve --workers`, says an error on stderr."""
    return "citygraph: error: " + one_line(message)
