"""Content negotiation: the one table of media types, suffixes and writers the server speaks.

Every route asks `negotiate(accept, kinds)` for the best format of the kinds it can answer
(`results` for SELECT/ASK, `graph` for RDF, `html` for people); `format=` parameters and path
suffixes (`.ttl`) are looked up in the same table. The writers are those of `citygraph query`
(query/results.py), so the server and the CLI give byte-identical answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ...prefixes import ordered_prefixes
from ...query import results
from ...query.results import Result
from ...query.terms import DISPLAY_PREFIXES


def _write_rdfxml(result: Result) -> str:
    data = ox.serialize(results.sorted_triples(result.triples), format=ox.RdfFormat.RDF_XML) or b""
    return data.decode("utf-8")


def _write_trig(result: Result) -> str:
    """TriG with every triple in the default graph: the Turtle answer's triples, in its order and prefixes."""
    nt = results.write_ntriples(result).encode("utf-8")
    used = {k: v for k, v in DISPLAY_PREFIXES.items() if b"<" + v.encode() in nt}
    data = ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TRIG, prefixes=used) or b""
    return ordered_prefixes(data, used).decode("utf-8")


def _write_nquads(result: Result) -> str:
    """N-Quads with every triple in the default graph (so each line is the N-Triples line), sorted."""
    quads = [ox.Quad(t.subject, t.predicate, t.object) for t in result.triples]
    return results.sorted_ntriples(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")


_TEXT_RDF = ("application/n-triples", "application/n-quads", "application/trig")  # UTF-8 text without a text/ type


@dataclass(frozen=True)
class Format:
    name: str                 # the format= value and the CLI's --format name
    media_type: str           # what we send in Content-Type (without charset)
    kind: str                 # results | graph | html
    suffix: str | None        # a path suffix that asks for it (.ttl)
    writer: Callable[[Result], str] | None
    aliases: tuple[str, ...] = ()  # other media types that ask for it

    @property
    def content_type(self) -> str:
        return self.media_type + ("; charset=utf-8" if self.media_type.startswith("text/") or "json" in self.media_type
                                  or "xml" in self.media_type or self.media_type in _TEXT_RDF else "")


FORMATS: tuple[Format, ...] = (
    Format("html", "text/html", "html", ".html", None, ("application/xhtml+xml",)),
    Format("json", "application/sparql-results+json", "results", ".srj", results.write_json, ("application/json", "text/javascript", "application/javascript")),
    Format("xml", "application/sparql-results+xml", "results", ".srx", results.write_xml, ("application/xml", "text/xml")),
    Format("csv", "text/csv", "results", ".csv", results.write_csv),
    Format("tsv", "text/tab-separated-values", "results", ".tsv", results.write_tsv),
    Format("turtle", "text/turtle", "graph", ".ttl", results.write_turtle, ("application/turtle", "application/x-turtle")),
    Format("ntriples", "application/n-triples", "graph", ".nt", results.write_ntriples, ("text/plain",)),
    Format("jsonld", "application/ld+json", "graph", ".jsonld", results.write_jsonld, ("application/x-json+ld",)),
    Format("rdfxml", "application/rdf+xml", "graph", ".rdf", _write_rdfxml),
    # dataset formats: the answer's triples in the default graph (a CONSTRUCT or DESCRIBE makes one graph)
    Format("trig", "application/trig", "graph", ".trig", _write_trig, ("application/x-trig",)),
    Format("nquads", "application/n-quads", "graph", ".nq", _write_nquads, ("text/x-nquads",)),
)
BY_NAME = {f.name: f for f in FORMATS}
BY_SUFFIX = {f.suffix: f for f in FORMATS if f.suffix}
RDF_SUFFIXES = {s: f for s, f in BY_SUFFIX.items() if f.kind == "graph"}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """(media range, q) in the header's order, q=0 ranges dropped; no header means */*."""
    if not header:
        return [("*/*", 1.0)]
    out = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            out.append((media, q))
    return out


def _match(media_range: str, fmt: Format) -> int:
    """How specifically a range matches a format: 3 exact, 2 alias, 1 type/*, 0.5 */*, 0 none."""
    if media_range == fmt.media_type:
        return 3
    if media_range in fmt.aliases:
        return 2
    major = fmt.media_type.split("/")[0]
    if media_range == f"{major}/*":
        return 1
    return 0  # */* is handled by the caller's default


def negotiate(accept: str | None, kinds: Iterable[str], default: str | None = None) -> Format | None:
    """The best format of the given kinds for an Accept header, or None (-> 406).

    The highest q wins; among equal q the more specific match, then the header's order. A
    range `*/*` gives `default` (or the first format of the kinds).
    """
    candidates = [f for f in FORMATS if f.kind in set(kinds)]
    best: tuple[float, int, int] | None = None
    chosen = None
    wildcard = False
    for pos, (media, q) in enumerate(parse_accept(accept)):
        if media == "*/*":
            wildcard = wildcard or q > 0
            continue
        for fmt in candidates:
            score = _match(media, fmt)
            if score and (best is None or (q, score, -pos) > best):
                best, chosen = (q, score, -pos), fmt
    if chosen is not None:
        return chosen
    if wildcard and candidates:
        return BY_NAME[default] if default in BY_NAME else candidates[0]
    return None


# Other names clients send as format= (SPARQLWrapper sends json-ld, xml for RDF/XML, …).
NAME_ALIASES = {"json-ld": "jsonld", "ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples", "rdf": "rdfxml",
                "rdf+xml": "rdfxml", "srj": "json", "srx": "xml", "nq": "nquads", "n-quads": "nquads"}


def by_name(name: str, kinds: Iterable[str]) -> Format | None:
    """A format by its name (or a common alias); `xml` means RDF/XML when the answer is a graph."""
    kinds = set(kinds)
    name = name.strip().lower()
    if name == "xml" and "graph" in kinds:
        name = "rdfxml"
    fmt = BY_NAME.get(NAME_ALIASES.get(name, name))
    return fmt if fmt is not None and fmt.kind in kinds else None


def names(kinds: Iterable[str]) -> list[str]:
    return [f.name for f in FORMATS if f.kind in set(kinds)]


def split_suffix(path: str) -> tuple[str, Format | None]:
    """`/id/place/Q1.ttl` -> ('/id/place/Q1', turtle); a path without a known suffix is unchanged."""
    for suffix, fmt in BY_SUFFIX.items():
        if fmt.kind in ("graph", "html") and path.endswith(suffix):
            return path[: -len(suffix)], fmt
    return path, None
