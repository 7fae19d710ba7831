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
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import BadInput
from .sparqltext import _subquery_spans, _tokens, outer_group_start, query_form, uses_service
from .terms import TYPES, parse_value, term_text

HEADER_KEYS = {"summary", "description", "tags", "parameters", "federated", "key"}
PARAMETER_KEYS = {"type", "default", "description", "example"}
# Keyword arguments of run_query that a parameter may not shadow.
RESERVED_NAMES = {"name", "endpoint", "graph", "scope", "timeout", "reasoner", "add"}

# The bindings key (and Parameter.variable) of a parameter of type `limit`: it binds no variable
# but the query's row limit, appended by binding.bound_text as `LIMIT n` (SPARQL has no variable
# LIMIT; the value is a checked positive integer, so no user text enters the query).
LIMIT = "LIMIT"

_VAR_RE = re.compile(r"[?$](__?)([A-Za-z][A-Za-z0-9]*)(?:_([A-Za-z0-9_]+))?\b")


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
    import yaml  # lazy: PyYAML costs ~25 ms of start-up, and cached queries (catalogue_cache) skip it

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
    if uses_service(text) and not federated:
        raise BadInput(f"{where}: the query calls a SERVICE; mark it 'federated: true' in the header "
                       "(federated queries need internet and are never run by the tests)")
    parameters = _parameters(header.get("parameters") or {}, text, where)
    if parameters and outer_group_start(text) is None:
        raise BadInput(f"{where}: a query with parameters needs a WHERE {{ … }} group to bind them in")
    _check_syntax(text, where, federated)
    _check_limit(parameters, text, form, where, federated)
    return StoredQuery(name=name, text=text, summary=summary.strip(), description=str(header.get("description") or "").strip(),
                       tags=tags, parameters=parameters, federated=federated, form=form, path=path)


def _parameters(declared, text: str, where: str) -> list[Parameter]:
    """The header's declared parameters, each checked against the grlc-named variable it binds."""
    if not isinstance(declared, dict):
        raise BadInput(f"{where}: 'parameters' must map each parameter name to its type, default and description")
    used = _parameter_variables(text)
    out = [_parameter(name, spec, used, where) for name, spec in declared.items()]
    if used:
        first = next(iter(used.values()))[0]
        raise BadInput(f"{where}: ?{first} looks like a parameter (grlc naming) but the header does not declare "
                       f"{', '.join(sorted(used))}; add it under 'parameters' or rename the variable")
    for start, end in _subquery_spans(text):
        for p in out:
            if p.type != "limit" and re.search(r"[?$]" + re.escape(p.variable) + r"\b", text[start:end]):
                raise BadInput(f"{where}: parameter ?{p.variable} is used inside a sub-query; parameters are bound on the outer WHERE group, so use it there")
    return out


def _parameter_variables(text: str) -> dict[str, tuple[str, bool, str | None]]:
    """parameter name -> (variable, required, type suffix) for every grlc-named variable of the query."""
    used: dict[str, tuple[str, bool, str | None]] = {}
    for kind, value, _start, _end, _depth in _tokens(text):
        m = _VAR_RE.fullmatch(value) if kind == "var" else None
        if m:
            used.setdefault(m.group(2), (value[1:], m.group(1) == "_", m.group(3)))
    return used


def _parameter_spec(name: str, spec, where: str) -> tuple[dict, str]:
    """A parameter's header entry as a mapping with a known type: (spec, type)."""
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
    return spec, ptype


def _parameter(name: str, spec, used: dict[str, tuple[str, bool, str | None]], where: str) -> Parameter:
    """One declared parameter, matched with (and removed from) the query's `used` variables."""
    spec, ptype = _parameter_spec(name, spec, where)
    if ptype == "limit":
        return _limit_parameter(name, spec, used, where)
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
    return Parameter(name=name, variable=variable, type=ptype, required=required and default is None,
                     default=default, description=str(spec.get("description") or "").strip(), example=example)


def _limit_parameter(name: str, spec: dict, used: dict[str, tuple[str, bool, str | None]], where: str) -> Parameter:
    """A `type: limit` parameter: no variable, always optional (no value: every row)."""
    if name in used:
        raise BadInput(f"{where}: parameter {name!r} is of type limit, which binds the query's LIMIT, not a variable; "
                       f"remove ?{used[name][0]} or give the parameter another type")
    default = None
    if spec.get("default") is not None:
        default = parse_value("limit", str(spec["default"]), f"{where}: default of parameter {name!r}")
    example = None
    if spec.get("example") is not None:
        example = str(spec["example"])
        parse_value("limit", example, f"{where}: example of parameter {name!r}")
    return Parameter(name=name, variable=LIMIT, type="limit", required=False, default=default,
                     description=str(spec.get("description") or "").strip(), example=example)


def _check_limit(parameters: list[Parameter], text: str, form: str, where: str, federated: bool) -> None:
    """A query with a limit parameter: one such parameter, no LIMIT/OFFSET of its own, and it parses with one."""
    limits = [p.name for p in parameters if p.type == "limit"]
    if not limits:
        return
    if len(limits) > 1:
        raise BadInput(f"{where}: parameters {', '.join(limits)} are all of type limit; a query has one LIMIT, so declare one")
    if form == "ASK":
        raise BadInput(f"{where}: parameter {limits[0]!r} is of type limit, but an ASK query has no rows to limit")
    own = [value.upper() for kind, value, _s, _e, depth in _tokens(text)
           if kind == "word" and depth == 0 and value.upper() in ("LIMIT", "OFFSET", "VALUES")]
    if own:
        raise BadInput(f"{where}: parameter {limits[0]!r} is of type limit, so the query may not end with its own {own[0]}; "
                       f"remove it (give the row limit as the parameter's default)")
    _check_syntax(text + "\nLIMIT 1\n", where, federated)


def _check_syntax(text: str, where: str, federated: bool) -> None:
    """Parse the query: with pyoxigraph (on an empty store), or with rdflib when it calls a SERVICE,
    which pyoxigraph would try to reach even on an empty store."""
    if federated or uses_service(text):
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
