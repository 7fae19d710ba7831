"""The border checks of load/guards.py one by one: caps that follow their settings, dates, entities."""

from __future__ import annotations

import pytest

from citygraph.errors import BadInput
from citygraph.load import guards
from conftest import run_cli

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize("value, datatype, problem", [
    ("2020-02-29", "date", None),                  # a leap year
    ("2000-02-29", "date", None),                  # divisible by 400: leap
    ("1900-02-29", "date", "no such day"),         # divisible by 100: not leap
    ("2019-02-30", "date", "no such day"),
    ("2019-04-31T10:00:00Z", "dateTime", "no such day"),
    ("2019-13-01", "date", "not a valid xsd:date"),
    ("-0044-03-15", "date", None),                 # a year before the common era
    ("2019-12", "gYearMonth", None),
    ("2019-13", "gYearMonth", "not a valid xsd:gYearMonth"),
    ("forty", "integer", "not a valid xsd:integer"),
    ("+40", "integer", None),
    ("1", "boolean", None),
    ("yes", "boolean", "not a valid xsd:boolean"),
    ("anything", "string", None),                  # types the model does not constrain are not judged here
])
def test_literal_problems(value, datatype, problem):
    got = guards.literal_problem(value, XSD + datatype)
    assert (got is None) == (problem is None), got
    if problem:
        assert problem in got


def test_the_input_cap_follows_its_setting(tmp_path, monkeypatch):
    f = tmp_path / "ties.ttl"
    f.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    monkeypatch.setenv(guards.ENV_MAX_INPUT, "20")
    r = run_cli("validate", f)
    assert r.exit_code == 2
    assert "larger than the 20 bytes input cap" in r.stderr and guards.ENV_MAX_INPUT in r.stderr
    monkeypatch.setenv(guards.ENV_MAX_INPUT, "lots")
    r = run_cli("validate", f)
    assert r.exit_code == 2 and f"${guards.ENV_MAX_INPUT}='lots' is not a whole number" in r.stderr


def test_the_literal_cap_follows_its_setting(tmp_path, monkeypatch):
    import pyoxigraph as ox

    from citygraph.load.rdfio import load_file

    f = tmp_path / "long.ttl"
    f.write_text('<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#comment> "' + "é" * 60 + '" .\n', encoding="utf-8")
    load_file(ox.Store(), f, "https://example.org/g")  # 120 bytes: within the default cap
    monkeypatch.setenv(guards.ENV_MAX_LITERAL, "100")
    with pytest.raises(BadInput, match="a literal of 120 bytes .* larger than the 100 bytes literal cap"):
        load_file(ox.Store(), f, "https://example.org/g")


def test_the_json_depth_cap_follows_its_setting(monkeypatch):
    guards.check_json_depth('{"a": [[[1]]]}', "f.json")
    monkeypatch.setenv(guards.ENV_MAX_JSON_DEPTH, "3")
    with pytest.raises(BadInput, match="f.json:1: JSON nested more than 3 levels deep"):
        guards.check_json_depth('{"a": [[[1]]]}', "f.json")
    guards.check_json_depth('{"a": "[[[[[[[[[["}', "f.json")  # brackets inside strings do not count


def test_plain_xml_entities_are_allowed_and_nested_ones_refused():
    guards.check_xml_entities('<!DOCTYPE rdf:RDF [ <!ENTITY owl "http://www.w3.org/2002/07/owl#"> ]>', "o.rdf")
    with pytest.raises(BadInput, match="built from other entities"):
        guards.check_xml_entities('<!DOCTYPE x [ <!ENTITY a "aa"> <!ENTITY b "&a;&a;"> ]>', "x.rdf")
    with pytest.raises(BadInput, match="would expand to"):
        guards.check_xml_entities('<!DOCTYPE x [ <!ENTITY a "' + "a" * 1000 + '"> ]>' + "&a;" * 2000, "x.rdf")


def test_jsonld_with_a_vocab_or_full_iris_passes():
    guards.check_jsonld_terms('{"@context": {"@vocab": "https://example.org/"}, "@id": "https://example.org/a", "name": "A"}', "v.jsonld")
    guards.check_jsonld_terms('{"@id": "https://example.org/a", "https://example.org/name": "A"}', "f.jsonld")
    guards.check_jsonld_terms('{"@context": {"label": {"@id": "http://www.w3.org/2000/01/rdf-schema#label", "@container": "@language"}},'
                              ' "@id": "https://example.org/a", "label": {"en": "A", "zh-Hans": "甲"}}', "m.jsonld")
