"""The world network as a density map: how many ties' great-circle routes cross each cell.

20,000 arcs drawn one by one are a hairball; counted per cell they show where the ties run.
Every tie whose two places have coordinates is sampled along its great circle (numpy, all at
once), each sample projected to a pixel cell, and each cell counts the distinct ties that
cross it. Counts are binned by powers of two into the eight viridis colours; cells of one bin
are one <path> of run-length merged rectangles, so the file stays small and the bytes fixed.
The places with the most ties are marked (linked, with data-qid) and the first dozen named.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .. import facts
from ..drawing import labels, layout
from ..drawing.layout import Link
from ..drawing.style import INK, VIRIDIS, halo_text
from ..drawing.svg import document, el, fmt, title
from ..earth import base, frame, geo, projection

WIDTH = 1200.0
CELL = 2.5  # pixels per density cell
STEP = 0.5  # degrees between samples along a route (under one cell everywhere on the map)
HUBS_MARKED = 25
HUBS_NAMED = 12
LEGEND_BAND = 62.0
# Few ties per cell are faint, many are solid: single long-haul routes must not outshout the hubs.
OPACITY = (0.3, 0.42, 0.54, 0.66, 0.78, 0.88, 0.95, 1.0)


def density(fr: frame.Frame, routes: list[tuple[tuple[float, float], tuple[float, float]]]) -> np.ndarray:
    """A (rows, cols) array: for each cell, the number of distinct routes that cross it."""
    cols, rows = int(np.ceil(fr.width / CELL)), int(np.ceil(fr.height / CELL))
    if not routes:
        return np.zeros((rows, cols), dtype=np.int64)
    a = np.array([r[0] for r in routes], dtype=float)
    b = np.array([r[1] for r in routes], dtype=float)
    arc, lon, lat = geo.sample_many(a[:, 0], a[:, 1], b[:, 0], b[:, 1], STEP)
    x, y = projection.forward_many(lon, lat)
    px = ((x - fr.x0) * fr.scale / CELL).astype(np.int64)
    py = ((fr.y1 - y) * fr.scale / CELL).astype(np.int64)
    keep = (px >= 0) & (px < cols) & (py >= 0) & (py < rows)
    key = arc[keep] * (rows * cols) + py[keep] * cols + px[keep]
    # A route's samples are in order, so its visits to one cell are consecutive: dropping
    # repeats counts each route once per cell, without sorting a million keys.
    first = np.concatenate(([True], key[1:] != key[:-1]))
    counts = np.bincount(key[first] % (rows * cols), minlength=rows * cols)
    return counts.reshape(rows, cols)


def bins(counts: np.ndarray) -> np.ndarray:
    """0 for empty cells, else 1 + floor(log2(count)), capped at len(VIRIDIS)."""
    out = np.zeros(counts.shape, dtype=np.int64)
    nz = counts > 0
    out[nz] = np.minimum(len(VIRIDIS), 1 + np.floor(np.log2(counts[nz])).astype(np.int64))
    return out


def bin_label(k: int) -> str:
    lo, hi = 2 ** (k - 1), 2 ** k - 1
    if k == len(VIRIDIS):
        return f"{lo}+"
    return str(lo) if lo == hi else f"{lo}–{hi}"


def cell_paths(binned: np.ndarray, fr: frame.Frame) -> list[str]:
    """One path per bin, in cell units (the group scales them): each row's runs of equal bins are one rectangle."""
    runs: dict[int, list[str]] = {k: [] for k in range(1, len(VIRIDIS) + 1)}
    for r in range(binned.shape[0]):
        row = binned[r]
        edges = np.flatnonzero(np.diff(np.concatenate(([0], row, [0]))) != 0).tolist()
        for start, stop in zip(edges[:-1], edges[1:], strict=True):
            k = int(row[start])
            if k:
                runs[k].append(f"M{start} {r}h{stop - start}v1h{start - stop}z")
    out = []
    for k, parts in runs.items():
        if parts:
            out.append(el("path", {"d": "".join(parts), "fill": VIRIDIS[k - 1], "fill-opacity": OPACITY[k - 1],
                                   "data-ties": bin_label(k), "class": "density"},
                          [title(f"cells crossed by {bin_label(k)} ties")]))
    return [el("g", {"transform": f"translate(0 {fmt(fr.top)}) scale({fmt(CELL)})"}, out)]


def render(store, *, link: Link = layout.iri_link, ident: str = "cg-map") -> bytes:
    """The SVG density map of every tie in the graph."""
    pairs = facts.pairs(store)
    pts = facts.points(store)
    routes = [(pts[a], pts[b]) for _t, a, b in pairs if a in pts and b in pts]
    fr = frame.world(WIDTH, top=layout.TITLE_BAND)
    binned = bins(density(fr, routes))
    degree = Counter(p for _t, a, b in pairs for p in (a, b))
    hubs = sorted((p for p in degree if p in pts), key=lambda p: (-degree[p], p))[:HUBS_MARKED]
    info = facts.places(store, hubs)
    ground, clip = base.ground(fr, ident)

    marks, obstacles, items = [], [], []
    for i, p in enumerate(hubs):
        x, y = fr.lonlat(*pts[p])
        place = info[p]
        marks.append(layout.anchor(link(p), {"class": "mark hub", "data-qid": place.qid, "data-ties": str(degree[p]),
                                             "data-x": fmt(x), "data-y": fmt(y)}, [
            title(f"{place.label}{', ' + place.country if place.country else ''} ({place.qid or p}): {degree[p]} ties"),
            el("circle", {"cx": fmt(x), "cy": fmt(y), "r": 2.6, "fill": "#ffffff", "stroke": INK, "stroke-width": 1.1})]))
        obstacles.append((x - 3, y - 3, x + 3, y + 3))
        if i < HUBS_NAMED:
            items.append((p, x, y, place.label))
    placed = labels.place(items, obstacles, (2, fr.top + 2, fr.width - 2, fr.top + fr.height - 2), size=9.5)
    names = []
    for key, _x, _y, label in items:
        spot = placed.get(key)
        if spot is not None:
            if spot.leader:
                names.append(el("path", {"d": f"M{fmt(spot.leader[0])} {fmt(spot.leader[1])}L{fmt(spot.leader[2])} {fmt(spot.leader[3])}",
                                         "stroke": INK, "stroke-width": 0.6}))
            names.append(halo_text(spot.x, spot.y, label, size=9.5))

    heading = "Twinning ties of the world"
    sub = (f"{len(pairs):,} ties in the graph; the {len(routes):,} whose two places have coordinates drawn as great-circle "
           f"routes, counted per cell; circles: the {len(hubs)} places with the most ties")
    items_legend = [(el("rect", {"x": -6, "y": -5, "width": 12, "height": 10, "fill": c, "fill-opacity": OPACITY[k]}), bin_label(k + 1))
                    for k, c in enumerate(VIRIDIS)]
    legend_svg, _h = layout.legend_row(items_legend, 130, fr.top + fr.height + 18, WIDTH - 150)
    body = ground + [
        layout.title_band(WIDTH, heading, sub, ident),
        el("g", {"clip-path": clip, "class": "density-cells"}, cell_paths(binned, fr)),
        base.borders(fr, ident),
        el("g", {"class": "marks"}, marks),
        el("g", {"class": "labels", "aria-hidden": "true"}, names),
        el("text", {"x": 12, "y": fmt(fr.top + fr.height + 21.5), "font-size": 10, "fill": INK, "aria-hidden": "true"}, "ties crossing a cell:"),
        legend_svg,
        layout.credit(12, fr.top + fr.height + LEGEND_BAND - 8),
    ]
    top = ", ".join(f"{info[p].label} ({degree[p]})" for p in hubs[:10])
    desc = (f"Density map (Equal Earth projection) of the {len(pairs):,} ties in the citygraph graph. The {len(routes):,} ties "
            f"whose two places have coordinates are drawn as great-circle routes; each cell of {fmt(CELL)} pixels is coloured by "
            f"how many routes cross it, from light yellow (one) to dark purple ({bin_label(len(VIRIDIS))}). "
            f"{len(pairs) - len(routes):,} ties are not drawn because a place has no coordinates in the graph. "
            f"Places with the most ties: {top}.")
    return document(WIDTH, fr.top + fr.height + LEGEND_BAND, ident=ident, title_text=heading, desc_text=desc, body=body)
