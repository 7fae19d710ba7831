"""What a build with one small `--add` file costs, and what reusing the cached base build would save.

With the base build of the scope cached (built first if it is not), in one process, each step
once (CPU seconds of this process, wall seconds, the load average at the end of the step):

  today, a whole build: load the sources and the file, reason, validate, keep the store;
  reuse instead: copy the cached base store into memory (the engine's own N-Quads out, bulk
  loader in), and read its closure back as the reasoner's keys (what a delta closure starts
  from), beside reading the asserted triples the rules need (which a delta closure needs too).

    python benchmarks/bench_add.py                # scope all (the world build)
    python benchmarks/bench_add.py --scope nanjing
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from citygraph import cache
from citygraph.build import extra_graph_name, load_sources
from citygraph.load.rdfio import load_file
from citygraph.reason import fixpoint, status
from citygraph.reason import materialise as reason
from citygraph.validate import report as validation

ADD = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/mine/note> rdfs:label "my note"@en ;
    rdfs:seeAlso <https://w3id.org/citygraph/id/place/Q16666> .
"""

ROWS: list[tuple[str, float, float, float]] = []


def step(label: str, fn):
    c, w = time.process_time(), time.perf_counter()
    out = fn()
    ROWS.append((label, time.process_time() - c, time.perf_counter() - w, os.getloadavg()[0]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scope", default="all")
    args = ap.parse_args()
    disk, entry = cache.built_entry(args.scope)
    assert entry is not None, "the base build could not be cached"
    with tempfile.TemporaryDirectory(prefix="citygraph-add-") as tmp:
        add = Path(tmp) / "mine.ttl"
        add.write_text(ADD, encoding="utf-8")
        built = step("whole: load the sources and the file", lambda: load_sources(args.scope, [add]))
        step("whole: reason (closure and status periods)", lambda: (reason.materialise(built), status.materialise(built)))
        built.report = step("whole: validate", lambda: validation.validate_built(built))
        step("whole: keep the store (copy to disk)", lambda: cache.save(built, Path(tmp) / "built-x.oxigraph", "x"))
        shutil.rmtree(Path(tmp) / "built-x.oxigraph", ignore_errors=True)

        def copy() -> ox.Store:
            store = ox.Store()
            store.bulk_load(disk.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS, lenient=True)
            load_file(store, add, extra_graph_name(add))
            return store

        step("reuse: copy the cached base store into memory, add the file", copy)
        schema = reason.schema_for(built.store, built.ontology_graphs)
        graphs = built.ontology_graphs + built.data_graphs
        step("reuse: read the asserted triples the rules read", lambda: fixpoint.asserted_pairs(
            built.store, graphs, fixpoint.Rules.of(schema).read))
        inferred = ox.NamedNode(entry.manifest["inferred_graph"])
        step("reuse: read the cached closure (on disk) back as keys", lambda: [
            reason.key_of(q.subject, q.predicate, q.object) for q in disk.quads_for_pattern(None, None, None, inferred)])
    print(f"scope {args.scope}: {len(built.store):,} quads with the added file\n")
    print("| step | CPU | wall | load average |\n|---|---:|---:|---:|")
    for label, cpu, wall, load in ROWS:
        print(f"| {label} | {cpu:.2f} s | {wall:.2f} s | {load:.1f} |")
    whole = sum(cpu for label, cpu, _w, _l in ROWS if label.startswith("whole"))
    print(f"| whole build, all four steps | {whole:.2f} s | | |")


if __name__ == "__main__":
    main()
