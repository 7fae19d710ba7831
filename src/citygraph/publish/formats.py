"""The files a build publishes, each with the terms catalogues describe it by.

One table feeds void.ttl (DCAT distributions), dataset.jsonld, datacite.json and the docs:
file name -> IANA media type, the specification it conforms to, the EU file-type authority
code (what DCAT-AP's dct:format expects) and a sentence for people. A file of the output
folder that is not in this table (SHA256SUMS, the catalogue records themselves) is not a
distribution of the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

W3C_FORMATS = "http://www.w3.org/ns/formats/"
IANA = "https://www.iana.org/assignments/media-types/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"


@dataclass(frozen=True)
class FileFormat:
    media_type: str
    conforms_to: str  # the specification the file follows
    eu_file_type: str  # code in the EU file-type authority table
    description: str
    rdf: bool = False  # an RDF dump (a void:dataDump)


DISTRIBUTIONS: dict[str, FileFormat] = {
    "citygraph.ttl": FileFormat("text/turtle", W3C_FORMATS + "Turtle", "RDF_TURTLE",
                                "The knowledge graph (ontology, data, inferences) as one Turtle graph.", rdf=True),
    "citygraph.nt": FileFormat("application/n-triples", W3C_FORMATS + "N-Triples", "RDF_N_TRIPLES",
                               "The knowledge graph as sorted N-Triples, one triple a line.", rdf=True),
    "citygraph.jsonld": FileFormat("application/ld+json", W3C_FORMATS + "JSON-LD", "JSON_LD",
                                   "The knowledge graph as JSON-LD with the citygraph context.", rdf=True),
    "citygraph.trig": FileFormat("application/trig", W3C_FORMATS + "TriG", "RDF_TRIG",
                                 "Every named graph kept apart (ontology, shapes, each source, inferences) as TriG.", rdf=True),
    "ties.csv": FileFormat("text/csv", "https://www.rfc-editor.org/rfc/rfc4180", "CSV",
                           "One row per tie: parties, kind, start and end as intervals, status on the release date, sources."),
    "places.csv": FileFormat("text/csv", "https://www.rfc-editor.org/rfc/rfc4180", "CSV",
                             "One row per place that is party to a tie: QID, labels, country, coordinates."),
    "events.csv": FileFormat("text/csv", "https://www.rfc-editor.org/rfc/rfc4180", "CSV",
                             "One row per dated or undated event in the life of a tie."),
    "ties.csv-metadata.json": FileFormat("application/csvm+json", "http://www.w3.org/ns/csvw", "JSON_LD",
                                         "CSV on the Web metadata for ties.csv: every column, and how the columns that "
                                         "state facts convert back to RDF."),
    "places.csv-metadata.json": FileFormat("application/csvm+json", "http://www.w3.org/ns/csvw", "JSON_LD",
                                         "CSV on the Web metadata for places.csv: every column, and how the columns that "
                                         "state facts convert back to RDF."),
    "events.csv-metadata.json": FileFormat("application/csvm+json", "http://www.w3.org/ns/csvw", "JSON_LD",
                                         "CSV on the Web metadata for events.csv: every column, and how the columns that "
                                         "state facts convert back to RDF."),
    "citygraph.xlsx": FileFormat("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                 "http://purl.org/NET/mediatypes/application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                 "XLSX", "The three tables as sheets of one workbook."),
    "ties.geojson": FileFormat("application/geo+json", "https://www.rfc-editor.org/rfc/rfc7946", "GEOJSON",
                               "Each tie as a line between its parties' points, with the CSV's properties."),
    "ties.json": FileFormat("application/ld+json", W3C_FORMATS + "JSON-LD", "JSON_LD",
                            "The ties as framed JSON-LD: an array of plain JSON objects with short keys."),
    "ties.context.jsonld": FileFormat("application/ld+json", W3C_FORMATS + "JSON-LD", "JSON_LD",
                                      "The JSON-LD context of ties.json, to reference by URL."),
    # citygraph picture, written by every build (pictures/output.py BUILD_PICTURES)
    "pictures/world-map.svg": FileFormat("image/svg+xml", "https://www.w3.org/TR/SVG11/", "SVG",
                                         "Every tie of the graph on an Equal Earth map, drawn as a density of routes."),
    "pictures/growth.svg": FileFormat("image/svg+xml", "https://www.w3.org/TR/SVG11/", "SVG",
                                      "Ties formed per year and in force, with suspensions and endings."),
}


def present(folder: Path) -> list[tuple[str, FileFormat]]:
    """The distributions found in `folder`, by file name."""
    return [(name, fmt) for name, fmt in sorted(DISTRIBUTIONS.items()) if (Path(folder) / name).is_file()]
