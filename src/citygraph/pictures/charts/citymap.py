"""The map of one place's ties: great-circle arcs from it to each partner, marked and labelled.

Arcs are coloured by the tie's status after its latest dated event and dashed by kind; each
partner is a marker (shape and colour by status) inside a link to its page, carrying
data-qid, data-tie, data-status and data-kind, and titled with what the graph says. The frame
fits the place and its partners. Partners without coordinates are named in the subtitle and
the description, never guessed.
"""

from __future__ import annotations

from .. import status
from ..drawing import labels, layout
from ..drawing.layout import Link
from ..drawing.style import INK, KIND_DASH, KIND_TEXT, STATUS_COLOUR, STATUS_TEXT, halo_text, marker
from ..drawing.svg import document, el, fmt, title
from ..earth import base, basemap, frame, geo, projection
from ..model import Place, Tie

WIDTH = 1000.0
LEGEND_BAND = 58.0


def partner_summary(t: Tie, partner: Place) -> str:
    """One line about a partner: name, country, kind, status and since when, QID."""
    steps = status.history(t.events)
    where = f"{partner.label}, {partner.country}" if partner.country else partner.label
    kind = t.kind_label or KIND_TEXT[t.kind]
    state = STATUS_TEXT[steps[-1][1]] + (f" since {steps[-1][2].lexical}" if steps else "") if steps else STATUS_TEXT["unknown"]
    return f"{where} ({partner.qid or partner.iri}): {kind}; {state}"


def _arc_pieces(city: Place, partner: Place) -> list[list[tuple[float, float]]]:
    assert city.lon is not None and city.lat is not None and partner.lon is not None and partner.lat is not None
    return geo.split_antimeridian(geo.great_circle((city.lon, city.lat), (partner.lon, partner.lat), step=1.0))


def render(city: Place, ties: list[Tie], *, link: Link = layout.iri_link, ident: str = "cg-map") -> bytes:
    """The SVG map of `city`'s ties."""
    drawn = sorted(((t, t.partner_of(city.iri)) for t in ties if t.partner_of(city.iri).located and city.located),
                   key=lambda tp: (tp[1].label, tp[1].iri))
    missing = sorted((t.partner_of(city.iri) for t in ties if not (t.partner_of(city.iri).located and city.located)),
                     key=lambda p: (p.label, p.iri))
    pieces = {t.iri: [basemap.project(piece) for piece in _arc_pieces(city, p)] for t, p in drawn}
    fr = _frame(city, pieces)
    height = fr.top + fr.height + LEGEND_BAND
    ground, clip = base.ground(fr, ident, antarctica=False)

    arcs, marks, obstacles, label_items = _partners(drawn, pieces, fr, link)
    city_mark = _city_mark(city, len(ties), fr, link, obstacles, label_items)
    text_parts = _labels(label_items, obstacles, fr)

    heading = f"Ties of {city.label}" + (f", {city.country}" if city.country else "")
    sub = f"{len(ties)} ties in the graph; {len(drawn)} partners drawn"
    if missing:
        sub += f"; not drawn (no coordinates in the graph): {', '.join(p.label for p in missing)}"
    statuses = {t.status for t, _p in drawn}
    legend = _legend(sorted(statuses, key=status.STATUSES.index), sorted({t.kind for t, _ in drawn}), fr.top + fr.height + 16)
    body = ground + [
        layout.title_band(WIDTH, heading, sub, ident),
        el("g", {"clip-path": clip, "class": "arcs", "aria-hidden": "true"}, arcs),
        el("g", {"class": "marks"}, marks + ([city_mark] if city_mark else [])),
        el("g", {"class": "labels", "aria-hidden": "true", "clip-path": clip}, text_parts),
        legend,
        layout.credit(12, fr.top + fr.height + LEGEND_BAND - 8),
    ]
    desc = _description(city, ties, drawn, missing)
    return document(WIDTH, height, ident=ident, title_text=heading, desc_text=desc, body=body)


def _frame(city: Place, pieces: dict) -> frame.Frame:
    """The smallest window around every arc (its ends, middle and bounding box) and the city."""
    pts = [(float(x), float(y)) for ps in pieces.values() for piece in ps for x, y in piece[[0, len(piece) // 2, -1]]]
    pts += [xy for ps in pieces.values() for piece in ps for xy in ((float(piece[:, 0].min()), float(piece[:, 1].min())),
                                                                   (float(piece[:, 0].max()), float(piece[:, 1].max())))]
    if city.located:
        pts.append(projection.forward(city.lon, city.lat))  # type: ignore[arg-type]
    return frame.fit(pts, WIDTH, top=layout.TITLE_BAND)


def _partners(drawn: list[tuple[Tie, Place]], pieces: dict, fr: frame.Frame, link: Link) -> tuple[list, list, list, list]:
    """Per partner: its arc, its linked mark, the box its label must avoid, and its label to place."""
    arcs, marks, obstacles, label_items = [], [], [], []
    for t, p in drawn:
        d = "".join(basemap.path_data(piece, fr, closed=False) for piece in pieces[t.iri])
        arcs.append(el("path", {"d": d, "fill": "none", "stroke": STATUS_COLOUR[t.status], "stroke-width": 1.3, "stroke-opacity": 0.85,
                                "stroke-dasharray": KIND_DASH[t.kind], "data-tie": t.iri}))
        x, y = fr.lonlat(p.lon, p.lat)  # type: ignore[arg-type]
        marks.append(layout.anchor(link(p.iri), {"class": "mark partner", "data-qid": p.qid, "data-tie": t.iri,
                                                 "data-status": t.status, "data-kind": t.kind,
                                                 "data-x": fmt(x), "data-y": fmt(y)},
                                   [title(partner_summary(t, p)), marker(t.status, x, y)]))
        obstacles.append((x - 4.5, y - 4.5, x + 4.5, y + 4.5))
        label_items.append((t.iri, x, y, p.label))
    return arcs, marks, obstacles, label_items


def _city_mark(city: Place, n_ties: int, fr: frame.Frame, link: Link, obstacles: list, label_items: list) -> str:
    """The city's own mark ("" if it has no coordinates); its box and label join the lists."""
    if not city.located:
        return ""
    cx, cy = fr.lonlat(city.lon, city.lat)  # type: ignore[arg-type]
    obstacles.append((cx - 8, cy - 8, cx + 8, cy + 8))
    label_items.append(("", cx, cy, city.label))
    return layout.anchor(link(city.iri), {"class": "mark city", "data-qid": city.qid, "data-x": fmt(cx), "data-y": fmt(cy)}, [
        title(f"{city.label} ({city.qid or city.iri}): {n_ties} ties"),
        el("circle", {"cx": fmt(cx), "cy": fmt(cy), "r": 6.5, "fill": INK, "stroke": "#ffffff", "stroke-width": 1.5}),
        el("circle", {"cx": fmt(cx), "cy": fmt(cy), "r": 2.2, "fill": "#ffffff"})])


def _labels(label_items: list, obstacles: list, fr: frame.Frame) -> list[str]:
    """The labels placed without overlaps, with leader lines where one had to move away."""
    placed = labels.place(label_items, obstacles, (2, fr.top + 2, fr.width - 2, fr.top + fr.height - 2), size=10)
    out = []
    for key, _x, _y, label in label_items:
        spot = placed.get(key)
        if spot is None:
            continue
        if spot.leader:
            out.append(el("path", {"d": f"M{fmt(spot.leader[0])} {fmt(spot.leader[1])}L{fmt(spot.leader[2])} {fmt(spot.leader[3])}",
                                   "stroke": "#666666", "stroke-width": 0.6}))
        out.append(halo_text(spot.x, spot.y, label, size=11 if key == "" else 10, weight="bold" if key == "" else None))
    return out


def _legend(statuses: list[str], kinds: list[str], y: float) -> str:
    items = [(marker(s, 0, 0), STATUS_TEXT[s]) for s in statuses]
    items += [(el("path", {"d": "M-8 0H10", "stroke": INK, "stroke-width": 1.4, "stroke-dasharray": KIND_DASH[k]}), KIND_TEXT[k]) for k in kinds]
    svg, _h = layout.legend_row(items, 20, y, WIDTH - 40)
    return svg


def _description(city: Place, ties: list[Tie], drawn: list[tuple[Tie, Place]], missing: list[Place]) -> str:
    lines = [f"Map (Equal Earth projection) of the {len(ties)} ties of {city.label} in the citygraph graph, "
             f"as great-circle arcs from {city.label} to each partner; colour and marker shape give the tie's status "
             f"after its latest dated event, the dash its kind."]
    lines += [f"{partner_summary(t, p)}." for t, p in drawn]
    if missing:
        lines.append("Not drawn, no coordinates in the graph: " + ", ".join(f"{p.label} ({p.qid or p.iri})" for p in missing) + ".")
    return " ".join(lines)
