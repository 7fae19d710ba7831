"""A linked-data page's own queries (Site.ask_for_page): over the local store they run in the event
loop's thread, outside the query gate, so a page answers while clients' queries hold every slot;
over an external endpoint they go through the gate like any query. The RDF answers of a page
(every triple of the IRI) are a client's query too: through the gate.

The application runs in-process over the session's curated build (httpx's ASGI transport)."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

import httpx

from citygraph.serve.app import create_app
from citygraph.serve.http.backend import LocalBackend, RemoteBackend
from citygraph.serve.http.limits import Limits
from citygraph.serve.pages.kept import Kept
from citygraph.serve.site import Site

PAGE = "/id/place/Q16666"  # Nanjing: its triples, links, labels, the stored `partners` and its centroid


@dataclass
class ThreadNoting(LocalBackend):
    """The real local backend, noting the thread each query ran in."""

    threads: list[str] = field(default_factory=list)

    def ask(self, text, **kw):
        self.threads.append(threading.current_thread().name)
        return super().ask(text, **kw)


@dataclass
class RemoteOverLocal(RemoteBackend):
    """An external endpoint's backend whose answers come from the curated store (no network)."""

    local: ThreadNoting | None = None

    def ask(self, text, **kw):
        assert self.local is not None
        return self.local.ask(text, **kw)


def _site(backend) -> Site:
    # one query slot, and a request waits 0.2 s for it: a held slot gives 503 at once
    return Site(backend=backend, limits=Limits(concurrent=1, queue=1, queue_wait=0.2), kept=Kept(max_bytes=0))


def _get(site: Site, requests: list[tuple[str, str]], *, hold_the_slot: bool) -> list[httpx.Response]:
    """GET each (path, Accept); with hold_the_slot, while a job holds the gate's only slot (as a slow client query does)."""
    async def go():
        site.start()
        assert site.gate is not None
        running, release = threading.Event(), threading.Event()

        def slow_job():
            running.set()
            release.wait(30)

        job = asyncio.create_task(site.gate.run(slow_job, timeout=60)) if hold_the_slot else None
        if job is not None:
            await asyncio.to_thread(running.wait, 30)  # the job has the slot and runs in the gate's thread
        transport = httpx.ASGITransport(app=create_app(site))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            answers = [await client.get(path, headers={"Accept": accept}) for path, accept in requests]
        release.set()
        if job is not None:
            await job
        return answers
    return asyncio.run(go())


def test_a_page_answers_while_client_queries_hold_every_slot(curated):
    backend = ThreadNoting(store=curated.store)
    site = _site(backend)
    page, sparql, turtle = _get(site, [
        (PAGE, "text/html"), ("/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D", "application/sparql-results+json"),
        (PAGE + ".ttl", "text/turtle")], hold_the_slot=True)
    assert page.status_code == 200 and "Nanjing" in page.text and "partners" in page.text.lower()
    assert sparql.status_code == 503 and sparql.headers["retry-after"].isdigit()  # a client's query waits for a slot
    assert turtle.status_code == 503  # the RDF answer (every triple of the IRI) is a client's query too
    page_threads = set(backend.threads)
    assert page_threads == {threading.main_thread().name}, page_threads  # the page's queries ran in the loop's thread


def test_a_page_over_an_external_endpoint_goes_through_the_gate(curated):
    held = RemoteOverLocal(endpoint="http://127.0.0.1:9/sparql", local=ThreadNoting(store=curated.store))
    (waited,) = _get(_site(held), [(PAGE, "text/html")], hold_the_slot=True)
    assert waited.status_code == 503 and held.local is not None and held.local.threads == []  # it waited for the slot, asked nothing
    free = RemoteOverLocal(endpoint="http://127.0.0.1:9/sparql", local=ThreadNoting(store=curated.store))
    (page,) = _get(_site(free), [(PAGE, "text/html")], hold_the_slot=False)
    assert page.status_code == 200 and "Nanjing" in page.text
    assert free.local is not None and free.local.threads
    assert all(t.startswith("citygraph-query") for t in free.local.threads), free.local.threads  # each in a query thread


def test_a_worker_starts_with_the_record_its_parent_made(curated):
    """`--workers N`: the parent makes the dataset's record once (record.made_now) and each worker's
    site starts with it: asking for the record then makes nothing, and it is what a worker would make."""
    from citygraph.serve import record

    made = record.made_now(Site(backend=LocalBackend(store=curated.store)))
    assert made[1].void_ttl is not None and made[1].triples  # written over the built store (no --dumps)

    given = Site(backend=LocalBackend(store=curated.store))
    given.record = made
    assert asyncio.run(record.record_of(given)) is made[1]  # not made again
    fresh = asyncio.run(record.record_of(Site(backend=LocalBackend(store=curated.store))))
    assert fresh.void_ttl == made[1].void_ttl and fresh.schema == made[1].schema
