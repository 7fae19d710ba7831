"""Which triples a SPARQL query can read: its triple patterns' predicates (and rdf:type classes).

Why: Oxigraph's in-memory store finds `?s <p> ?o` with ?s bound by walking every quad of ?s, so a
join over places and ties (which carry dozens of labels, types and provenance triples each) costs
several times what it costs on a store holding only the triples the query can match. fastshacl.py
runs an sh:sparql constraint on such a scratch store when this module can say exactly which
triples those are; the answer is the same, since a solution only ever uses triples that match one
of the query's patterns.

`scope(text)` reads the query conservatively and returns its Scope: the patterns as (predicate
IRI, class IRI or None) pairs — None meaning any object — and the most triple patterns one group
joins; or None when it cannot vouch for the answer: a
variable or negated predicate, a zero-length path (`*`, `?`, which reach every node of the graph),
`rdf:type` with a variable class (all type triples: nothing saved), GRAPH, SERVICE, FROM, BASE,
blank-node property lists, collections, or anything it does not recognise.
"""

from __future__ import annotations

import re
from typing import NamedTuple

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_TOKEN = re.compile(r"""
    (?P<ws>\s+|\#[^\n]*)
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<pname>(?:[A-Za-z][\w\-.]*)?:(?:[\w\-:%]|\.(?=[\w\-:%]))*|_:[\w\-.]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;^/|*+?!=<>-])
""", re.VERBOSE)

# Keywords that start a part of a group graph pattern other than triples.
_REJECT = {"GRAPH", "SERVICE", "FROM", "BASE", "MINUS", "LATERAL", "CONSTRUCT", "DESCRIBE", "ASK", "LOAD", "INSERT", "DELETE"}


class Scope(NamedTuple):
    patterns: frozenset[tuple[str, str | None]]  # (predicate, class of an rdf:type pattern or None)
    widest: int  # the most triple patterns in one group (a basic graph pattern joins them)


class Unreadable(Exception):
    """The query uses something this reader does not vouch for."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise Unreadable(f"unexpected character at {pos}")
        pos = m.end()
        kind = m.lastgroup or ""
        if kind != "ws":
            out.append((kind, m.group()))
    return out


class _Reader:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.toks, self.i = tokens, 0
        self.prefixes: dict[str, str] = {}
        self.patterns: set[tuple[str, str | None]] = set()
        self.widest = 0

    # -- token access ----------------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> tuple[str, str]:
        j = self.i + ahead
        return self.toks[j] if j < len(self.toks) else ("end", "")

    def next(self) -> tuple[str, str]:
        tok = self.peek()
        if tok[0] == "end":
            raise Unreadable("unexpected end")
        self.i += 1
        return tok

    def expect(self, value: str) -> None:
        if self.next()[1] != value:
            raise Unreadable(f"expected {value}")

    def is_word(self, *words: str) -> bool:
        kind, value = self.peek()
        return kind == "word" and value.upper() in words

    def iri(self, kind: str, value: str) -> str:
        if kind == "iri":
            return value[1:-1]
        if kind == "pname" and not value.startswith("_:"):
            prefix, local = value.split(":", 1)
            if prefix not in self.prefixes or "\\" in local:
                raise Unreadable(f"unknown prefix {prefix}")
            return self.prefixes[prefix] + local
        if kind == "word" and value == "a":
            return RDF_TYPE
        raise Unreadable(f"not an IRI: {value}")

    # -- query -------------------------------------------------------------------------------------
    def query(self) -> None:
        while self.is_word("PREFIX"):
            self.next()
            kind, name = self.next()
            if kind != "pname" or not name.endswith(":"):
                raise Unreadable("bad PREFIX")
            kind, ns = self.next()
            if kind != "iri":
                raise Unreadable("bad PREFIX")
            self.prefixes[name[:-1]] = ns[1:-1]
        self.select()
        if self.peek()[0] != "end":  # solution modifiers: GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET
            self.expressions_until_end()

    def select(self) -> None:
        if not self.is_word("SELECT"):
            raise Unreadable("not a SELECT")
        self.next()
        while not (self.is_word("WHERE") or self.peek()[1] == "{"):
            kind, value = self.next()
            if value == "(":
                self.expression_rest()
            elif kind == "word" and value.upper() in _REJECT:
                raise Unreadable(value)
        if self.is_word("WHERE"):
            self.next()
        self.group()

    def expressions_until_end(self) -> None:
        while self.peek()[0] != "end":
            kind, value = self.peek()
            if value == "{" or (kind == "word" and value.upper() in _REJECT):
                raise Unreadable("a pattern after the query's group")
            self.next()
            if value == "(":
                self.expression_rest()

    # -- group graph patterns ------------------------------------------------------------------------
    def group(self) -> None:
        self.expect("{")
        if self.is_word("SELECT"):
            self.select()
            if self.peek()[1] != "}":
                self.expressions_in_subselect()
            self.expect("}")
            return
        count = 0
        while self.peek()[1] != "}":
            count += self.group_part()
        self.widest = max(self.widest, count)
        self.expect("}")

    def expressions_in_subselect(self) -> None:
        while self.peek()[1] != "}":
            kind, value = self.next()
            if value == "{" or (kind == "word" and value.upper() in _REJECT):
                raise Unreadable("a pattern in a sub-select's modifiers")
            if value == "(":
                self.expression_rest()

    def group_part(self) -> int:
        """Read one part of a group; returns how many triple patterns it adds to the group's own."""
        kind, value = self.peek()
        word = value.upper() if kind == "word" and value != "a" else ""
        if value == ".":
            self.next()
        elif value == "{":
            self.group()
            while self.is_word("UNION"):
                self.next()
                self.group()
        elif word == "OPTIONAL":
            self.next()
            self.group()
        elif word == "FILTER":
            self.next()
            self.constraint()
        elif word == "BIND":
            self.next()
            self.expect("(")
            self.expression_rest()
        elif word == "VALUES":
            self.next()
            self.values_block()
        elif word:
            raise Unreadable(value)
        else:
            return self.triples()
        return 0

    def values_block(self) -> None:
        kind, value = self.next()
        if value == "(":
            while self.next()[1] != ")":
                pass
        elif kind != "var":
            raise Unreadable("bad VALUES")
        self.expect("{")
        while self.peek()[1] != "}":
            if self.next()[1] in ("{", "["):
                raise Unreadable("bad VALUES")
        self.expect("}")

    def constraint(self) -> None:
        kind, value = self.peek()
        if value == "(":
            self.next()
            self.expression_rest()
        elif kind == "word" and value.upper() in ("EXISTS", "NOT"):
            self.exists()
        elif kind in ("word", "iri", "pname") and self.peek(1)[1] == "(":  # a function call
            self.next()
            self.next()
            self.expression_rest()
        else:
            raise Unreadable("bad FILTER")

    def exists(self) -> None:
        if self.is_word("NOT"):
            self.next()
        if not self.is_word("EXISTS"):
            raise Unreadable("NOT without EXISTS")
        self.next()
        self.group()

    def expression_rest(self) -> None:
        """Skip an expression up to its closing parenthesis, reading EXISTS groups inside it."""
        depth = 1
        while depth:
            kind, value = self.peek()
            if kind == "word" and value.upper() in ("EXISTS", "NOT") and (value.upper() == "EXISTS" or self.peek(1)[1].upper() == "EXISTS"):
                self.exists()
                continue
            if value in ("{", "}") or (kind == "word" and value.upper() in _REJECT):
                raise Unreadable("a pattern inside an expression")
            self.next()
            depth += {"(": 1, ")": -1}.get(value, 0)

    # -- triples ------------------------------------------------------------------------------------
    def term(self) -> str | None:
        """A subject or object: its IRI, or None for a variable, blank node or literal."""
        kind, value = self.next()
        if kind in ("var",):
            return None
        if kind == "pname" and value.startswith("_:"):
            return None
        if kind in ("iri", "pname"):
            return self.iri(kind, value)
        if kind == "string":
            if self.peek()[0] == "lang":
                self.next()
            elif self.peek()[1] == "^^":
                self.next()
                self.iri(*self.next())
            return None
        if kind == "number" or (kind == "word" and value in ("true", "false")):
            return None
        raise Unreadable(f"subject or object {value}")

    def triples(self) -> int:
        self.term()
        count = 0
        while True:
            predicates, is_type = self.verb()
            objects = [self.term()]
            while self.peek()[1] == ",":
                self.next()
                objects.append(self.term())
            count += len(objects)
            for p in predicates:
                if is_type:
                    if any(o is None for o in objects):
                        raise Unreadable("rdf:type with a variable class")
                    self.patterns.update((p, o) for o in objects)
                else:
                    self.patterns.add((p, None))
            if self.peek()[1] != ";":
                break
            while self.peek()[1] == ";":
                self.next()
            if self.peek()[1] in (".", "}") or (self.peek()[0] == "word" and self.peek()[1] != "a"):
                break
        return count

    def verb(self) -> tuple[list[str], bool]:
        """A predicate or a path of IRIs: the IRIs, and whether it is rdf:type alone."""
        kind, value = self.peek()
        if kind in ("iri", "pname", "word") and self.peek(1)[1] not in ("/", "|", "+", "*", "?"):
            self.next()
            iri = self.iri(kind, value)
            return [iri], iri == RDF_TYPE
        iris = self.path()
        return iris, False

    def path(self) -> list[str]:
        """A property path made of IRIs, sequences, alternatives, inverses and `+` only."""
        iris = []
        while True:
            kind, value = self.next()
            if value == "^":
                continue
            if value == "(":
                iris.extend(self.path())
                self.expect(")")
            elif kind in ("iri", "pname", "word"):
                iris.append(self.iri(kind, value))
            else:
                raise Unreadable(f"path element {value}")
            if self.peek()[1] == "+":
                self.next()
            if self.peek()[1] in ("*", "?", "!"):
                raise Unreadable("a zero-length or negated path")
            if self.peek()[1] not in ("/", "|"):
                return iris
            self.next()


def scope(text: str) -> Scope | None:
    """The (predicate, class or None) patterns the SELECT query `text` can match, or None if unsure."""
    try:
        reader = _Reader(_tokens(text))
        reader.query()
    except (Unreadable, IndexError, ValueError):
        return None
    return Scope(frozenset(reader.patterns), reader.widest)


__all__ = ["Scope", "scope"]
