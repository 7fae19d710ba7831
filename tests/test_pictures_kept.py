"""What a process keeps between pictures changes no byte (pictures/earth/pathtext.py, facts.fixed).

A map's ground (countries, graticule) is written for a whole layer at once from rings projected
once per process, and a served store's tie statuses are worked out once (`fixed=True`). These
tests hold both to the plain way: the one-pass text equals `basemap.path_data` ring by ring
(real countries in many frames, and coordinates chosen to hit rounding edges: -0.0, halves,
large values), and pictures drawn late in a warm process equal those of a fresh process.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from citygraph.pictures import facts, render
from citygraph.pictures.earth import base, basemap, frame, pathtext

NANJING = "https://w3id.org/citygraph/id/place/Q16666"
NAGOYA_TIE = "https://w3id.org/citygraph/id/partnership/Q11751-Q16666"


def _frames(rng: np.random.Generator, n: int) -> list[frame.Frame]:
    out = [frame.world(1000.0, 50.0)]
    for _ in range(n):
        points = [tuple(rng.uniform(-2.6, 2.6, 2)) for _ in range(int(rng.integers(1, 5)))]
        out.append(frame.fit(points, 1000.0, top=float(rng.uniform(0, 80))))
    return out


@pytest.mark.parametrize("closed", [True, False])
def test_one_pass_text_equals_path_data_for_every_country(closed):
    rings = [r for c in basemap.projected() for r in c.rings]
    layer = pathtext.Rings.of(rings)
    for fr in _frames(np.random.default_rng(7), 40):
        assert pathtext.texts(layer, fr, closed=closed) == [basemap.path_data(r, fr, closed=closed) for r in rings]


def test_one_pass_text_equals_path_data_at_rounding_edges():
    rng = np.random.default_rng(11)
    near = np.array([0.0, -0.0, 1e-9, -1e-9, -3e-5, 2e-5, 0.00005, -0.00005, 0.12345, 2.0, -2.0, 0.25, -0.25])
    for _ in range(300):
        sizes = rng.integers(1, 8, size=int(rng.integers(1, 12)))
        rings = [np.column_stack([rng.choice(near, k) + rng.normal(0, 1e-4, k) * rng.integers(0, 2),
                                  rng.choice(near, k)]) for k in sizes]
        fr = frame.Frame(x0=float(rng.choice([0.0, 1e-5, -1e-5])), y1=float(rng.choice([0.0, 1e-5])),
                         scale=float(rng.choice([1.0, 10.0, 1000.0, 2857.142857, 123456.7])),
                         width=1000.0, height=500.0, top=float(rng.choice([0.0, 50.0, 33.35])))
        for closed in (True, False):
            texts = pathtext.texts(pathtext.Rings.of(rings), fr, closed=closed)
            assert texts == [basemap.path_data(r, fr, closed=closed) for r in rings]
    edge, fr = np.array([[-1e-5, 0.0], [1.0, 1.0]]), frame.Frame(0.0, 0.0, 1.0, 10.0, 10.0)
    assert basemap.path_data(edge, fr, closed=False) == "M-0.0 0.0L1.0 -1.0"  # numpy's -0.0, printed as such
    assert pathtext.texts(pathtext.Rings.of([edge]), fr, closed=False) == ["M-0.0 0.0L1.0 -1.0"]


def test_the_ground_of_a_frame_is_the_country_by_country_text():
    fr = frame.fit([(1.5, 0.5), (2.0, 0.7)], 1000.0, top=50.0)
    paths = base._country_paths(fr)
    assert paths == [basemap.country_path(c, fr) for c in basemap.projected()]
    assert sum(1 for p in paths if p) > 100  # the ground is there: most countries have a path


def _draw(store, fixed: bool) -> dict[str, bytes]:
    return {"map": render("map", store, city="Nanjing", fixed=fixed),
            "timeline": render("timeline", store, city="Q16666", fixed=fixed),
            "tie": render("timeline", store, tie=NAGOYA_TIE, fixed=fixed)}


def test_pictures_drawn_late_in_a_process_equal_a_fresh_process(curated, tmp_path):
    render("map", curated.store, city="Nagoya", fixed=True)  # the static layers are kept from another frame
    warm = _draw(curated.store, fixed=True)
    assert _draw(curated.store, fixed=True) == warm == _draw(curated.store, fixed=False)
    env = {**os.environ, "PYTHONHASHSEED": "3", "CITYGRAPH_CACHE_DIR": str(tmp_path / "cache")}
    for name, args in (("map", ["map", "--city", "Nanjing"]), ("timeline", ["timeline", "--city", "Q16666"]),
                       ("tie", ["timeline", "--tie", NAGOYA_TIE])):
        out = tmp_path / f"{name}.svg"
        subprocess.run([sys.executable, "-m", "citygraph", "picture", *args, "--scope", "nanjing", "--out", str(out)],
                       env=env, check=True, capture_output=True)
        assert out.read_bytes() == warm[name], name
    assert b"<svg" in warm["map"] and b'data-qid="Q11751"' in warm["map"]  # Nagoya's mark: a real map


def test_fixed_statuses_are_worked_out_once_per_store(curated, monkeypatch):
    from citygraph.build import build

    calls = []
    plain = facts._statuses_after_all
    monkeypatch.setattr(facts, "_statuses_after_all", lambda store: calls.append(store) or plain(store))
    facts._kept_statuses.cache_clear()
    first = facts.ties_of(curated.store, NANJING, fixed=True)
    again = facts.ties_of(curated.store, NANJING, fixed=True)
    assert len(calls) == 1 and first == again == facts.ties_of(curated.store, NANJING)
    assert len(calls) == 2  # not fixed: worked out anew
    other = build(scope="nanjing").store  # another store object: its own statuses
    facts.ties_of(other, NANJING, fixed=True)
    assert len(calls) == 3 and calls[-1] is other
    facts._kept_statuses.cache_clear()
