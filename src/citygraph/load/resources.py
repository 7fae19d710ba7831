"""Where things live: the packaged ontology/, data/ and queries/ folders, and the user's cache.

In a wheel they are shipped as package data under citygraph/_packaged/; in a source checkout
(or an editable install) they are the top-level folders of the repository. The cache (built
graphs, Wikidata answers) is $CITYGRAPH_CACHE_DIR, or ~/.cache/citygraph.
"""

from __future__ import annotations

import os
from pathlib import Path

_KINDS = ("ontology", "data", "queries")
CACHE_ENV = "CITYGRAPH_CACHE_DIR"


def cache_dir() -> Path:
    """$CITYGRAPH_CACHE_DIR, or ~/.cache/citygraph."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "citygraph"


# The package's folder, as importlib.resources.files("citygraph") gives it for an installed or
# editable package (not importlib.resources itself: it imports zipfile and tempfile, ~5 ms of
# every command's start-up, for zip imports that these real folders cannot come from anyway).
_PACKAGE = Path(__file__).parent.parent  # unresolved, as files() gives it


def _root_for(kind: str) -> Path:
    packaged = _PACKAGE / "_packaged" / kind
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / kind
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"citygraph's {kind}/ folder is missing from the installation (looked in {packaged} and {checkout})")


def ontology_dir() -> Path:
    return _root_for("ontology")


def data_dir() -> Path:
    return _root_for("data")


def queries_dir() -> Path:
    return _root_for("queries")


def ontology_files() -> list[Path]:
    """OWL and SKOS files: every ontology/**/*.ttl except shapes and alignments, sorted."""
    root = ontology_dir()
    return sorted(
        p for p in root.rglob("*.ttl")
        if not p.name.endswith(".shapes.ttl") and "alignments" not in p.relative_to(root).parts
    )


def shapes_files() -> list[Path]:
    return sorted(ontology_dir().rglob("*.shapes.ttl"))


def alignment_files() -> list[Path]:
    """ontology/alignments/*.ttl: mappings to Wikidata, DBpedia, ORG, PROV-O, OWL-Time, schema.org, SKOS."""
    root = ontology_dir() / "alignments"
    return sorted(root.rglob("*.ttl")) if root.is_dir() else []


def context_file() -> Path:
    return ontology_dir() / "context.jsonld"


def data_sources() -> dict[str, list[Path]]:
    """Each sub-folder of data/ is one source and one named graph; its *.ttl files, sorted."""
    root = data_dir()
    out: dict[str, list[Path]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        ttl = sorted(folder.rglob("*.ttl"))
        if ttl:
            out[folder.name] = ttl
    return out
