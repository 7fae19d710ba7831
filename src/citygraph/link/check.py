"""`link check`: are our places' QIDs right? Label, country and coordinates against Wikidata.

Statuses: `ok`; `mismatch` (the English label differs, our country is not among Wikidata's P17
values, or the nearest P625 point is more than 25 km from our centroid); `not-found` (the item
does not exist); `redirected` (the item was merged: WDQS shows `wd:Qold owl:sameAs wd:Qnew`).
What one side lacks is listed under `details.not_compared`, never counted as a difference.
"""

from __future__ import annotations

import math
import unicodedata

from ..ids import key_order
from .client import WikidataClient
from .ours import OurGraph
from .theirs import fetch_items

MAX_DISTANCE_KM = 25.0
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
STATUSES = ("ok", "mismatch", "not-found", "redirected")


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points in degrees."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def same_label(a: str, b: str) -> bool:
    """Equal after Unicode NFC, case folding and collapsing white space ('St.  Louis' = 'st. louis')."""
    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFC", s).casefold().split())
    return norm(a) == norm(b)


def check(ours: OurGraph, client: WikidataClient) -> list[dict]:
    qids = sorted(ours.places, key=key_order)
    items = fetch_items(client, qids)
    results = []
    for qid in qids:
        place, item = ours.places[qid], items[qid]
        details: dict = {}
        if item.redirect:
            status = "redirected"
            details["redirect_to"] = item.redirect
        elif not item.exists:
            status = "not-found"
        else:
            not_compared = []
            if place.label is None:
                not_compared.append("label")
            elif item.label is None or not same_label(place.label, item.label):
                details["label"] = {"here": place.label, "wikidata": item.label}
            if place.country_qid is None or not item.countries:
                not_compared.append("country")
            elif place.country_qid not in item.countries:
                details["country"] = {"here": place.country_qid, "wikidata": item.countries}
            if place.point is None or not item.points:
                not_compared.append("coordinates")
            else:
                distance = min(haversine_km(place.point, p) for p in item.points)
                if distance > MAX_DISTANCE_KM:
                    details["coordinates"] = {
                        "here": list(place.point),
                        "wikidata": [list(p) for p in item.points],
                        "distance_km": round(distance, 1),
                    }
            status = "mismatch" if details else "ok"
            if not_compared:
                details["not_compared"] = not_compared
        results.append({"place": place.iri, "qid": qid, "status": status, "details": details})
    return results


def describe(details: dict) -> str:
    """One line for the table: what differs."""
    parts = []
    if "redirect_to" in details:
        parts.append(f"merged into {details['redirect_to']}")
    if "label" in details:
        parts.append(f"label here {details['label']['here']!r}, Wikidata {details['label']['wikidata']!r}")
    if "country" in details:
        parts.append(f"country here {details['country']['here']}, Wikidata {', '.join(details['country']['wikidata'])}")
    if "coordinates" in details:
        parts.append(f"coordinates {details['coordinates']['distance_km']} km apart")
    if details.get("not_compared"):
        parts.append("not compared: " + ", ".join(details["not_compared"]))
    return "; ".join(parts)


__all__ = ["check", "haversine_km", "same_label", "describe", "MAX_DISTANCE_KM", "STATUSES"]
