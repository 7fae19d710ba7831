"""Progress on stderr while long stages run: on a terminal by default, or when forced.

Each stage is one line; on a terminal the line is rewritten in place when the stage ends, so
the screen shows what ran and how long each stage took. Off a terminal (pipes, CI logs) nothing
is printed unless asked for, and then as plain lines without control characters.
"""

from __future__ import annotations

import sys
import time

import click


class StageProgress:
    """Call with a stage's description when it starts; `done()` closes the last one."""

    def __init__(self, enabled: bool | None = None, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = self.tty if enabled is None else enabled
        self.started = time.perf_counter()
        self._stage: str | None = None
        self._stage_started = self.started

    def __call__(self, message: str) -> None:
        self._finish()
        self._stage, self._stage_started = message, time.perf_counter()
        if self.enabled:
            text = f"  {message} …"
            click.echo(text, file=self.stream, nl=not self.tty)

    def _finish(self) -> None:
        if self._stage is None or not self.enabled:
            return
        took = time.perf_counter() - self._stage_started
        if self.tty:
            click.echo(f"\r\x1b[2K  {self._stage}: {took:.1f} s", file=self.stream)
        else:
            click.echo(f"  {self._stage}: done in {took:.1f} s", file=self.stream)
        self._stage = None

    def done(self) -> None:
        self._finish()

    def abort(self) -> None:
        """End an unfinished terminal line, so an error message starts on a line of its own."""
        if self._stage is not None and self.enabled and self.tty:
            click.echo("", file=self.stream)
        self._stage = None
