"""The stored-query catalogue parsed once: headers read and queries syntax-checked on first use,
then kept in $CITYGRAPH_CACHE_DIR/queries.json beside the built stores.

Parsing a header needs PyYAML and checking a query's syntax runs the SPARQL parser (rdflib's,
for the federated ones); together they cost `citygraph queries` about a third of a second on
every run. Each query's parsed form is stored under a digest of its name, path and text; the
whole file is keyed by the code that parses (catalogue.py, terms.py, sparqltext.py, this module)
and the package version, so an edit to either re-parses. A missing, damaged or foreign file is
ignored and rewritten (temp file + rename); an unwritable cache only costs the parse.
`get` and `catalogue` behave exactly as catalogue.get and catalogue.catalogue (same errors).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from pathlib import Path

from . import catalogue as cat
from .terms import parse_value

FORMAT = 1
KEEP = 400  # entries kept in the file (every version of every query a user has run, within reason)
_CODE = ("catalogue.py", "terms.py", "sparqltext.py", "catalogue_cache.py")
_state: dict = {}


def _path() -> Path:
    from ..load.resources import cache_dir

    return cache_dir() / "queries.json"


def _code_digest() -> str:
    from ..version import __version__

    h = hashlib.sha256(f"{FORMAT} {__version__}".encode())
    here = Path(__file__).resolve().parent
    for name in _CODE:
        h.update(hashlib.sha256((here / name).read_bytes()).digest())
    return h.hexdigest()[:32]


def _records() -> dict:
    if "records" not in _state:
        _state["code"] = _code_digest()
        records: dict = {}
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(_path().read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("code") == _state["code"] and isinstance(data.get("queries"), dict):
                records = data["queries"]
        _state["records"] = records
    return _state["records"]


def _key(name: str, path: Path | None, text: str) -> str:
    return hashlib.sha256(f"{name}\0{path}\0{text}".encode()).hexdigest()


def to_record(q: cat.StoredQuery) -> dict:
    return {"name": q.name, "summary": q.summary, "description": q.description, "tags": list(q.tags),
            "federated": q.federated, "form": q.form,
            "parameters": [{"name": p.name, "variable": p.variable, "type": p.type, "required": p.required,
                            "default": p.default_text, "description": p.description, "example": p.example}
                           for p in q.parameters]}


def from_record(rec: dict, text: str, path: Path | None) -> cat.StoredQuery:
    params = [cat.Parameter(name=p["name"], variable=p["variable"], type=p["type"], required=p["required"],
                            default=None if p["default"] is None else parse_value(p["type"], p["default"], "cache"),
                            description=p["description"], example=p["example"])
              for p in rec["parameters"]]
    return cat.StoredQuery(name=rec["name"], text=text, summary=rec["summary"], description=rec["description"],
                           tags=list(rec["tags"]), parameters=params, federated=rec["federated"], form=rec["form"],
                           path=path)


def _save() -> None:
    path = _path()
    records = _state.get("records", {})
    if len(records) > KEEP:
        records = dict(list(records.items())[-KEEP:])
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps({"format": FORMAT, "code": _state["code"], "queries": records},
                                      ensure_ascii=False, sort_keys=True), encoding="utf-8")
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()


def load_file(path: Path, *, save: bool = True) -> cat.StoredQuery:
    """catalogue.load_file, answered from the cache when this exact text was parsed before."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return cat.load_file(path)  # raises the catalogue's own error
    key = _key(path.stem, path, text)
    rec = _records().get(key)
    if rec is not None:
        try:
            return from_record(rec, text, path)
        except Exception:  # a damaged record: parse afresh below  # noqa: BLE001
            pass
    query = cat.parse_query(text, path.stem, path)
    _records()[key] = to_record(query)
    if save:
        _save()
    return query


def get(name: str, folder: Path | None = None) -> cat.StoredQuery:
    """catalogue.get through the cache."""
    folder = folder or cat.query_dir()
    path = folder / f"{name}.rq"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name) or not path.is_file():
        return cat.get(name, folder)  # raises "no stored query …"
    return load_file(path)


def catalogue(folder: Path | None = None) -> list[cat.StoredQuery]:
    """catalogue.catalogue through the cache (the file written once for all new entries)."""
    folder = folder or cat.query_dir()
    before = len(_records())
    out = [load_file(p, save=False) for p in sorted(folder.glob("*.rq"))]
    if len(_records()) != before:
        _save()
    return out


__all__ = ["get", "catalogue", "load_file", "to_record", "from_record"]
