"""SHACL validation into a typed report: focus node, path, severity, constraint, message."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from ..errors import BadInput, ValidationFailed
from ..load.rdfio import to_rdflib
from ..namespaces import PREFIXES
from . import SEVERITIES

if TYPE_CHECKING:
    import rdflib
# rdflib (~50 ms to import) only where a report is an rdflib graph: pyshacl's (the reference, and
# the fallback for shapes the fast checker lacks) and the Turtle report (`--format turtle`). The fast
# checker's report as a table or JSON needs none.
_SH = PREFIXES["sh"]

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True, order=True)
class Result:
    severity: str  # Violation | Warning | Info
    focus: str
    path: str | None
    constraint: str  # the constraint component, e.g. sh:MinCountConstraintComponent
    shape: str | None
    message: str
    value: str | None = None


@dataclass(frozen=True)
class Group:
    """Results that share severity, shape, constraint and message."""

    severity: str
    shape: str | None
    constraint: str
    message: str
    count: int
    example: Result


def severity_name(choice: str) -> str:
    """'warning' -> 'Warning' (the sh:resultSeverity local name)."""
    name = choice.capitalize()
    if name not in SEVERITY_ORDER:
        raise BadInput(f"--severity {choice!r}: choose one of {', '.join(SEVERITIES)}")
    return name


def compact(iri: str) -> str:
    """An IRI as prefix:local when one of citygraph's prefixes covers it (for reading, not parsing)."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns):]}"
    return iri


@dataclass
class ValidationReport:
    conforms: bool
    results: list[Result]
    graph: rdflib.Graph | None = None

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Warning"]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r.severity] = out.get(r.severity, 0) + 1
        return out

    def at_least(self, severity: str) -> ValidationReport:
        """The same report listing only results as severe as `severity` or more (conforms unchanged)."""
        limit = SEVERITY_ORDER[severity_name(severity)]
        kept = [r for r in self.results if SEVERITY_ORDER.get(r.severity, 9) <= limit]
        return ValidationReport(conforms=self.conforms, results=kept, graph=None if len(kept) != len(self.results) else self.graph)

    def groups(self) -> list[Group]:
        """Results grouped by severity, shape, constraint and message: counts and the first example each."""
        by_key: dict[tuple, list[Result]] = {}
        for r in self.results:
            by_key.setdefault((r.severity, r.shape or "", r.constraint, r.message), []).append(r)
        out = [Group(severity=k[0], shape=k[1] or None, constraint=k[2], message=k[3], count=len(rs), example=rs[0])
               for k, rs in by_key.items()]
        return sorted(out, key=lambda g: (SEVERITY_ORDER.get(g.severity, 9), -g.count, g.shape or "", g.constraint, g.message))

    def headline(self) -> str:
        """'conforms: yes; 2 warning(s)' — the counts by severity, most severe first."""
        verdict = f"conforms: {'yes' if self.conforms else 'no'}; "
        if not self.results:
            return verdict + "no results"
        counts = sorted(self.counts().items(), key=lambda kv: SEVERITY_ORDER.get(kv[0], 9))
        return verdict + ", ".join(f"{n} {k.lower()}(s)" for k, n in counts)

    def to_summary(self) -> str:
        """The headline, then one block per group: count, shape, message and one example."""
        groups = self.groups()
        lines = [self.headline()]
        if groups:
            lines.append(f"{len(self.results):,} result(s) in {len(groups)} group(s) by shape and message:")
        for g in groups:
            lines.append(f"  {g.count:>7,} {g.severity:<9} {compact(g.shape) if g.shape else '(no shape)'} ({g.constraint})")
            lines.append(f"          {g.message}")
            example = g.example
            detail = f"e.g. {compact(example.focus)}"
            if example.path:
                detail += f" {compact(example.path)}"
            if example.value is not None:
                detail += f" = {example.value}"
            lines.append(f"          {detail}")
        return "\n".join(lines)

    def to_text(self, limit: int | None = None) -> str:
        lines = [self.headline()]
        shown = self.results if limit is None else self.results[:limit]
        for r in shown:
            lines.append(f"[{r.severity}] {r.focus}")
            lines.append(f"    path:       {r.path or '-'}")
            lines.append(f"    constraint: {r.constraint}" + (f" (shape {r.shape})" if r.shape else ""))
            if r.value is not None:
                lines.append(f"    value:      {r.value}")
            lines.append(f"    message:    {r.message}")
        if limit is not None and len(self.results) > limit:
            lines.append(f"... and {len(self.results) - limit} more (use --format json for all)")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps({"conforms": self.conforms, "results": [asdict(r) for r in self.results]}, ensure_ascii=False, indent=2)

    def to_turtle(self) -> str:
        return (self.graph if self.graph is not None else results_graph(self.results)).serialize(format="turtle")


def _short(term) -> str | None:
    if term is None:
        return None
    s = str(term)
    if s.startswith(_SH):
        return "sh:" + s[len(_SH):]
    return s


def report_from_graph(results_graph: rdflib.Graph) -> ValidationReport:
    """Turn pyshacl's results graph into a sorted, typed report."""
    import rdflib  # lazy: see the imports
    from rdflib.namespace import RDF, SH  # rdflib's terms: pyshacl's report is an rdflib graph

    results = []
    for node in results_graph.subjects(RDF.type, SH.ValidationResult):
        g = results_graph
        sev = g.value(node, SH.resultSeverity)
        results.append(Result(
            severity=str(sev).rsplit("#", 1)[-1] if sev else "Violation",
            focus=str(g.value(node, SH.focusNode)),
            path=_short(g.value(node, SH.resultPath)),
            constraint=_short(g.value(node, SH.sourceConstraintComponent)) or "",
            shape=None if isinstance(g.value(node, SH.sourceShape), rdflib.BNode) else _short(g.value(node, SH.sourceShape)),
            message=str(g.value(node, SH.resultMessage) or ""),
            value=None if g.value(node, SH.value) is None else str(g.value(node, SH.value)),
        ))
    results.sort(key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.focus, r.path or "", r.constraint, r.message))
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=conforms, results=results, graph=results_graph)


def validate_graphs(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph | None = None) -> ValidationReport:
    import pyshacl
    import rdflib  # lazy: see the imports

    # Warnings do not make pyshacl's `conforms` false for us: we judge by violations only.
    try:
        _conforms, results_graph, _text = pyshacl.validate(
            data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True, allow_warnings=True,
        )
    except pyshacl.errors.ReportableRuntimeError as err:
        raise BadInput(f"the SHACL shapes cannot be applied: {err}; fix the shapes file") from None
    if not isinstance(results_graph, rdflib.Graph):  # pyshacl returns a ValidationFailure for broken shapes
        raise BadInput(f"the SHACL shapes cannot be applied: {results_graph}; fix the shapes file")
    return report_from_graph(results_graph)


def report_from_results(results: list[dict]) -> ValidationReport:
    """A typed report from fastshacl's result dicts, sorted like report_from_graph's."""
    out = sorted((Result(**r) for r in results), key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.focus, r.path or "", r.constraint, r.message))
    return ValidationReport(conforms=not any(r.severity == "Violation" for r in out), results=out, graph=None)


def results_graph(results: list[Result]) -> rdflib.Graph:
    """A SHACL validation report graph for a report that was computed without one (fast engine)."""
    import rdflib  # lazy: see the imports
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import RDF, SH

    def term(text: str):
        return SH[text[3:]] if text.startswith("sh:") else URIRef(text)

    g = rdflib.Graph()
    g.bind("sh", SH)
    report = BNode("report")
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(not any(r.severity == "Violation" for r in results))))
    for i, r in enumerate(results):
        n = BNode(f"r{i}")
        g.add((report, SH.result, n))
        g.add((n, RDF.type, SH.ValidationResult))
        g.add((n, SH.resultSeverity, SH[r.severity]))
        g.add((n, SH.focusNode, URIRef(r.focus)))
        if r.path and r.path != "(path)":
            g.add((n, SH.resultPath, term(r.path)))
        g.add((n, SH.sourceConstraintComponent, term(r.constraint)))
        if r.shape:
            g.add((n, SH.sourceShape, term(r.shape)))
        g.add((n, SH.resultMessage, Literal(r.message)))
        if r.value is not None:
            g.add((n, SH.value, Literal(r.value)))
    return g


def validate_built(built, engine: str = "fast", *, set_aside: bool | None = None) -> ValidationReport:
    """Validate data + inferred triples (with the ontology alongside) against the shapes.

    engine 'fast' compiles the shapes into whole-graph queries on the store (fastshacl.py) when
    they use only what that checker supports, else falls back to pyshacl; 'pyshacl' always uses
    the reference. `set_aside=True`: the caller guarantees that no other thread reads the graphs
    that hold no knowledge (shapes, alignments) meanwhile (see content_only).
    """
    content = built.checked_graphs
    if engine == "fast":
        import pyoxigraph as ox

        from . import fastshacl

        shapes_store = ox.Store()
        shapes_store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                            for g in built.shape_graphs for q in built.store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        if not fastshacl.unsupported(fastshacl.ShapesGraph(shapes_store, ox.DefaultGraph())):
            with content_only(built.store, content, exclusive=set_aside) as whole:
                results = fastshacl.check(built.store, content, shapes_store, ox.DefaultGraph(), whole_store=whole)
            return report_from_results(results)
    data = to_rdflib(built.store, built.ontology_graphs + built.data_graphs + ([built.inferred_graph] if built.inferred_graph else []))
    shapes = to_rdflib(built.store, built.shape_graphs)
    return validate_graphs(data, shapes)


@contextlib.contextmanager
def content_only(store, content: list[str], exclusive: bool | None = None) -> Iterator[bool]:
    """Set aside the store's other named graphs (shapes, alignments: a few hundred triples) while
    the data is checked, so the checker can match on the store's union of graphs, once per
    pattern, instead of once per content graph; they are put back afterwards, whatever happens.
    Yields False (nothing set aside) when that cannot be done: a read-only store, triples in
    the default graph, or another thread running, which could be reading the store (the checker
    then matches graph by graph, without changing the store), unless `exclusive` says that thread
    reads none of the graphs set aside (`citygraph build` copies them to disk first)."""
    import threading

    import pyoxigraph as ox

    if not exclusive and threading.active_count() > 1:
        yield False
        return
    keep = set(content)
    others = [g for g in store.named_graphs() if not (isinstance(g, ox.NamedNode) and g.value in keep)]
    if any(True for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())):
        yield False
        return
    aside = {g: list(store.quads_for_pattern(None, None, None, g)) for g in others}
    try:
        for g in others:
            store.remove_graph(g)
    except (OSError, RuntimeError):  # a read-only store (pyoxigraph raises RuntimeError)
        yield False
        return
    try:
        yield True
    finally:
        for g, quads in aside.items():
            store.add_graph(g)
            store.extend(quads)


def raise_if_violations(report: ValidationReport) -> None:
    if report.violations:
        raise ValidationFailed(
            f"the data does not conform: {len(report.violations)} violation(s), listed above by shape; "
            "`citygraph validate --severity violation` lists each one",
            report=report, details=report.at_least("violation").to_summary(),
        )
