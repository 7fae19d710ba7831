"""Minting citygraph IRIs: places by QID, partnerships by the unordered pair, events by slug.

Places are keyed by their Wikidata QID where one exists (names collide, QIDs do not); a
partnership by its two place keys in a fixed order, so the same tie from two sources is one
node; events by the partnership key, a kind slug and the date at the source's precision.
"""

from __future__ import annotations

import re
import unicodedata

import pyoxigraph as ox

from .errors import BadInput
from .namespaces import EVENT, ID, PARTNERSHIP, PLACE

QID_RE = re.compile(r"^Q[1-9][0-9]*$")


def is_qid(text: str) -> bool:
    return bool(QID_RE.match(text))


def check_qid(text: str, where: str = "QID") -> str:
    if not is_qid(text):
        raise BadInput(f"{where}: {text!r} is not a Wikidata item id (Q followed by digits, e.g. Q16666)")
    return text


def slug(text: str) -> str:
    """ASCII, lower-case, hyphenated: 'Bien Hòa City' -> 'bien-hoa-city'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def key_order(key: str) -> tuple:
    """The one order of place keys: QIDs by number (Q9 before Q10, Q11751 before Q16666), then other keys by text."""
    return (0, int(key[1:]), "") if is_qid(key) else (1, 0, key)


def ordered_pair(a: str, b: str) -> tuple[str, str]:
    """Two place keys in key_order: the orientation of every unordered pair (partnership IRIs, tables)."""
    return (a, b) if key_order(a) <= key_order(b) else (b, a)


def centroid_iri(key: str) -> ox.NamedNode:
    """The GeoSPARQL geometry of a place's centroid: place/<key>/centroid."""
    return PLACE[f"{key}/centroid"]


def wikidata_geometry_iri(qid: str, n: int | None = None) -> ox.NamedNode:
    """A geometry holding Wikidata's coordinates (P625) of a place: geometry/<QID>-wikidata[-n].

    Kept apart from the centroid, which is the curated, verified point (one per place).
    """
    return ID[f"geometry/{qid}-wikidata" + (f"-{n}" if n else "")]


def pair_key(a: str, b: str) -> str:
    """The unordered pair of two place keys (QIDs or slugs): 'Q11751-Q16666'."""
    if a == b:
        raise BadInput(f"a partnership needs two different places, got {a} twice")
    first, second = ordered_pair(a, b)
    return f"{first}-{second}"


def partnership_iri(a: str, b: str) -> ox.NamedNode:
    return PARTNERSHIP[pair_key(a, b)]


def event_iri(pair: str, kind_slug: str, date: str | None = None, n: int | None = None) -> ox.NamedNode:
    """event/<pair>-<kind>-<date>[-n]: the date as the source gives it (1978, 2012-02, 2012-02-21).

    Hyphens, not slashes, so the IRI is a valid Turtle prefixed name (event:Q11751-Q16666-suspension-2012-02-21).
    """
    tail = kind_slug + (f"-{date}" if date else "") + (f"-{n}" if n else "")
    return EVENT[f"{pair}-{tail}"]
