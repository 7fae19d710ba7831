"""Wikidata Query Service results of a P190 query → citygraph Turtle.

Reads SPARQL 1.1 query results in JSON, CSV, TSV or XML (by file suffix, or `fmt`), one row per
(item, twin) statement, and writes the ties as citygraph RDF: places keyed by QID, one
partnership per unordered pair (both directions of a Wikidata pair are one tie, self-ties are
dropped), typed and kinded cg:FormalPartnership (P190 is the formal tie), every node derived from
one cg:Source that names the results file.

Variables (rename columns with `mapping`, e.g. {'item': 'city', 'twin': 'sister'}):
  item, twin                 entity IRIs (http://www.wikidata.org/entity/Q…) or bare QIDs — required
  itemLabel, twinLabel       names (their language tag is kept; CSV has none: see `lang`)
  itemCoord, twinCoord       WKT points as WDQS returns them ("Point(lon lat)")
  itemCountry, twinCountry   country items (P17): cg:country, only where a place has exactly one
  start, end                 P580/P582 qualifiers: a cg:Formalisation / cg:Termination event
  startPrecision, endPrecision  wikibase:timePrecision (9 year, 10 month, 11 day)
A date without a precision is written no more precisely than it can be read: a day only if it
is not the 1st, a month only if it is not January the 1st (WDQS pads year-precision dates to
YYYY-01-01), so no day or month is ever invented.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.parsers.expat
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import ids
from .. import precision as precision_of
from ..errors import BadInput
from ..io import atomic, formats
from ..load import guards
from ..namespaces import CC0, CG, DCTERMS, GEO, PLACE, PREFIXES, PROV, RDF, RDFS, SOURCE, WD, XSD
from ..wkt import read_point, wkt_literal_text

ENTITY_VARS = ("item", "twin")
OPTIONAL_VARS = ("itemLabel", "twinLabel", "itemCoord", "twinCoord", "itemCountry", "twinCountry",
                 "start", "end", "startPrecision", "endPrecision")
VARIABLES = ENTITY_VARS + OPTIONAL_VARS
FORMATS = {suffix: f.name for suffix, f in formats.by_suffix("results").items()}  # .json/.srj, .csv, .tsv, .xml/.srx
SRX = "http://www.w3.org/2005/sparql-results#"
WD_PREFIX = str(WD)
DATE_RE = re.compile(r"^\s*([+-]?\d{4,})-(\d{2})-(\d{2})(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?\s*$")


@dataclass
class Row:
    where: str  # 'line 12' or 'result 3' — for error messages
    values: dict  # variable -> ox term


# ---------------------------------------------------------------------------------------------
# Reading the four SPARQL results formats into rows of pyoxigraph terms
# ---------------------------------------------------------------------------------------------

def read_results(path: Path, fmt: str | None = None) -> list[Row]:
    path = Path(path)
    fmt = fmt or FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BadInput(f"{path}: cannot tell the results format from {path.suffix!r}; name the file .json, .csv, .tsv or .xml, or pass --input-format")
    guards.regular_file(path, "results file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise BadInput(f"{path}: not UTF-8 text (byte {err.start}: {err.reason}); save the file as UTF-8") from None
    except OSError as err:
        raise BadInput(f"{path}: cannot read the file: {err.strerror or err}") from None
    if not text.strip():
        raise BadInput(f"{path}: the file is empty; export the query result again")
    return {"json": _read_json, "csv": _read_csv, "tsv": _read_tsv, "xml": _read_xml}[fmt](path, text)


def _solutions(path: Path, text: str, fmt: ox.QueryResultsFormat, where) -> list[Row]:
    """Rows from pyoxigraph's own SPARQL results parser; `where(i)` names solution i for messages."""
    rows: list[Row] = []
    try:
        answer = ox.parse_query_results(text.encode("utf-8"), format=fmt)
        if isinstance(answer, ox.QueryBoolean):
            raise BadInput(f"{path}: a yes/no (ASK) result, not a table of ?item and ?twin; export a SELECT result")
        variables = [v.value for v in answer.variables]
        for solution in answer:
            values = {v: solution[v] for v in variables if solution[v] is not None}
            rows.append(Row(where(len(rows) + 1), values))
    except SyntaxError as err:
        at = f":{err.lineno}:" if err.lineno else f": {where(len(rows) + 1)}:"
        raise BadInput(f"{path}{at} not valid SPARQL results: {err.msg}; fix that {'line' if err.lineno else 'result'}") from None
    return rows


def _read_json(path: Path, text: str) -> list[Row]:
    guards.check_json_depth(text, str(path))
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise BadInput(f"{path}:{err.lineno}:{err.colno}: not valid JSON: {err.msg}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), dict) or "bindings" not in doc["results"]:
        raise BadInput(f"{path}: not SPARQL JSON results (no results.bindings); export the query result as JSON from query.wikidata.org")
    return _solutions(path, text, ox.QueryResultsFormat.JSON, lambda i: f"result {i}")


def _read_csv(path: Path, text: str) -> list[Row]:
    # SPARQL CSV is lossy: every cell is text; entity and date columns are read by meaning below
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise BadInput(f"{path}: empty file; expected a header line with the variable names") from None
    except csv.Error as err:
        raise BadInput(f"{path}:1: {err}") from None
    rows = []
    try:
        for cells in reader:
            line = reader.line_num
            if not cells:
                continue
            if len(cells) != len(header):
                raise BadInput(f"{path}:{line}: {len(cells)} field(s), but the header names {len(header)}; fix that line")
            rows.append(Row(f"line {line}", {h: ox.Literal(c) for h, c in zip(header, cells, strict=True) if c != ""}))
    except csv.Error as err:
        raise BadInput(f"{path}:{reader.line_num}: {err}") from None
    return rows


def _read_tsv(path: Path, text: str) -> list[Row]:
    first = text.split("\n", 1)[0]
    if not first.strip() or not all(h.strip().startswith(("?", "$")) for h in first.rstrip("\r").split("\t")):
        raise BadInput(f"{path}:1: expected a header line of ?variables separated by tabs")
    # pyoxigraph's reader: line n of the file is solution n - 1
    return _solutions(path, text, ox.QueryResultsFormat.TSV, lambda i: f"line {i + 1}")


def _read_xml(path: Path, text: str) -> list[Row]:
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    rows: list[Row] = []
    state: dict = {"row": None, "var": None, "kind": None, "attrs": None, "text": []}

    def start(name, attrs):
        ns, _, local = name.rpartition(" ")
        if ns != SRX.rstrip("#") + "#" and ns != SRX:
            return
        if local == "result":
            state["row"] = Row(f"line {parser.CurrentLineNumber}", {})
        elif local == "binding":
            state["var"] = attrs.get("name")
        elif local in ("uri", "literal", "bnode"):
            state["kind"], state["attrs"], state["text"] = local, attrs, []

    def end(name):
        local = name.rpartition(" ")[2]
        if local in ("uri", "literal", "bnode") and state["kind"] == local:
            value = "".join(state["text"])
            attrs = state["attrs"]
            row = state["row"]
            if row is None or state["var"] is None:
                raise BadInput(f"{path}:{parser.CurrentLineNumber}: a <{local}> outside a <binding> of a <result>")
            term: ox.NamedNode | ox.BlankNode | ox.Literal
            try:
                if local == "uri":
                    term = ox.NamedNode(value)
                elif local == "bnode":
                    term = ox.BlankNode(value)
                elif "http://www.w3.org/XML/1998/namespace lang" in attrs:
                    term = ox.Literal(value, language=attrs["http://www.w3.org/XML/1998/namespace lang"])
                elif "datatype" in attrs:
                    term = ox.Literal(value, datatype=ox.NamedNode(attrs["datatype"]))
                else:
                    term = ox.Literal(value)
            except ValueError as err:
                raise BadInput(f"{path}:{parser.CurrentLineNumber}: ?{state['var']}: {err}") from None
            row.values[state["var"]] = term
            state["kind"] = None
        elif local == "result" and state["row"] is not None:
            rows.append(state["row"])
            state["row"] = None

    def chars(data):
        if state["kind"] is not None:
            state["text"].append(data)

    def entity(name, *_rest):
        raise BadInput(f"{path}:{parser.CurrentLineNumber}: the XML declares entity {name!r}; SPARQL results need none "
                       "and citygraph refuses them (entity expansion can exhaust memory). Remove the DOCTYPE")

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, chars
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(text.encode("utf-8"), True)
    except xml.parsers.expat.ExpatError as err:
        raise BadInput(f"{path}:{err.lineno}:{err.offset}: not well-formed XML: {xml.parsers.expat.ErrorString(err.code)}") from None
    return rows


# ---------------------------------------------------------------------------------------------
# From rows to citygraph triples
# ---------------------------------------------------------------------------------------------

def parse_mapping(items) -> dict[str, str]:
    """['item=city', 'twin=sister'] -> {'item': 'city', 'twin': 'sister'}; BadInput on a bad one."""
    out: dict[str, str] = {}
    for item in items or ():
        var, sep, column = item.partition("=")
        var, column = var.strip().lstrip("?"), column.strip().lstrip("?")
        if not sep or not var or not column:
            raise BadInput(f"--map {item}: write VAR=COLUMN, e.g. --map item=city")
        if var not in VARIABLES:
            raise BadInput(f"--map {item}: {var!r} is not a variable the importer reads; choose one of {', '.join(VARIABLES)}")
        out[var] = column
    return out


def _qid_of(path: Path, row: Row, var: str, term) -> str:
    text = term.value.strip() if isinstance(term, (ox.NamedNode, ox.Literal)) else ""
    if text.startswith(WD_PREFIX):
        text = text[len(WD_PREFIX):]
    if not ids.is_qid(text):
        raise BadInput(f"{path}: {row.where}: ?{var} is {text!r}, not a Wikidata item (http://www.wikidata.org/entity/Q… or Q…)")
    return text


def _date(path: Path, row: Row, var: str, term, precision) -> ox.Literal:
    m = DATE_RE.match(term.value) if isinstance(term, ox.Literal) else None
    if not m:
        raise BadInput(f"{path}: {row.where}: ?{var} is {getattr(term, 'value', term)!r}, not a date (YYYY-MM-DD or an xsd:dateTime)")
    year, month, day = m.groups()
    problem = guards.literal_problem(f"{year.lstrip('+')}-{month}-{day}", XSD.date.value)
    if problem:
        raise BadInput(f"{path}: {row.where}: ?{var} is {term.value!r}: {problem}; correct the date in that row")
    if precision is not None:
        try:
            p = int(precision.value)
        except (ValueError, AttributeError):
            raise BadInput(f"{path}: {row.where}: ?{var}Precision is {precision!r}, not a wikibase:timePrecision number") from None
        return precision_of.literal(year, month, day, precision_of.from_wikidata(p))
    # No precision given: as precise as the date's non-default parts (1988-05-01 is a month).
    stated = precision_of.DAY if day != "01" else precision_of.MONTH if month != "01" else precision_of.YEAR
    return precision_of.literal(year, month, day, stated)


def _label(term, lang: str | None):
    if isinstance(term, ox.Literal):
        if term.language:
            return ox.Literal(term.value, language=term.language)
        return ox.Literal(term.value, language=lang) if lang else ox.Literal(term.value)
    return None


def _point(path: Path, row: Row, var: str, term) -> ox.Literal:
    # A globe IRI before the point (the Moon, Mars…) is not a place on Earth: refused too.
    point = read_point(getattr(term, "value", ""))
    if point is None or point.crs is not None:
        raise BadInput(f"{path}: {row.where}: ?{var} is {getattr(term, 'value', term)!r}, not a WKT point such as Point(118.78 32.06)")
    return ox.Literal(wkt_literal_text(point.lon, point.lat), datatype=GEO.wktLiteral)


def source_iri(path: Path) -> ox.NamedNode:
    # by the file's stem, not its suffix: the same result exported as JSON or CSV is one source
    return SOURCE["wikidata-results-" + (ids.slug(Path(path).stem) or "file")]


def rows_to_triples(path: Path, rows: list[Row], mapping: dict[str, str] | None = None, lang: str | None = None) -> list[ox.Triple]:
    """The citygraph triples for the rows (sorted, de-duplicated)."""
    path = Path(path)
    mapping = mapping or {}
    col = {v: mapping.get(v, v) for v in VARIABLES}
    _check_columns(path, rows, mapping, col)
    src = source_iri(path)
    out: set[ox.Triple] = {
        ox.Triple(src, RDF.type, CG.Source),
        ox.Triple(src, RDFS.label, ox.Literal(f"Wikidata Query Service results: {path.stem}", language="en")),
        ox.Triple(src, DCTERMS.license, CC0),
        ox.Triple(src, DCTERMS.source, ox.NamedNode("https://query.wikidata.org/")),
    }
    countries: dict[str, set[str]] = defaultdict(set)
    points: dict[str, set[ox.Literal]] = defaultdict(set)
    for row in rows:
        out |= _row_triples(path, row, col, lang, src, points, countries)
    out |= _geometry_triples(points) | _country_triples(countries)
    return sorted(out, key=lambda t: (_iri_text(t.subject), t.predicate.value, str(t.object)))


def _check_columns(path: Path, rows: list[Row], mapping: dict[str, str], col: dict[str, str]) -> None:
    if not rows:
        return
    seen_cols = set().union(*(r.values for r in rows))
    for var in ENTITY_VARS:
        if col[var] not in seen_cols:
            hint = f" (mapped with --map {var}={col[var]})" if var in mapping else f"; if the file calls it otherwise, pass --map {var}=COLUMN"
            raise BadInput(f"{path}: no column {col[var]!r} for ?{var}{hint}. Columns: {', '.join(sorted(seen_cols))}")
    for var, column in mapping.items():
        if column not in seen_cols:
            raise BadInput(f"--map {var}={column}: {path} has no column {column!r}. Columns: {', '.join(sorted(seen_cols))}")


def _row_triples(path: Path, row: Row, col: dict[str, str], lang: str | None, src: ox.NamedNode,
                 points: dict[str, set[ox.Literal]], countries: dict[str, set[str]]) -> set[ox.Triple]:
    """One row's places and tie; its coordinates and countries go to `points` and `countries`."""

    def get(var: str):
        return row.values.get(col[var])

    for var in ENTITY_VARS:
        if get(var) is None:
            raise BadInput(f"{path}: {row.where}: ?{var} (column {col[var]!r}) is empty; every row needs an item and a twin")
    q1, q2 = _qid_of(path, row, "item", get("item")), _qid_of(path, row, "twin", get("twin"))
    out: set[ox.Triple] = set()
    for side, qid in (("item", q1), ("twin", q2)):
        place = PLACE[qid]
        out |= {ox.Triple(place, RDF.type, CG.Place), ox.Triple(place, CG.qid, ox.Literal(qid)), ox.Triple(place, CG.wikidata, WD[qid])}
        label = _label(get(side + "Label"), lang)
        if label is not None and label.value != qid:  # WDQS falls back to the QID when there is no label
            out.add(ox.Triple(place, RDFS.label, label))
        if get(side + "Coord") is not None:
            points[qid].add(_point(path, row, side + "Coord", get(side + "Coord")))
        if get(side + "Country") is not None:
            countries[qid].add(_qid_of(path, row, side + "Country", get(side + "Country")))
    if q1 == q2:
        return out  # a self-tie is no tie
    pair = ids.pair_key(q1, q2)
    tie = ids.partnership_iri(q1, q2)
    formal, derived = CG.FormalPartnership, PROV.wasDerivedFrom
    out |= {
        ox.Triple(tie, RDF.type, formal), ox.Triple(tie, CG.kind, formal),
        ox.Triple(tie, CG.party, PLACE[q1]), ox.Triple(tie, CG.party, PLACE[q2]),
        ox.Triple(tie, derived, src),
    }
    first, second = pair.split("-")
    out.add(ox.Triple(PLACE[first], CG.twinnedWith, PLACE[second]))
    for var, cls, slug in (("start", CG.Formalisation, "formalisation"), ("end", CG.Termination, "termination")):
        if get(var) is None:
            continue
        date = _date(path, row, var, get(var), get(var + "Precision"))
        event = ids.event_iri(pair, slug, date.value)
        out |= {
            ox.Triple(event, RDF.type, cls), ox.Triple(event, CG.date, date),
            ox.Triple(event, derived, src), ox.Triple(tie, CG.event, event),
        }
    return out


def _geometry_triples(points: dict[str, set[ox.Literal]]) -> set[ox.Triple]:
    """Wikidata's coordinates (P625) are a geometry of the place, not its centroid: the centroid
    is the curated, verified point (one per place), which an imported file must not contradict.
    The same IRIs as `citygraph link enrich` uses for Wikidata's coordinates."""
    out: set[ox.Triple] = set()
    for qid, wkts in points.items():
        ordered = sorted(wkts, key=lambda w: w.value)
        for n, wkt in enumerate(ordered, start=1):
            geometry = ids.wikidata_geometry_iri(qid, n if len(ordered) > 1 else None)
            out |= {
                ox.Triple(PLACE[qid], GEO.hasGeometry, geometry),
                ox.Triple(geometry, RDF.type, GEO.Geometry),
                ox.Triple(geometry, GEO.asWKT, wkt),
            }
    return out


def _country_triples(countries: dict[str, set[str]]) -> set[ox.Triple]:
    out: set[ox.Triple] = set()
    for qid, cs in countries.items():
        if len(cs) == 1:  # cg:country is functional: several P17 values are left out, not merged
            (c,) = cs
            country = PLACE[c]
            out |= {
                ox.Triple(PLACE[qid], CG.country, country), ox.Triple(country, RDF.type, CG.Country),
                ox.Triple(country, CG.qid, ox.Literal(c)), ox.Triple(country, CG.wikidata, WD[c]),
            }
    return out


def _iri_text(term) -> str:
    """The IRI of a subject this module made (always a NamedNode)."""
    assert isinstance(term, ox.NamedNode), term
    return term.value


def to_turtle(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""


def check_out(out: Path) -> None:
    """--out must name a file in an existing folder (checked before anything is written)."""
    out = Path(out)
    if out.is_dir():
        raise BadInput(f"--out {out}: is a folder; give a file name such as ties.ttl")
    parent = out.resolve().parent
    if not parent.is_dir():
        raise BadInput(f"--out {out}: folder {parent} does not exist")


def check_lang(lang: str | None) -> None:
    """--lang must be a BCP 47 language tag (checked before the file is read)."""
    if lang is None:
        return
    try:
        ox.Literal("x", language=lang)
    except ValueError:
        raise BadInput(f"--lang {lang!r}: not a language tag; give a BCP 47 tag such as en, zh-Hans or pt-BR") from None


def import_results(path: Path, out: Path, mapping: dict[str, str] | None = None, fmt: str | None = None, lang: str | None = None) -> dict:
    """Read one results file and write the Turtle; returns counts for the summary."""
    check_lang(lang)
    rows = read_results(path, fmt)
    triples = rows_to_triples(path, rows, mapping, lang)
    check_out(out)
    atomic.write_bytes(out, to_turtle(triples))
    party = CG.party
    ties = {_iri_text(t.subject) for t in triples if t.predicate.value == str(party)}
    places = {_iri_text(t.subject) for t in triples if t.predicate.value == CG.qid.value}
    return {"rows": len(rows), "ties": len(ties), "places": len(places), "triples": len(triples)}


__all__ = ["read_results", "rows_to_triples", "import_results", "parse_mapping", "VARIABLES", "FORMATS"]
