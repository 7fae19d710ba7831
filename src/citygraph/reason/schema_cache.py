"""The compiled schema on disk, keyed by the ontology's content, so no run re-closes the ontology.

Compiling the schema (owlrl closing the ~1,500-triple ontology, then reading the instance rules
off the closure) takes about a second and a half; every `build`, `validate FILE` and cold
`query` needs it and the ontology rarely changes. The compiled `Schema` is kept as JSON in
$CITYGRAPH_CACHE_DIR/schema-<key>.json, where the key hashes the ontology's canonical N-Triples,
the code that compiles it (materialise.py, this module) and owlrl's version. A file that is
missing, unreadable or of another shape is recomputed and rewritten (temp file + rename); a cache
that cannot be written costs the second and a half, never the answer.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.util
import json
import os
from pathlib import Path

import pyoxigraph as ox

FORMAT = 1
_SETS_OF_STR = ("symmetric", "transitive")


def key_for(ontology_digest: str) -> str:
    """The cache key: the ontology's digest, the compiling code, owlrl's version."""
    h = hashlib.sha256(f"format {FORMAT}\n{ontology_digest}\n".encode())
    here = Path(__file__).resolve().parent
    for name in ("materialise.py", "schema_cache.py"):
        h.update(hashlib.sha256((here / name).read_bytes()).digest())
    h.update(owlrl_version().encode())
    return h.hexdigest()[:32]


def owlrl_version() -> str:
    """owlrl's installed version ("" if it is not installed), without importing owlrl (it imports rdflib).

    Read from the METADATA of the owlrl-*.dist-info folder beside the package, as a wheel installs
    it: importlib.metadata gives the same answer but costs ~30 ms of imports (email, zipfile, csv)
    on every `validate FILE`; it is asked only where that folder is not found.
    """
    spec = importlib.util.find_spec("owlrl")
    if spec is None:
        return ""
    for folder in spec.submodule_search_locations or ():
        for info in sorted(Path(folder).parent.glob("owlrl-*.dist-info")):
            with contextlib.suppress(OSError, UnicodeDecodeError):
                for line in (info / "METADATA").read_text(encoding="utf-8").splitlines():
                    if not line:
                        break  # the end of the headers
                    if line.startswith("Version:"):
                        return line.split(":", 1)[1].strip()
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("owlrl")
    except PackageNotFoundError:
        return ""


def path_for(key: str) -> Path:
    from ..load.resources import cache_dir

    return cache_dir() / f"schema-{key}.json"


def to_json(schema) -> dict:
    out: dict = {"format": FORMAT}
    for f in dataclasses.fields(schema):
        value = getattr(schema, f.name)
        if f.name == "axioms":  # keys: IRIs as str, literals and blank nodes as terms
            out[f.name] = sorted(str(ox.Triple(*(_term(x) for x in key))) for key in value)
        elif isinstance(value, dict):
            out[f.name] = {k: sorted(v) for k, v in sorted(value.items())}
        else:
            out[f.name] = sorted(value)
    return out


def _term(x):
    return ox.NamedNode(x) if isinstance(x, str) else x


def _key(term):
    return term.value if isinstance(term, ox.NamedNode) else term


def from_json(data: dict, factory):
    """A Schema (built by `factory()`) from its JSON form; ValueError if the shape is wrong."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not a compiled schema of this format")
    schema = factory()
    for f in dataclasses.fields(schema):
        raw = data[f.name]
        if f.name == "axioms":  # one N-Triples document, so blank nodes keep their identity
            doc = "".join(f"{line} .\n" for line in raw).encode("utf-8")
            try:
                triples = ox.parse(doc, format=ox.RdfFormat.N_TRIPLES)
                setattr(schema, f.name, {(_key(t.subject), t.predicate.value, _key(t.object)) for t in triples})
            except SyntaxError as err:
                raise ValueError(f"a cached axiom does not parse: {err}") from None
        elif f.name in _SETS_OF_STR:
            setattr(schema, f.name, {str(x) for x in raw})
        else:
            target = getattr(schema, f.name)
            for k, vs in raw.items():
                target[str(k)] = {str(v) for v in vs}
    return schema


def load(key: str, factory):
    """The cached schema for `key`, or None when there is none usable."""
    try:
        data = json.loads(path_for(key).read_text(encoding="utf-8"))
        return from_json(data, factory)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save(key: str, schema) -> None:
    path = path_for(key)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(to_json(schema), ensure_ascii=False, sort_keys=True), encoding="utf-8")
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()


__all__ = ["key_for", "load", "save", "to_json", "from_json"]
