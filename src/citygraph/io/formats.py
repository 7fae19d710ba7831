"""Every file format citygraph reads or writes, in one table: name, media type, suffixes, W3C IRI.

The CLI's `--format`/`--input-format` choices, the RDF loader's suffixes, the dump files' media
types in VoID/DCAT, and the SPARQL results reader all take their names from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    name: str  # as the CLI spells it
    media_type: str
    suffixes: tuple[str, ...]  # the first is the one we write
    kind: str  # "rdf" (a graph or dataset), "results" (SPARQL results) or "text" (for people)
    w3c: str | None = None  # local name under http://www.w3.org/ns/formats/
    rdf: ox.RdfFormat | None = None

    @property
    def w3c_iri(self) -> str:
        if self.w3c is None:
            raise ValueError(f"format {self.name} has no W3C format IRI")
        return W3C_FORMATS + self.w3c


TABLE: tuple[Format, ...] = (
    Format("table", "text/plain", (".txt",), "text"),
    Format("csv", "text/csv", (".csv",), "results", "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", (".tsv",), "results", "SPARQL_Results_TSV"),
    Format("json", "application/sparql-results+json", (".json", ".srj"), "results", "SPARQL_Results_JSON"),
    Format("xml", "application/sparql-results+xml", (".xml", ".srx"), "results", "SPARQL_Results_XML"),
    Format("turtle", "text/turtle", (".ttl", ".turtle"), "rdf", "Turtle", ox.RdfFormat.TURTLE),
    Format("jsonld", "application/ld+json", (".jsonld", ".json"), "rdf", "JSON-LD", ox.RdfFormat.JSON_LD),
    Format("ntriples", "application/n-triples", (".nt",), "rdf", "N-Triples", ox.RdfFormat.N_TRIPLES),
    Format("nquads", "application/n-quads", (".nq",), "rdf", "N-Quads", ox.RdfFormat.N_QUADS),
    Format("trig", "application/trig", (".trig",), "rdf", "TriG", ox.RdfFormat.TRIG),
    Format("rdfxml", "application/rdf+xml", (".rdf", ".owl", ".xml"), "rdf", "RDF_XML", ox.RdfFormat.RDF_XML),
)
BY_NAME: dict[str, Format] = {f.name: f for f in TABLE}

QUERY_OUTPUTS = ("table", "csv", "tsv", "json", "xml", "turtle", "jsonld", "ntriples")
"""What `citygraph query --format` writes: a table for people, results formats, graph formats."""

RESULTS_INPUTS = tuple(f.name for f in TABLE if f.kind == "results")
"""The SPARQL results formats `citygraph import wikidata-results` reads."""


def by_suffix(kind: str) -> dict[str, Format]:
    """suffix -> format among the formats of one kind (.json is JSON-LD for 'rdf', results for 'results')."""
    return {suffix: f for f in TABLE if f.kind == kind for suffix in f.suffixes}


def rdf_formats_by_suffix() -> dict[str, ox.RdfFormat]:
    """suffix -> pyoxigraph parser format, for the RDF loader."""
    return {suffix: f.rdf for suffix, f in by_suffix("rdf").items() if f.rdf is not None}
