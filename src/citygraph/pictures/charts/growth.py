"""Growth: ties formed per year and in total, for the world, a country or a place.

A tie is formed on its earliest dated formalisation or preliminary stage (status.formed);
suspensions and endings are counted in the year they take effect. The top panel shows, at
each year's end, how many ties had been formed and how many were in force (active or in the
preliminary stage); the bottom panel the ties formed that year (up) and suspended or ended
(down). Ties without a dated formation are counted in the subtitle and the description, not
drawn: the world layer's Wikidata ties carry no dates, so the world chart draws only what the
curated sources date, and says so.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pyoxigraph as ox

from ...namespaces import CG
from .. import facts, places, status
from ..drawing import axis, layout
from ..drawing.layout import Link
from ..drawing.style import INK, MUTED, STATUS_COLOUR
from ..drawing.svg import document, el, fmt, title
from ..model import Tie

WIDTH = 1000.0
LEFT, RIGHT = 70.0, 40.0
UP_H, DOWN_H, LINES_H = 130.0, 50.0, 190.0
FORMED = "#0072B2"
PRELIM = "#009E73"


def scope_ties(store: ox.Store, city: str | None) -> tuple[str, int, list[Tie]]:
    """(what the chart covers, how many ties it has, the ties of it that have dated events)."""
    if city is None:
        member, label = "", "the world"
    else:
        place = places.resolve(store, city)
        is_country = bool(facts.select(store, f"ASK {{ <{place.iri}> a {CG['Country']} }}"))
        member = (f"?t {CG['party']} ?member . ?member {CG['country']} <{place.iri}> ." if is_country else
                  f"?t {CG['party']} <{place.iri}> .")
        label = place.label + (" (ties of its places)" if is_country else "")
    parties: dict[str, set[str]] = defaultdict(set)
    for row in facts.select(store, f"SELECT DISTINCT ?t ?p WHERE {{ {member} ?t {CG['party']} ?p }}"):
        parties[row[0].value].add(row[1].value)
    dated = {r[0].value for r in facts.select(store, f"SELECT DISTINCT ?t WHERE {{ {member} ?t {CG['event']} ?e . ?e {CG['date']} ?d }}")}
    found = sorted((t, *sorted(ps)) for t, ps in parties.items() if t in dated and len(ps) == 2)
    return label, len(parties), facts.ties(store, found)  # type: ignore[arg-type]


def yearly(ties: list[Tie]) -> dict[str, dict[int, list[Tie]]]:
    """Per year: ties formed (formal / preliminary first), suspended and ended."""
    out: dict[str, dict[int, list[Tie]]] = {k: defaultdict(list) for k in ("formal", "preliminary", "suspended", "ended")}
    for t in ties:
        day = status.formed(t.events)
        if day is not None:
            first = min((e for e in t.events if status.counts_from(e) == day and e.kind in ("Formalisation", "PreliminaryStageEstablished")),
                        key=lambda e: e.iri)
            out["preliminary" if first.kind == "PreliminaryStageEstablished" else "formal"][day.year].append(t)
        for e in t.events:
            d = status.counts_from(e)
            if d is not None and e.kind in ("Suspension", "Termination"):
                out["suspended" if e.kind == "Suspension" else "ended"][d.year].append(t)
    return out


def in_force(ties: list[Tie], year: int) -> tuple[int, int]:
    """(formed by the end of `year`, in force then: active or preliminary)."""
    end = date(year, 12, 31)
    formed = force = 0
    for t in ties:
        steps = [s for s in status.history(t.events) if s[0] <= end]
        if status.formed(t.events) is not None and status.formed(t.events) <= end:  # type: ignore[operator]
            formed += 1
        if steps and steps[-1][1] in ("active", "preliminary"):
            force += 1
    return formed, force


def _names(ts: list[Tie]) -> str:
    return "; ".join(sorted(f"{t.parties[0].label} – {t.parties[1].label}" for t in ts))


def render(store: ox.Store, *, city: str | None = None, link: Link = layout.iri_link, ident: str = "cg-growth") -> bytes:
    label, total, ties = scope_ties(store, city)
    per = yearly(ties)
    years = sorted({y for k in per.values() for y in k})
    n_formed = sum(len(v) for v in per["formal"].values()) + sum(len(v) for v in per["preliminary"].values())
    heading = f"Growth of ties: {label}"
    sub = (f"{total:,} ties in the graph; {n_formed:,} with a dated formation are drawn"
           + (f"; {total - n_formed:,} without one (the Wikidata-derived world layer has no dates)" if total - n_formed else ""))
    parts: list[str] = [layout.title_band(WIDTH, heading, sub, ident)]
    top = layout.TITLE_BAND + 20
    if not years:
        parts.append(el("text", {"x": 12, "y": fmt(top + 20), "font-size": 11, "fill": MUTED}, "No dated formations in the graph for this scope."))
        return document(WIDTH, top + 60, ident=ident, title_text=heading, desc_text=sub + ".", body=parts)
    sc, ticks = axis.scale_for(years[0] - 0.5, years[-1] + 1.5, LEFT, WIDTH - RIGHT)
    lines_y1 = top + LINES_H
    bars_axis = lines_y1 + 50 + UP_H
    parts += _lines(ties, sc, ticks, top, lines_y1)
    parts += _bars(per, sc, ticks, lines_y1 + 50, bars_axis)
    legend_y = bars_axis + DOWN_H + 36
    legend, lh = layout.legend_row([
        (el("path", {"d": "M-9 0H9", "stroke": INK, "stroke-width": 2}), "formed by the year's end"),
        (el("path", {"d": "M-9 0H9", "stroke": FORMED, "stroke-width": 2, "stroke-dasharray": "5 3"}), "in force at the year's end"),
        (el("rect", {"x": -6, "y": -5, "width": 12, "height": 10, "fill": FORMED}), "formed (formal tie)"),
        (el("rect", {"x": -6, "y": -5, "width": 12, "height": 10, "fill": PRELIM}), "formed (preliminary stage)"),
        (el("rect", {"x": -6, "y": -5, "width": 12, "height": 10, "fill": STATUS_COLOUR["suspended"]}), "suspended"),
        (el("rect", {"x": -6, "y": -5, "width": 12, "height": 10, "fill": STATUS_COLOUR["ended"]}), "ended"),
    ], 20, legend_y, WIDTH - 40)
    parts += [legend, layout.credit(12, legend_y + lh + 12, "Data: citygraph. A tie counts from its earliest dated formalisation or preliminary stage.")]
    desc = sub + ". " + " ".join(
        f"{y}: {len(per['formal'].get(y, [])) + len(per['preliminary'].get(y, []))} formed"
        + (f" ({_names(per['formal'].get(y, []) + per['preliminary'].get(y, []))})" if per['formal'].get(y) or per['preliminary'].get(y) else "")
        + (f", {len(per['suspended'][y])} suspended" if per["suspended"].get(y) else "")
        + (f", {len(per['ended'][y])} ended" if per["ended"].get(y) else "") + "." for y in years)
    return document(WIDTH, legend_y + lh + 22, ident=ident, title_text=heading, desc_text=desc, body=parts)


def _y_axis(lo_y: float, hi_y: float, vmax: int, x: float, label: str) -> tuple[list[str], float]:
    """Horizontal grid lines and counts for a panel from lo_y (0) up to hi_y (vmax rounded up)."""
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000) if vmax / s <= 5)
    top = max(step, -(-vmax // step) * step)
    out = []
    for v in range(0, top + 1, step):
        y = lo_y - (lo_y - hi_y) * v / top
        out.append(el("path", {"d": f"M{fmt(x)} {fmt(y)}H{fmt(WIDTH - RIGHT)}", "stroke": "#e3e3e3", "stroke-width": 0.8}))
        out.append(el("text", {"x": fmt(x - 6), "y": fmt(y + 3.5), "font-size": 10, "fill": MUTED, "text-anchor": "end"}, str(v)))
    out.append(el("text", {"x": 12, "y": fmt(hi_y - 8), "font-size": 10, "fill": INK, "font-weight": "bold"}, label))
    return [el("g", {"class": "y-axis", "aria-hidden": "true"}, out)], float(top)


def _lines(ties: list[Tie], sc: axis.Scale, ticks: list[int], y0: float, y1: float) -> list[str]:
    years = list(range(int(sc.start), int(sc.end) + 1))
    counts = [in_force(ties, y) for y in years]
    vmax = max(max(c[0] for c in counts), 1)
    grid, top = _y_axis(y1, y0 + 10, vmax, LEFT, "ties in total")
    out = grid + [axis.draw(sc, ticks, y0 + 10, y1)]
    for i, dash, colour in ((0, None, INK), (1, "5 3", FORMED)):
        pts = [(sc.x(y + 1), y1 - (y1 - y0 - 10) * c[i] / top) for y, c in zip(years, counts, strict=True) if y + 1 <= sc.end]
        d = "M" + "L".join(f"{fmt(x)} {fmt(y)}" for x, y in pts)
        out.append(el("path", {"d": d, "fill": "none", "stroke": colour, "stroke-width": 2, "stroke-dasharray": dash,
                               "class": "total" if i == 0 else "in-force"}))
    for y, c in zip(years, counts, strict=True):
        if y + 1 <= sc.end and (c[0] or c[1]):
            x = sc.x(y + 1)
            out.append(el("circle", {"cx": fmt(x), "cy": fmt(y1 - (y1 - y0 - 10) * c[0] / top), "r": 2.4, "fill": INK,
                                     "class": "mark year-total", "data-year": str(y), "data-count": str(c[0])},
                          [title(f"end of {y}: {c[0]} ties formed, {c[1]} in force")]))
    return out


def _bars(per: dict[str, dict[int, list[Tie]]], sc: axis.Scale, ticks: list[int], y_top: float, y_axis: float) -> list[str]:
    up = {y: len(per["formal"].get(y, [])) + len(per["preliminary"].get(y, [])) for y in range(int(sc.start), int(sc.end) + 1)}
    down = {y: len(per["suspended"].get(y, [])) + len(per["ended"].get(y, [])) for y in up}
    vmax = max(max(up.values()), max(down.values()), 1)
    grid, top = _y_axis(y_axis, y_top, vmax, LEFT, "ties per year")
    unit = UP_H / top
    out = grid + [axis.draw(sc, ticks, y_top, y_axis + DOWN_H)]
    out.append(el("path", {"d": f"M{fmt(LEFT)} {fmt(y_axis)}H{fmt(WIDTH - RIGHT)}", "stroke": INK, "stroke-width": 1}))
    w = max(2.0, (sc.x(1) - sc.x(0)) * 0.7)
    for y in sorted(up):
        x = sc.x(y + 0.5) - w / 2
        base = y_axis
        for key, colour in (("formal", FORMED), ("preliminary", PRELIM)):
            ts = per[key].get(y, [])
            if ts:
                h = len(ts) * unit
                out.append(el("rect", {"x": fmt(x), "y": fmt(base - h), "width": fmt(w), "height": fmt(h), "fill": colour,
                                       "class": "mark bar", "data-year": str(y), "data-count": str(len(ts)), "data-series": key},
                              [title(f"{y}: {len(ts)} formed ({'preliminary stage' if key == 'preliminary' else 'formal tie'}): {_names(ts)}")]))
                base -= h
        base = y_axis
        for key in ("suspended", "ended"):
            ts = per[key].get(y, [])
            if ts:
                h = min(len(ts) * unit, DOWN_H - 4)
                out.append(el("rect", {"x": fmt(x), "y": fmt(base), "width": fmt(w), "height": fmt(h), "fill": STATUS_COLOUR[key],
                                       "class": "mark bar", "data-year": str(y), "data-count": str(len(ts)), "data-series": key},
                              [title(f"{y}: {len(ts)} {key}: {_names(ts)}")]))
                base += h
    out.append(el("text", {"x": fmt(LEFT + 4), "y": fmt(y_axis + 14), "font-size": 9, "fill": MUTED, "aria-hidden": "true"},
                  "below the line: suspended, ended"))
    return out
