"""Binding parameter values into a stored query as VALUES blocks (see `bound_text`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import pyoxigraph as ox

from ..errors import BadInput
from . import places
from .catalogue import LIMIT, StoredQuery
from .sparqltext import _groups, outer_group_start
from .terms import TYPES, parse_value, sparql_term


def bind(query: StoredQuery, values: Mapping[str, str | object]) -> dict[str, object]:
    """variable -> term for every parameter that has a value (given, or its default).

    `values` maps parameter names to text (from the CLI) or to terms/Python values (API).
    """
    out: dict[str, object] = {}
    given = dict(values)
    for name in given:
        query.parameter(name)  # unknown name -> BadInput listing the known ones
    for p in query.parameters:
        where = f"parameter {p.name!r} of query {query.name!r}"
        if p.name in given and given[p.name] is not None:
            raw = given[p.name]
            if isinstance(raw, (ox.NamedNode, ox.Literal)):
                raw = raw.value if isinstance(raw, ox.NamedNode) or not raw.language else f"{raw.value}@{raw.language}"
            elif isinstance(raw, bool):
                raw = "true" if raw else "false"
            if isinstance(raw, str) and places.is_place_parameter(query, p.name) and places.is_name(raw):
                places.check_name(raw, where)  # a name: run() resolves it against the graph (query/places.py)
                out[p.variable] = ox.Literal(raw)
                continue
            if isinstance(raw, str) and places.is_place_parameter(query, p.name) and places.is_qid(raw):
                raw = places.qid_iri(raw)
            out[p.variable] = parse_value(p.type, str(raw), where)
        elif p.default is not None:
            out[p.variable] = p.default
        elif p.required:
            raise BadInput(f"{where} is required: give -p {p.name}=<{p.type}> ({TYPES[p.type][1]})")
    return out


def bound_text(query: StoredQuery, bindings: Mapping[str, object]) -> str:
    """The query text with the bound values joined in as VALUES blocks.

    Every group graph pattern that mentions a bound variable — the outer WHERE group, and each
    nested group (UNION branches, OPTIONAL, GRAPH, SERVICE, EXISTS) — starts with a VALUES block
    for the variables it uses. Joining the same constant again changes no answer, but it gives
    the value to each group as SPARQL substitution would: engines then use it to narrow each
    pattern (oxigraph does not push an outer VALUES into a UNION), and a SERVICE sees it whether
    or not the engine passes bindings to the remote service.

    A `limit` parameter's value (key catalogue.LIMIT, a checked positive integer) is appended as
    the query's `LIMIT n`; the catalogue made sure the query has no LIMIT, OFFSET or trailing
    VALUES of its own.
    """
    if not bindings:
        return query.text
    if outer_group_start(query.text) is None:
        raise BadInput(f"query {query.name!r}: a query with parameters needs a WHERE {{ … }} group to bind them in")
    limit = bindings.get(LIMIT)
    text = query.text
    for offset, variables in _insertions(query.text, tuple(sorted(v for v in bindings if v != LIMIT))):
        block = (" VALUES (" + " ".join("?" + v for v in variables) + ") { ("
                 + " ".join(sparql_term(bindings[v]) for v in variables) + ") }\n")
        text = text[:offset] + block + text[offset:]
    if limit is not None:
        text += f"\nLIMIT {_limit_number(limit)}\n"
    return text


@lru_cache(maxsize=512)
def _insertions(text: str, names: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    """(offset, variables) of each VALUES block to insert, the last offset first. Kept per query text
    and variable names: a server binds the same stored query for every page (lexing it took ~1 ms)."""
    inserts = []
    for start, end in _groups(text):
        used = [v for v in names if re.search(r"[?$]" + re.escape(v) + r"\b", text[start:end])]
        if used:
            inserts.append((start, used))
    return sorted(inserts, reverse=True)


def _limit_number(term: object) -> int:
    """The row limit as an int, from the term bind() checked (never text pasted as given)."""
    if not isinstance(term, ox.Literal) or not term.value.isdigit() or int(term.value) < 1:
        raise BadInput(f"cannot bind {term!r} as a row limit: give a whole number, 1 or more")
    return int(term.value)
