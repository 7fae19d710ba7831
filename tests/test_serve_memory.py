"""The server hands the memory of freed answers back to the system (serve/memory.py): a trim
follows once an answer is freed (never while it is alive), at most one per interval; `give_back`
collects and trims at once; and on glibc the real `malloc_trim` is found and callable. (Whether it
lowers the resident size is measured in benchmarks/serve.py, not here.)"""

from __future__ import annotations

import asyncio
import gc
import platform
import weakref

import pyoxigraph as ox

from citygraph.serve.http.backend import LocalBackend
from citygraph.serve.memory import MALLOC_TRIM, Trimmer, give_back
from citygraph.serve.site import Site


class Answer:
    """An answer the test frees by dropping it."""


def recorder(calls: list[int], result: int = 1):
    return lambda pad: calls.append(pad) or result


def test_a_trim_follows_answers_once_they_are_freed_at_most_once_per_interval():
    calls: list[int] = []

    async def scenario() -> Trimmer:
        trimmer = Trimmer(trim=recorder(calls), delay=0.01, interval=0.3)
        one, two = Answer(), Answer()
        trimmer.after_answer(one)
        trimmer.after_answer(two)
        await asyncio.sleep(0.1)
        assert calls == []  # still alive (being written): nothing to give back yet
        del one, two
        gc.collect()
        await asyncio.sleep(0.1)
        assert calls == [0]  # both freed within one interval: one trim
        again = Answer()
        trimmer.after_answer(again)
        del again
        await asyncio.sleep(0.1)
        assert calls == [0]  # within the interval of the last trim: not yet
        await asyncio.sleep(0.4)
        return trimmer

    assert asyncio.run(scenario()).trims == 2 and calls == [0, 0]


def test_without_malloc_trim_nothing_is_scheduled():
    Trimmer(trim=None).after_answer(Answer())  # no event loop needed: it returns at once


def test_the_site_trims_once_a_client_query_or_a_page_query_is_freed():
    store = ox.Store()
    ex = "http://example.org/"
    store.extend([ox.Quad(ox.NamedNode(f"{ex}s{i}"), ox.NamedNode(ex + "p"), ox.Literal(i)) for i in range(20)])
    calls: list[int] = []
    site = Site(backend=LocalBackend(store=store), trimmer=Trimmer(trim=recorder(calls), delay=0.01, interval=0.05))

    async def scenario() -> None:
        answer = await site.ask("SELECT * WHERE { ?s ?p ?o } LIMIT 10")
        assert len(answer.result.rows) == 10
        await asyncio.sleep(0.1)
        assert calls == []  # the answer is still held here
        del answer
        gc.collect()
        await asyncio.sleep(0.1)
        assert calls == [0]
        page = await site.ask_for_page(f"SELECT ?o WHERE {{ <{ex}s3> ?p ?o }}")
        assert len(page.result.rows) == 1
        del page
        gc.collect()
        await asyncio.sleep(0.1)

    asyncio.run(scenario())
    assert calls == [0, 0]


def test_give_back_collects_unreachable_cycles_then_trims():
    calls: list[int] = []
    collected: list[str] = []
    a, b = Answer(), Answer()
    a.other, b.other = b, a  # type: ignore[attr-defined]  # a cycle: only the collector frees it
    weakref.finalize(a, collected.append, "a")
    gc.disable()  # no automatic collection between here and give_back
    try:
        del a, b
        assert collected == []
        assert give_back(recorder(calls)) is True
    finally:
        gc.enable()
    assert collected == ["a"] and calls == [0]
    assert give_back(recorder(calls, result=0)) is False  # nothing went back to the system
    assert give_back(None) is False  # no glibc: nothing to call


def test_glibc_malloc_trim_is_found_and_callable():
    if platform.libc_ver()[0] == "glibc":
        assert MALLOC_TRIM is not None
    if MALLOC_TRIM is not None:
        assert MALLOC_TRIM(0) in (0, 1)


# --- glibc's arenas capped for the server and its workers (memory.limit_arenas) ----------------

LIMIT = """
import os, subprocess, sys
from citygraph.serve.memory import limit_arenas
print(limit_arenas())
print(os.environ.get("MALLOC_ARENA_MAX"))
print(subprocess.run([sys.executable, "-c", "import os; print(os.environ.get('MALLOC_ARENA_MAX'))"],
                     capture_output=True, text=True, check=True).stdout.strip())
"""


def _limit_in_fresh_process(env: dict[str, str]) -> list[str]:
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"} | env
    return subprocess.run([sys.executable, "-c", LIMIT], capture_output=True, text=True, check=True, env=clean).stdout.split()


def test_the_arenas_are_capped_here_and_in_the_processes_started_after():
    expected_set = "True" if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc" else "False"
    assert _limit_in_fresh_process({}) == [expected_set, "2", "2"]


def test_a_users_own_arena_setting_is_left_alone():
    assert _limit_in_fresh_process({"MALLOC_ARENA_MAX": "4"}) == ["False", "4", "4"]
