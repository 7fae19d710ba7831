"""The stored-query catalogue: headers, typed parameters bound as terms, local and remote runs.

A stored query is one `queries/<name>.rq` file. Its header is `#+ ` comment lines holding YAML
(grlc's convention, so the file stays valid SPARQL). Parameters are SPARQL variables named in
grlc's grammar: `?_city_iri` (required), `?__date_xsd_date` (optional). Their types come from
the header and every value is parsed and checked against it.

Binding: values become RDF terms that citygraph serialises itself (never user text pasted into
the query) and are joined in as `VALUES` blocks at the start of the outer WHERE group and of
every nested group that uses them (see `bound_text`). The same text runs on the embedded
pyoxigraph store and on a remote endpoint, so both give the same answer. (pyoxigraph's own
`substitutions=` refuses variables that are not in the SELECT projection, which rules out every
aggregate query, so it cannot be the local path.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import yaml

from ..errors import BadInput
from ..namespaces import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"

HEADER_KEYS = {"summary", "description", "tags", "parameters", "federated"}
PARAMETER_KEYS = {"type", "default", "description", "example"}
# Keyword arguments of run_query that a parameter may not shadow.
RESERVED_NAMES = {"name", "endpoint", "graph", "scope", "timeout", "reasoner", "add"}

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

_VAR_RE = re.compile(r"[?$](__?)([A-Za-z][A-Za-z0-9]*)(?:_([A-Za-z0-9_]+))?\b")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):([A-Za-z0-9_][A-Za-z0-9_.%/-]*)$")
_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Parameter:
    name: str          # the name users give: -p city=…
    variable: str      # the SPARQL variable without '?': _city_iri
    type: str
    required: bool
    default: object = None    # a pyoxigraph term, or None
    description: str = ""
    example: str | None = None  # a value to show and to try the query with (checked like a default)

    @property
    def default_text(self) -> str | None:
        return None if self.default is None else term_text(self.default)

    def as_dict(self) -> dict:
        return {"name": self.name, "type": self.type, "required": self.required,
                "default": self.default_text, "description": self.description, "example": self.example}


@dataclass
class StoredQuery:
    name: str
    text: str
    summary: str
    description: str = ""
    tags: list[str] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)
    federated: bool = False
    form: str = "SELECT"
    path: Path | None = None

    def example_values(self) -> dict[str, str]:
        """A value for every required parameter, from the header's examples: enough to run it."""
        return {p.name: p.example for p in self.parameters if p.required and p.example is not None}

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        known = ", ".join(f"{p.name} ({p.type}{', required' if p.required else ''})" for p in self.parameters) or "none"
        raise BadInput(f"query {self.name!r} has no parameter {name!r}; its parameters: {known}")

    def as_dict(self) -> dict:
        return {"name": self.name, "summary": self.summary, "description": self.description,
                "tags": list(self.tags), "form": self.form, "federated": self.federated,
                "parameters": [p.as_dict() for p in self.parameters]}


# --------------------------------------------------------------------------------------------
# Tokens: just enough SPARQL lexing to find keywords and braces outside strings, IRIs, comments
# --------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                   |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][A-Za-z0-9_]+)
      | (?P<pname>[A-Za-z_][A-Za-z0-9_.-]*:[A-Za-z0-9_.:%-]*|:[A-Za-z0-9_.:%-]*)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<open>\{) | (?P<close>\}) | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def _tokens(text: str):
    """(kind, value, start, end, depth) for every significant token; depth counts open braces."""
    depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "comment" or (kind == "other" and m.group().isspace()):
            continue
        if kind == "close":
            depth -= 1
        yield kind, m.group(), m.start(), m.end(), depth
        if kind == "open":
            depth += 1


def query_form(text: str, where: str = "the query") -> str:
    for kind, value, *_ in _tokens(text):
        if kind == "word" and value.upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            return value.upper()
    raise BadInput(f"{where}: not a SPARQL query (no SELECT, CONSTRUCT, ASK or DESCRIBE); updates are not run")


def outer_group_start(text: str) -> int | None:
    """Offset just after the '{' that opens the query's outer WHERE group, or None."""
    form = None
    after_where = False
    for kind, value, _start, end, depth in _tokens(text):
        if depth != 0:
            continue
        if kind == "word":
            up = value.upper()
            if form is None and up in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
                form = up
            elif up == "WHERE" and form is not None:
                after_where = True
        elif kind == "open" and form is not None:
            if after_where or form in ("SELECT", "ASK"):
                return end
    return None


def _subquery_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of nested SELECT sub-queries (their braces included)."""
    spans = []
    toks = list(_tokens(text))
    for i, (kind, value, start, _end, depth) in enumerate(toks):
        if kind == "word" and value.upper() == "SELECT" and depth > 0:
            # the enclosing '{' is the last open brace before this token at depth-1
            opener = next(t for t in reversed(toks[:i]) if t[0] == "open" and t[4] == depth - 1)
            closer = next(t for t in toks[i:] if t[0] == "close" and t[4] == depth - 1)
            spans.append((opener[2], closer[3]))
    return spans


# --------------------------------------------------------------------------------------------
# Loading: header, parameters, syntax
# --------------------------------------------------------------------------------------------

def split_header(text: str) -> tuple[str, str]:
    """The YAML of the leading `#+` lines, and the whole text (the header stays a comment)."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[3:] if line.startswith("#+ ") else line[2:])
        elif line.strip() == "" and not lines:
            continue
        else:
            break
    return "\n".join(lines), text


def _where(name: str, path: Path | None) -> str:
    return str(path) if path else f"query {name!r}"


def parse_query(text: str, name: str, path: Path | None = None) -> StoredQuery:
    """A stored query from its text; BadInput naming the file and the fix for any defect."""
    where = _where(name, path)
    yaml_text, _ = split_header(text)
    if not yaml_text.strip():
        raise BadInput(f"{where}: no header; start the file with '#+ summary: <what the query answers>'")
    try:
        header = yaml.safe_load(yaml_text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f" (header line {mark.line + 1})" if mark else ""
        raise BadInput(f"{where}: the '#+' header is not valid YAML{line}: {getattr(err, 'problem', err)}") from None
    if not isinstance(header, dict):
        raise BadInput(f"{where}: the '#+' header must be a YAML mapping with at least 'summary'")
    unknown = set(header) - HEADER_KEYS
    if unknown:
        raise BadInput(f"{where}: unknown header key(s) {', '.join(sorted(map(str, unknown)))}; allowed: {', '.join(sorted(HEADER_KEYS))}")
    summary = header.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise BadInput(f"{where}: the header lacks 'summary' (one line saying what the query answers)")
    tags = header.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise BadInput(f"{where}: 'tags' must be a list of words")
    federated = header.get("federated", False)
    if not isinstance(federated, bool):
        raise BadInput(f"{where}: 'federated' must be true or false")

    form = query_form(text, where)
    if _uses_service(text) and not federated:
        raise BadInput(f"{where}: the query calls a SERVICE; mark it 'federated: true' in the header "
                       "(federated queries need internet and are never run by the tests)")
    parameters = _parameters(header.get("parameters") or {}, text, where)
    if parameters and outer_group_start(text) is None:
        raise BadInput(f"{where}: a query with parameters needs a WHERE {{ … }} group to bind them in")
    _check_syntax(text, where, federated)
    return StoredQuery(name=name, text=text, summary=summary.strip(), description=str(header.get("description") or "").strip(),
                       tags=tags, parameters=parameters, federated=federated, form=form, path=path)


def _parameters(declared, text: str, where: str) -> list[Parameter]:
    if not isinstance(declared, dict):
        raise BadInput(f"{where}: 'parameters' must map each parameter name to its type, default and description")
    used: dict[str, tuple[str, bool, str | None]] = {}
    for kind, value, start, _end, _depth in _tokens(text):
        if kind != "var":
            continue
        m = _VAR_RE.fullmatch(value)
        if m:
            used.setdefault(m.group(2), (value[1:], m.group(1) == "_", m.group(3)))
    out = []
    for name, spec in declared.items():
        if spec is None or isinstance(spec, str):
            spec = {"type": spec}
        if not isinstance(spec, dict):
            raise BadInput(f"{where}: parameter {name!r}: give a mapping with type, default, description")
        extra = set(spec) - PARAMETER_KEYS
        if extra:
            raise BadInput(f"{where}: parameter {name!r}: unknown key(s) {', '.join(sorted(map(str, extra)))}; allowed: {', '.join(sorted(PARAMETER_KEYS))}")
        ptype = spec.get("type")
        if ptype not in TYPES:
            raise BadInput(f"{where}: parameter {name!r}: unknown type {ptype!r}; use one of {', '.join(TYPES)}")
        if name in RESERVED_NAMES:
            raise BadInput(f"{where}: parameter name {name!r} is reserved for run_query's own options; rename it")
        if name not in used:
            raise BadInput(f"{where}: parameter {name!r} is declared in the header but the query has no ?_{name}_{TYPES[ptype][0]} or ?__{name}_{TYPES[ptype][0]}")
        variable, required, suffix = used.pop(name)
        if suffix is not None and suffix != TYPES[ptype][0]:
            raise BadInput(f"{where}: parameter {name!r} is declared {ptype} but its variable ?{variable} says {suffix}; name it ?{'_' if required else '__'}{name}_{TYPES[ptype][0]}")
        default = None
        if spec.get("default") is not None:
            default = parse_value(ptype, str(spec["default"]), f"{where}: default of parameter {name!r}")
        example = None
        if spec.get("example") is not None:
            example = str(spec["example"])
            parse_value(ptype, example, f"{where}: example of parameter {name!r}")
        out.append(Parameter(name=name, variable=variable, type=ptype, required=required and default is None,
                             default=default, description=str(spec.get("description") or "").strip(), example=example))
    if used:
        first = next(iter(used.values()))[0]
        raise BadInput(f"{where}: ?{first} looks like a parameter (grlc naming) but the header does not declare "
                       f"{', '.join(sorted(used))}; add it under 'parameters' or rename the variable")
    for start, end in _subquery_spans(text):
        for p in out:
            if re.search(r"[?$]" + re.escape(p.variable) + r"\b", text[start:end]):
                raise BadInput(f"{where}: parameter ?{p.variable} is used inside a sub-query; parameters are bound on the outer WHERE group, so use it there")
    return out


def _uses_service(text: str) -> bool:
    return any(kind == "word" and value.upper() == "SERVICE" for kind, value, *_ in _tokens(text))


def _check_syntax(text: str, where: str, federated: bool) -> None:
    """Parse the query: with pyoxigraph (on an empty store), or with rdflib when it calls a SERVICE,
    which pyoxigraph would try to reach even on an empty store."""
    if federated or _uses_service(text):
        from rdflib.plugins.sparql import prepareQuery
        try:
            prepareQuery(text)
        except Exception as err:  # pyparsing's ParseException and friends
            raise BadInput(f"{where}: the query does not parse: {err}") from None
        return
    try:
        result = ox.Store().query(text)
        if isinstance(result, (ox.QuerySolutions, ox.QueryTriples)):
            for _ in result:
                break
    except SyntaxError as err:
        raise BadInput(f"{where}: the query does not parse: {err}") from None
    except (OSError, RuntimeError, ValueError) as err:
        raise BadInput(f"{where}: the query cannot be run: {err}") from None


def load_file(path: Path) -> StoredQuery:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise BadInput(f"{path}: cannot read the query: {err}") from None
    return parse_query(text, path.stem, path)


def load_adhoc(path: Path) -> StoredQuery:
    """`--file my.rq`: a header is optional (then the query takes no parameters)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise BadInput(f"{path}: cannot read the query: {err}") from None
    if split_header(text)[0].strip():
        return parse_query(text, path.stem, path)
    form = query_form(text, str(path))
    _check_syntax(text, str(path), federated=False)
    return StoredQuery(name=path.stem, text=text, summary="(ad-hoc query)", form=form, path=path)


def query_dir() -> Path:
    from ..load.resources import queries_dir
    return queries_dir()


def names(folder: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (folder or query_dir()).glob("*.rq"))


def get(name: str, folder: Path | None = None) -> StoredQuery:
    folder = folder or query_dir()
    path = folder / f"{name}.rq"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name) or not path.is_file():
        known = ", ".join(names(folder))
        raise BadInput(f"no stored query {name!r}; run 'citygraph queries' to list them ({known})")
    return load_file(path)


def catalogue(folder: Path | None = None) -> list[StoredQuery]:
    """Every stored query, loaded and checked (a defect in any one is an error)."""
    folder = folder or query_dir()
    return [load_file(p) for p in sorted(folder.glob("*.rq"))]


# --------------------------------------------------------------------------------------------
# Values: parse and check a user's text against a type, serialise terms ourselves
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# Binding and running
# --------------------------------------------------------------------------------------------

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
    """
    if not bindings:
        return query.text
    if outer_group_start(query.text) is None:
        raise BadInput(f"query {query.name!r}: a query with parameters needs a WHERE {{ … }} group to bind them in")
    inserts = []
    for start, end in _groups(query.text):
        used = [v for v in sorted(bindings) if re.search(r"[?$]" + re.escape(v) + r"\b", query.text[start:end])]
        if used:
            inserts.append((start, used))
    text = query.text
    for offset, variables in sorted(inserts, reverse=True):
        block = (" VALUES (" + " ".join("?" + v for v in variables) + ") { ("
                 + " ".join(sparql_term(bindings[v]) for v in variables) + ") }\n")
        text = text[:offset] + block + text[offset:]
    return text


def _groups(text: str) -> list[tuple[int, int]]:
    """(offset after '{', offset of the matching '}') of each group graph pattern.

    Not groups: a VALUES data block, and the template of a CONSTRUCT.
    """
    toks = list(_tokens(text))
    out = []
    form = None
    after_where = False
    skip_next_open = False
    for i, (kind, value, _start, end, depth) in enumerate(toks):
        if kind == "word":
            up = value.upper()
            if form is None and up in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
                form = up
            elif up == "WHERE" and depth == 0:
                after_where = True
            elif up == "VALUES":
                skip_next_open = True
            continue
        if kind != "open":
            continue
        if skip_next_open:
            skip_next_open = False
            continue
        if form == "CONSTRUCT" and depth == 0 and not after_where:
            continue  # the template
        close = next(t for t in toks[i + 1:] if t[0] == "close" and t[4] == depth)
        out.append((end, close[2]))
    return out


def run(query: StoredQuery, values: Mapping[str, object] | None = None, *, store: ox.Store | None = None,
        endpoint: str | None = None, timeout: float = 60.0):
    """Run a stored query on `store` (default graph = union of named graphs) or on `endpoint`."""
    from .results import run_local, run_remote

    text = bound_text(query, bind(query, values or {}))
    if endpoint is not None:
        return run_remote(text, query.form, endpoint, timeout=timeout)
    if store is None:
        raise BadInput("no graph to query: give a store or an endpoint")
    return run_local(text, store, query.form)


__all__ = ["Parameter", "StoredQuery", "TYPES", "catalogue", "get", "names", "load_file", "load_adhoc",
           "parse_query", "parse_value", "bind", "bound_text", "sparql_term", "shorten", "term_text", "run"]


# --------------------------------------------------------------------------------------------
# Python API
# --------------------------------------------------------------------------------------------

class Rows(list):
    """A SELECT answer: a list of {variable: value} dicts, with the variables in order."""

    def __init__(self, rows, variables, result):
        super().__init__(rows)
        self.variables = list(variables)
        self.result = result  # the results.Result with the RDF terms

    def to_dataframe(self):
        """The rows as a pandas DataFrame (pandas is optional: `pip install pandas`)."""
        try:
            import pandas
        except ImportError:
            raise BadInput("to_dataframe() needs pandas; install it with 'pip install pandas'") from None
        return pandas.DataFrame(list(self), columns=self.variables)


def run_query(name: str, *, endpoint: str | None = None, graph: str | Path | None = None, scope: str = "all",
              add=(), reasoner: str | None = None, timeout: float = 60.0, **params):
    """Run the stored query `name` with parameters given as keywords, for notebooks.

    SELECT -> Rows (a list of dicts; .to_dataframe() with pandas); ASK -> bool;
    CONSTRUCT/DESCRIBE -> an rdflib Graph. The graph is the cached build (as `citygraph query`),
    or `graph=` a dump file, or `endpoint=` a SPARQL endpoint.

        >>> import citygraph
        >>> rows = citygraph.run_query("status-on", date="2015-01-01")
    """
    from .. import cache

    query = get(name)
    bind(query, params)  # check values before building
    store = None
    if endpoint is None:
        store = cache.graph_file_store(Path(graph)) if graph is not None else cache.built_store(scope, add, reasoner)
    result = run(query, params, store=store, endpoint=endpoint, timeout=timeout)
    if result.form == "ASK":
        return bool(result.boolean)
    if result.is_graph:
        import rdflib

        from .results import write_ntriples
        return rdflib.Graph().parse(data=write_ntriples(result), format="nt")
    return Rows(result.dicts(), result.variables, result)


__all__ += ["Rows", "run_query"]
