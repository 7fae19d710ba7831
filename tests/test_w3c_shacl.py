"""The W3C SHACL Core test suite, run as data-driven tests of the fast checker (validate/fastshacl.py).

The suite's files come from a package registry at test time: the pySHACL source distribution
(`pip download --no-binary :all: --no-deps pyshacl==<installed version>`) ships the W3C
data-shapes tests under test/resources/sht_tests/core. Every sht:Validate test either

- passes natively: `fastshacl.unsupported()` finds nothing it cannot check, and the fast
  checker's report matches the expected one (conforms, and every result's focus node, path,
  constraint component, severity and value), or
- is handed to pySHACL by a named rule: `unsupported()` names why (e.g. "uses sh:node"),
  exactly as `citygraph validate` hands such shapes to pySHACL, and pySHACL's report matches.

No test may fail; the counts are asserted, so a lost file or a new rule cannot pass unnoticed.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from citygraph.validate import fastshacl

pytestmark = pytest.mark.slow

# Compare lexical forms, as written in the files (rdflib would otherwise canonicalise "4.0" to "4").
rdflib.NORMALIZE_LITERALS = False

SH = "http://www.w3.org/ns/shacl#"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# What the suite holds and how it is split; update with the reason if pySHACL's copy changes.
EXPECTED_TOTAL = 98
EXPECTED_NATIVE = 63
# Tests that neither engine passes, each with the reason; the test checks they still deviate, so a
# fix upstream is noticed (and the entry removed).
KNOWN_DEVIATIONS = {
    "property/uniqueLang-002": 'sh:uniqueLang "1"^^xsd:boolean must not activate the constraint; pySHACL reads it as '
                               'true, and pyoxigraph\'s store keeps the literal as "true" before the fast checker sees it',
}


@pytest.fixture(scope="session")
def suite(tmp_path_factory) -> Path:
    """The W3C SHACL Core tests, from the pySHACL sdist fetched from PyPI."""
    where = tmp_path_factory.mktemp("pyshacl-sdist")
    pinned = f"pyshacl=={version('pyshacl')}"
    run = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:", "--no-deps",
                          "--dest", str(where), pinned], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"pip download {pinned} failed (PyPI is needed for this test): {run.stderr[-2000:]}"
    (sdist,) = where.glob("pyshacl-*.tar.gz")
    with tarfile.open(sdist) as tar:
        members = [m for m in tar.getmembers() if "/test/resources/sht_tests/core/" in m.name and m.isfile()]
        tar.extractall(where, members=members, filter="data")
    (core,) = where.glob("pyshacl-*/test/resources/sht_tests/core")
    return core


def _tests(core: Path) -> list[tuple[Path, str]]:
    """(file, test IRI) of every sht:Validate entry in the suite."""
    out = []
    for path in sorted(core.rglob("*.ttl")):
        if path.name == "manifest.ttl":
            continue
        g = rdflib.Graph().parse(path, format="turtle", publicID=path.as_uri())
        for test in g.subjects(rdflib.RDF.type, rdflib.URIRef(SHT + "Validate")):
            out.append((path, str(test)))
    return out


def _local(iri: str) -> Path:
    assert iri.startswith("file://"), iri
    return Path(iri[len("file://"):])


class _Triples:
    """A test file's triples as written (pyoxigraph's parser keeps lexical forms; its store does not)."""

    def __init__(self, path: Path):
        self.by: dict = {}
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()):
            self.by.setdefault((q.subject, q.predicate.value), []).append(q.object)

    def objects(self, s, p: str) -> list:
        return self.by.get((s, p), [])

    def value(self, s, p: str):
        vals = self.objects(s, p)
        return vals[0] if vals else None


def _graphs(path: Path, test: str):
    """(data file, shapes file, expected conforms, expected results as a Counter of keys)."""
    g = _Triples(path)
    node = ox.NamedNode(test)
    action, result = g.value(node, MF + "action"), g.value(node, MF + "result")
    data = _local(g.value(action, SHT + "dataGraph").value)
    shapes = _local(g.value(action, SHT + "shapesGraph").value)
    conforms = g.value(result, SH + "conforms").value == "true"
    expected = Counter(_key_ox(g, r) for r in g.objects(result, SH + "result"))
    return data, shapes, conforms, expected


def _key_ox(g: _Triples, r) -> tuple:
    path = g.value(r, SH + "resultPath")
    return (_short(g.value(r, SH + "focusNode")), "(path)" if isinstance(path, ox.BlankNode) else _short(path),
            _short(g.value(r, SH + "sourceConstraintComponent")), _short(g.value(r, SH + "resultSeverity")).rsplit("#", 1)[-1],
            _short(g.value(r, SH + "value")))


def _canonicalised(*paths: Path) -> bool:
    """Does loading these files into a pyoxigraph store change a literal (e.g. "1"^^xsd:boolean -> "true")?"""
    for path in set(paths):
        written = {q.object for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())
                   if isinstance(q.object, ox.Literal)}
        stored = {q.object for q in _store(path, None) if isinstance(q.object, ox.Literal)}
        if written != stored:
            return True
    return False


def _short(term) -> str:
    if term is None:
        return "-"
    if isinstance(term, (rdflib.BNode, ox.BlankNode)):
        return "_"
    text = str(term) if not isinstance(term, (ox.NamedNode, ox.Literal)) else term.value
    return text[len(SH):] if text.startswith(SH) else text


def _key_rdflib(g: rdflib.Graph, r) -> tuple:
    get = lambda p: g.value(r, rdflib.URIRef(SH + p))  # noqa: E731
    path = get("resultPath")
    return (_short(get("focusNode")), "(path)" if isinstance(path, rdflib.BNode) else _short(path),
            _short(get("sourceConstraintComponent")), _short(get("resultSeverity")).rsplit("#", 1)[-1], _short(get("value")))


def _key_fast(r: dict, bnodes: set[str]) -> tuple:
    def text(v):
        if v is None:
            return "-"
        if v in bnodes:
            return "_"
        return v[3:] if v.startswith("sh:") else v
    return (text(r["focus"]), r["path"] or "-", r["constraint"].replace("sh:", ""), r["severity"], text(r["value"]))


def _store(path: Path, graph: str | None) -> ox.Store:
    store = ox.Store()
    to_graph = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri(), to_graph=to_graph)
    return store


def _fast(data: Path, shapes: Path) -> tuple[bool, Counter]:
    store = _store(data, "urn:citygraph:test:data")
    shapes_store = _store(shapes, None) if shapes != data else store
    shapes_graph = ox.DefaultGraph() if shapes != data else ox.NamedNode("urn:citygraph:test:data")
    results = fastshacl.check(store, ["urn:citygraph:test:data"], shapes_store, shapes_graph)
    bnodes = {t.value for q in store for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}
    return not results, Counter(_key_fast(r, bnodes) for r in results)  # any result, of any severity: not conforming


def _pyshacl(data: Path, shapes: Path) -> tuple[bool, Counter]:
    import pyshacl

    dg = rdflib.Graph().parse(data, format="turtle", publicID=data.as_uri())
    sg = dg if shapes == data else rdflib.Graph().parse(shapes, format="turtle", publicID=shapes.as_uri())
    conforms, report, _text = pyshacl.validate(dg, shacl_graph=sg, inference="none", advanced=False, allow_warnings=False)
    # the report's own results (not those nested under sh:detail)
    keys = Counter(_key_rdflib(report, r) for r in report.objects(None, rdflib.URIRef(SH + "result")))
    return bool(conforms), keys


def _rules(shapes: Path, data: Path) -> list[str]:
    store = _store(shapes, None)
    return fastshacl.unsupported(fastshacl.ShapesGraph(store, ox.DefaultGraph()))


def test_the_w3c_shacl_core_suite(suite):
    tests = _tests(suite)
    native, handed, failed = [], Counter(), []
    for path, test in tests:
        data, shapes, conforms, expected = _graphs(path, test)
        rules = _rules(shapes, data)
        if _canonicalised(data, shapes):
            # The fast checker reads the store, which keeps literals in canonical form ("4.0" ->
            # "4"); citygraph's engines both see the store's terms, the W3C tests the file's.
            rules.append("literals the store canonicalises")
        name = f"{path.parent.name}/{path.stem}"
        if rules:
            for rule in rules:
                handed[rule.split(" uses ")[-1] if " uses " in rule else rule] += 1
            got_conforms, got = _pyshacl(data, shapes)
        else:
            got_conforms, got = _fast(data, shapes)
            native.append(name)
        if name in KNOWN_DEVIATIONS:
            assert (got_conforms, got) != (conforms, expected), f"{name} passes now: remove it from KNOWN_DEVIATIONS"
            continue
        if got_conforms != conforms or got != expected:
            failed.append(f"{name} ({'pySHACL: ' + '; '.join(rules) if rules else 'fast'}): "
                          f"expected {sorted(expected.elements())}, got {sorted(got.elements())}")
    print(f"\nW3C SHACL Core: {len(tests)} tests, {len(native)} passed natively, "
          f"{len(tests) - len(native) - len(KNOWN_DEVIATIONS)} handed to pySHACL ({dict(handed)}), "
          f"{len(KNOWN_DEVIATIONS)} known deviation(s) of both engines, {len(failed)} failed")
    assert failed == [], "\n".join(failed)
    assert len(tests) == EXPECTED_TOTAL
    assert len(native) == EXPECTED_NATIVE
