"""Everything `citygraph build` writes beyond the RDF dumps, hooked in with one call.

`write_release(built, out, ...)` sets the release in effect (base URL, date, endpoint) and
writes the dumps (publish/dump.py) with extra writers that add, before void.ttl and
SHA256SUMS are made (so both list them): the exports for people without RDF and the
catalogue records. Each writer writes into the staging folder of the atomic swap, so a
failure leaves the previous output untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from ..pictures.output import write_build_pictures
from . import catalogue, dump, exports, release

Writer = Callable[[object, Path], None]

# pictures and exports first: the catalogue records list the files
WRITERS: Sequence[Writer] = (write_build_pictures, exports.write, catalogue.write)


def make_release(store, base_url: str | None = None, release_date: str | dt.date | None = None,
                 sparql_endpoint: str | None = None) -> release.Release:
    if isinstance(release_date, str):
        release_date = release.parse_date(release_date)
    return release.Release(
        date=release_date or release.data_release_date(store),
        base_url=release.check_base_url(base_url) if base_url else None,
        sparql_endpoint=release.check_base_url(sparql_endpoint, "--sparql-endpoint").rstrip("/") if sparql_endpoint else None,
    )


def write_release(built, out: Path, *, base_url: str | None = None, release_date: str | dt.date | None = None,
                  sparql_endpoint: str | None = None) -> Path:
    """The dumps, exports and catalogue records of `built` in `out` (replaced atomically)."""
    rel = make_release(built.store, base_url, release_date, sparql_endpoint)
    with release.releasing(rel):
        return dump.write_dumps(built, out, writers=list(WRITERS))
