"""Parameter values as RDF terms: parse and check a user's text against a declared type, and
serialise terms to SPARQL ourselves (never user text pasted into a query)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pyoxigraph as ox

from ..errors import BadInput
from ..namespaces import PREFIXES, VOCAB, XSD

# Declared type -> (grlc variable suffix, what a value looks like).
TYPES: dict[str, tuple[str, str]] = {
    "iri": ("iri", "an absolute IRI or a prefixed name such as place:Q16666"),
    "date": ("xsd_date", "a date YYYY-MM-DD"),
    "gYear": ("xsd_gYear", "a year YYYY"),
    "gYearMonth": ("xsd_gYearMonth", "a month YYYY-MM"),
    "integer": ("xsd_integer", "a whole number"),
    "decimal": ("xsd_decimal", "a decimal number such as 2.5"),
    "boolean": ("xsd_boolean", "true or false"),
    "string": ("xsd_string", "any text without control characters"),
    "langString": ("rdf_langString", "text with a language tag, such as 南京市@zh-Hans"),
    # Not a variable: the query's LIMIT (see catalogue.LIMIT and binding.bound_text).
    "limit": ("limit", "a whole number of rows, 1 or more"),
}

# The project prefixes plus the vocabularies' own, for reading and showing IRIs.
DISPLAY_PREFIXES: dict[str, str] = dict(PREFIXES) | {
    name: f"{VOCAB}{name}/" for name in ("role", "field", "document", "measure", "criterion")
}

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):([A-Za-z0-9_][A-Za-z0-9_.%/-]*)$")
_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _iri(text: str, where: str) -> ox.NamedNode:
    value = text.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    m = _CURIE.match(value)
    if m and m.group(1) in DISPLAY_PREFIXES:
        value = DISPLAY_PREFIXES[m.group(1)] + m.group(2)
    if not _SCHEME.match(value) or _IRI_FORBIDDEN.search(value):
        raise ValueError
    if "://" not in value and not value.lower().startswith(("urn:", "tag:", "mailto:")):
        # prefix:local with a prefix we do not know: a typo, not an IRI someone means
        known = ", ".join(sorted(DISPLAY_PREFIXES))
        raise BadInput(f"{where}: {text!r} is not a valid iri: unknown prefix {value.split(':', 1)[0]!r}; "
                       f"use a full IRI or one of the prefixes {known}")
    return ox.NamedNode(value)


def _matching(pattern: str, text: str) -> str:
    """`text` stripped, if it matches `pattern` whole; else ValueError."""
    v = text.strip()
    if not re.fullmatch(pattern, v):
        raise ValueError(text)
    return v


def _date(text: str) -> ox.Literal:
    v = _matching(r"\d{4}-\d{2}-\d{2}", text)
    date.fromisoformat(v)  # a real day of a real month
    return ox.Literal(v, datatype=XSD.date)


def _decimal(text: str) -> ox.Literal:
    s = format(Decimal(_matching(r"[+-]?(\d+(\.\d*)?|\.\d+)", text)), "f")
    return ox.Literal(s if "." in s else s + ".0", datatype=XSD.decimal)


def _limit(text: str) -> ox.Literal:
    n = int(_matching(r"\+?\d{1,9}", text))
    if n < 1:
        raise ValueError(text)
    return ox.Literal(str(n), datatype=XSD.integer)


def _boolean(text: str) -> ox.Literal:
    v = _matching(r"(?i)true|false|1|0", text).lower()
    return ox.Literal("true" if v in ("true", "1") else "false", datatype=XSD.boolean)


def _lang_string(text: str) -> ox.Literal:
    body, sep, lang = text.rpartition("@")
    if not sep or not _LANG.match(lang):
        raise ValueError(text)
    return ox.Literal(body, language=lang)


# Declared type -> the term its text reads as (ValueError when it does not); iri apart (it names `where`).
_PARSERS: dict[str, Callable[[str], ox.Literal]] = {
    "date": _date,
    "gYear": lambda text: ox.Literal(_matching(r"\d{4}", text), datatype=XSD.gYear),
    "gYearMonth": lambda text: ox.Literal(_matching(r"\d{4}-(0[1-9]|1[0-2])", text), datatype=XSD.gYearMonth),
    "integer": lambda text: ox.Literal(str(int(_matching(r"[+-]?\d{1,18}", text))), datatype=XSD.integer),
    "decimal": _decimal,
    "boolean": _boolean,
    "string": ox.Literal,
    "langString": _lang_string,
    "limit": _limit,
}


def parse_value(ptype: str, text: str, where: str):
    """The RDF term for `text` read as `ptype`; BadInput naming `where` and the expected form."""
    try:
        if _CONTROL.search(text):
            raise ValueError(text)
        if ptype == "iri":
            return _iri(text, where)
        if ptype in _PARSERS:
            return _PARSERS[ptype](text)
    except (ValueError, InvalidOperation):
        pass
    raise BadInput(f"{where}: {text!r} is not a valid {ptype}; expected {TYPES[ptype][1]}")


def _escape_string(value: str) -> str:
    if _CONTROL.search(value):  # checked on input already; a term from elsewhere must not slip through
        raise BadInput(f"cannot bind a string with control characters: {value!r}")
    return (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))


def sparql_term(term) -> str:
    """A term in SPARQL syntax, built from its checked parts (never from user text as given)."""
    if isinstance(term, ox.NamedNode):
        if _IRI_FORBIDDEN.search(term.value) or not _SCHEME.match(term.value):
            raise BadInput(f"cannot bind the IRI {term.value!r}")
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        body = f'"{_escape_string(term.value)}"'
        if term.language:
            if not _LANG.match(term.language):
                raise BadInput(f"bad language tag {term.language!r}")
            return f"{body}@{term.language}"
        if term.datatype == XSD.string:
            return body
        return f"{body}^^{sparql_term(term.datatype)}"
    raise BadInput(f"cannot bind {term!r}: only IRIs and literals are parameters")


def term_text(term) -> str:
    """How a term is shown to people: a prefixed name, or the literal's text."""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    return str(term)


@lru_cache(maxsize=8192)
def shorten(iri: str) -> str:
    """A prefixed name for `iri` where a display prefix fits (kept per IRI: a page shortens the same
    predicates and places many times over, in its text and in its sort keys)."""
    best = None
    for prefix, ns in DISPLAY_PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(DISPLAY_PREFIXES[best])):
            local = iri[len(ns):]
            if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", local) and not local.endswith("."):
                best = prefix
    return f"{best}:{iri[len(DISPLAY_PREFIXES[best]):]}" if best else iri
