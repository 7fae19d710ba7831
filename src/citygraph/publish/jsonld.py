"""The JSON-LD dump: compacted with the committed context, written deterministically.

No library compacts ~300k triples fast and byte-stably (pyld takes minutes; pyoxigraph's
JSON-LD writer knows prefixes but not terms), so the document is written here from sorted
triples, one node object per line, with the context embedded so the file reads offline.
Only forms whose expansion is unambiguous are written, so any JSON-LD 1.1 processor turns
the file back into exactly the triples it came from (tests check this with pyld):
- a term with `"@type": "@id"` gets its IRIs as compact strings, anything else as objects;
- a term with `"@container": "@language"` gets language-tagged and plain strings as a map;
  other values of that property go under its compact IRI, which carries no container;
- literals keep their lexical form: typed values are `{"@value": ..., "@type": ...}` strings,
  never JSON numbers or booleans (which a processor would re-canonicalise).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import BadInput
from ..load import resources
from ..namespaces import RDF, XSD

RDF_TYPE = RDF.type.value
XSD_STRING = XSD.string.value


def load_context(path: Path | None = None) -> dict:
    """The committed context document ({"@context": {...}})."""
    path = Path(path) if path is not None else resources.context_file()
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise BadInput(f"{path}: not a readable JSON-LD context: {err}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("@context"), dict):
        raise BadInput(f"{path}: expected an object with an \"@context\" object")
    return doc


@dataclass(frozen=True)
class Term:
    name: str
    iri: str
    coerce: str | None  # "@id", a datatype IRI, or None
    container: str | None  # "@language" or None


class Compactor:
    """IRI and value compaction driven by one context (prefixes and terms)."""

    def __init__(self, context: dict):
        ctx = context["@context"]
        self.id_key, self.type_key = "@id", "@type"
        prefixes: dict[str, str] = {}
        raw_terms: dict[str, dict] = {}
        for name, value in ctx.items():
            if name.startswith("@"):
                continue
            if value == "@id":
                self.id_key = name
            elif value == "@type":
                self.type_key = name
            elif isinstance(value, str) and value.endswith(("/", "#")) and ":" not in name:
                prefixes[name] = value
            else:
                raw_terms[name] = value if isinstance(value, dict) else {"@id": value}
        self.prefixes = prefixes
        self._memo: dict[str, str] = {}
        # namespace -> its prefix (of two for one namespace, the first by name); every namespace
        # ends with "/" or "#", so an IRI's candidates are its beginnings up to one of those
        self._by_namespace: dict[str, str] = {}
        for name, ns in sorted(prefixes.items()):
            self._by_namespace.setdefault(ns, name)
        self.terms: dict[str, Term] = {}
        for name, d in raw_terms.items():
            iri = self.expand(d["@id"])
            coerce = d.get("@type")
            term = Term(name, iri, self.expand(coerce) if coerce and coerce != "@id" else coerce, d.get("@container"))
            self.terms.setdefault(iri, term)  # first definition of an IRI wins

    def expand(self, value: str) -> str:
        prefix, sep, rest = value.partition(":")
        if sep and prefix in self.prefixes and not rest.startswith("//"):
            return self.prefixes[prefix] + rest
        return value

    def iri(self, iri: str) -> str:
        """A compact IRI (prefix:suffix) where a prefix fits, else the IRI itself."""
        hit = self._memo.get(iri)
        if hit is None:
            hit = self._memo[iri] = self._compact(iri)
        return hit

    def _compact(self, iri: str) -> str:
        """The longest namespace that begins `iri` (and leaves no "//" after it) gives the prefix."""
        end = len(iri)
        while True:
            cut = max(iri.rfind("/", 0, end), iri.rfind("#", 0, end))
            if cut < 0:
                return iri
            name = self._by_namespace.get(iri[:cut + 1])
            if name is not None and not iri.startswith("//", cut + 1):
                return f"{name}:{iri[cut + 1:]}"
            end = cut

    def literal(self, lit: ox.Literal, coerce: str | None):
        language = lit.language
        if language:
            return {"@value": lit.value, "@language": language}
        dt = lit.datatype.value
        if coerce is not None and coerce == dt:
            return lit.value
        if dt == XSD_STRING:
            return lit.value if coerce is None else {"@value": lit.value}
        return {"@value": lit.value, "@type": self.iri(dt)}

    def node_ref(self, term, coerce: str | None):
        if isinstance(term, ox.NamedNode):
            iri = self._memo.get(term.value) or self.iri(term.value)  # the memo read inline: most refs repeat
            return iri if coerce == "@id" else {self.id_key: iri}
        if isinstance(term, ox.BlankNode):
            ref = f"_:{term.value}"
            return ref if coerce == "@id" else {self.id_key: ref}
        return self.literal(term, coerce)

    def node(self, subject, pairs: list[tuple]) -> dict:
        """One node object from its (predicate IRI, object) pairs, in the order given."""
        out: dict = {self.id_key: self._subject(subject)}
        types = [self.iri(o.value) for p, o in pairs if p == RDF_TYPE and isinstance(o, ox.NamedNode)]
        if types:
            out[self.type_key] = types[0] if len(types) == 1 else types
        props = self._properties(pairs)
        for key in sorted(props):
            vals = props[key]
            out[key] = vals[0] if isinstance(vals, list) and len(vals) == 1 else vals
        return out

    def _properties(self, pairs: list[tuple]) -> dict[str, Any]:
        """Property key -> a list of values, or a language map, for every pair but rdf:type to an IRI."""
        props: dict[str, Any] = {}
        lang_maps: dict[str, dict[str, list]] = {}
        terms = self.terms
        for p, o in pairs:
            if p == RDF_TYPE and isinstance(o, ox.NamedNode):
                continue
            term = terms.get(p)
            if term is None:
                key, coerce = self.iri(p), None
            elif term.container is None:
                key, coerce = term.name, term.coerce
            elif self._in_language_map(term, o):
                lang_maps.setdefault(term.name, {}).setdefault(o.language or "@none", []).append(o.value)
                continue
            else:
                key, coerce = self.iri(p), None
            props.setdefault(key, []).append(self.node_ref(o, coerce))
        for key, by_lang in lang_maps.items():
            props[key] = {lang: vals[0] if len(vals) == 1 else vals for lang, vals in sorted(by_lang.items())}
        return props

    @staticmethod
    def _in_language_map(term, o) -> bool:
        """A tagged (or plain, uncoerced) string of a term whose container is @language."""
        return term.container == "@language" and isinstance(o, ox.Literal) and bool(
            o.language or (o.datatype.value == XSD_STRING and term.coerce is None))

    def _subject(self, subject) -> str:
        if isinstance(subject, ox.BlankNode):
            return f"_:{subject.value}"
        return self.iri(subject.value)


# json.dumps(..., ensure_ascii=False) makes an encoder per call; one serves every node object
# (no circular check: the node objects are fresh trees of dicts, lists and strings)
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def to_jsonld(triples: Iterable, context: dict | None = None) -> bytes:
    """A compacted JSON-LD document of `triples` (Triples or Quads, grouped by subject, e.g. sorted)."""
    context = context if context is not None else load_context()
    comp = Compactor(context)
    lines: list[str] = []
    subject = None
    pairs: list[tuple] = []
    add = pairs.append
    for t in triples:
        s = t.subject
        if s != subject:
            if subject is not None:
                lines.append(_encode(comp.node(subject, pairs)))
            pairs = []
            add = pairs.append
            subject = s
        add((t.predicate.value, t.object))
    if subject is not None:
        lines.append(_encode(comp.node(subject, pairs)))
    head = json.dumps(context["@context"], ensure_ascii=False, indent=2)
    body = ",\n".join(lines)
    return f'{{\n"@context": {head},\n"@graph": [\n{body}\n]\n}}\n'.encode()
