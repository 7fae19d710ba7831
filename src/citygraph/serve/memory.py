"""Giving the memory of freed answers back to the system (glibc's `malloc_trim`).

A large answer (tens of thousands of rows: `status-on`, `twinned-with` over the world build)
passes through hundreds of megabytes of short-lived objects in the query threads. Measured on
the world build (benchmarks/serve.py and glibc's own counters, docs/serve.md "Speed"): the
memory in use stays flat from round to round, but glibc keeps what was freed inside its
arenas (200+ MB "free kept"), so the resident size creeps up as each thread meets its largest
answer. That is the allocator, not a leak: `malloc_trim(0)` hands the free pages back.

Small answers leave freed memory behind too, once many run at the same time: with two workers
and trims after large answers (5,000 rows or more) only, each worker's anonymous memory grew
27-35 MB over a world run, most of it in the everyday cells at concurrency 8 and 32 (resident
memory +16.0 %); trimming after any answer gave +4.0 % and +6.0 % in the next two runs and
+0.1 % to −8.2 % in four more, at the same throughput (docs/serve.md, "Workers"). So once an answer's objects are freed (its response
written), the server trims, at most once every `INTERVAL` seconds, in a worker thread (the call
releases the GIL). A trim took 3.4 ms (median) and 27 ms (p95) in those runs, 77 of them in
four minutes: about 0.2 % of a core.

The server also caps glibc's arenas at `ARENAS` (`limit_arenas`, called before the store is
opened): each thread that allocates would otherwise get an arena of its own (up to eight per
core), and what a thread frees stays in its arena. Measured on the world build with
benchmarks/serve.py (12,551 requests, the same minutes, quiet machine): resident memory 227 →
262 MB (+15.4 %) with glibc's default; 186 → 197 MB (+6.0 %) with `MALLOC_ARENA_MAX=2` set by
hand, and 188 → 193 MB (+2.6 %) with this cap, at the same throughput. The cap works with the
trims, not instead of them (alone, an earlier measurement gave no gain: docs/serve.md). A
`MALLOC_ARENA_MAX` the user set is left as it is.

`give_back` does the same once, now: the parent of `--workers` calls it after making the
dataset's record and closing its store (its resident memory 115 → 63 MB in the world runs of
benchmarks/serve.py).

Elsewhere than glibc (musl, macOS) there is no `malloc_trim` or `mallopt` and this does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import os
import time
import weakref
from collections.abc import Callable

DELAY = 0.5        # seconds after the answer's objects are freed (its response is being sent meanwhile)
INTERVAL = 2.0     # seconds: at most one trim per interval, however many answers


def _libc_function(name: str):
    """A function of the C library (glibc's `malloc_trim`, `mallopt`), or None where there is none."""
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
    except (OSError, AttributeError):
        return None


def _malloc_trim() -> Callable[[int], int] | None:
    trim = _libc_function("malloc_trim")
    if trim is None:
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


MALLOC_TRIM = _malloc_trim()

ARENAS = 2          # glibc malloc arenas for a server process
M_ARENA_MAX = -8    # mallopt's parameter number (glibc's malloc.h)


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas in this process (`mallopt`) and in the worker processes it starts
    (`MALLOC_ARENA_MAX`, read by glibc when a process starts). True if this process's cap was set;
    False where the user chose their own `MALLOC_ARENA_MAX` or there is no glibc."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False  # the user's own choice, applied by glibc at start-up
    os.environ["MALLOC_ARENA_MAX"] = str(arenas)
    mallopt = _libc_function("mallopt")
    if mallopt is None:
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt(M_ARENA_MAX, arenas) == 1


class Trimmer:
    """Schedules a `malloc_trim(0)` after answers are freed; `trims` counts the trims done."""

    def __init__(self, trim: Callable[[int], int] | None = MALLOC_TRIM, *, delay: float = DELAY, interval: float = INTERVAL):
        self._trim = trim
        self.delay, self.interval = delay, interval
        self._scheduled = False
        self._last = -interval
        self.trims = 0

    def after_answer(self, answer: object) -> None:
        """Call on the event loop with an answer just computed: a trim follows once it is freed
        (at most one per interval, however many answers)."""
        if self._trim is None:
            return
        loop = asyncio.get_running_loop()
        weakref.finalize(answer, self._freed, loop).atexit = False

    def _freed(self, loop: asyncio.AbstractEventLoop) -> None:
        """Runs in the thread that dropped the answer's last reference."""
        with contextlib.suppress(RuntimeError):  # the loop has closed: the server is stopping
            loop.call_soon_threadsafe(self._schedule, loop)

    def _schedule(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._scheduled:
            return
        self._scheduled = True
        wait = max(self.delay, self._last + self.interval - time.monotonic())
        loop.call_later(wait, self._fire, loop)

    def _fire(self, loop: asyncio.AbstractEventLoop) -> None:
        self._scheduled = False
        self._last = time.monotonic()
        loop.run_in_executor(None, self._run)

    def _run(self) -> None:
        assert self._trim is not None
        self._trim(0)
        self.trims += 1


def give_back(trim: Callable[[int], int] | None = MALLOC_TRIM) -> bool:
    """Free now what this process no longer holds: collect unreachable cycles, then hand glibc's
    free pages back. True if the system got memory back (always False off glibc)."""
    gc.collect()
    return trim is not None and trim(0) == 1
