"""`link diff`: our partnerships against Wikidata's P190 ties, as unordered pairs.

For the chosen cities, every tie either side holds that touches one of them falls in one
category: `agree` (both hold it, no date conflicts), `date_mismatch` (both hold it, and a start
or an end date is given on both sides and disagrees at the coarser of the two precisions),
`only_here`, `only_wikidata`. Deprecated Wikidata statements are never compared; they are
listed under `deprecated`. Dates our data marks as inexact (cg:NoLaterThan, cg:Planned) are
shown but not compared.
"""

from __future__ import annotations

from ..ids import key_order
from .client import WikidataClient
from .dates import any_agree
from .ours import OurGraph, Partnership
from .theirs import WdDate, WdStatement, WdTies, fetch_ties

CATEGORIES = ("agree", "only_here", "only_wikidata", "date_mismatch")


def _labels(pair, ours: OurGraph, ties: WdTies) -> dict:
    return {q: ours.label(q) or ties.labels.get(q) for q in pair}


def _wd_dates(statements: list[WdStatement], attr: str) -> list[WdDate]:
    out = [WdDate(d, st.iri) for st in statements for d in getattr(st, attr)]
    return sorted(out, key=lambda d: (d.date, d.statement))


def _item(pair, ours: OurGraph, ties: WdTies, here: Partnership | None, statements: list[WdStatement]) -> dict:
    return {
        "pair": list(pair),
        "labels": _labels(pair, ours, ties),
        "partnership": here.iri if here else None,
        "kinds": here.kinds if here else [],
        "here": {
            "start": [d.as_json() for d in here.starts] if here else [],
            "end": [d.as_json() for d in here.ends] if here else [],
        },
        "wikidata": {
            "start": [d.as_json() for d in _wd_dates(statements, "starts")],
            "end": [d.as_json() for d in _wd_dates(statements, "ends")],
            "statements": [st.iri for st in statements],
            "stated_on": sorted({st.subject for st in statements}, key=key_order),
            "redirected_values": [{"statement": st.iri, "stated": st.object_as_stated, "merged_into": st.object}
                                  for st in statements if st.object_as_stated],
        },
    }


def conflicts(here: Partnership, statements: list[WdStatement]) -> list[str]:
    """'start' and/or 'end' where both sides give (exact) dates and none of them agree."""
    out = []
    for name, ours, attr in (("start", here.starts, "starts"), ("end", here.ends, "ends")):
        mine = [d.date for d in ours if d.exact]
        theirs = [d.date for d in _wd_dates(statements, attr)]
        if mine and theirs and not any_agree(mine, [t for t in theirs]):
            out.append(name)
    return out


def diff(ours: OurGraph, client: WikidataClient, cities: list[str]) -> dict:
    ties = fetch_ties(client, cities)
    return compare(ours, ties, cities)


def compare(ours: OurGraph, ties: WdTies, cities: list[str]) -> dict:
    chosen = set(cities)
    here = {pair: p for pair, p in ours.partnerships.items() if chosen & set(pair)}
    there = {pair: sts for pair, sts in ties.by_pair().items() if chosen & set(pair)}
    result: dict[str, list] = {name: [] for name in CATEGORIES}
    order = lambda pair: (key_order(pair[0]), key_order(pair[1]))  # noqa: E731
    for pair in sorted(set(here) | set(there), key=order):
        p, sts = here.get(pair), there.get(pair, [])
        item = _item(pair, ours, ties, p, sts)
        if p and sts:
            differs = conflicts(p, sts)
            if differs:
                item["mismatch"] = differs
                result["date_mismatch"].append(item)
            else:
                result["agree"].append(item)
        elif p:
            result["only_here"].append(item)
        else:
            result["only_wikidata"].append(item)
    deprecated = []
    for pair, sts in sorted(ties.by_pair(include_deprecated=True).items(), key=lambda kv: order(kv[0])):
        if chosen & set(pair):
            deprecated.append({"pair": list(pair), "labels": _labels(pair, ours, ties),
                               "statements": [st.as_json() for st in sts]})
    result["deprecated"] = deprecated
    return result


__all__ = ["diff", "compare", "conflicts", "CATEGORIES"]
