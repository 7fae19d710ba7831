"""Finding the place a user means: a QID, place:Q…, a place IRI or an exact label.

A minimal resolver for the pictures; the query package is to get a general one (names in any
language, near matches), which this can then call. An ambiguous name is an error that lists the
candidates with their QIDs, never a silent pick.
"""

from __future__ import annotations

import pyoxigraph as ox

from .. import ids
from ..errors import BadInput
from ..namespaces import CG, PARTNERSHIP, PLACE, RDFS, SKOS
from . import facts
from .model import Place

PLACE_BASE = str(PLACE)


def _is_place(store: ox.Store, iri: str) -> bool:
    node = ox.NamedNode(iri)
    return any(True for _ in store.quads_for_pattern(node, None, None)) or any(
        True for _ in store.quads_for_pattern(None, CG["party"], node))


def _by_label(store: ox.Store, name: str) -> list[str]:
    q = f"""SELECT DISTINCT ?p WHERE {{ ?p {RDFS['label']}|{SKOS['altLabel']}|{SKOS['prefLabel']} ?l
        FILTER(STR(?l) = {ox.Literal(name)}) FILTER(STRSTARTS(STR(?p), "{PLACE_BASE}")) }} ORDER BY ?p"""
    return [r[0].value for r in facts.select(store, q)]


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
    found = [p for p in _by_label(store, text) if "/" not in p[len(PLACE_BASE):]]
    if not found:
        raise BadInput(f"--city {name!r}: no place has this exact name; give its QID, or find it with `citygraph query place-by-name --name …`")
    if len(found) > 1:
        info = facts.places(store, found)
        options = "; ".join(f"{info[p].qid or p} ({info[p].label}{', ' + info[p].country if info[p].country else ''})" for p in found)
        raise BadInput(f"--city {name!r}: {len(found)} places have this name: {options}; give the QID")
    return facts.places(store, found)[found[0]]


def resolve_tie(text: str) -> str:
    """A partnership IRI from partnership:Q…-Q…, the bare key or the IRI."""
    text = text.strip()
    if text.startswith("partnership:"):
        return str(PARTNERSHIP) + text[len("partnership:"):]
    if text.startswith("http://") or text.startswith("https://"):
        return text
    return str(PARTNERSHIP) + text
