"""What the exports for people without RDF cost, next to the RDF dumps of the same build.

On the cached build (scope all by default: curated core + world layer), in the same run:
- the tables the exports share (publish/tabular/tables.py: a handful of SPARQL queries + Python);
- each writer: CSV + CSVW, the Excel workbook, GeoJSON, ties.json;
- the RDF dumps (publish/dump.write_dumps), as the yardstick;
- with --pyld, pyld's JSON-LD framing of the ties (`@embed: @always`) on the curated core only,
  against ties.json's direct writing of the same ties (pyld on the world build does not finish
  in minutes).

    python benchmarks/bench_exports.py                 # scope all, 3 rounds, medians
    python benchmarks/bench_exports.py --scope nanjing --pyld
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from citygraph.build import build
from citygraph.publish import dump
from citygraph.publish.tabular import csv_export, geojson_export, tables, ties_json, xlsx_export

DATE = dt.date(2026, 11, 29)


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _frame(nquads: str) -> None:
    from pyld import jsonld

    doc = jsonld.from_rdf(nquads, {"format": "application/n-quads"})
    frame = {"@context": ties_json.CONTEXT, "@type": "https://w3id.org/citygraph/ontology#Partnership", "@embed": "@always"}
    jsonld.frame(doc, frame)


def pyld_frame_seconds(built, limit: float) -> float | None:
    """Seconds pyld takes to frame the ties of the build's data graphs, or None past `limit`."""
    import multiprocessing

    import pyoxigraph as ox

    nq = b"".join(built.store.dump(format=ox.RdfFormat.N_QUADS, from_graph=ox.NamedNode(g)) or b"" for g in built.data_graphs)
    proc = multiprocessing.Process(target=_frame, args=(nq.decode(),))
    t0 = time.perf_counter()
    proc.start()
    proc.join(limit)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scope", default="all")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pyld", action="store_true", help="also time pyld framing (curated scope only)")
    ap.add_argument("--limit", type=float, default=120.0, help="seconds pyld framing may take before it is stopped")
    args = ap.parse_args(argv)

    built = build(scope=args.scope)
    folder = Path(tempfile.mkdtemp())
    t = tables.tables(built, DATE)
    types = tables.asserted_types(built.store, built.data_graphs)
    jobs = {
        "tables (queries + assembly)": lambda: tables.tables(built, DATE),
        "ties/places/events CSV + CSVW": lambda: csv_export.write(t, folder),
        "citygraph.xlsx": lambda: xlsx_export.write(t, folder, DATE),
        "ties.geojson": lambda: geojson_export.write(t, folder),
        "ties.json (+ asserted types)": lambda: ties_json.write(t, tables.asserted_types(built.store, built.data_graphs), folder),
        "RDF dumps (yardstick)": lambda: dump.write_dumps(built, folder / "dumps"),
    }
    times: dict[str, list[float]] = {k: [] for k in jobs}
    for _ in range(args.rounds):  # rounds interleaved: machine noise hits every line alike
        for name, job in jobs.items():
            times[name].append(timed(job))
    yard = statistics.median(times["RDF dumps (yardstick)"])
    print(f"scope {args.scope}: {len(t.ties):,} ties, {len(t.places):,} places, {len(t.events):,} events; "
          f"median of {args.rounds} rounds")
    for name, ts in times.items():
        m = statistics.median(ts)
        print(f"  {name:<34} {m:8.2f} s   {m / yard:5.2f} x the RDF dumps")
    if args.pyld:
        if args.scope == "all":
            print("  pyld framing: skipped on scope all (does not finish in minutes); use --scope nanjing")
        else:
            direct = timed(lambda: ties_json.write(t, types, folder))
            framed = pyld_frame_seconds(built, args.limit)
            if framed is None:
                print(f"  pyld frame @embed @always (data graphs only): did not finish in {args.limit:.0f} s; "
                      f"ties.json direct: {direct:.3f} s")
            else:
                print(f"  pyld frame @embed @always (data graphs only): {framed:.2f} s; ties.json direct: {direct:.3f} s "
                      f"({framed / direct:.0f} x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
