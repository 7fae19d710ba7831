"""Checks on untrusted input before and after it is parsed: caps, entities, nesting, terms.

Every file citygraph reads from a user (an RDF file, a results file, a query file) passes
through here first, so a hostile or broken file becomes one `BadInput` naming the file and
what to do, never a crash, a hang or a silently wrong graph:

- `regular_file`: a path that is a regular file, not a folder, a FIFO or a device (an endless
  /dev/zero would never finish), and not larger than the input cap;
- `check_xml_entities`: entity declarations in XML are refused when they could explode
  ("billion laughs": entities made of entities) or reach outside (SYSTEM/PUBLIC entities);
- `check_json_depth`: JSON nested deeper than the cap is refused before a parser recurses;
- `check_jsonld_terms`: JSON-LD keys that expand to no IRI, whose values a JSON-LD processor
  drops without a word, and `@id`s that are not IRIs;
- `check_literals`: literals larger than the cap, and dates of days that do not exist
  (``"2019-02-30"^^xsd:date``); other ill-typed literals are the shapes' to report.

The caps have generous defaults (the world layer is about 1 MB) and can be changed with
environment variables, documented in docs/security.md.
"""

from __future__ import annotations

import calendar
import json
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from ..errors import BadInput

ENV_MAX_INPUT = "CITYGRAPH_MAX_INPUT_BYTES"
ENV_MAX_LITERAL = "CITYGRAPH_MAX_LITERAL_BYTES"
ENV_MAX_JSON_DEPTH = "CITYGRAPH_MAX_JSON_DEPTH"

DEFAULT_MAX_INPUT = 256 * 1024 * 1024      # one input file
DEFAULT_MAX_LITERAL = 1024 * 1024          # one literal (pyoxigraph's own hard limit is 16 MiB)
DEFAULT_MAX_JSON_DEPTH = 64                # JSON-LD and SPARQL results need fewer than 10
MAX_ENTITY_EXPANSION = 1024 * 1024         # total characters that XML entities may expand to


def limit(env: str, default: int) -> int:
    """A cap from the environment (a positive whole number), or its default."""
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadInput(f"${env}={raw!r} is not a whole number; unset it or give e.g. {default}") from None
    if value <= 0:
        raise BadInput(f"${env}={raw!r} must be positive")
    return value


def _size(n: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}"
    return f"{n} bytes"


def regular_file(path: Path, what: str = "file") -> Path:
    """`path` if it is a readable regular file within the input cap; BadInput saying what it is otherwise."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise BadInput(f"{path}: no such {what}; check the path") from None
    except OSError as err:
        raise BadInput(f"{path}: cannot read the {what}: {err.strerror or err}") from None
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise BadInput(f"{path}: is a folder, not a {what}; give the path of a {what} inside it")
    if not stat.S_ISREG(mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"
        raise BadInput(f"{path}: is {kind}, not a regular {what}; citygraph reads only regular files (save the data to a file first)")
    cap = limit(ENV_MAX_INPUT, DEFAULT_MAX_INPUT)
    if st.st_size > cap:
        raise BadInput(f"{path}: is {_size(st.st_size)}, larger than the {_size(cap)} input cap; "
                       f"split it, or raise ${ENV_MAX_INPUT} if you trust it")
    if not os.access(path, os.R_OK):
        raise BadInput(f"{path}: permission denied; make the {what} readable")
    return path


# -- XML -------------------------------------------------------------------------------------

_ENTITY_DECL = re.compile(r"<!ENTITY\s+(%\s*)?([^\s\"'>]+)\s+(SYSTEM|PUBLIC|\"[^\"]*\"|'[^']*')", re.IGNORECASE)


def check_xml_entities(text: str, where: str) -> None:
    """Refuse XML entity declarations that could explode or read other files.

    Allowed: plain internal entities (Protégé writes `<!ENTITY owl "http://…#">`). Refused:
    parameter entities, external (SYSTEM/PUBLIC) entities, entities whose value uses another
    entity, and a total expansion above MAX_ENTITY_EXPANSION characters.
    """
    if "<!ENTITY" not in text.upper():
        return
    values: dict[str, str] = {}
    for m in _ENTITY_DECL.finditer(text):
        param, name, value = m.groups()
        line = text.count("\n", 0, m.start()) + 1
        if param:
            raise BadInput(f"{where}:{line}: XML parameter entity %{name} refused (entity expansion is not allowed); remove the DOCTYPE")
        if value.upper() in ("SYSTEM", "PUBLIC"):
            raise BadInput(f"{where}:{line}: external XML entity &{name}; refused (it would read another file or URL); remove it")
        body = value[1:-1]
        if "&" in body and re.search(r"&[^#\s;]+;", body):
            raise BadInput(f"{where}:{line}: XML entity &{name}; is built from other entities (a 'billion laughs' entity "
                           "expansion); refused. Write the text out, or remove the DOCTYPE")
        values[name] = body
    total = sum(text.count(f"&{name};") * len(body) for name, body in values.items())
    if total > MAX_ENTITY_EXPANSION:
        raise BadInput(f"{where}: XML entities would expand to {_size(total)}, more than {_size(MAX_ENTITY_EXPANSION)}; refused")


# -- JSON ------------------------------------------------------------------------------------

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def check_json_depth(text: str, where: str) -> None:
    """Refuse JSON nested deeper than the cap (a parser would recurse until it crashes)."""
    cap = limit(ENV_MAX_JSON_DEPTH, DEFAULT_MAX_JSON_DEPTH)
    bare = _JSON_STRING.sub('""', text)
    depth = 0
    for m in _BRACKETS.finditer(bare):
        if m.group() in "[{":
            depth += 1
            if depth > cap:
                line = bare.count("\n", 0, m.start()) + 1
                raise BadInput(f"{where}:{line}: JSON nested more than {cap} levels deep; refused "
                               f"(raise ${ENV_MAX_JSON_DEPTH} if the file is genuine)")
        else:
            depth -= 1


# -- JSON-LD ---------------------------------------------------------------------------------

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
RELATIVE_BASE = "https://relative.invalid/"
"""The base IRI given to the JSON-LD parser: an IRI under it came from a relative IRI in the file."""


def _contexts(node, terms: set[str], flags: dict, where: str) -> None:
    """Collect the terms defined by every @context in the document (refusing remote ones)."""
    if isinstance(node, list):
        for item in node:
            _contexts(item, terms, flags, where)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "@context":
            for ctx in value if isinstance(value, list) else [value]:
                if isinstance(ctx, str):
                    raise BadInput(f"{where}: remote @context {ctx!r} is not fetched (citygraph makes no requests "
                                   "for a file); put the context's terms inline in the file")
                if isinstance(ctx, dict):
                    terms.update(k for k in ctx if not k.startswith("@"))
                    flags["vocab"] = flags.get("vocab") or ctx.get("@vocab") is not None
                    for term, definition in ctx.items():
                        container = definition.get("@container") if isinstance(definition, dict) else None
                        kinds = set(container) if isinstance(container, list) else {container}
                        if kinds & _MAP_CONTAINERS:  # its keys are languages, indexes, ids or types, not terms
                            flags.setdefault("maps", set()).add(term)
        else:
            _contexts(value, terms, flags, where)


_MAP_CONTAINERS = {"@language", "@index", "@id", "@type", "@graph"}


def _keys(node, terms: set[str], where: str, maps: frozenset[str] = frozenset()) -> None:
    if isinstance(node, list):
        for item in node:
            _keys(item, terms, where, maps)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in maps and isinstance(value, dict):  # a language/index/id/type map: check its values only
            for inner in value.values():
                _keys(inner, terms, where, maps)
            continue
        if key == "@context":
            continue
        if key in ("@id", "@type") or (key == "@vocab"):
            for iri in value if isinstance(value, list) else [value]:
                if isinstance(iri, str) and _NOT_IN_IRI.search(iri):
                    raise BadInput(f"{where}: {key} {iri!r} is not an IRI (it holds a space, a quote, an angle "
                                   "bracket or another character IRIs may not contain); percent-encode it")
        elif not key.startswith("@") and key not in terms:
            prefix = key.split(":", 1)[0]
            if not (":" in key and (prefix in terms or _SCHEME.match(key))):
                raise BadInput(f"{where}: JSON-LD term {key!r} is not defined in the @context and is not an IRI, "
                               "so its values would be dropped without a word; define it in the @context "
                               "(or give a @vocab) or write the full IRI")
        _keys(value, terms, where, maps)


def check_jsonld_terms(text: str, where: str) -> None:
    """Refuse JSON-LD whose keys or @ids a JSON-LD processor would drop silently."""
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return  # the RDF parser reports the syntax error with its line
    terms: set[str] = set()
    flags: dict = {}
    _contexts(doc, terms, flags, where)
    if flags.get("vocab"):
        terms = _Everything()
    _keys(doc, terms, where, frozenset(flags.get("maps", ())))


class _Everything(set):
    def __contains__(self, item) -> bool:  # with @vocab every key expands to an IRI
        return True


def relative_iris(iris: Iterable[str]) -> list[str]:
    """The IRIs that the parser resolved against RELATIVE_BASE, as written in the file."""
    return sorted({i[len(RELATIVE_BASE):] for i in iris if i.startswith(RELATIVE_BASE)})


# -- literals --------------------------------------------------------------------------------

XSD = "http://www.w3.org/2001/XMLSchema#"
_TZ = r"(?:Z|[+-](?:0\d|1[0-3]):[0-5]\d|[+-]14:00)?"
_YEAR = r"-?(?:[1-9]\d{4,}|\d{4})"
_LEXICAL = {
    "integer": re.compile(r"[+-]?\d+"),
    "nonNegativeInteger": re.compile(r"\+?\d+|-0+"),
    "positiveInteger": re.compile(r"\+?0*[1-9]\d*"),
    "int": re.compile(r"[+-]?\d+"),
    "decimal": re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"),
    "double": re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN"),
    "float": re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN"),
    "boolean": re.compile(r"true|false|1|0"),
    "gYear": re.compile(_YEAR + _TZ),
    "gYearMonth": re.compile(_YEAR + r"-(?:0[1-9]|1[0-2])" + _TZ),
    "date": re.compile(r"(" + _YEAR + r")-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])" + _TZ),
    "dateTime": re.compile(r"(" + _YEAR + r")-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?" + _TZ
                           + r"|(" + _YEAR + r")-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T24:00:00(?:\.0+)?" + _TZ),
}


def literal_problem(value: str, datatype: str) -> str | None:
    """Why `value` is not a valid literal of `datatype` (an XSD type the model uses), or None."""
    if not datatype.startswith(XSD):
        return None
    local = datatype[len(XSD):]
    pattern = _LEXICAL.get(local)
    if pattern is None:
        return None
    m = pattern.fullmatch(value)
    if m is None:
        return f"not a valid xsd:{local}"
    if local in ("date", "dateTime") and m.group(1) is not None:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        days = calendar.monthrange(2000 + year % 400, month)[1]  # same leap years as `year`
        if day > days:
            return f"no such day: {calendar.month_name[month]} {year} has {days} days"
    return None


def check_literals(quads: Iterable, where: str) -> None:
    """Refuse literals over the size cap and dates of days that do not exist, naming the first one.

    Other ill-typed literals ("2012-13"^^xsd:gYearMonth, "forty"^^xsd:integer) are left to the
    shapes, which report them as violations with the fix (sh:datatype, the date shapes); a
    regular expression in a shape cannot tell that February 2019 has no 30th, so that is
    checked here.
    """
    cap = limit(ENV_MAX_LITERAL, DEFAULT_MAX_LITERAL)
    for q in quads:
        o = q.object
        if not hasattr(o, "datatype"):
            continue
        size = len(o.value)
        if size * 4 > cap:  # a character is at most 4 bytes in UTF-8: count bytes only when it can matter
            size = len(o.value.encode("utf-8"))
        if size > cap:
            raise BadInput(f"{where}: a literal of {_size(size)} (object of <{q.predicate.value}> "
                           f"on {q.subject}) is larger than the {_size(cap)} literal cap; refused (raise ${ENV_MAX_LITERAL} if genuine)")
        if o.datatype is None or o.language or o.datatype.value not in _CALENDAR:
            continue
        problem = literal_problem(o.value, o.datatype.value)
        if problem and problem.startswith("no such day"):
            short = o.datatype.value.replace(XSD, "xsd:")
            raise BadInput(f"{where}: the literal \"{o.value[:80]}\"^^{short} (object of <{q.predicate.value}> on {q.subject}) "
                           f"is {problem}; correct the date")


_CALENDAR = (XSD + "date", XSD + "dateTime")


__all__ = ["regular_file", "check_xml_entities", "check_json_depth", "check_jsonld_terms", "check_literals",
           "literal_problem", "relative_iris", "RELATIVE_BASE", "limit"]
