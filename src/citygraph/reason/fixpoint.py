"""The fast reasoner's instance rules run to a fixpoint, on N-Triples term text, a predicate at a time.

Every term is its N-Triples text (`<iri>`, `_:b1`, `"x"@en`): the engine gives it by `str(term)`
and reads it back with its own parser, two terms are equal exactly when their texts are, and the
result goes into the store as one N-Triples document (`Store.load`, parsed in Rust) instead of a
Python `Quad` per triple. The facts are held as one set of (subject, object) pairs per predicate,
so each rule is applied to all the new pairs of a predicate at once (semi-naive evaluation: a
round joins only what the previous round added), with set operations that run in C:

- prp-spo1/eqp: the pairs of p are pairs of each super-property;
- prp-inv1/2, prp-symp: the pairs of p with an IRI object, swapped, are pairs of its inverses
  (and of p itself when it is symmetric);
- prp-trp: the new pairs of a transitive p joined with all of p's pairs, on both sides;
- prp-dom, prp-rng: the subjects (IRI objects) of p are members of its domains (ranges);
- cax-sco/cax-eqc: the members of a class are members of its superclasses (closed already by
  owlrl on the ontology, so one pass reaches them all).

Which entailments are kept (materialise.is_useful) is asked once per predicate, or per predicate
and object where the verdict depends on the object, through the `Keep` the caller passes; a class
whose members are never kept (owl:Thing, prov:Entity …) is never filled.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TYPE = f"<{RDF_TYPE}>"
Pairs = set[tuple[str, str]]
Verdict = Callable[[str, str], bool]  # (predicate, object), both N-Triples text -> keep?


def nt(iri: str) -> str:
    """The N-Triples text of an IRI."""
    return f"<{iri}>"


def _nt_table(table: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
    return {nt(k): tuple(sorted(nt(v) for v in vs)) for k, vs in table.items() if vs}


@dataclass(frozen=True)
class Rules:
    """The compiled schema's instance rules with every IRI as N-Triples text."""

    superprops: dict[str, tuple[str, ...]]
    inverse: dict[str, tuple[str, ...]]
    symmetric: frozenset[str]
    transitive: frozenset[str]
    domain: dict[str, tuple[str, ...]]
    range: dict[str, tuple[str, ...]]
    supers: dict[str, tuple[str, ...]]

    @classmethod
    def of(cls, schema) -> Rules:
        """From a materialise.Schema (tables of bare IRIs)."""
        return cls(_nt_table(schema.superprops), _nt_table(schema.inverse), frozenset(map(nt, schema.symmetric)),
                   frozenset(map(nt, schema.transitive)), _nt_table(schema.domain), _nt_table(schema.range),
                   _nt_table(schema.supers))

    @property
    def active(self) -> frozenset[str]:
        """Predicates whose pairs a property rule reads (rdf:type never starts a property round)."""
        out = set(self.superprops) | set(self.inverse) | self.symmetric | self.transitive
        return frozenset(out - {TYPE})

    @property
    def read(self) -> list[str]:
        """Every predicate any rule reads or writes, and rdf:type (bare IRIs, sorted)."""
        out = set(self.superprops) | set(self.inverse) | self.symmetric | self.transitive | set(self.domain) | set(self.range)
        out |= {q for qs in self.superprops.values() for q in qs} | {q for qs in self.inverse.values() for q in qs}
        return sorted(p[1:-1] for p in out | {TYPE})


def asserted_pairs(store: ox.Store, graphs: Iterable[str], predicates: Iterable[str]) -> dict[str, Pairs]:
    """N-Triples predicate -> the (subject, object) pairs `graphs` assert with it (bare IRIs in)."""
    gs = [ox.NamedNode(g) for g in graphs]
    out: dict[str, Pairs] = {}
    for p in predicates:
        pred = ox.NamedNode(p)
        pairs = {(str(q.subject), str(q.object)) for g in gs for q in store.quads_for_pattern(None, pred, None, g)}
        if pairs:
            out[nt(p)] = pairs
    return out


def property_closure(asserted: dict[str, Pairs], rules: Rules) -> dict[str, Pairs]:
    """All pairs per predicate after prp-spo1, prp-inv1/2, prp-symp and prp-trp, to a fixpoint."""
    facts = dict(asserted)  # a predicate's asserted set is copied only when it grows
    active = rules.active
    delta = {p: pairs for p, pairs in facts.items() if p in active}
    while delta:
        new: dict[str, Pairs] = defaultdict(set)
        for p, pairs in delta.items():
            _one_round(p, pairs, facts, rules, new)
        delta = {}
        for p, pairs in new.items():
            have = facts.get(p, set())
            pairs -= have
            if pairs:
                facts[p] = have | pairs
                if p in active:
                    delta[p] = pairs
    return facts


def _one_round(p: str, pairs: Pairs, facts: dict[str, Pairs], rules: Rules, new: dict[str, Pairs]) -> None:
    """What the new `pairs` of p entail, into `new` (pairs of other predicates, or of p)."""
    for sup in rules.superprops.get(p, ()):
        new[sup] |= pairs
    inverses = rules.inverse.get(p, ())
    symmetric = p in rules.symmetric
    if inverses or symmetric:
        swapped = {(o, s) for s, o in pairs if o[0] == "<"}  # only an IRI can be a subject
        for inv in inverses:
            new[inv] |= swapped
        if symmetric:
            new[p] |= swapped
    if p in rules.transitive:
        new[p] |= _transitive_step(pairs, facts[p])


def _transitive_step(delta: Pairs, pairs: Pairs) -> Pairs:
    """(a, c) for (a, b) and (b, c) of which at least one is new: `pairs` holds `delta` already."""
    by_subject: dict[str, list[str]] = defaultdict(list)
    by_object: dict[str, list[str]] = defaultdict(list)
    for s, o in pairs:
        by_subject[s].append(o)
        by_object[o].append(s)
    out = {(s, o2) for s, o in delta for o2 in by_subject.get(o, ())}
    out |= {(s2, o) for s, o in delta for s2 in by_object.get(s, ())}
    return out


def class_members(facts: dict[str, Pairs], typed: dict[str, set[str]], rules: Rules,
                  wanted: Callable[[str], bool]) -> dict[str, set[str]]:
    """Class -> its members, for the classes `wanted` keeps: the types in `typed` (class -> the
    subjects typed with it, asserted and entailed: by_object(facts[TYPE])), prp-dom,
    prp-rng, then cax-sco. The superclasses are closed already (owlrl closed the ontology), so a
    member of c is a member of every class in ({c} | supers[c]); only the wanted ones are filled."""
    ups: dict[str, tuple[str, ...]] = {}

    def up(classes: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for c in classes:
            if c not in ups:
                ups[c] = tuple(d for d in (c, *rules.supers.get(c, ())) if wanted(d))
            out.update(ups[c])
        return out

    members: dict[str, set[str]] = defaultdict(set)
    for c, subjects in typed.items():
        if c[0] == "<":
            for d in up([c]):
                members[d] |= subjects
    for p, classes in rules.domain.items():
        targets = up(classes)
        if p != TYPE and p in facts and targets:
            subjects = {s for s, _ in facts[p]}
            for c in targets:
                members[c] |= subjects
    for p, classes in rules.range.items():
        targets = up(classes)
        if p != TYPE and p in facts and targets:
            objects = {o for _, o in facts[p] if o[0] == "<"}
            for c in targets:
                members[c] |= objects
    return members


def by_object(pairs: Pairs) -> dict[str, set[str]]:
    """Object -> the subjects paired with it."""
    out: dict[str, set[str]] = defaultdict(set)
    for s, o in pairs:
        out[o].add(s)
    return out


@dataclass(frozen=True)
class Keep:
    """Which entailments are kept (materialise.is_useful, asked as rarely as it can be)."""

    vocabularies: tuple[str, ...]  # N-Triples prefixes ("<http://www.w3.org/2002/07/owl#" …) of subjects never kept
    verdict: Verdict  # (p, o): o is "" for any IRI or literal object, "_:" for a blank one, unless p is in by_object
    by_object: frozenset[str]  # predicates whose verdict depends on the object itself
    reflexive: frozenset[str]  # predicates whose (x p x) is never kept


def entailed_lines(store: ox.Store, graphs: Iterable[str], rules: Rules, keep: Keep) -> list[str]:
    """The kept entailments of `graphs` that they do not assert, as N-Triples lines ("s p o .")."""
    asserted = asserted_pairs(store, graphs, rules.read)
    facts = property_closure(asserted, rules)
    out: list[str] = []
    for p, pairs in facts.items():
        if p != TYPE:
            out += _property_lines(p, pairs, asserted.get(p, set()), keep)
    stated = by_object(asserted.get(TYPE, set()))
    typed = stated if facts.get(TYPE) is asserted.get(TYPE) else by_object(facts.get(TYPE, set()))
    vocab = keep.vocabularies
    for c, members in class_members(facts, typed, rules, lambda c: keep.verdict(TYPE, c)).items():
        # a kept subject is an IRI outside the RDF/OWL vocabularies
        out += [f"{s} {TYPE} {c} ." for s in members - stated.get(c, set()) if s[0] == "<" and not s.startswith(vocab)]
    return out


def _property_lines(p: str, pairs: Pairs, asserted: Pairs, keep: Keep) -> list[str]:
    """The kept pairs of p that are not asserted, as N-Triples lines."""
    verdict, vocab = keep.verdict, keep.vocabularies
    if p in keep.by_object:
        reflexive = p in keep.reflexive
        kept = [(s, o) for s, o in pairs - asserted
                if s[0] == "<" and not s.startswith(vocab) and not (reflexive and s == o) and verdict(p, o)]
    else:
        keep_other, keep_blank = verdict(p, ""), verdict(p, "_:")
        if not (keep_other or keep_blank):
            return []  # e.g. skos:exactMatch: nothing reads it (materialise._read)
        kept = [(s, o) for s, o in pairs - asserted
                if s[0] == "<" and not s.startswith(vocab) and (keep_blank if o[0] == "_" else keep_other)]
    return [f"{s} {p} {o} ." for s, o in kept]


__all__ = ["Rules", "Keep", "asserted_pairs", "property_closure", "class_members", "entailed_lines", "nt", "TYPE"]
