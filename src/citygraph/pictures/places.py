"""Finding the place a user means: a QID, place:Q…, a place IRI or an exact label.

A minimal resolver for the pictures; the query package is to get a general one (names in any
language, near matches), which this can then call. An ambiguous name is an error that lists the
candidates with their QIDs, never a silent pick.
"""

from __future__ import annotations

import pyoxigraph as ox

from .. import ids
from ..errors import BadInput
from ..namespaces import CG, PARTNERSHIP, PLACE
from ..query import places as query_places
from . import facts
from .model import Place

PLACE_BASE = str(PLACE)


def _is_place(store: ox.Store, iri: str) -> bool:
    node = ox.NamedNode(iri)
    return any(True for _ in store.quads_for_pattern(node, None, None)) or any(
        True for _ in store.quads_for_pattern(None, CG["party"], node))


def resolve(store: ox.Store, name: str) -> Place:
    """The place `name` stands for; BadInput if none or several."""
    text = name.strip()
    iri = None
    if ids.is_qid(text):
        iri = PLACE_BASE + text
    elif text.startswith("place:") and ids.is_qid(text[6:]):
        iri = PLACE_BASE + text[6:]
    elif text.startswith(PLACE_BASE):
        iri = text
    if iri is not None:
        if not _is_place(store, iri):
            raise BadInput(f"--city {name!r}: no place {iri} in the graph; find one with `citygraph query place-by-name --name …`")
        return facts.places(store, [iri])[iri]
    # a name: the query catalogue's one resolver (labels in any language; ambiguity listed with QID and country)
    iri = query_places.resolve(store, text, f"--city {name!r}")
    return facts.places(store, [iri])[iri]


def resolve_tie(text: str) -> str:
    """A partnership IRI from partnership:Q…-Q…, the bare key or the IRI."""
    text = text.strip()
    if text.startswith("partnership:"):
        return str(PARTNERSHIP) + text[len("partnership:"):]
    if text.startswith("http://") or text.startswith("https://"):
        return text
    return str(PARTNERSHIP) + text
