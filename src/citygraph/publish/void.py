"""void.ttl: the build described in VoID and DCAT 3, to DCAT-AP 3's mandatory and recommended properties.

The dataset: title, description, version, issued/modified (the release date, never the
clock), licence and rights, publisher and creator, a contact point, keywords and themes,
spatial coverage (the bounding box of every place's point) and temporal coverage (the
earliest and latest dated event of a tie), the ontology it conforms to, the sources it cites,
VoID's uriSpace, vocabulary, triple count, data dumps and SPARQL endpoint.
One void:subset per named graph (its IRI is the graph's name) with its triple count, its
files, its licence and rights (CC0 for the Wikidata-derived layer, CC BY 4.0 otherwise).
One dcat:Distribution per published file (formats.DISTRIBUTIONS): access and download URL
(with `--base-url`), media type, EU file type, specification, byte size, SPDX SHA-256
checksum, licence, availability.

Without `--base-url` nothing says where the files are: no accessURL, downloadURL or dataDump
(DCAT-AP requires accessURL, so only a build with a base URL is a complete DCAT-AP record).
Sorted N-Triples, then Turtle: two builds of the same input give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pyoxigraph as ox

from ..io.digest import sha256_file
from ..load import resources
from ..namespaces import (
    CG,
    DATASET,
    DCAT,
    DCTERMS,
    GEO,
    GRAPH,
    GRAPH_ENRICHMENT,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_SHAPES,
    ID,
    ONTOLOGY_IRI,
    PREFIXES,
    RDF,
    RDFS,
    SPDX,
    VOID,
    XSD,
    data_graph,
)
from ..prefixes import ordered_prefixes
from . import formats, release

DATASET_IRI = DATASET.value

DCAT_VERSION = str(DCAT) + "version"  # DCAT 3; rdflib's closed DCAT namespace predates it
DCAT_START, DCAT_END, DCAT_BBOX = (str(DCAT) + n for n in ("startDate", "endDate", "bbox"))
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
DCATAP = "http://data.europa.eu/r5r/"
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
STABLE = "http://publications.europa.eu/resource/authority/planned-availability/STABLE"
THEMES = ("INTR", "GOVE")  # international issues; government and public sector
VOID_PREFIXES = {k: v for k, v in PREFIXES.items() if k != "graph"} | {"foaf": FOAF, "vcard": VCARD, "dcatap": DCATAP}

GRAPH_ROLES = {
    GRAPH_ONTOLOGY.value: "The OWL ontology and SKOS vocabularies, as asserted.",
    GRAPH_SHAPES.value: "The SHACL shapes the data is validated against (in the TriG dump only).",
    GRAPH_INFERRED.value: "Triples entailed by the OWL 2 RL closure of ontology and data, not asserted by any source.",
    GRAPH_ENRICHMENT.value: "Facts fetched from Wikidata by `citygraph link enrich`; neither reasoned over nor validated.",
}


def _role(graph: str) -> str:
    if graph in GRAPH_ROLES:
        return GRAPH_ROLES[graph]
    name = graph[len(str(GRAPH)):] if graph.startswith(str(GRAPH)) else graph
    if name.startswith("data/"):
        return f"Asserted by the source {name}."
    if name.startswith("add/"):
        return "Asserted by a file added with `citygraph build --add`."
    return "A named graph of the build."


def _n(iri) -> ox.NamedNode:
    """A term from a namespace member (already a NamedNode) or an IRI string."""
    return iri if isinstance(iri, ox.NamedNode) else ox.NamedNode(str(iri))


def _lit(value, datatype=None, language=None) -> ox.Literal:
    if language:
        return ox.Literal(str(value), language=language)
    return ox.Literal(str(value), datatype=_n(datatype)) if datatype else ox.Literal(str(value))


def _relative(path: Path) -> str:
    """A path as the repository names it (data/nanjing/x.ttl), else just its file name."""
    path = Path(path).resolve()
    for root in (resources.ontology_dir(), resources.data_dir()):
        root = root.resolve()
        if path.is_relative_to(root):
            return f"{root.name}/{path.relative_to(root).as_posix()}"
    return path.name


def graph_files(built) -> dict[str, list[str]]:
    """Named graph IRI -> the files it was loaded from (relative, sorted)."""
    out = {
        GRAPH_ONTOLOGY.value: [_relative(p) for p in resources.ontology_files()],
        GRAPH_SHAPES.value: [_relative(p) for p in resources.shapes_files()],
    }
    for key, files in (built.sources or {}).items():
        graph = key if "://" in key else data_graph(key).value
        out[graph] = sorted(_relative(p) for p in files)
    return out


def select(store: ox.Store, query: str) -> ox.QuerySolutions:
    """The solutions of a SELECT on the built store."""
    result = store.query(query)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("not a SELECT query")
    return result


# --- what the data says about its own coverage ------------------------------------------------

def _source_documents(store: ox.Store, graphs: list[str]) -> list[ox.NamedNode]:
    values = " ".join(f"<{g}>" for g in graphs)
    q = f"SELECT DISTINCT ?s WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s a {CG.Source} }} }}"
    return sorted((r["s"] for r in select(store, q) if isinstance(r["s"], ox.NamedNode)), key=lambda n: n.value)


def _first_day(lexical: str) -> str:
    return (lexical + "-01-01")[:10] if len(lexical) < 10 else lexical[:10]


def temporal_coverage(store: ox.Store, graphs: list[str]) -> tuple[ox.Literal, ox.Literal] | None:
    """The earliest and latest date of an event of a tie, as given.

    Plans (cg:Planned) and the historical background a tie recalls (cg:HistoricalEvent, such as
    a 1408 royal visit) are left out: they are not the time the ties cover.
    """
    values = " ".join(f"<{g}>" for g in graphs)
    q = (f"SELECT DISTINCT ?d WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?tie {CG.event} ?e . ?e {CG.date} ?d "
         f"FILTER NOT EXISTS {{ ?e {CG.dateQualifier} {CG.Planned} }} FILTER NOT EXISTS {{ ?e a {CG.HistoricalEvent} }} }} }}")
    dates = [r["d"] for r in select(store, q) if isinstance(r["d"], ox.Literal)]
    if not dates:
        return None
    # earliest by its first day; latest by its last (a gYear 2019 reaches to its end)
    start = min(dates, key=lambda d: (_first_day(d.value), d.value))
    end = max(dates, key=lambda d: (d.value[:10].ljust(10, "~"), d.value))
    return start, end


def bounding_box(store: ox.Store, graphs: list[str]) -> str | None:
    """The WKT polygon around every point of the data graphs (lon/lat)."""
    values = " ".join(f"<{g}>" for g in graphs)
    q = f"SELECT ?w WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?f {GEO.asWKT} ?w }} }}"
    lons, lats = [], []
    for r in select(store, q):
        text = r["w"].value.strip()
        if text.upper().startswith("POINT"):
            try:
                lon, lat = (float(x) for x in text[text.index("(") + 1:text.index(")")].split())
            except ValueError:
                continue
            lons.append(lon)
            lats.append(lat)
    if not lons:
        return None
    w, e, s, n = (f"{v:g}" for v in (min(lons), max(lons), min(lats), max(lats)))
    return f"POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))"


# --- the description --------------------------------------------------------------------------

class _Out(list):
    def add(self, s, p, o) -> None:
        self.append(ox.Triple(s, _n(p), o))


def _agents(out: _Out, ds: ox.NamedNode) -> None:
    publisher = _n(f"{DATASET_IRI}#publisher")
    out.add(ds, DCTERMS.publisher, publisher)
    out.add(ds, DCTERMS.creator, publisher)
    out.add(publisher, RDF.type, _n(FOAF + "Agent"))
    out.add(publisher, FOAF + "name", _lit(release.CREATOR))
    contact = _n(f"{DATASET_IRI}#contact")
    out.add(ds, DCAT.contactPoint, contact)
    out.add(contact, RDF.type, _n(VCARD + "Organization"))
    out.add(contact, RDF.type, _n(VCARD + "Kind"))  # DCAT-AP's range; Organization is a vcard:Kind
    out.add(contact, VCARD + "fn", _lit(release.CREATOR))
    out.add(contact, VCARD + "hasURL", _n(release.HOMEPAGE))


def _coverage(out: _Out, ds: ox.NamedNode, built) -> None:
    box = bounding_box(built.store, built.data_graphs)
    if box:
        spatial = _n(f"{DATASET_IRI}#spatial")
        out.add(ds, DCTERMS.spatial, spatial)
        out.add(spatial, RDF.type, _n(DCTERMS.Location))
        out.add(spatial, DCAT_BBOX, _lit(box, GEO.wktLiteral))
    period = temporal_coverage(built.store, built.data_graphs)
    if period:
        temporal = _n(f"{DATASET_IRI}#temporal")
        out.add(ds, DCTERMS.temporal, temporal)
        out.add(temporal, RDF.type, _n(DCTERMS.PeriodOfTime))
        out.add(temporal, DCAT_START, period[0])
        out.add(temporal, DCAT_END, period[1])


def _licence(out: _Out, s: ox.NamedNode, licence: str) -> None:
    out.add(s, DCTERMS.license, _n(licence))
    out.add(_n(licence), RDF.type, _n(DCTERMS.LicenseDocument))


def _dataset(out: _Out, ds: ox.NamedNode, built, rel: release.Release, triples: int) -> None:
    out.add(ds, RDF.type, _n(VOID.Dataset))
    out.add(ds, RDF.type, _n(DCAT.Dataset))
    out.add(ds, DCTERMS.title, _lit(release.TITLE, language="en"))
    out.add(ds, DCTERMS.description, _lit(release.DESCRIPTION, language="en"))
    out.add(ds, DCAT_VERSION, _lit(rel.version))
    out.add(ds, DCTERMS.issued, _lit(rel.date.isoformat(), XSD.date))
    out.add(ds, DCTERMS.modified, _lit(rel.date.isoformat(), XSD.date))
    _licence(out, ds, release.DATA_LICENCE)
    rights = _n(f"{DATASET_IRI}#rights")
    out.add(ds, DCTERMS.rights, rights)
    out.add(rights, RDF.type, _n(DCTERMS.RightsStatement))
    out.add(rights, RDFS.label, _lit(release.RIGHTS, language="en"))
    _agents(out, ds)
    for word in release.KEYWORDS:
        out.add(ds, DCAT.keyword, _lit(word, language="en"))
    for theme in THEMES:
        out.add(ds, DCAT.theme, _n(EU_THEME + theme))
    _coverage(out, ds, built)
    out.add(ds, DCAT.landingPage, _n(rel.base_url or release.HOMEPAGE))
    out.add(ds, DCTERMS.conformsTo, _n(ONTOLOGY_IRI))
    out.add(ds, VOID.triples, _lit(triples, XSD.integer))
    out.add(ds, VOID.uriSpace, _lit(str(ID)))
    out.add(ds, VOID.vocabulary, _n(CG))
    if rel.sparql_endpoint:
        out.add(ds, VOID.sparqlEndpoint, _n(rel.sparql_endpoint))
    for doc in _source_documents(built.store, built.data_graphs):
        out.add(ds, DCTERMS.source, doc)


def _subsets(out: _Out, ds: ox.NamedNode, built, sizes: Mapping[str, int] | None = None) -> None:
    files = graph_files(built)
    for graph, n in (built.graph_sizes() if sizes is None else sizes).items():
        if not graph:
            continue  # the default graph is not published
        sub = _n(graph)
        out.add(ds, VOID.subset, sub)
        out.add(sub, RDF.type, _n(VOID.Dataset))
        out.add(sub, DCTERMS.title, _lit(graph[len(str(GRAPH)):] if graph.startswith(str(GRAPH)) else graph))
        out.add(sub, VOID.triples, _lit(n, XSD.integer))
        role = _role(graph)
        if files.get(graph):
            role += " Loaded from " + ", ".join(files[graph]) + "."
        out.add(sub, DCTERMS.description, _lit(role, language="en"))
        _licence(out, sub, release.graph_licence(graph))
        out.add(sub, DCTERMS.rights, _lit(release.graph_rights(graph), language="en"))


def _distributions(out: _Out, ds: ox.NamedNode, folder: Path, rel: release.Release,
                   digest: Callable[[str], str] | None = None) -> None:
    for name, fmt in formats.present(folder):
        path = Path(folder) / name
        dist = _n(f"{DATASET_IRI}/{name}")
        checksum = _n(f"{DATASET_IRI}/{name}#sha256")
        out.add(ds, DCAT.distribution, dist)
        out.add(dist, RDF.type, _n(DCAT.Distribution))
        out.add(dist, DCTERMS.title, _lit(name))
        out.add(dist, DCTERMS.description, _lit(fmt.description, language="en"))
        out.add(dist, DCAT.mediaType, _n(formats.IANA + fmt.media_type))
        out.add(dist, DCTERMS.format, _n(formats.EU_FILE_TYPE + fmt.eu_file_type))
        out.add(dist, DCTERMS.conformsTo, _n(fmt.conforms_to))
        out.add(dist, DCAT.byteSize, _lit(path.stat().st_size, XSD.nonNegativeInteger))
        _licence(out, dist, release.DATA_LICENCE)
        out.add(dist, DCATAP + "availability", _n(STABLE))
        out.add(dist, SPDX.checksum, checksum)
        out.add(checksum, RDF.type, _n(SPDX.Checksum))
        out.add(checksum, SPDX.algorithm, _n(SPDX.checksumAlgorithm_sha256))
        out.add(checksum, SPDX.checksumValue, _lit(digest(name) if digest else sha256_file(path), XSD.hexBinary))
        url = rel.url(name)
        if url and rel.base_url:
            out.add(dist, DCAT.accessURL, _n(rel.base_url))
            out.add(dist, DCAT.downloadURL, _n(url))
            if fmt.rdf:
                out.add(ds, VOID.dataDump, _n(url))


def description(built, folder: Path, triples: int, sizes: Mapping[str, int] | None = None,
                digest: Callable[[str], str] | None = None) -> list[ox.Triple]:
    """The VoID/DCAT triples for the files in `folder` (which must already be written).

    `sizes` (triples per named graph, non-empty graphs only, by IRI) and `digest` (a file name
    in `folder` -> its SHA-256) spare counting the store and hashing the files again when the
    caller already has them (publish/dump.py); by default both are found here."""
    rel = release.current(built.store)
    ds = _n(DATASET_IRI)
    out = _Out()
    _dataset(out, ds, built, rel, triples)
    _subsets(out, ds, built, sizes)
    _distributions(out, ds, folder, rel, digest)
    return list(out)


def describe(built, folder: Path, triples: int, sizes: Mapping[str, int] | None = None,
             digest: Callable[[str], str] | None = None) -> bytes:
    """void.ttl as sorted Turtle (the arguments as for `description`)."""
    nt = ox.serialize(description(built, folder, triples, sizes, digest), format=ox.RdfFormat.N_TRIPLES) or b""
    ordered = b"".join(sorted(set(nt.splitlines(keepends=True))))
    data = ox.serialize(ox.parse(ordered, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                        prefixes=VOID_PREFIXES) or b""
    return ordered_prefixes(data, VOID_PREFIXES)
