"""The running site's shared state: the backend, the limits, the base IRI mapped onto paths.

`Site.ask` is the door to the graph for every query a client sends or names: it runs it through
the gate (concurrency queue, timeout) and the backend (read-only, SERVICE allow-list, row cap).
`Site.ask_for_page` is the door for a linked-data page's own small queries (below).
`Site.kept` holds the pages already rendered from a local (read-only) store (serve/pages/kept.py);
`Site.trimmer` gives the memory of freed answers back to the system (serve/memory.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..namespaces import BASE
from .http.backend import Answer, Backend, LocalBackend
from .http.limits import Gate, Limits
from .memory import Trimmer
from .pages.kept import Kept


@dataclass
class Site:
    backend: Backend
    limits: Limits = field(default_factory=Limits)
    base_url: str = BASE                  # the IRIs' base, mapped onto this server's root path
    dumps: Path | None = None             # the build's output folder: the only files served
    source: str = ""                      # what is served, for the landing page and /health
    public_url: str = "http://127.0.0.1:8000/"  # where the world reaches this server: the record's download and endpoint URLs
    scope: str = "all"                    # the built graph's inputs (the record names their files)
    add: list[str] = field(default_factory=list)
    gate: Gate | None = None
    record: Any = field(default=None, repr=False, compare=False)  # (version of --dumps, the dataset's record): serve/record.py
    drawn: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)  # the world pictures, drawn once (serve/pages/figures.py)
    kept: Kept | None = field(default=None, repr=False, compare=False)  # rendered pages; None: render every time
    trimmer: Trimmer = field(default_factory=Trimmer, repr=False, compare=False)  # gives freed answers' memory back (serve/memory.py)

    def __post_init__(self) -> None:
        if not self.base_url.endswith("/"):
            self.base_url += "/"
        if self.kept is None and isinstance(self.backend, LocalBackend):  # a read-only store: a page stays the same
            self.kept = Kept()

    def start(self) -> None:
        """Create the query gate inside the server's event loop."""
        self.gate = Gate(self.limits)

    async def ask(self, text: str, *, timeout: float | None = None, max_rows: int | None = None, **kw) -> Answer:
        if self.gate is None:
            self.start()
        assert self.gate is not None
        budget = self.limits.timeout if timeout is None else timeout
        answer = await self.gate.run(lambda: self.backend.ask(text, timeout=budget, max_rows=max_rows, **kw), budget)
        self.trimmer.after_answer(answer.result)
        return answer

    async def ask_for_page(self, text: str, *, max_rows: int | None = None) -> Answer:
        """A page's own query (its triples, links, labels, the stored `partners` or `history` of one thing).

        Over the local store it runs here, in the event loop's thread, not in a query thread of the
        gate: a page asks 3-7 small queries (0.2-6 ms each on the world build), and handing each to
        a thread and back cost as much as the queries (the GIL passed between the two threads at
        every step). Measured on the world build, first visits of 515 pages at concurrency 8: 11.8
        ms of the server's CPU per page through the gate, 6.9 ms here (docs/serve.md, "First
        visits"). The row cap and the deadline still apply (checked as rows are read). Over an
        external endpoint a query waits on the network, so it goes through the gate like any other.
        """
        if not isinstance(self.backend, LocalBackend):
            return await self.ask(text, max_rows=max_rows)
        answer = self.backend.ask(text, timeout=self.limits.timeout, max_rows=max_rows)
        self.trimmer.after_answer(answer.result)
        return answer

    # IRIs <-> paths ----------------------------------------------------------------------
    def iri_for(self, path: str) -> str:
        """`/id/place/Q1` -> the IRI it names under the base."""
        return self.base_url + path.lstrip("/")

    def href(self, iri: str) -> str:
        """Where a link to `iri` goes: our own path for IRIs under the base (and the dataset's
        base, https://w3id.org/citygraph/, when another base is configured), else the IRI."""
        for base in dict.fromkeys((self.base_url, BASE)):
            if iri.startswith(base):
                rest = iri[len(base):]
                if rest.startswith("ontology#"):
                    return "/ontology#" + rest[len("ontology#"):]
                return "/" + rest
        return iri
