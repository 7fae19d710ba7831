"""The dumps: one graph in every format, readable by independent tools, described by VoID."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from citygraph import namespaces as ns
from citygraph.namespaces import CG, DATASET, GRAPH_SHAPES
from citygraph.publish import dump

# rdflib's view of citygraph's namespaces: the dumps are read back with rdflib.
PLACE, SPDX, VOID = (rdflib.Namespace(n) for n in (ns.PLACE, ns.SPDX, ns.VOID))

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")  # open namespace: DCAT 3 terms, no warnings

NANJING_NAGOYA = "https://w3id.org/citygraph/id/partnership/Q11751-Q16666"


def nt_graph(folder) -> rdflib.Graph:
    return rdflib.Graph().parse(folder / dump.NTRIPLES, format="nt")


def lang_lower(q):
    """RDF 1.1: language tags compare case-insensitively (pyld lower-cases them, as JSON-LD allows)."""
    o = q.object
    if isinstance(o, ox.Literal) and o.language:
        o = ox.Literal(o.value, language=o.language.lower())
    return (q.subject, q.predicate, o)


def test_every_dump_file_is_written(curated_dumps):
    names = sorted(p.name for p in curated_dumps.iterdir())
    assert names == sorted([dump.TURTLE, dump.NTRIPLES, dump.JSONLD, dump.TRIG, dump.VOID, dump.CHECKSUMS])


def test_turtle_jsonld_trig_and_ntriples_are_the_same_graph(curated_dumps):
    reference = nt_graph(curated_dumps)
    assert (rdflib.URIRef(NANJING_NAGOYA), rdflib.URIRef(CG.party.value), PLACE.Q16666) in reference
    turtle = rdflib.Graph().parse(curated_dumps / dump.TURTLE, format="turtle")
    assert isomorphic(turtle, reference)
    jsonld = rdflib.Graph().parse(curated_dumps / dump.JSONLD, format="json-ld")
    assert isomorphic(jsonld, reference)
    trig = rdflib.Dataset()
    trig.parse(curated_dumps / dump.TRIG, format="trig")
    union = rdflib.Graph()
    for g in trig.graphs():
        if g.identifier != rdflib.URIRef(GRAPH_SHAPES.value):
            union += g
    assert isomorphic(union, reference)


def test_trig_keeps_named_graphs_apart(curated, curated_dumps):
    names = {q.graph_name.value for q in ox.parse(path=str(curated_dumps / dump.TRIG), format=ox.RdfFormat.TRIG)}
    assert names == set(curated.graph_sizes()) - {""}
    inferred = ox.Quad(ox.NamedNode(NANJING_NAGOYA), ox.NamedNode(str(rdflib.RDF.type)), CG.Partnership,
                       ox.NamedNode(curated.inferred_graph))
    quads = set(ox.parse(path=str(curated_dumps / dump.TRIG), format=ox.RdfFormat.TRIG))
    assert inferred in quads  # the subclass entailment sits in graph/inferred, not in the data graph
    assert ox.Quad(inferred.subject, inferred.predicate, inferred.object, ox.NamedNode(curated.data_graphs[0])) not in quads


def _line_count(path) -> int:
    return sum(1 for line in path.read_bytes().splitlines() if line.strip())


@pytest.mark.parametrize("name,syntax", [(dump.TURTLE, "turtle"), (dump.NTRIPLES, "ntriples")])
def test_rapper_reads_the_dump(curated_dumps, name, syntax):
    assert shutil.which("rapper"), "rapper is missing: apt-get install raptor2-utils (.ci/run does)"
    run = subprocess.run(["rapper", "-i", syntax, "-c", str(curated_dumps / name)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    count = int(re.search(r"returned (\d+) triples", run.stderr).group(1))
    assert count == _line_count(curated_dumps / dump.NTRIPLES)


@pytest.mark.parametrize("name,syntax", [(dump.TURTLE, "turtle"), (dump.NTRIPLES, "ntriples")])
def test_serdi_reads_the_dump(curated_dumps, name, syntax):
    assert shutil.which("serdi"), "serdi is missing: apt-get install serdi (.ci/run does)"
    run = subprocess.run(["serdi", "-i", syntax, "-o", "ntriples", str(curated_dumps / name)], capture_output=True)
    assert run.returncode == 0, run.stderr.decode()
    assert len([line for line in run.stdout.splitlines() if line.strip()]) == _line_count(curated_dumps / dump.NTRIPLES)


def test_pyld_turns_the_jsonld_dump_into_the_ntriples_dump(curated_dumps):
    from pyld import jsonld

    doc = json.loads((curated_dumps / dump.JSONLD).read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})  # no network: the context is embedded
    from_pyld = {lang_lower(q) for q in ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)}
    from_nt = {lang_lower(q) for q in ox.parse(path=str(curated_dumps / dump.NTRIPLES), format=ox.RdfFormat.N_TRIPLES)}
    assert from_pyld == from_nt


def test_jsonld_uses_the_committed_context_with_short_keys(curated_dumps):
    from citygraph.load import resources

    doc = json.loads((curated_dumps / dump.JSONLD).read_text(encoding="utf-8"))
    context = json.loads(resources.context_file().read_text(encoding="utf-8"))["@context"]
    assert doc["@context"] == context  # embedded, so the file reads offline
    tie = next(n for n in doc["@graph"] if n["id"] == "partnership:Q11751-Q16666")
    assert sorted(tie["party"]) == ["place:Q11751", "place:Q16666"]
    assert tie["type"] == "cg:FormalPartnership" or tie["type"] == ["cg:FormalPartnership"] or (
        "cg:FormalPartnership" in tie["type"] and not {"cg:SisterCity", "cg:TwinTown", "cg:FriendshipCity"} & set(tie["type"]))
    nanjing = next(n for n in doc["@graph"] if n["id"] == "place:Q16666")
    assert nanjing["label"]["en"] == "Nanjing"


def test_context_terms_name_terms_of_the_ontology(curated):
    """A renamed property must not leave a dangling key in the context."""
    from citygraph.publish.jsonld import Compactor, load_context

    declared = {str(r["t"].value) for r in curated.store.query(
        f"SELECT DISTINCT ?t WHERE {{ GRAPH <{curated.ontology_graphs[0]}> {{ ?t a ?k }} }}")}
    cg_terms = [t for t in Compactor(load_context()).terms.values() if t.iri.startswith(str(CG))]
    assert cg_terms, "the context should define short keys for cg: properties"
    assert [t.name for t in cg_terms if t.iri not in declared] == []


def test_sha256sums_lists_every_other_file(curated_dumps):
    lines = (curated_dumps / dump.CHECKSUMS).read_text().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    others = sorted(p.name for p in curated_dumps.iterdir() if p.name != dump.CHECKSUMS)
    assert sorted(listed) == others
    for name, digest in listed.items():
        assert hashlib.sha256((curated_dumps / name).read_bytes()).hexdigest() == digest


def test_void_describes_graphs_and_distributions(curated, curated_dumps):
    void = rdflib.Graph().parse(curated_dumps / dump.VOID, format="turtle")
    ds = rdflib.URIRef(DATASET.value)
    assert int(void.value(ds, VOID.triples)) == _line_count(curated_dumps / dump.NTRIPLES)
    subsets = {str(s): int(void.value(s, VOID.triples)) for s in void.objects(ds, VOID.subset)}
    assert subsets == {g: n for g, n in curated.graph_sizes().items() if g}
    assert void.value(ds, rdflib.URIRef(str(DCAT) + "version")) is not None
    assert void.value(ds, rdflib.DCTERMS.license) is not None
    assert rdflib.URIRef("https://w3id.org/citygraph/id/source/nanjinger-sister-cities") in set(void.objects(ds, rdflib.DCTERMS.source))
    dists = {str(void.value(d, rdflib.DCTERMS.title)): d for d in void.objects(ds, DCAT.distribution)}
    assert sorted(dists) == sorted(dump.MEDIA_TYPES)
    for name, dist in dists.items():
        path = curated_dumps / name
        assert int(void.value(dist, DCAT.byteSize)) == path.stat().st_size
        assert str(void.value(dist, DCAT.mediaType)).endswith("/" + dump.MEDIA_TYPES[name])
        checksum = void.value(dist, SPDX.checksum)
        assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_dumps_have_no_blank_nodes(curated_dumps):
    assert "_:" not in (curated_dumps / dump.NTRIPLES).read_text(encoding="utf-8")


def test_two_builds_give_byte_identical_files(curated_dumps, tmp_path):
    from citygraph.build import build

    again = dump.write_dumps(build(scope="nanjing"), tmp_path / "again")
    for p in sorted(curated_dumps.iterdir()):
        assert (again / p.name).read_bytes() == p.read_bytes(), p.name
    assert sorted(x.name for x in again.iterdir()) == sorted(x.name for x in curated_dumps.iterdir())


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_failing_dump_leaves_the_previous_folder_untouched(curated, tmp_path):
    out = tmp_path / "dist"
    dump.write_dumps(curated, out)
    (out / "note.txt").write_text("kept")  # the previous folder exactly as it was, extra files too
    before = _snapshot(out)

    def broken_writer(built, folder):
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        dump.write_dumps(curated, out, writers=[broken_writer])
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]  # no staging folder left behind


def test_published_folder_has_normal_permissions(curated, tmp_path):
    out = dump.write_dumps(curated, tmp_path / "dist")
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~mask


def test_refuses_to_replace_a_folder_that_is_not_a_dump(curated, tmp_path):
    from citygraph.errors import BadInput

    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("precious")
    with pytest.raises(BadInput, match="SHA256SUMS"):
        dump.write_dumps(curated, home)
    assert (home / "thesis.tex").read_text() == "precious"


def test_blank_nodes_in_a_file_are_skolemised_the_same_way_every_time(tmp_path):
    from citygraph.load.rdfio import SKOLEM_BASE, load_file

    f = tmp_path / "blank.ttl"
    f.write_text("@prefix ex: <https://example.org/> .\nex:a ex:p [ ex:q 1 ] , [ ex:q 2 ] .\n")
    runs = []
    for _ in range(2):
        store = ox.Store()
        load_file(store, f, "https://example.org/g")
        runs.append(sorted(str(q) for q in store))
    assert runs[0] == runs[1]
    assert not any(isinstance(t, ox.BlankNode) for q in store for t in (q.subject, q.object))
    objects = {q.object.value for q in store if q.predicate.value == "https://example.org/p"}
    assert len(objects) == 2 and all(o.startswith(SKOLEM_BASE) for o in objects)


def test_the_union_holds_each_triple_once_in_byte_order():
    a = [b'<http://e/a> <http://e/p> "x" .\n', b'<http://e/b> <http://e/p> <http://e/c> .\n']
    b = [b'<http://e/a> <http://e/p> "x" .\n', b'<http://e/a> <http://e/p> "y" .\n', b'<http://e/c> <http://e/p> "z" .\n']
    union = dump.union_lines([sorted(a), sorted(b)])
    assert union.splitlines(keepends=True) == sorted(set(a) | set(b))
    assert dump.union_lines([[], []]) == b""


def test_void_from_the_dumps_lines_matches_void_counted_by_the_store(curated, curated_dumps, tmp_path):
    # write_files hands void.ttl the graph sizes it counted in the dumped lines and the checksums
    # it took while writing; describing the same files from scratch must give the same bytes
    from citygraph.publish.void import describe

    folder = tmp_path / "copy"
    shutil.copytree(curated_dumps, folder)
    (folder / dump.VOID).unlink()
    (folder / dump.CHECKSUMS).unlink()
    triples = _line_count(folder / dump.NTRIPLES)
    assert describe(curated, folder, triples=triples) == (curated_dumps / dump.VOID).read_bytes()


def test_folder_digests_hash_each_file_once(tmp_path):
    from citygraph.io.digest import FolderDigests

    (tmp_path / "a.bin").write_bytes(b"a" * 5000)
    (tmp_path / "b.bin").write_bytes(b"b" * 10)
    with FolderDigests(tmp_path) as digests:
        digests.add("a.bin", b"a" * 5000)  # hashed from memory, in the background
        assert digests("a.bin") == hashlib.sha256(b"a" * 5000).hexdigest()
        assert digests("b.bin") == hashlib.sha256(b"b" * 10).hexdigest()  # read from the folder
        (tmp_path / "b.bin").unlink()
        assert digests("b.bin") == hashlib.sha256(b"b" * 10).hexdigest()  # not read again
