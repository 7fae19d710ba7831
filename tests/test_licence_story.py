"""One licence story: code MIT, curated data CC BY 4.0, the world layer CC0 1.0 — the same everywhere."""

from __future__ import annotations

import tomllib
from pathlib import Path

import rdflib
import yaml

from citygraph.namespaces import GRAPH, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES, ONTOLOGY_IRI
from citygraph.publish import release

REPO = Path(__file__).resolve().parents[1]


def test_graphs_from_wikidata_are_cc0_and_the_rest_cc_by():
    assert release.graph_licence(GRAPH["data/world"].value) == release.CC0
    assert release.graph_licence(GRAPH["enrichment"].value) == release.CC0
    for g in (GRAPH["data/nanjing"], GRAPH_ONTOLOGY, GRAPH_SHAPES, GRAPH_INFERRED):
        assert release.graph_licence(str(g)) == release.CC_BY


def test_pyproject_names_every_licence_the_wheel_ships():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert set(project["license"].split(" AND ")) == {"MIT", "CC-BY-4.0", "CC0-1.0"}
    assert project["authors"] == [{"name": release.CREATOR}]
    for name in project["license-files"]:
        assert (REPO / name).is_file()


def test_citation_cff_code_mit_data_cc_by_and_cc0_real_authorship():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["license"] == "MIT"
    assert cff["authors"] == [{"name": release.CREATOR}]
    assert sorted(r["license"] for r in cff["references"]) == ["CC-BY-4.0", "CC0-1.0"]
    assert release.RIGHTS in cff["abstract"]


def test_licence_files_say_the_same():
    assert f"Copyright (c) 2026 {release.CREATOR}" in (REPO / "LICENSE").read_text()
    data = (REPO / "LICENSE-DATA.md").read_text(encoding="utf-8")
    assert release.CC_BY in data and release.CC0 in data


def test_ontology_header_licence_and_creator_match():
    g = rdflib.Graph().parse(REPO / "ontology" / "citygraph.ttl")
    onto = rdflib.URIRef(ONTOLOGY_IRI)
    assert str(g.value(onto, rdflib.DCTERMS.license)) == release.graph_licence(GRAPH_ONTOLOGY.value)
    assert str(g.value(onto, rdflib.DCTERMS.creator)) == release.CREATOR

