"""Place parameters by name: a QID, a CURIE or IRI, or an exact label in any language.

Stored queries take places as IRIs (`-p city=place:Q16666`). For the parameters that name a place
(`PLACE_PARAMETERS`), people may also give a Wikidata QID (`Q11751`) or a name exactly as one of
the place's labels has it, in any language (`Nagoya`, `名古屋市`). A name is resolved against the
graph being queried: one place -> its IRI; several -> BadInput (exit 2) listing each candidate
with its QID and country; none -> BadInput saying how to search. A name cannot be resolved
against a remote endpoint (give the QID or IRI there).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

from ..errors import BadInput
from ..namespaces import CG, PLACE, RDFS, SCHEMA, SKOS
from .catalogue import StoredQuery
from .terms import _CONTROL, _SCHEME, sparql_term

PLACE_PARAMETERS = frozenset({"city", "place", "partner", "country"})
_QID = re.compile(r"^Q[1-9][0-9]*$")


def is_place_parameter(query: StoredQuery, name: str) -> bool:
    return name in PLACE_PARAMETERS and query.parameter(name).type == "iri"


def is_name(text: str) -> bool:
    """A name to look up (not a QID, not an IRI or CURIE)."""
    t = text.strip()
    return bool(t) and not _QID.match(t) and not t.startswith("<") and not _SCHEME.match(t)


def is_qid(text: str) -> bool:
    return bool(_QID.match(text.strip()))


def qid_iri(text: str) -> str:
    return PLACE[text.strip()].value


def check_name(text: str, where: str) -> None:
    if not text.strip() or _CONTROL.search(text):
        raise BadInput(f"{where}: {text!r} is not a valid iri, QID or place name: give a QID (Q16666), a CURIE or IRI (place:Q16666), or an exact name")


def _candidates(store: ox.Store, name: str, predicate: str) -> list[tuple[str, str, str]]:
    q = f"""
    SELECT ?place (MIN(?q) AS ?qid) (MIN(COALESCE(?cl, ?code)) AS ?country) WHERE {{
      ?place <{predicate}> ?label .
      FILTER(STR(?label) = {sparql_term(ox.Literal(name.strip()))})
      FILTER EXISTS {{ ?place a {CG.Place} }}
      OPTIONAL {{ ?place {CG.qid} ?q }}
      OPTIONAL {{ ?place {CG.country} ?c . ?c {RDFS.label} ?cl FILTER(LANG(?cl) = "en") }}
      OPTIONAL {{ ?claim {CG.about} ?place ; {SCHEMA.addressCountry} ?code }}
    }} GROUP BY ?place ORDER BY ?place"""
    rows = store.query(q, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    return [(r["place"].value, r["qid"].value if r["qid"] else "no QID", r["country"].value if r["country"] else "country unknown")
            for r in rows]


def resolve(store: ox.Store, name: str, where: str) -> str:
    """The IRI of the one place named `name` (rdfs:label, else skos:altLabel); BadInput otherwise."""
    check_name(name, where)
    found = _candidates(store, name, RDFS.label.value) or _candidates(store, name, SKOS.altLabel.value)
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise BadInput(f"{where}: {name.strip()!r} is not a valid iri or QID, and no place is named so; give its QID (Q…) or iri, "
                       f"or find it with: citygraph query search -p text={name.strip()}")
    listed = "; ".join(f"{qid} ({country})" for _iri, qid, country in found[:20])
    more = f"; and {len(found) - 20} more" if len(found) > 20 else ""
    raise BadInput(f"{where}: {len(found)} places are named {name.strip()!r}: {listed}{more}; give the QID of the one you mean")


def resolve_values(query: StoredQuery, values: Mapping[str, object], store: ox.Store | None) -> dict[str, object]:
    """`values` with place names and QIDs replaced by IRIs (QIDs need no store; names do)."""
    out = dict(values)
    for name, raw in values.items():
        if not isinstance(raw, str) or not is_place_parameter(query, name):
            continue
        where = f"parameter {name!r} of query {query.name!r}"
        text = raw.strip()
        if _QID.match(text):
            out[name] = PLACE[text].value
        elif is_name(text):
            if store is None:
                raise BadInput(f"{where}: {text!r} is not a valid iri or QID; a place name is looked up in a local graph, so with --endpoint give its QID or IRI")
            out[name] = resolve(store, text, where)
    return out
