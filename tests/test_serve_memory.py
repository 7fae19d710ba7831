"""The server hands the memory of large answers back to the system (serve/memory.py): a trim
follows once a large answer is freed, at most one per interval, never after a small answer;
and on glibc the real `malloc_trim` is found and callable. (Whether it lowers the resident
size is measured in benchmarks/serve.py, not here.)"""

from __future__ import annotations

import asyncio
import gc
import platform

import pyoxigraph as ox

from citygraph.serve.http.backend import LocalBackend
from citygraph.serve.memory import LARGE, MALLOC_TRIM, Trimmer
from citygraph.serve.site import Site


class Answer:
    """Something an answer's size is known of, freed when the test drops it."""


def recorder(calls: list[int]):
    return lambda pad: calls.append(pad) or 1


def test_a_trim_follows_a_large_answer_once_it_is_freed_at_most_once_per_interval():
    calls: list[int] = []

    async def scenario() -> Trimmer:
        trimmer = Trimmer(trim=recorder(calls), delay=0.01, interval=0.3)
        small = Answer()
        trimmer.after_answer(small, LARGE - 1)
        del small
        await asyncio.sleep(0.1)
        assert calls == []  # a small answer: no trim
        large, larger = Answer(), Answer()
        trimmer.after_answer(large, LARGE)
        trimmer.after_answer(larger, 3 * LARGE)
        await asyncio.sleep(0.1)
        assert calls == []  # still alive (being written): nothing to give back yet
        del large, larger
        gc.collect()
        await asyncio.sleep(0.1)
        assert calls == [0]  # both freed within one interval: one trim
        again = Answer()
        trimmer.after_answer(again, LARGE)
        del again
        await asyncio.sleep(0.1)
        assert calls == [0]  # within the interval of the last trim: not yet
        await asyncio.sleep(0.4)
        return trimmer

    assert asyncio.run(scenario()).trims == 2 and calls == [0, 0]


def test_without_malloc_trim_nothing_is_scheduled():
    Trimmer(trim=None).after_answer(Answer(), 10 * LARGE)  # no event loop needed: it returns at once


def test_the_site_trims_after_a_large_answer_only():
    store = ox.Store()
    ex = "http://example.org/"
    store.extend([ox.Quad(ox.NamedNode(f"{ex}s{i}"), ox.NamedNode(ex + "p"), ox.Literal(i)) for i in range(LARGE)])
    calls: list[int] = []
    site = Site(backend=LocalBackend(store=store), trimmer=Trimmer(trim=recorder(calls), delay=0.01))

    async def scenario() -> None:
        await site.ask("SELECT * WHERE { ?s ?p ?o } LIMIT 10")
        await asyncio.sleep(0.1)
        assert calls == []
        answer = await site.ask("SELECT * WHERE { ?s ?p ?o }")
        assert len(answer.result.rows) == LARGE
        del answer
        gc.collect()
        await asyncio.sleep(0.2)

    asyncio.run(scenario())
    assert calls == [0]


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
