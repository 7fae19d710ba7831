"""Progress lines on stderr while long stages run (only on a terminal, unless forced)."""

from __future__ import annotations

import sys
import time

import click


class StageProgress:
    def __init__(self, enabled: bool | None = None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            click.echo(f"[{time.perf_counter() - self.started:6.1f}s] {message} …", err=True)
