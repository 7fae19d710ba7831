"""A compiled SHACL checker for the subset of SHACL the citygraph shapes use, run on pyoxigraph.

Why: pyshacl re-evaluates every constraint node by node in Python (and a SPARQL-based
constraint once per focus node, ~43 ms each), which takes minutes at world scale. Here each
shape becomes a handful of whole-graph SPARQL queries on the store (focus nodes per target,
value nodes per path) and the value checks run in Python over the answers; a SPARQL-based
constraint (sh:sparql) runs once over the graph with $this free, and its rows are kept for the
shape's focus nodes.

Supported (SHACL Core + SHACL-SPARQL constraints): targets sh:targetClass (and implicit class
targets), sh:targetNode, sh:targetSubjectsOf, sh:targetObjectsOf; node and property shapes
(sh:property), paths made of IRIs, sh:inversePath, sequences, sh:alternativePath,
sh:zeroOrMorePath, sh:oneOrMorePath, sh:zeroOrOnePath; sh:minCount, sh:maxCount, sh:class,
sh:datatype (ill-typed literals fail, as in pyshacl), sh:nodeKind, sh:pattern/sh:flags,
sh:in, sh:hasValue, sh:minLength, sh:maxLength, sh:minInclusive/maxInclusive/minExclusive/
maxExclusive, sh:languageIn, sh:uniqueLang, sh:sparql (SELECT, with sh:prefixes), sh:severity,
sh:message, sh:deactivated.
Anything else (sh:node, sh:and/or/not/xone, qualified shapes, sh:closed, property pair
constraints, ...) makes `unsupported()` name it, and validate.py then hands the whole job to
pyshacl, the reference. tests/test_world_validation.py checks that both give the same report on
every invalid fixture and on the curated data.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import pyoxigraph as ox

from . import sparqlscope

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDFS_CLASS = "http://www.w3.org/2000/01/rdf-schema#Class"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# Constraint parameters this checker evaluates, and those that make it defer to pyshacl.
VALUE_PARAMS = ("class", "datatype", "nodeKind", "pattern", "in", "hasValue", "minLength", "maxLength",
                "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "languageIn", "uniqueLang")
COUNT_PARAMS = ("minCount", "maxCount")
UNSUPPORTED_PARAMS = ("node", "and", "or", "not", "xone", "qualifiedValueShape", "closed", "equals", "disjoint",
                      "lessThan", "lessThanOrEquals", "rule", "target", "js", "expression")
COMPONENT = {p: f"sh:{p[0].upper()}{p[1:]}ConstraintComponent" for p in VALUE_PARAMS + COUNT_PARAMS}
COMPONENT["sparql"] = "sh:SPARQLConstraintComponent"
# An sh:sparql query whose widest group joins this many triple patterns or more runs on a scratch
# store holding only the triples it can match (Checker.answer); smaller ones are cheaper as they are.
SCRATCH_WIDEST = 4


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _sh(local: str) -> ox.NamedNode:
    return ox.NamedNode(SH + local)


class ShapesGraph:
    """Read access to the shapes graph (held in its own pyoxigraph store)."""

    def __init__(self, store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph):
        self.store, self.graph = store, graph

    def objects(self, s, p: str) -> list:
        return [q.object for q in self.store.quads_for_pattern(s, _n(p), None, self.graph)]

    def value(self, s, p: str):
        vals = self.objects(s, p)
        return vals[0] if vals else None

    def subjects(self, p: str, o=None) -> list:
        return [q.subject for q in self.store.quads_for_pattern(None, _n(p), o, self.graph)]

    def items(self, head) -> list:
        out = []
        while head is not None and not (isinstance(head, ox.NamedNode) and head.value == RDF_NIL):
            first = self.value(head, RDF_FIRST)
            if first is None:
                break
            out.append(first)
            head = self.value(head, RDF_REST)
        return out


def _path_sparql(sg: ShapesGraph, path) -> str | None:
    """A SHACL path as a SPARQL property path, or None if it is not one this checker reads."""
    if isinstance(path, ox.NamedNode):
        return f"<{path.value}>"
    if not isinstance(path, ox.BlankNode):
        return None
    if sg.value(path, RDF_FIRST) is not None:
        parts = [_path_sparql(sg, p) for p in sg.items(path)]
        return None if None in parts or not parts else "(" + "/".join(p for p in parts if p) + ")"
    for key, fmt in (("inversePath", "^{}"), ("zeroOrMorePath", "{}*"), ("oneOrMorePath", "{}+"), ("zeroOrOnePath", "{}?")):
        inner = sg.value(path, SH + key)
        if inner is not None:
            sub = _path_sparql(sg, inner)
            return None if sub is None else "(" + fmt.format(sub) + ")"
    alt = sg.value(path, SH + "alternativePath")
    if alt is not None:
        parts = [_path_sparql(sg, p) for p in sg.items(alt)]
        return None if None in parts or not parts else "(" + "|".join(p for p in parts if p) + ")"
    return None


def all_shapes(sg: ShapesGraph) -> list:
    """Every shape: declared node/property shapes, shapes reached by sh:property, targets' subjects."""
    seen: dict = {}
    for t in ("NodeShape", "PropertyShape"):
        for s in sg.subjects(RDF_TYPE, _sh(t)):
            seen[s] = None
    for p in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "property", "path"):
        for s in sg.subjects(SH + p):
            seen[s] = None
        if p == "property":
            for q in sg.store.quads_for_pattern(None, _sh("property"), None, sg.graph):
                seen[q.object] = None
    return list(seen)


def unsupported(sg: ShapesGraph) -> list[str]:
    """Why this checker cannot reproduce pyshacl on these shapes (empty: it can)."""
    why = []
    for shape in all_shapes(sg):
        for p in UNSUPPORTED_PARAMS:
            if sg.objects(shape, SH + p):
                why.append(f"{_label(shape)} uses sh:{p}")
        path = sg.value(shape, SH + "path")
        if path is not None and _path_sparql(sg, path) is None:
            why.append(f"{_label(shape)} has a path this checker does not read")
        for c in sg.objects(shape, SH + "sparql"):
            if sg.value(c, SH + "select") is None:
                why.append(f"{_label(shape)} has an sh:sparql constraint without sh:select")
    return sorted(set(why))


def _label(term) -> str:
    return f"<{term.value}>" if isinstance(term, ox.NamedNode) else "a blank-node shape"


class Checker:
    """Validate the union of `data_graphs` in `store` against the shapes in `shapes_graph`.

    `whole_store`: the caller guarantees the store holds nothing but `data_graphs` (see
    report.content_only), so every pattern is matched once on the store's union instead of once
    per graph; on the world build that halves the time of the SPARQL constraints.
    """

    def __init__(self, store: ox.Store, data_graphs: Iterable[str], shapes_store: ox.Store, shapes_graph,
                 whole_store: bool = False):
        self.store = store
        self.default = [ox.NamedNode(g) for g in data_graphs]
        self.whole_store = whole_store
        self.sg = ShapesGraph(shapes_store, shapes_graph)
        self._instances: dict[str, set] = {}
        self._params: dict = {}
        self._scratches: list[tuple[frozenset, ox.Store]] = []
        self.results: list[dict] = []

    def params(self, shape, key: str) -> list:
        """The shape's values for sh:<key>, read from the shapes graph once."""
        k = (shape, key)
        if k not in self._params:
            self._params[k] = self.sg.objects(shape, SH + key)
        return self._params[k]

    def param(self, shape, key: str):
        vals = self.params(shape, key)
        return vals[0] if vals else None

    # -- data access ---------------------------------------------------------------------------
    def query(self, q: str):
        if self.whole_store:
            return self.store.query(q, use_default_graph_as_union=True)
        return self.store.query(q, default_graph=list(self.default))

    def answer(self, text: str):
        """A SELECT's solutions. When the query joins several patterns and sparqlscope can say which
        triples it may match, it runs on a scratch store holding just those (in their graphs, so the
        answer is the same): Oxigraph's in-memory store walks every triple of a bound subject to
        match one pattern, and places and ties carry dozens each."""
        scope = sparqlscope.scope(text)
        if scope is None or scope.widest < SCRATCH_WIDEST:
            return self.query(text)
        scratch = self._scratch(scope.patterns)
        if self.whole_store:
            return scratch.query(text, use_default_graph_as_union=True)
        return scratch.query(text, default_graph=list(self.default))

    def _scratch(self, patterns: frozenset) -> ox.Store:
        """A scratch store with at least the triples of `patterns`: one made for an earlier query
        if it holds them, or grows to, else a new one."""
        for have, store in self._scratches:
            if patterns <= have:
                return store
        for i, (have, store) in enumerate(self._scratches):
            if have <= patterns:
                self._fill(store, patterns - have)
                self._scratches[i] = (patterns, store)
                return store
        store = ox.Store()
        self._fill(store, patterns)
        self._scratches.append((patterns, store))
        return store

    def _fill(self, scratch: ox.Store, patterns: Iterable) -> None:
        for p, cls in sorted(patterns, key=str):
            o = None if cls is None else ox.NamedNode(cls)
            for g in [None] if self.whole_store else self.default:
                scratch.extend(self.store.quads_for_pattern(None, ox.NamedNode(p), o, g))

    def instances(self, cls: str) -> set:
        """SHACL instances of cls: ?x rdf:type/rdfs:subClassOf* cls in the data graph."""
        if cls not in self._instances:
            rows = self.query(f"SELECT DISTINCT ?x WHERE {{ ?x <{RDF_TYPE}>/<{SUBCLASS}>* <{cls}> }}")
            self._instances[cls] = {r["x"] for r in rows}
        return self._instances[cls]

    def focus_nodes(self, shape) -> set:
        sg, out = self.sg, set()
        for c in sg.objects(shape, SH + "targetClass"):
            out |= self.instances(c.value)
        if any(isinstance(t, ox.NamedNode) and t.value == RDFS_CLASS for t in sg.objects(shape, RDF_TYPE)) and isinstance(shape, ox.NamedNode):
            out |= self.instances(shape.value)
        out.update(sg.objects(shape, SH + "targetNode"))
        for p in sg.objects(shape, SH + "targetSubjectsOf"):
            out |= {r["x"] for r in self.query(f"SELECT DISTINCT ?x WHERE {{ ?x <{p.value}> ?o }}")}
        for p in sg.objects(shape, SH + "targetObjectsOf"):
            out |= {r["x"] for r in self.query(f"SELECT DISTINCT ?x WHERE {{ ?s <{p.value}> ?x }}")}
        return out

    def values(self, path: str, focus: set) -> dict:
        """focus node -> set of value nodes along the path, for the given focus nodes (the table of a
        single predicate, shared by every shape on that path, may hold other subjects too)."""
        out: dict = defaultdict(set)
        if not focus:
            return out
        simple = re.fullmatch(r"\(?(\^?)<([^>]+)>\)?", path)
        if simple and len(focus) > 200:  # one predicate: read its quads once, cached per path
            return self._by_predicate(simple.group(2), inverse=bool(simple.group(1)))
        if len(focus) <= 200:  # few focus nodes: bind them instead of scanning the predicate
            vals = " ".join(_sparql_term(f) for f in focus)
            q = f"SELECT DISTINCT ?this ?v WHERE {{ VALUES ?this {{ {vals} }} ?this {path} ?v }}"
        else:
            q = f"SELECT DISTINCT ?this ?v WHERE {{ ?this {path} ?v }}"
        for r in self.query(q):
            if r["this"] in focus:
                out[r["this"]].add(r["v"])
        if path.endswith(("*)", "?)")):  # zero-length paths reach the focus itself
            for f in focus:
                out[f].add(f)
        return out

    def _by_predicate(self, predicate: str, inverse: bool) -> dict:
        key = (predicate, inverse, "table")
        if key not in self._params:
            table: dict = defaultdict(set)
            p = ox.NamedNode(predicate)
            for g in [None] if self.whole_store else self.default:
                for q in self.store.quads_for_pattern(None, p, None, g):
                    if inverse:
                        table[q.object].add(q.subject)
                    else:
                        table[q.subject].add(q.object)
            self._params[key] = table
        return self._params[key]

    # -- evaluation ----------------------------------------------------------------------------
    def run(self) -> list[dict]:
        sg = self.sg
        for shape in all_shapes(sg):
            if self._deactivated(shape):
                continue
            focus = self.focus_nodes(shape)
            if not focus:
                continue
            self.evaluate(shape, focus)
        return self.results

    def _deactivated(self, shape) -> bool:
        d = self.sg.value(shape, SH + "deactivated")
        return isinstance(d, ox.Literal) and d.value in ("true", "1")

    def evaluate(self, shape, focus: set) -> None:
        sg = self.sg
        path_term = sg.value(shape, SH + "path")
        # SHACL 2.3.2: a shape's sh:property shapes apply to its value nodes: the focus nodes
        # themselves for a node shape, the values along the path (per focus node, so a value
        # shared by two focus nodes is checked, and reported, for each) for a property shape
        value_sets = [focus]
        if path_term is not None:
            path = _path_sparql(sg, path_term)
            assert path is not None  # unsupported() sent shapes with other paths to pyshacl
            vals = self.values(path, focus)
            self.check_values(shape, focus, path_term, vals)
            value_sets = ([vals[f] for f in sorted((f for f in focus if f in vals), key=_text) if vals[f]]
                          if self.params(shape, "property") else [])
        else:
            self.check_values(shape, focus, None, None)
        for c in sg.objects(shape, SH + "sparql"):
            self.check_sparql(shape, c, focus, path_term)
        for ps in self.params(shape, "property"):
            if not self._deactivated(ps):
                for nodes in value_sets:
                    self.evaluate(ps, nodes)

    def _wording(self, shape, sparql_constraint) -> tuple[str, str | None]:
        """The shape's severity and its chosen sh:message (None: the default message), read once."""
        k = (shape, sparql_constraint, "wording")
        if k not in self._params:
            sev = self.param(shape, "severity")
            severity = sev.value.rsplit("#", 1)[-1] if isinstance(sev, ox.NamedNode) else "Violation"
            messages = self.sg.objects(sparql_constraint, SH + "message") if sparql_constraint is not None else []
            messages = messages or self.params(shape, "message")
            self._params[k] = (severity, _pick_message(messages) if messages else None)
        return self._params[k]

    def report(self, shape, focus, path, component: str, value=None, default_message: str = "", sparql_constraint=None, bindings=None) -> None:
        severity, picked = self._wording(shape, sparql_constraint)
        message = picked if picked is not None else (default_message() if callable(default_message) else default_message)
        if bindings:
            message = _substitute(message, bindings)
        self.results.append({
            "severity": severity,
            "focus": _text(focus),
            "path": _text(path) if isinstance(path, ox.NamedNode) else (None if path is None else "(path)"),
            "constraint": component,
            "shape": _text(shape) if isinstance(shape, ox.NamedNode) else None,
            "message": message,
            "value": None if value is None else _text(value),
        })

    def plan(self, shape, counts: bool) -> list:
        """The shape's value and count checks as (function, parameter) pairs, in the order results
        are reported (CONSTRAINTS), read from the shapes graph once; counts only along a path."""
        k = (shape, "plan", counts)
        if k not in self._params:
            self._params[k] = [(constraint, param) for key, constraint in CONSTRAINTS.items()
                               if counts or key not in COUNT_PARAMS for param in self.params(shape, key)]
        return self._params[k]

    def check_values(self, shape, focus: set, path, vals: dict | None) -> None:
        """Run the shape's value and count constraints on each focus node's value nodes: `vals`
        maps focus nodes to them along the path, None for a node shape (a focus node is its own
        value node).

        Each constraint parameter is one small function in CONSTRAINTS (a dispatch table, in
        the order results are reported); counts only apply along a path (property shapes).
        """
        plan = self.plan(shape, counts=vals is not None)
        if not plan:
            return
        none: frozenset = frozenset()
        bounds = _count_bounds(plan)  # counts only (most property shapes): skip the nodes within them
        for f in focus:
            values = {f} if vals is None else vals.get(f, none)
            if bounds is not None and bounds[0] <= len(values) <= bounds[1]:
                continue
            c = _Values(self, shape, f, path, values)
            for constraint, param in plan:
                constraint(c, param)

    def regex(self, shape, pat) -> re.Pattern:
        """The shape's sh:pattern (with its sh:flags) compiled once."""
        k = (shape, pat, "regex")
        if k not in self._params:
            flags = self.param(shape, "flags")
            self._params[k] = re.compile(pat.value, _re_flags(flags.value if flags is not None else ""))
        return self._params[k]

    def _list(self, head) -> set:
        k = (head, "list")
        if k not in self._params:
            self._params[k] = set(self.sg.items(head))
        return self._params[k]

    def _compare(self, v, op: str, lim) -> bool:
        if not isinstance(v, ox.Literal):
            return False
        answer = self.store.query(f"SELECT ({_sparql_term(v)} {op} {_sparql_term(lim)} AS ?ok) {{}}")
        row = next(iter(answer), None) if isinstance(answer, ox.QuerySolutions) else None
        ok = row["ok"] if row is not None else None
        return isinstance(ok, ox.Literal) and ok.value == "true"

    def check_sparql(self, shape, constraint, focus: set, path_term) -> None:
        sg = self.sg
        if self._deactivated(constraint):
            return
        select = sg.value(constraint, SH + "select").value
        prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _declared_prefixes(sg, constraint))
        # $this unbound: the query runs once over the graph; rows for other nodes are dropped
        text = prefixes + re.sub(r"\$this\b", "?this", select)
        if path_term is not None:
            text = re.sub(r"\$PATH\b", _path_sparql(sg, path_term) or "", text)
        solutions = self.answer(text)
        names = [v.value for v in solutions.variables]
        for row in solutions:
            f = row["this"]
            if f not in focus:
                continue
            value = row["value"] if "value" in names else None
            if value is None and path_term is None:
                value = f  # as pyshacl (and the SHACL spec) do for node shapes: sh:value is $this
            path = row["path"] if "path" in names and row["path"] is not None else path_term
            bindings = {k: row[k] for k in names if row[k] is not None}
            self.report(shape, f, path, COMPONENT["sparql"], value, "", sparql_constraint=constraint, bindings=bindings)


class _Values:
    """One focus node's value nodes under one shape, and how to report a result about them."""

    __slots__ = ("checker", "shape", "focus", "path", "values", "_ordered")

    def __init__(self, checker: Checker, shape, focus, path, values):
        self.checker, self.shape, self.focus, self.path, self.values = checker, shape, focus, path, values
        self._ordered: list | None = None

    @property
    def where(self) -> _Where:
        return _Where(self.focus, self.path)

    @property
    def ordered(self) -> list:
        """The value nodes in report order; sorted only when a value constraint asks (most
        focus nodes have one value, or a count constraint only)."""
        if self._ordered is None:
            self._ordered = list(self.values) if len(self.values) < 2 else sorted(self.values, key=_text)
        return self._ordered

    def report(self, key: str, value, message) -> None:
        self.checker.report(self.shape, self.focus, self.path, COMPONENT[key], value, message)


def _count_bounds(plan: list) -> tuple[int, float] | None:
    """(fewest, most) values a plan of only sh:minCount/sh:maxCount checks accepts; None if it has others."""
    low, high = 0, float("inf")
    for constraint, n in plan:
        if constraint is _min_count:
            low = max(low, int(n.value))
        elif constraint is _max_count:
            high = min(high, int(n.value))
        else:
            return None
    return low, high


def _min_count(c: _Values, n) -> None:
    if len(c.values) < int(n.value):
        c.report("minCount", None, lambda: f"Less than {n.value} values on {c.where}")


def _max_count(c: _Values, n) -> None:
    if len(c.values) > int(n.value):
        c.report("maxCount", None, lambda: f"More than {n.value} values on {c.where}")


def _class(c: _Values, cls) -> None:
    inst = c.checker.instances(cls.value)
    for v in c.ordered:
        if isinstance(v, ox.Literal) or v not in inst:
            c.report("class", v, lambda: f"Value does not have class {_n3(cls)}")


def _datatype(c: _Values, dt) -> None:
    for v in c.ordered:
        if not _has_datatype(v, dt.value):
            c.report("datatype", v, lambda: f"Value is not Literal with datatype {_n3(dt)}")


def _node_kind(c: _Values, kind) -> None:
    for v in c.ordered:
        if not _node_kind_ok(v, kind.value):
            c.report("nodeKind", v, lambda: f"Value is not of Node Kind {_n3(kind)}")


def _pattern(c: _Values, pat) -> None:
    rx = c.checker.regex(c.shape, pat)
    for v in c.ordered:
        if isinstance(v, ox.BlankNode) or not rx.search(v.value):
            c.report("pattern", v, lambda: f"Value does not match pattern '{pat.value}'")


def _in(c: _Values, lst) -> None:
    allowed = c.checker._list(lst)
    for v in c.ordered:
        if v not in allowed:
            c.report("in", v, lambda v=v: f"Value {_n3(v)} not in list {[_n3(a) for a in allowed]}")


def _has_value(c: _Values, hv) -> None:
    if hv not in c.values:
        c.report("hasValue", None, lambda: (f"Node {c.where} does not contain a value in the set: {[_n3(hv)]}" if c.path is not None
                                            else f"Node {c.where} value is not a in the set of values: {[_n3(hv)]}"))


def _length(key: str, test):
    def constraint(c: _Values, lim) -> None:
        for v in c.ordered:
            if isinstance(v, ox.BlankNode) or not test(v, int(lim.value)):
                c.report(key, v, lambda: f"String length not {'>=' if key == 'minLength' else '<='} {lim.value}")
    return constraint


def _range(key: str, op: str):
    def constraint(c: _Values, lim) -> None:
        for v in c.ordered:
            if not c.checker._compare(v, op, lim):
                c.report(key, v, lambda: f"Value is not {op} {_text(lim)}")
    return constraint


def _language_in(c: _Values, lst) -> None:
    langs = [x.value.lower() for x in c.checker._list(lst)]
    for v in c.ordered:
        tag = (v.language or "").lower() if isinstance(v, ox.Literal) else ""
        if not tag or not any(tag == lang or tag.startswith(lang + "-") for lang in langs):
            c.report("languageIn", v, lambda: f"String language is not in {langs}")


def _unique_lang(c: _Values, u) -> None:
    if u.value != "true":  # only true activates it (W3C test uniqueLang-002: "1" does not)
        return
    seen: dict[str, int] = defaultdict(int)
    for v in c.values:
        if isinstance(v, ox.Literal) and v.language:
            seen[v.language.lower()] += 1
    for _lang in sorted(k for k, n in seen.items() if n > 1):
        c.report("uniqueLang", None, lambda: "More than one String shares the same Language")


# parameter -> its check, in the order results are reported
CONSTRAINTS = {
    "minCount": _min_count,
    "maxCount": _max_count,
    "class": _class,
    "datatype": _datatype,
    "nodeKind": _node_kind,
    "pattern": _pattern,
    "in": _in,
    "hasValue": _has_value,
    "minLength": _length("minLength", lambda v, n: len(v.value) >= n),
    "maxLength": _length("maxLength", lambda v, n: len(v.value) <= n),
    "minInclusive": _range("minInclusive", ">="),
    "maxInclusive": _range("maxInclusive", "<="),
    "minExclusive": _range("minExclusive", ">"),
    "maxExclusive": _range("maxExclusive", "<"),
    "languageIn": _language_in,
    "uniqueLang": _unique_lang,
}


def _declared_prefixes(sg: ShapesGraph, constraint) -> list[tuple[str, str]]:
    out = []
    for holder in sg.objects(constraint, SH + "prefixes"):
        for decl in sg.objects(holder, SH + "declare"):
            p, ns = sg.value(decl, SH + "prefix"), sg.value(decl, SH + "namespace")
            if p is not None and ns is not None:
                out.append((p.value, ns.value))
    return sorted(set(out))


def _pick_message(messages: list) -> str:
    # pyshacl reports every sh:message; the typed report keeps one: prefer English, then untagged
    def rank(m):
        lang = m.language or "" if isinstance(m, ox.Literal) else ""
        return (0 if lang.startswith("en") else 1 if not lang else 2, m.value)
    return sorted(messages, key=rank)[0].value


def _substitute(message: str, bindings: dict) -> str:
    def rep(m):
        v = bindings.get(m.group(1))
        return _text(v) if v is not None else m.group(0)
    return re.sub(r"\{[?$](\w+)\}", rep, message)


def _text(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return "sh:" + term.value[len(SH):] if term.value.startswith(SH) else term.value
    return term.value


class _Where:
    """'focus->path' as pyshacl prints it, computed only if a default message needs it."""

    def __init__(self, focus, path):
        self.focus, self.path = focus, path

    def __str__(self) -> str:
        return f"{_n3(self.focus)}->{_n3(self.path)}" if self.path is not None else _n3(self.focus)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


_NM = None


def _n3(term) -> str:
    """A term as pyshacl's default messages print it (rdflib's n3 with its default prefixes)."""
    global _NM
    import rdflib

    if _NM is None:
        _NM = rdflib.Graph().namespace_manager
    if isinstance(term, ox.NamedNode):
        return _n3_iri(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


@functools.lru_cache(maxsize=4096)
def _n3_iri(iri: str) -> str:
    import rdflib

    return rdflib.URIRef(iri).n3(_NM)


def _sparql_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    return str(term)


def _re_flags(flags: str) -> int:
    out = 0
    for ch, f in (("i", re.IGNORECASE), ("m", re.MULTILINE), ("s", re.DOTALL), ("x", re.VERBOSE)):
        if ch in flags:
            out |= f
    return out


def _node_kind_ok(v, kind: str) -> bool:
    k = kind[len(SH):] if kind.startswith(SH) else kind
    iri, bnode, lit = isinstance(v, ox.NamedNode), isinstance(v, ox.BlankNode), isinstance(v, ox.Literal)
    return {"IRI": iri, "BlankNode": bnode, "Literal": lit, "BlankNodeOrIRI": iri or bnode,
            "BlankNodeOrLiteral": bnode or lit, "IRIOrLiteral": iri or lit}.get(k, False)


def _has_datatype(v, dt: str) -> bool:
    if not isinstance(v, ox.Literal):
        return False
    if v.language:
        return dt == RDF_LANGSTRING
    if v.datatype.value != dt:
        return False
    if dt == XSD_STRING:
        return True
    return not _ill_typed(v.value, dt)


# rdflib's verdict on a lexical form (what pyshacl's sh:datatype uses), mirrored here for the
# datatypes whose rdflib conversion is a Python builtin (int, Decimal, float) or the identity, so that
# checking them imports no rdflib (~50 ms of `citygraph validate FILE`). rdflib's lexical-to-value
# table (rdflib.term.XSDToPython) and well-formedness checks (_check_well_formed_types), as code:
# a literal is ill-typed when the conversion raises, or when the check refuses the value. A datatype
# rdflib does not know (xsd:gYear, geo:wktLiteral, …) is never ill-typed. Dates, times, durations,
# binaries and XML literals still ask rdflib itself. tests/test_fastshacl_datatypes.py compares the
# two on a corpus of lexical forms for every datatype listed here.
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INT_RANGE = {"integer": (None, None), "long": (None, None), "nonPositiveInteger": (None, 0),
              "nonNegativeInteger": (0, None), "negativeInteger": (None, -1), "positiveInteger": (1, None),
              "int": (-2**31, 2**31 - 1), "unsignedLong": (0, None), "short": (-2**15, 2**15 - 1),
              "unsignedInt": (0, 2**32 - 1), "byte": (-2**7, 2**7 - 1), "unsignedShort": (0, 2**16 - 1),
              "unsignedByte": (0, 2**8 - 1)}
_ASK_RDFLIB = {_XSD + n for n in ("time", "date", "dateTime", "duration", "dayTimeDuration", "yearMonthDuration",
                                  "hexBinary", "base64Binary")} | {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral", "http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML"}


def _ill_typed(lexical: str, dt: str) -> bool:
    """rdflib's verdict (what pyshacl uses): is the lexical form invalid for its datatype?"""
    if dt in _ASK_RDFLIB:
        return _ill_typed_rdflib(lexical, dt)
    local = dt[len(_XSD):] if dt.startswith(_XSD) else None
    if local in _INT_RANGE:
        low, high = _INT_RANGE[local]
        try:
            value = int(lexical)
        except ValueError:
            return True
        return (low is not None and value < low) or (high is not None and value > high)
    if local in ("decimal", "float", "double"):
        try:
            (Decimal if local == "decimal" else float)(lexical)
        except (ValueError, ArithmeticError):  # InvalidOperation is an ArithmeticError
            return True
        return False
    if local == "boolean":
        return lexical not in ("true", "false", "1", "0")
    return False  # string, normalizedString, token, language, anyURI (the identity), or unknown to rdflib


def _ill_typed_rdflib(lexical: str, dt: str) -> bool:
    import rdflib  # lazy: only the datatypes rdflib parses with its own code (see _ill_typed)

    log = logging.getLogger("rdflib.term")
    level, log.level = log.level, logging.CRITICAL
    try:
        return bool(rdflib.Literal(lexical, datatype=rdflib.URIRef(dt)).ill_typed)
    finally:
        log.level = level


def check(store: ox.Store, data_graphs: Iterable[str], shapes_store: ox.Store, shapes_graph,
          whole_store: bool = False) -> list[dict]:
    """Run every shape; one dict per result (severity, focus, path, constraint, shape, message, value)."""
    return Checker(store, data_graphs, shapes_store, shapes_graph, whole_store).run()


__all__ = ["check", "unsupported", "ShapesGraph", "Checker"]
