"""Namespace members are pyoxigraph terms: `str()` of one is `<iri>`, not the IRI.

`str(CG.party)` gives "<https://w3id.org/citygraph/ontology#party>" — right in SPARQL text, wrong
as a bare IRI (compare, build a NamedNode, a dict key). Code that means the IRI writes
`CG.party.value`. This test finds `str()` of a namespace member (`NS.x`, `NS[...]`), of a term
constant (`GRAPH_INFERRED`) or of `data_graph(...)` imported from citygraph.namespaces, in the
package, its tests and its benchmarks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pyoxigraph as ox

from citygraph import namespaces

REPO = Path(__file__).resolve().parents[1]
ROOTS = [REPO / "src" / "citygraph", REPO / "tests", REPO / "benchmarks"]
NAMESPACES = {name for name, value in vars(namespaces).items() if isinstance(value, namespaces.Namespace)}
TERMS = {name for name, value in vars(namespaces).items() if isinstance(value, ox.NamedNode)}
TERM_FUNCTIONS = {"data_graph"}


def _imported(tree: ast.Module) -> tuple[set[str], set[str], set[str]]:
    """(namespaces, term constants, term functions) this module imports from citygraph's namespaces."""
    spaces, terms, funcs = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("namespaces") and (
                node.level > 0 or (node.module or "").startswith("citygraph")):
            for a in node.names:
                name = a.asname or a.name
                spaces |= {name} if a.name in NAMESPACES else set()
                terms |= {name} if a.name in TERMS else set()
                funcs |= {name} if a.name in TERM_FUNCTIONS else set()
    return spaces, terms, funcs


def _is_term(node: ast.AST, spaces: set[str], terms: set[str], funcs: set[str]) -> bool:
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        return isinstance(node.value, ast.Name) and node.value.id in spaces
    if isinstance(node, ast.Name):
        return node.id in terms
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id in funcs
    return False


def _bracketed_term(node: ast.JoinedStr, imported: tuple[set[str], set[str], set[str]]) -> bool:
    """An f-string piece '<' right before {term}: the term already prints with its angle brackets."""
    parts = node.values
    for before, value in zip(parts, parts[1:], strict=False):
        if (isinstance(before, ast.Constant) and isinstance(before.value, str) and before.value.endswith("<")
                and isinstance(value, ast.FormattedValue) and _is_term(value.value, *imported)):
            return True
    return False


def findings(roots: list[Path] = ROOTS) -> list[str]:
    out = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            imported = _imported(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.JoinedStr) and _bracketed_term(node, imported):
                    out.append(f"{path.relative_to(root.parent)}:{node.lineno}: '<{{term}}>' in an f-string gives '<<iri>>'; "
                               "write {term} (it prints as <iri>) or <{term.value}>")
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str"
                        and len(node.args) == 1 and _is_term(node.args[0], *imported)):
                    out.append(f"{path.relative_to(root.parent)}:{node.lineno}: str() of a term gives '<iri>'; use .value")
    return out


def test_no_str_of_a_namespace_term():
    assert findings() == []


def test_the_check_finds_each_kind(tmp_path):
    pkg = tmp_path / "citygraph"
    pkg.mkdir()
    (pkg / "m.py").write_text(
        "from .namespaces import CG, GRAPH_INFERRED, data_graph\n"
        "a = str(CG.party)\nb = str(CG['x'])\nc = str(GRAPH_INFERRED)\nd = str(data_graph('w'))\nok = CG.party.value\n"
        "e = f'?s <{CG.party}> ?o'\nok2 = f'?s {CG.party} <{CG.party.value}>'\n",
        encoding="utf-8")
    assert sorted(int(f.split(":")[1]) for f in findings([pkg])) == [2, 3, 4, 5, 7]
