"""Write a synthetic graph of the world layer's shape, at any size (default: at least 1M triples).

The world layer (graph/data/world as citygraph imports it from data/world/) is copied, whole,
as often as needed to reach the size, each copy with its QIDs shifted by a multiple of 10^9 (well above any real Wikidata
item, so no synthetic id can be mistaken for a real one): the same classes, properties, degree
distribution, claims and sources per tie, only more of it. Copy 0 is the real world layer.
Output: N-Triples, deterministic (sorted).

    python benchmarks/generate.py --triples 1000000 --out /tmp/world-1m.nt
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from citygraph.namespaces import data_graph
from citygraph.sources import world

OFFSET = 10**9
# QIDs inside citygraph/Wikidata IRIs and in cg:qid literals; never inside labels
QID_IN_IRI = re.compile(r"(?<=/|-)Q([1-9][0-9]*)(?=$|-|/)")


def shifted(term, k: int):
    if k == 0:
        return term
    if isinstance(term, ox.NamedNode) and ("/id/" in term.value or "wikidata.org/entity/" in term.value):
        return ox.NamedNode(QID_IN_IRI.sub(lambda m: f"Q{int(m.group(1)) + k * OFFSET}", term.value))
    if isinstance(term, ox.Literal) and re.fullmatch(r"Q[1-9][0-9]*", term.value) and term.language is None:
        return ox.Literal(f"Q{int(term.value[1:]) + k * OFFSET}")
    return term


def generate(triples: int) -> list[ox.Triple]:
    base = [ox.Triple(q.subject, q.predicate, q.object) for q in world.world_quads(world.read_inputs(), data_graph("world").value)]
    sources = {t.subject for t in base if "/id/source/" in t.subject.value}
    out: set[ox.Triple] = set()
    k = 0
    while len(out) < triples:  # whole copies only, so every tie keeps both parties
        for t in base:
            if k and t.subject in sources:
                continue  # the four source nodes are shared by every copy
            out.add(ox.Triple(shifted(t.subject, k), t.predicate, shifted(t.object, k)))
        k += 1
    return sorted(out, key=lambda t: (t.subject.value, t.predicate.value, str(t.object)))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    data = ox.serialize(generate(args.triples), format=ox.RdfFormat.N_TRIPLES)
    args.out.write_bytes(data)
    lines = data.count(b"\n")
    print(f"wrote {args.out}: {lines:,} triples")


if __name__ == "__main__":
    main()
