"""Records for catalogues, written by the build beside the data: dataset.jsonld, datacite.json, .zenodo.json.

- dataset.jsonld: a schema.org Dataset as dataset search engines read it (Google's dataset
  guidelines: name, description, url, version, license, creator, keywords, spatial and
  temporal coverage, citation, isBasedOn, and a DataDownload per file with contentUrl and
  encodingFormat). Put it in the landing page's <script type="application/ld+json">.
- datacite.json: DataCite Metadata Schema 4.5 in the JSON of DataCite's REST API
  (`data.attributes`): creators, titles, publisher, publicationYear, types, subjects, dates,
  sizes, formats, version, rightsList (SPDX), descriptions, geoLocations, relatedIdentifiers.
  The DOI itself is left out: the registration agency assigns it on deposit.
- .zenodo.json: the deposit metadata Zenodo reads (upload_type dataset, licence cc-by-4.0,
  creators, keywords, related identifiers), so `dist/` can be uploaded as a new version of a
  Zenodo record without hand editing. It lives in dist/ only: at the repository root it would
  override CITATION.cff for Zenodo's GitHub integration, which archives the code (MIT), not
  the data.

Everything comes from the build (coverage, sources, files) and publish/release.py (title,
licences, creator, date, base URL); nothing from the clock. Keys are sorted: same input, same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import CG, DCTERMS, RDFS
from . import formats, release, void

SCHEMA_JSONLD = "dataset.jsonld"
DATACITE = "datacite.json"
ZENODO = ".zenodo.json"


def _dump(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def sources(store: ox.Store, graphs: list[str]) -> list[dict[str, str]]:
    """The top-level source documents: label, citation text (if any) and origin URL (if any)."""
    values = " ".join(f"<{g}>" for g in graphs)
    q = f"""SELECT ?s (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?citation) (SAMPLE(?o) AS ?origin) WHERE {{
        VALUES ?g {{ {values} }} GRAPH ?g {{
            ?s a {CG.Source}
            FILTER NOT EXISTS {{ ?s {DCTERMS.isPartOf} ?whole }}
            OPTIONAL {{ ?s {RDFS.label} ?l }} OPTIONAL {{ ?s {DCTERMS.bibliographicCitation} ?c }}
            OPTIONAL {{ ?s {DCTERMS.source} ?o FILTER(isIRI(?o)) }}
        }}
    }} GROUP BY ?s ORDER BY ?s"""
    out = []
    for r in void.select(store, q):
        row = {"iri": r["s"].value}
        for key in ("label", "citation", "origin"):
            if r[key] is not None:
                row[key] = r[key].value
        out.append(row)
    return out


def coverage(built) -> dict:
    """Spatial box (w, s, e, n) and temporal interval (start, end lexical forms), where the data has them."""
    out: dict = {}
    box = void.bounding_box(built.store, built.data_graphs)
    if box:
        nums = [float(x) for x in box[box.index("((") + 2:].replace(",", " ").replace(")", " ").split()]
        out["box"] = (nums[0], nums[1], nums[4], nums[5])  # w s, e s, e n
    period = void.temporal_coverage(built.store, built.data_graphs)
    if period:
        out["period"] = (period[0].value, period[1].value)
    return out


def _files(folder: Path, rel: release.Release) -> list[dict]:
    out = []
    for name, fmt in formats.present(folder):
        out.append({"name": name, "url": rel.url(name) or name, "media_type": fmt.media_type,
                    "description": fmt.description, "size": (Path(folder) / name).stat().st_size})
    return out


def schema_org(built, folder: Path, rel: release.Release) -> dict:
    cov = coverage(built)
    creator = {"@type": "Organization", "name": release.CREATOR, "url": release.HOMEPAGE}
    data: dict = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": rel.base_url or release.HOMEPAGE,
        "name": release.TITLE,
        "description": release.DESCRIPTION + " " + release.RIGHTS,
        "url": rel.base_url or release.HOMEPAGE,
        "version": rel.version,
        "datePublished": rel.date.isoformat(),
        "dateModified": rel.date.isoformat(),
        "license": release.DATA_LICENCE,
        "isAccessibleForFree": True,
        "creator": creator,
        "publisher": creator,
        "keywords": list(release.KEYWORDS),
        "inLanguage": "en",
        "citation": [s.get("citation") or s.get("label") or s["iri"] for s in sources(built.store, built.data_graphs)],
        "distribution": [{"@type": "DataDownload", "name": f["name"], "contentUrl": f["url"], "encodingFormat": f["media_type"],
                          "description": f["description"], "contentSize": f"{f['size']} B"} for f in _files(folder, rel)],
    }
    based_on = sorted({s["origin"] for s in sources(built.store, built.data_graphs) if "origin" in s})
    if based_on:
        data["isBasedOn"] = based_on
    if "box" in cov:
        w, s, e, n = cov["box"]
        data["spatialCoverage"] = {"@type": "Place", "geo": {"@type": "GeoShape", "box": f"{s:g} {w:g} {n:g} {e:g}"}}
    if "period" in cov:
        data["temporalCoverage"] = "/".join(cov["period"])
    return data


def _rights() -> list[dict]:
    return [{"rights": release.LICENCE_NAME[uri], "rightsUri": uri, "rightsIdentifier": release.SPDX_ID[uri].lower(),
             "rightsIdentifierScheme": "SPDX", "schemeUri": "https://spdx.org/licenses/"}
            for uri in (release.CC_BY, release.CC0)]


def datacite(built, folder: Path, rel: release.Release) -> dict:
    cov = coverage(built)
    files = _files(folder, rel)
    data: dict = {
        "schemaVersion": "http://datacite.org/schema/kernel-4",
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Knowledge graph"},
        "creators": [{"name": release.CREATOR, "nameType": "Organizational"}],
        "titles": [{"title": release.TITLE, "lang": "en"}],
        "publisher": {"name": release.CREATOR},
        "publicationYear": str(rel.date.year),
        "subjects": [{"subject": k, "lang": "en"} for k in release.KEYWORDS],
        "dates": [{"date": rel.date.isoformat(), "dateType": "Issued"}],
        "language": "en",
        "sizes": [f"{f['name']}: {f['size']} bytes" for f in files],
        "formats": sorted({f["media_type"] for f in files}),
        "version": rel.version,
        "rightsList": _rights(),
        "descriptions": [{"description": release.DESCRIPTION, "descriptionType": "Abstract", "lang": "en"},
                         {"description": release.RIGHTS, "descriptionType": "Other", "lang": "en"}],
        "relatedIdentifiers": [{"relatedIdentifier": s["origin"], "relatedIdentifierType": "URL", "relationType": "IsDerivedFrom"}
                               for s in sources(built.store, built.data_graphs) if "origin" in s],
    }
    if rel.base_url:
        data["url"] = rel.base_url
    if "period" in cov:
        data["dates"].append({"date": "/".join(cov["period"]), "dateType": "Coverage",
                              "dateInformation": "the earliest and latest dated event of a tie"})
    if "box" in cov:
        w, s, e, n = cov["box"]
        data["geoLocations"] = [{"geoLocationBox": {"westBoundLongitude": w, "eastBoundLongitude": e,
                                                    "southBoundLatitude": s, "northBoundLatitude": n}}]
    return data


def zenodo(built, rel: release.Release) -> dict:
    refs = sorted({s["origin"] for s in sources(built.store, built.data_graphs) if "origin" in s})
    return {
        "upload_type": "dataset",
        "title": release.TITLE,
        "description": f"<p>{release.DESCRIPTION}</p><p>{release.RIGHTS}</p>",
        "creators": [{"name": release.CREATOR}],
        "access_right": "open",
        "license": release.SPDX_ID[release.DATA_LICENCE].lower(),
        "keywords": list(release.KEYWORDS),
        "version": rel.version,
        "publication_date": rel.date.isoformat(),
        "language": "eng",
        "related_identifiers": [{"identifier": u, "relation": "isDerivedFrom", "scheme": "url"} for u in refs]
        + ([{"identifier": rel.base_url, "relation": "isIdenticalTo", "scheme": "url"}] if rel.base_url else []),
        "notes": "The Wikidata-derived world layer (named graph graph/data/world) is CC0 1.0; see void.ttl for the licence of each named graph.",
    }


def write(built, folder: Path) -> None:
    """Write dataset.jsonld, datacite.json and .zenodo.json into `folder` (after the data files)."""
    rel = release.current(built.store)
    folder = Path(folder)
    (folder / SCHEMA_JSONLD).write_bytes(_dump(schema_org(built, folder, rel)))
    (folder / DATACITE).write_bytes(_dump(datacite(built, folder, rel)))
    (folder / ZENODO).write_bytes(_dump(zenodo(built, rel)))
