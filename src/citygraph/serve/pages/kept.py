"""Pages kept once rendered: a per-process cache of page bodies, bounded in bytes.

The local store is opened read-only and never changes while the server runs, so the page of an
IRI rendered once (its HTML, or its Turtle, N-Triples, JSON-LD, RDF/XML) is byte for byte the
page the next request would render: the same body, hence the same ETag. A `Kept` belongs to
one `Site`, that is to one store in one process; over `--endpoint` there is none (the external
endpoint's data may change under us), and every page is rendered anew.

The cache is a least-recently-used map bounded by the total size of the bodies it holds, so
resident memory stays bounded however many pages are visited. Bodies larger than an eighth of
the budget are not kept (they would push out many small pages). Only whole successful pages
are kept: no 404, no error, no truncated answer refused with 413.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

MAX_BYTES = 32 * 1024 * 1024  # the bodies kept per process


class Kept:
    """A byte-bounded LRU map of rendered bodies (`bytes`), keyed by anything hashable."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self.size = 0
        self._bodies: OrderedDict[Hashable, bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._bodies)

    def get(self, key: Hashable) -> bytes | None:
        body = self._bodies.get(key)
        if body is not None:
            self._bodies.move_to_end(key)
        return body

    def put(self, key: Hashable, body: bytes) -> None:
        if len(body) > self.max_bytes // 8:
            return
        old = self._bodies.pop(key, None)
        if old is not None:
            self.size -= len(old)
        self._bodies[key] = body
        self.size += len(body)
        while self.size > self.max_bytes:
            _key, dropped = self._bodies.popitem(last=False)
            self.size -= len(dropped)
