"""The server hands the memory of large answers back to the system (serve/memory.py): a trim
follows a large answer, at most one per interval, never a small one; and on glibc the real
`malloc_trim` is found and callable. (Whether it lowers the resident size is measured in
benchmarks/serve.py, not here.)"""

from __future__ import annotations

import asyncio
import platform

import pyoxigraph as ox

from citygraph.serve.http.backend import LocalBackend
from citygraph.serve.memory import LARGE, MALLOC_TRIM, Trimmer
from citygraph.serve.site import Site


def test_large_answers_are_followed_by_one_trim_per_interval():
    calls: list[int] = []

    async def scenario() -> Trimmer:
        trimmer = Trimmer(trim=lambda pad: calls.append(pad) or 1, interval=0.01)
        trimmer.after_answer(LARGE - 1)  # small: no trim
        await asyncio.sleep(0.1)
        assert calls == []
        trimmer.after_answer(LARGE)
        trimmer.after_answer(3 * LARGE)  # within the same interval: still one trim
        await asyncio.sleep(0.2)
        assert calls == [0]
        trimmer.after_answer(LARGE)  # a later large answer: another trim
        await asyncio.sleep(0.2)
        return trimmer

    assert asyncio.run(scenario()).trims == 2 and calls == [0, 0]


def test_without_malloc_trim_nothing_is_scheduled():
    Trimmer(trim=None).after_answer(10 * LARGE)  # no event loop needed: it returns at once


def test_the_site_trims_after_a_large_answer_only():
    store = ox.Store()
    ex = "http://example.org/"
    store.extend([ox.Quad(ox.NamedNode(f"{ex}s{i}"), ox.NamedNode(ex + "p"), ox.Literal(i)) for i in range(LARGE)])
    calls: list[int] = []
    site = Site(backend=LocalBackend(store=store), trimmer=Trimmer(trim=lambda pad: calls.append(pad) or 1, interval=0.01))

    async def scenario() -> None:
        await site.ask("SELECT * WHERE { ?s ?p ?o } LIMIT 10")
        await asyncio.sleep(0.1)
        assert calls == []
        answer = await site.ask("SELECT * WHERE { ?s ?p ?o }")
        assert len(answer.result.rows) == LARGE
        await asyncio.sleep(0.2)

    asyncio.run(scenario())
    assert calls == [0]


def test_glibc_malloc_trim_is_found_and_callable():
    if platform.libc_ver()[0] == "glibc":
        assert MALLOC_TRIM is not None
    if MALLOC_TRIM is not None:
        assert MALLOC_TRIM(0) in (0, 1)
