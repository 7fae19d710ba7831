"""citygraph validate: shipped data or given files; exit 0 conforms, 1 violations, 2 unparsable."""

from __future__ import annotations

import json
from pathlib import Path

import rdflib

DATA = Path(__file__).parent / "data" / "validate"
TIE = "https://w3id.org/citygraph/id/partnership/Q11751-Q16666"
PARTY = "https://w3id.org/citygraph/ontology#party"


def test_a_valid_file_conforms(cli):
    result = cli("validate", DATA / "nagoya-valid.ttl")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.startswith("conforms: yes")


def test_an_invalid_file_reports_focus_path_and_constraint(cli):
    result = cli("validate", DATA / "one-party.ttl", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    hits = [(r["focus"], r["path"], r["constraint"]) for r in report["results"] if r["severity"] == "Violation"]
    # The tie is typed only cg:SisterCity: the shape targeting cg:Partnership sees it via reasoning.
    assert (TIE, PARTY, "sh:MinCountConstraintComponent") in hits
    assert "one-party.ttl" in result.stderr


def test_text_report_names_focus_path_constraint_and_message(cli):
    result = cli("validate", DATA / "one-party.ttl")
    assert result.exit_code == 1
    block = result.stdout.split(f"[Violation] {TIE}", 1)[1]
    assert f"path:       {PARTY}" in block
    assert "constraint: sh:MinCountConstraintComponent" in block
    assert "message:" in block


def test_turtle_report_is_a_shacl_validation_report(cli):
    result = cli("validate", DATA / "one-party.ttl", "--format", "turtle")
    assert result.exit_code == 1
    g = rdflib.Graph().parse(data=result.stdout, format="turtle")
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    focus = {str(g.value(r, SH.focusNode)) for r in g.subjects(rdflib.RDF.type, SH.ValidationResult)
             if g.value(r, SH.resultPath) == rdflib.URIRef(PARTY)}
    assert focus == {TIE}


def test_jsonld_input_is_read(cli, tmp_path):
    g = rdflib.Graph().parse(DATA / "one-party.ttl", format="turtle")
    f = tmp_path / "one-party.jsonld"
    f.write_text(g.serialize(format="json-ld"), encoding="utf-8")
    result = cli("validate", f, "--format", "json")
    assert result.exit_code == 1
    assert TIE in {r["focus"] for r in json.loads(result.stdout)["results"]}


def test_malformed_turtle_is_exit_2_with_file_and_line(cli):
    result = cli("validate", DATA / "malformed.ttl")
    assert result.exit_code == 2
    assert "malformed.ttl:7" in result.stderr  # the statement before line 7 lacks its final dot
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_file_is_exit_2(cli, tmp_path):
    result = cli("validate", tmp_path / "nope.ttl")
    assert result.exit_code == 2
    assert "nope.ttl" in result.stderr


def test_shipped_curated_data_conforms(cli):
    result = cli("validate", "--scope", "nanjing")
    assert result.exit_code == 0, result.stdout[:3000]
