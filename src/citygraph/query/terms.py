"""Parameter values as RDF terms: parse and check a user's text against a declared type, and
serialise terms to SPARQL ourselves (never user text pasted into a query)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ..errors import BadInput
from ..prefixes import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"

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
}

# The project prefixes plus the vocabularies' own, for reading and showing IRIs.
DISPLAY_PREFIXES: dict[str, str] = dict(PREFIXES) | {
    name: f"https://w3id.org/citygraph/vocab/{name}/" for name in ("role", "field", "document", "measure", "criterion")
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


def parse_value(ptype: str, text: str, where: str):
    """The RDF term for `text` read as `ptype`; BadInput naming `where` and the expected form."""
    try:
        if _CONTROL.search(text):
            raise ValueError
        if ptype == "iri":
            return _iri(text, where)
        v = text.strip()
        if ptype == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                raise ValueError
            date.fromisoformat(v)
            return ox.Literal(v, datatype=ox.NamedNode(XSD + "date"))
        if ptype == "gYear":
            if not re.fullmatch(r"\d{4}", v):
                raise ValueError
            return ox.Literal(v, datatype=ox.NamedNode(XSD + "gYear"))
        if ptype == "gYearMonth":
            if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", v):
                raise ValueError
            return ox.Literal(v, datatype=ox.NamedNode(XSD + "gYearMonth"))
        if ptype == "integer":
            if not re.fullmatch(r"[+-]?\d{1,18}", v):
                raise ValueError
            return ox.Literal(str(int(v)), datatype=ox.NamedNode(XSD + "integer"))
        if ptype == "decimal":
            if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", v):
                raise ValueError
            d = Decimal(v)
            s = format(d, "f")
            return ox.Literal(s if "." in s else s + ".0", datatype=ox.NamedNode(XSD + "decimal"))
        if ptype == "boolean":
            if v.lower() not in ("true", "false", "1", "0"):
                raise ValueError
            return ox.Literal("true" if v.lower() in ("true", "1") else "false", datatype=ox.NamedNode(XSD + "boolean"))
        if ptype == "string":
            return ox.Literal(text)
        if ptype == "langString":
            body, sep, lang = text.rpartition("@")
            if not sep or not _LANG.match(lang):
                raise ValueError
            return ox.Literal(body, language=lang)
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
        if term.datatype.value == XSD + "string":
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


def shorten(iri: str) -> str:
    best = None
    for prefix, ns in DISPLAY_PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(DISPLAY_PREFIXES[best])):
            local = iri[len(ns):]
            if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", local) and not local.endswith("."):
                best = prefix
    return f"{best}:{iri[len(DISPLAY_PREFIXES[best]):]}" if best else iri
