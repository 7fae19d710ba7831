"""Timelines: one tie's events on a time axis, or all ties of a place as rows.

A date is drawn as the span of days it stands for (dates.interval): a year is a bar across
the year, a month a bar across the month, a day a point. A suspension is shaded until the
resumption (or to the end of the axis, if none follows); where the source only bounds an
event ("no later than 2019"), the stretch in which it may have happened is hatched. Each mark
links to the event's page, carries data-event, and is titled with its label, its date as the
source gives it, the source's words (cg:quote) and the source. Undated events are listed
under the axis, never placed on it.
"""

from __future__ import annotations

from datetime import date

from .. import status
from ..dates import year_fraction
from ..drawing import axis, layout
from ..drawing.layout import Link
from ..drawing.style import INK, MUTED, STATUS_COLOUR, STATUS_TEXT, text_width
from ..drawing.svg import document, el, fmt, title
from ..model import Event, Place, Tie

WIDTH = 1000.0
LEFT = 200.0  # the label column
RIGHT = 30.0
EVENT_GREY = "#444444"
QUALIFIER_TEXT = {
    "NoLaterThan": "no later than (the source dates the state, not the act)",
    "YearFromSectionHeading": "year from the section heading",
    "DateFromSectionHeading": "date from the section heading",
    "DateFromContext": "date from the context",
    "Planned": "planned",
}


def kind_words(kind: str) -> str:
    """'MemorandumSigning' -> 'memorandum signing'."""
    out = "".join(" " + c.lower() if c.isupper() else c for c in kind).strip()
    return out or "event"


def event_summary(e: Event) -> str:
    """The title of an event's mark: what, when (as given), how to read the date, the source's words, the source."""
    parts = [e.label or kind_words(e.kind)]
    when = e.lexical or "undated"
    quals = [QUALIFIER_TEXT[q] for q in e.qualifiers if q in QUALIFIER_TEXT]
    parts.append(f"{kind_words(e.kind)}, {when}" + (f" ({'; '.join(quals)})" if quals else "") + (f" — “{e.date_text}”" if e.date_text else ""))
    if e.quote:
        parts.append(f"“{e.quote}”")
    if e.source:
        parts.append(f"Source: {e.source}")
    return ". ".join(p.rstrip(".") for p in parts) + "."


def _span(e: Event) -> tuple[float, float]:
    assert e.span is not None
    return year_fraction(e.span[0]), year_fraction(e.span[1], end_of_day=True)


def _colour(e: Event) -> str:
    return STATUS_COLOUR[status.STATUS_OF[e.kind][0]] if e.kind in status.STATUS_OF else EVENT_GREY


def event_mark(e: Event, sc: axis.Scale, y: float, link: Link, h: float = 9.0) -> str:
    """A point (a day) or a bar (a month, a year) for a dated event, inside a link."""
    a, b = _span(e)
    x0, x1 = sc.x(a), sc.x(b)
    colour = _colour(e)
    if e.span and e.span[0] == e.span[1]:
        shape = el("circle", {"cx": fmt(x0), "cy": fmt(y), "r": 4.2, "fill": colour, "stroke": "#ffffff", "stroke-width": 0.8})
    else:
        w = max(x1 - x0, 3.0)
        shape = el("rect", {"x": fmt(x0), "y": fmt(y - h / 2), "width": fmt(w), "height": fmt(h), "rx": 1.5,
                            "fill": colour, "fill-opacity": 0.85, "stroke": colour, "stroke-width": 0.6})
    return layout.anchor(link(e.iri), {"class": "mark event", "data-event": e.iri, "data-kind": e.kind,
                                       "data-date": e.lexical, "data-x": fmt((x0 + max(x1, x0 + 3)) / 2), "data-y": fmt(y)},
                         [title(event_summary(e)), shape])


def _defs(ident: str) -> str:
    return el("defs", None, [el("pattern", {"id": f"{ident}-hatch", "width": 6, "height": 6, "patternUnits": "userSpaceOnUse",
                                            "patternTransform": "rotate(45)"},
                                [el("rect", {"width": 6, "height": 6, "fill": "#ffffff", "fill-opacity": 0}),
                                 el("path", {"d": "M0 0V6", "stroke": "#777777", "stroke-width": 1.6})])])


CONTEXT_KINDS = ("HistoricalEvent",)  # background, not the tie's life: kept off the axis when other events exist


def _bounds(events: list[Event]) -> tuple[float, float]:
    own = [e for e in events if e.span and e.kind not in CONTEXT_KINDS] or [e for e in events if e.span]
    spans = [_span(e) for e in own]
    return min(a for a, _ in spans) - 0.5, max(b for _, b in spans) + 0.5


def _mark_or_note(e: Event, sc: axis.Scale, y: float, link: Link, h: float = 9.0) -> str:
    """The event's mark, or, for an event before the axis starts, an arrow at the left edge with its date."""
    a, _b = _span(e)
    if a >= sc.start:
        return event_mark(e, sc, y, link, h)
    return layout.anchor(link(e.iri), {"class": "mark event before-axis", "data-event": e.iri, "data-kind": e.kind,
                                       "data-date": e.lexical, "data-x": fmt(sc.x0), "data-y": fmt(y)}, [
        title(event_summary(e)),
        el("path", {"d": f"M{fmt(sc.x0 + 1)} {fmt(y)}l7 -4.5v9z", "fill": _colour(e)}),
        el("text", {"x": fmt(sc.x0 + 10), "y": fmt(y + 3.5), "font-size": 9, "fill": MUTED}, e.lexical)])


def status_band(events: list[Event], sc: axis.Scale, y: float, h: float, ident: str, shade_to: float | None = None) -> list[str]:
    """Coloured stretches of the tie's status, hatched where an event's moment is only bounded.

    A suspension's stretch is also shaded over the rows, from y-h/2 down to `shade_to`."""
    steps = status.history(events)
    out: list[str] = []
    for i, (day, st, ev) in enumerate(steps):
        x0 = sc.x(year_fraction(day))
        x1 = sc.x(year_fraction(steps[i + 1][0])) if i + 1 < len(steps) else sc.x1
        if st == "suspended" and shade_to is not None:
            out.append(el("rect", {"x": fmt(x0), "y": fmt(y - h / 2), "width": fmt(max(x1 - x0, 1)), "height": fmt(shade_to - y + h / 2),
                                   "fill": STATUS_COLOUR["suspended"], "fill-opacity": 0.13, "class": "suspension"},
                          [title(f"suspended from {ev.lexical}" + (f" until {steps[i + 1][2].lexical}" if i + 1 < len(steps) else ""))]))
        out.append(el("rect", {"x": fmt(x0), "y": fmt(y - h / 2), "width": fmt(max(x1 - x0, 1)), "height": fmt(h),
                               "fill": STATUS_COLOUR[st], "fill-opacity": 0.55, "class": "status", "data-status": st},
                      [title(f"{STATUS_TEXT[st]} from {ev.lexical}")]))
        if "NoLaterThan" in ev.qualifiers and i > 0 and ev.span:
            ux0 = sc.x(year_fraction(steps[i - 1][0]))
            out.append(el("rect", {"x": fmt(ux0), "y": fmt(y - h / 2), "width": fmt(max(x0 - ux0, 1)), "height": fmt(h),
                                   "fill": f"url(#{ident}-hatch)", "class": "uncertain"},
                          [title(f"uncertain: {kind_words(ev.kind)} happened between {steps[i - 1][2].lexical} and the end of {ev.lexical}")]))
    return out


def _undated_list(events: list[Event], y: float, link: Link) -> tuple[list[str], float]:
    out, yy = [], y
    for e in events:
        text = f"{e.label or kind_words(e.kind)} ({kind_words(e.kind)}, undated" + (f": “{e.date_text}”" if e.date_text else "") + ")"
        out.append(layout.anchor(link(e.iri), {"class": "undated", "data-undated-event": e.iri},
                                 [title(event_summary(e)), el("text", {"x": 24, "y": fmt(yy), "font-size": 10, "fill": MUTED}, "• " + text)]))
        yy += 15
    return out, yy


def render_tie(t: Tie, *, link: Link = layout.iri_link, ident: str = "cg-timeline") -> bytes:
    """The SVG timeline of one tie."""
    a, b = t.parties
    heading = f"{a.label} – {b.label}: the life of the tie"
    dated = [e for e in t.events if e.span]
    undated = [e for e in t.events if not e.span]
    state = t.status
    sub = (f"{t.kind_label or t.kind}; {len(t.events)} events, {len(dated)} dated; "
           f"status after the latest dated event: {STATUS_TEXT[state]}")
    row_h = 22.0
    top = layout.TITLE_BAND + 14
    band_y = top + 8
    rows_y0 = band_y + 24
    axis_y = rows_y0 + max(len(dated), 1) * row_h + 4
    parts: list[str] = [_defs(ident), layout.title_band(WIDTH, heading, sub, ident)]
    if dated:
        sc, ticks = axis.scale_for(*_bounds(dated), LEFT, WIDTH - RIGHT)
        parts.append(axis.draw(sc, ticks, band_y - 8, axis_y))
        parts.append(el("text", {"x": 12, "y": fmt(band_y + 3.5), "font-size": 10, "fill": INK, "aria-hidden": "true"}, "status"))
        parts.append(el("g", {"class": "status-band"}, status_band(t.events, sc, band_y, 10, ident, shade_to=axis_y)))
        for i, e in enumerate(dated):
            y = rows_y0 + i * row_h + row_h / 2
            parts.append(el("text", {"x": 12, "y": fmt(y + 3.5), "font-size": 10, "fill": INK, "aria-hidden": "true"},
                            f"{kind_words(e.kind)} · {e.lexical}"))
            parts.append(_mark_or_note(e, sc, y, link))
            parts.append(_caption(e, sc, y))
    else:
        parts.append(el("text", {"x": 12, "y": fmt(rows_y0), "font-size": 11, "fill": MUTED}, "No dated events in the graph."))
    y = axis_y + 36
    if undated:
        parts.append(el("text", {"x": 12, "y": fmt(y), "font-size": 10.5, "font-weight": "bold", "fill": INK}, "Undated events"))
        items, y = _undated_list(undated, y + 16, link)
        parts += items
    legend, lh = _legend(y + 4, ident)
    parts.append(legend)
    parts.append(layout.credit(12, y + lh + 18, "Data: citygraph. A year is a bar over the year, a month over the month, a day a point."))
    desc = _tie_description(t, dated, undated)
    return document(WIDTH, y + lh + 28, ident=ident, title_text=heading, desc_text=desc, body=parts)


def _caption(e: Event, sc: axis.Scale, y: float, size: float = 9.5) -> str:
    """The event's label beside its mark: after it if it fits, else before it."""
    a, b = _span(e)
    x_end = max(sc.x(b), sc.x(a) + 3) if a >= sc.start else sc.x0 + 10 + text_width(e.lexical, 9)
    label = e.label or kind_words(e.kind)
    w = text_width(label, size)
    if x_end + 8 + w <= sc.x1:
        return el("text", {"x": fmt(x_end + 8), "y": fmt(y + 3.5), "font-size": fmt(size), "fill": MUTED, "aria-hidden": "true"}, label)
    x_start = sc.x(a) if a >= sc.start else sc.x0
    room = x_start - 8 - sc.x0
    if w > room:
        label = _clip(label, room, size)
    return el("text", {"x": fmt(x_start - 8), "y": fmt(y + 3.5), "font-size": fmt(size), "fill": MUTED, "text-anchor": "end",
                       "aria-hidden": "true"}, label)


def _clip(text: str, width: float, size: float) -> str:
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _legend(y: float, ident: str) -> tuple[str, float]:
    items = [(el("rect", {"x": -7, "y": -5, "width": 14, "height": 10, "fill": STATUS_COLOUR[s], "fill-opacity": 0.55}), STATUS_TEXT[s])
             for s in ("active", "preliminary", "suspended", "ended")]
    items.append((el("rect", {"x": -7, "y": -5, "width": 14, "height": 10, "fill": f"url(#{ident}-hatch)"}), "uncertain (date only bounded)"))
    items.append((el("circle", {"cx": 0, "cy": 0, "r": 4.2, "fill": EVENT_GREY}), "event on a day"))
    items.append((el("rect", {"x": -9, "y": -4.5, "width": 18, "height": 9, "rx": 1.5, "fill": EVENT_GREY, "fill-opacity": 0.85}),
                  "event in a month or year"))
    return layout.legend_row(items, 20, y, WIDTH - 40)


def _tie_description(t: Tie, dated: list[Event], undated: list[Event]) -> str:
    a, b = t.parties
    lines = [f"Timeline of the tie between {a.label} and {b.label} ({t.kind_label or t.kind}); "
             f"status after the latest dated event: {STATUS_TEXT[t.status]}."]
    lines += [event_summary(e) for e in dated]
    if undated:
        lines.append("Undated: " + " ".join(event_summary(e) for e in undated))
    return " ".join(lines)


def render_city(city: Place, ties: list[Tie], *, link: Link = layout.iri_link, ident: str = "cg-timeline") -> bytes:
    """All ties of a place as rows, grouped by status, each with its status band and events."""
    groups = _by_status(city, ties)
    dated = [e for t in ties for e in t.events if e.span]
    heading = f"Ties of {city.label} over time"
    sub = f"{len(ties)} ties; {sum(1 for t in ties if any(e.span for e in t.events))} with dated events; rows grouped by status after the latest dated event"
    row_h, top = 19.0, layout.TITLE_BAND + 20
    n_rows = sum(len(r) + 1 for r in groups.values() if r)
    axis_y = top + n_rows * row_h + 6
    parts: list[str] = [_defs(ident), layout.title_band(WIDTH, heading, sub, ident)]
    sc, ticks = axis.scale_for(*(_bounds(dated) if dated else (1990.0, 2000.0)), LEFT, WIDTH - RIGHT)
    parts.append(axis.draw(sc, ticks, top - 6, axis_y))
    parts += _grouped_rows(city, groups, sc, top, row_h, link, ident)
    legend, lh = _legend(axis_y + 34, ident)
    parts.append(legend)
    parts.append(layout.credit(12, axis_y + 34 + lh + 14, "Data: citygraph. A year is a bar over the year, a month over the month, a day a point."))
    desc = " ".join([f"Timeline of the {len(ties)} ties of {city.label}, one row per tie, grouped by status."] +
                    [_row_text(city, t) for rows in groups.values() for t in rows])
    return document(WIDTH, axis_y + 34 + lh + 24, ident=ident, title_text=heading, desc_text=desc, body=parts)


def _by_status(city: Place, ties: list[Tie]) -> dict[str, list[Tie]]:
    """The ties grouped by status (in STATUSES order), each group by the day the tie was formed."""
    groups: dict[str, list[Tie]] = {s: [] for s in status.STATUSES}
    for t in ties:
        groups[t.status].append(t)
    for rows in groups.values():
        rows.sort(key=lambda t: (status.formed(t.events) or date.max, t.partner_of(city.iri).label, t.iri))
    return groups


def _grouped_rows(city: Place, groups: dict[str, list[Tie]], sc: axis.Scale, top: float, row_h: float,
                  link: Link, ident: str) -> list[str]:
    """A heading per non-empty status group, then one row per tie."""
    parts: list[str] = []
    y = top
    for st, rows in groups.items():
        if not rows:
            continue
        parts.append(el("text", {"x": 8, "y": fmt(y + 4), "font-size": 10.5, "font-weight": "bold", "fill": STATUS_COLOUR[st]},
                        f"{STATUS_TEXT[st]} ({len(rows)})"))
        y += row_h
        for t in rows:
            parts.append(_city_row(city, t, sc, y, row_h, link, ident))
            y += row_h
    return parts


def _row_text(city: Place, t: Tie) -> str:
    """One tie's row for a screen reader: partner, status, dated events."""
    events = "; ".join(f"{kind_words(e.kind)} {e.lexical}" for e in t.events if e.span) or "no dated events"
    return f"{t.partner_of(city.iri).label}: {STATUS_TEXT[t.status]}; {events}."


def _city_row(city: Place, t: Tie, sc: axis.Scale, y: float, row_h: float, link: Link, ident: str) -> str:
    partner = t.partner_of(city.iri)
    label = partner.label if text_width(partner.label, 10) < LEFT - 30 else _clip(partner.label, LEFT - 30, 10)
    cells = [layout.anchor(link(t.iri), {"class": "row-label", "data-tie": t.iri, "data-qid": partner.qid},
                           [title(f"{partner.label}: {t.kind_label or t.kind}"),
                            el("text", {"x": 20, "y": fmt(y + 3.5), "font-size": 10, "fill": INK}, label)])]
    dated = [e for e in t.events if e.span]
    if not dated:
        cells.append(el("text", {"x": fmt(LEFT), "y": fmt(y + 3.5), "font-size": 9.5, "fill": MUTED, "font-style": "italic"},
                        "no dated events in the graph"))
    cells += status_band(t.events, sc, y, 5, ident, shade_to=y + row_h / 2 - 2)
    cells += [_mark_or_note(e, sc, y, link, h=7) for e in dated]
    return el("g", {"class": "tie-row", "data-tie": t.iri}, cells)
