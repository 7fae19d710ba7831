"""The server's limits: time per query, rows and bytes per answer, request body, concurrent queries.

Queries run in worker threads (the store answers in Rust). At most `concurrent` run at once;
up to `queue` more wait at most `queue_wait` seconds for a slot, and any request beyond that
gets 503 with `Retry-After`. A query past its time gets 503 at once; its slot is given back
only when the engine really stops (streaming answers stop at the next batch of rows; an
aggregate finishes its work first), so a burst of slow queries can never run more than
`concurrent` at a time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ...errors import CitygraphError

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0          # seconds per query
    max_rows: int = 10_000         # rows (or triples) per answer
    max_bytes: int = 50_000_000    # bytes per serialised answer
    max_body: int = 100_000        # bytes of a request body (a POSTed query)
    concurrent: int = 4            # queries running at once
    queue: int = 64                # requests waiting for a slot
    queue_wait: float = 5.0        # seconds a request waits for a slot
    retry_after: int = 2           # seconds, sent with 503


class Busy(CitygraphError):
    """Every query slot is taken and the queue is full or waited too long: 503 + Retry-After."""


class TimedOut(CitygraphError):
    """The query ran past the limit: 503."""


class Gate:
    """A bounded queue in front of a fixed pool of query threads."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self._slots = asyncio.Semaphore(limits.concurrent)
        self._waiting = 0
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=limits.concurrent, thread_name_prefix="citygraph-query")

    async def run(self, fn: Callable[[], T], timeout: float | None = None) -> T:
        timeout = self.limits.timeout if timeout is None else timeout
        if self._slots.locked() and self._waiting >= self.limits.queue:
            raise Busy(f"the server is busy ({self.limits.concurrent} queries running, {self._waiting} waiting); retry in {self.limits.retry_after} s")
        self._waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), self.limits.queue_wait)
        except TimeoutError:
            raise Busy(f"the server is busy: no query slot freed within {self.limits.queue_wait:g} s; retry in {self.limits.retry_after} s") from None
        finally:
            self._waiting -= 1
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, fn)
        future.add_done_callback(lambda _f: self._slots.release())
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            future.add_done_callback(_swallow)
            raise TimedOut(f"the query ran longer than {timeout:g} s and was stopped; narrow it or add a LIMIT") from None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _swallow(future) -> None:
    """Read the exception of an abandoned query so asyncio does not log it as never retrieved."""
    if not future.cancelled():
        future.exception()
