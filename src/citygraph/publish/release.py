"""What a release says about itself: where its files live, its date, its licences, its makers.

One place for the facts every metadata file repeats (void.ttl, dataset.jsonld, datacite.json,
.zenodo.json, CITATION.cff, pyproject.toml, the docs), so they cannot drift apart:

- the licence story: code MIT; curated data (and the ontology, shapes and inferences built on
  it) CC BY 4.0; the world layer CC0 1.0, as its Wikidata origin allows; Wikidata enrichment
  CC0 1.0 too;
- the creator: "citygraph contributors" (the history names no person);
- the release date: given (`--release-date`), else the ontology's own dcterms:modified — never
  the clock, so two builds of the same input are byte-identical.

`citygraph build --base-url URL` says where the files of the output folder will be
downloadable (URL/NAME); without it the metadata says what the files are, not where.
The release in effect is a context variable: `cli/cmd_build` sets it around the dump writing,
and void.py and the catalogue files read it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import urllib.parse
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import BadInput
from ..namespaces import DCTERMS, GRAPH, GRAPH_ENRICHMENT, GRAPH_ONTOLOGY, ONTOLOGY_IRI
from ..version import __version__

TITLE = "citygraph: the knowledge graph of city diplomacy"
DESCRIPTION = ("The knowledge graph of city diplomacy: sister cities, twin towns and friendship cities as "
               "validated, reasoned RDF linked to Wikidata — each tie with its parties, kind and dated, sourced history.")
KEYWORDS = ("sister cities", "twin towns", "city diplomacy", "friendship cities", "knowledge graph", "RDF", "Wikidata")
CREATOR = "citygraph contributors"
HOMEPAGE = "https://w3id.org/citygraph"

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"
MIT = "https://opensource.org/license/mit"
SPDX_ID = {CC_BY: "CC-BY-4.0", CC0: "CC0-1.0", MIT: "MIT"}
LICENCE_NAME = {CC_BY: "Creative Commons Attribution 4.0 International", CC0: "Creative Commons Zero v1.0 Universal",
                MIT: "MIT License"}
DATA_LICENCE = CC_BY  # of the whole dataset and of every file that mixes the layers
RIGHTS = ("Code MIT; curated data, ontology, shapes and inferences CC BY 4.0 (cite citygraph and the sources each "
          "fact names); the Wikidata-derived world layer CC0 1.0.")
CC0_GRAPHS = (GRAPH["data/world"].value, GRAPH_ENRICHMENT.value)


def graph_licence(graph: str) -> str:
    """The licence of one named graph: CC0 for what comes from Wikidata, CC BY 4.0 for the rest."""
    return CC0 if graph in CC0_GRAPHS else CC_BY


def graph_rights(graph: str) -> str:
    if graph in CC0_GRAPHS:
        return "Derived from Wikidata (CC0 1.0): no rights reserved; citing the extracts named as sources is kind."
    return "CC BY 4.0: attribute citygraph contributors and the sources each fact names (prov:wasDerivedFrom)."


@dataclass(frozen=True)
class Release:
    """Where a build's files will be, and the date and version it carries."""

    date: dt.date
    base_url: str | None = None  # a folder URL ending in "/"
    sparql_endpoint: str | None = None
    version: str = __version__

    def url(self, name: str) -> str | None:
        return self.base_url + urllib.parse.quote(name) if self.base_url else None


def check_base_url(url: str, option: str = "--base-url") -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise BadInput(f"{option} {url!r}: give the http(s) folder URL the files will be published under, "
                       "e.g. https://example.org/citygraph/0.1.0/")
    return url if url.endswith("/") else url + "/"


def parse_date(text: str, option: str = "--release-date") -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{option} {text!r}: not a date; write YYYY-MM-DD") from None


def data_release_date(store: ox.Store) -> dt.date:
    """The data's own date: the ontology header's dcterms:modified (else dcterms:created)."""
    for prop in (DCTERMS.modified, DCTERMS.created):
        q = f"SELECT (MAX(STR(?d)) AS ?d) WHERE {{ GRAPH {GRAPH_ONTOLOGY} {{ <{ONTOLOGY_IRI}> {prop} ?d }} }}"
        result = store.query(q)
        rows = list(result) if isinstance(result, ox.QuerySolutions) else []
        if rows and rows[0]["d"] is not None:
            return parse_date(rows[0]["d"].value[:10], f"the ontology's dcterms:{prop.value.split('/')[-1]}")
    raise BadInput(f"the ontology header <{ONTOLOGY_IRI}> has no dcterms:modified; give --release-date YYYY-MM-DD")


_CURRENT: ContextVar[Release | None] = ContextVar("citygraph_release", default=None)


@contextlib.contextmanager
def releasing(release: Release) -> Iterator[Release]:
    """Make `release` the one the metadata writers describe, for the duration of the block."""
    token = _CURRENT.set(release)
    try:
        yield release
    finally:
        _CURRENT.reset(token)


def current(store: ox.Store) -> Release:
    """The release in effect, or one dated by the data with no base URL."""
    return _CURRENT.get() or Release(date=data_release_date(store))
