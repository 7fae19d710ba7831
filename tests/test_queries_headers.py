"""Headers and parameters fail loudly: a broken header, an unknown type or parameter, a bad value."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from citygraph.errors import BadInput
from citygraph.query import catalogue, terms

BODY = "PREFIX cg: <https://w3id.org/citygraph/ontology#>\nSELECT ?tie WHERE { ?tie cg:party ?_city_iri }\n"
GOOD = "#+ summary: ties of a city\n#+ parameters:\n#+   city:\n#+     type: iri\n#+     description: the city\n" + BODY


def write(tmp_path, text, name="q.rq"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_header_loads(tmp_path):
    q = catalogue.load_file(write(tmp_path, GOOD))
    [p] = q.parameters
    assert (p.name, p.variable, p.type, p.required) == ("city", "_city_iri", "iri", True)


def test_examples_give_values_for_required_parameters(tmp_path):
    q = catalogue.load_file(write(tmp_path, GOOD.replace("#+     description: the city\n", "#+     description: the city\n#+     example: place:Q16666\n")))
    assert q.example_values() == {"city": "place:Q16666"}
    assert q.parameters[0].as_dict()["example"] == "place:Q16666"


def test_every_required_parameter_of_the_catalogue_has_an_example():
    # the endpoint, world and benchmark runs try every query with these values
    missing = [(q.name, p.name) for q in catalogue.catalogue() for p in q.parameters if p.required and p.example is None]
    assert missing == []


@pytest.mark.parametrize("text, message", [
    ("#+ summary: [unclosed\n" + BODY, "not valid YAML"),
    ("#+ description: no summary\n" + BODY, "lacks 'summary'"),
    (BODY, "no header"),
    ("#+ - a list\n" + BODY, "YAML mapping"),
    ("#+ summary: s\n#+ sumary: typo\n" + BODY, "unknown header key"),
    ("#+ summary: s\n#+ parameters:\n#+   city: {type: place}\n" + BODY, "unknown type 'place'"),
    ("#+ summary: s\n#+ parameters:\n#+   city: {type: iri}\n#+   town: {type: iri}\n" + BODY, "'town' is declared"),
    ("#+ summary: s\n" + BODY, "does not declare"),
    ("#+ summary: s\n#+ parameters:\n#+   city: {type: date}\n" + BODY, "says iri"),
    ("#+ summary: s\n#+ parameters:\n#+   city: {type: iri, default: 'not an iri'}\n" + BODY, "not a valid iri"),
    ("#+ summary: s\n#+ parameters:\n#+   city: {type: iri, colour: red}\n" + BODY, "unknown key"),
    ("#+ summary: s\n#+ parameters:\n#+   city: {type: iri, example: 'not an iri'}\n" + BODY, "example of parameter 'city'"),
    ("#+ summary: s\n#+ parameters:\n#+   graph: {type: iri}\n" + BODY.replace("_city_iri", "_graph_iri"), "reserved"),
    ("#+ summary: s\nSELECT ?x WHERE { ?x ?p }\n", "does not parse"),
    ("#+ summary: s\n#+ federated: true\nSELECT ?x WHERE { SERVICE <http://x> { ?x ?p } }\n", "does not parse"),
    ("#+ summary: s\nSELECT ?x WHERE { SERVICE <http://x> { ?x ?p ?o } }\n", "federated: true"),
    ("#+ summary: s\n#+ federated: yes please\n" + BODY, "'federated' must be true or false"),
    ("#+ summary: s\n#+ parameters:\n#+   city: {type: iri}\n"
     "SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?_city_iri } } }\n", "inside a sub-query"),
    # a limit parameter binds the query's LIMIT: none of its own, no variable, one per query, not in ASK
    ("#+ summary: s\n#+ parameters:\n#+   top: {type: limit}\nSELECT ?x WHERE { ?x ?p ?o } LIMIT 5\n", "its own LIMIT"),
    ("#+ summary: s\n#+ parameters:\n#+   top: {type: limit}\nSELECT ?x WHERE { ?x ?p ?o } OFFSET 5\n", "its own OFFSET"),
    ("#+ summary: s\n#+ parameters:\n#+   top: {type: limit}\nSELECT ?x WHERE { ?x ?p ?__top_limit }\n", "not a variable"),
    ("#+ summary: s\n#+ parameters:\n#+   top: {type: limit}\n#+   most: {type: limit}\nSELECT ?x WHERE { ?x ?p ?o }\n", "one LIMIT"),
    ("#+ summary: s\n#+ parameters:\n#+   top: {type: limit}\nASK WHERE { ?x ?p ?o }\n", "ASK"),
    ("#+ summary: s\n#+ parameters:\n#+   top: {type: limit, default: 0}\nSELECT ?x WHERE { ?x ?p ?o }\n", "not a valid limit"),
])
def test_a_broken_query_file_is_an_error_naming_the_file(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(BadInput) as err:
        catalogue.load_file(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_the_cli_reports_a_broken_file_with_exit_2(tmp_path, cli):
    path = write(tmp_path, "#+ summary: [unclosed\n" + BODY)
    result = cli("query", "--file", path, "--graph", write(tmp_path, "", "empty.nt"))
    assert result.exit_code == 2
    assert str(path) in result.stderr and "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("ptype, text, term", [
    ("iri", "place:Q16666", ox.NamedNode("https://w3id.org/citygraph/id/place/Q16666")),
    ("iri", "<http://example.org/a>", ox.NamedNode("http://example.org/a")),
    ("iri", "role:signatory", ox.NamedNode("https://w3id.org/citygraph/vocab/role/signatory")),
    ("date", "2015-01-01", ox.Literal("2015-01-01", datatype=ox.NamedNode(terms.XSD + "date"))),
    ("gYear", "2019", ox.Literal("2019", datatype=ox.NamedNode(terms.XSD + "gYear"))),
    ("gYearMonth", "2012-02", ox.Literal("2012-02", datatype=ox.NamedNode(terms.XSD + "gYearMonth"))),
    ("integer", "+042", ox.Literal("42", datatype=ox.NamedNode(terms.XSD + "integer"))),
    ("decimal", "2.50", ox.Literal("2.50", datatype=ox.NamedNode(terms.XSD + "decimal"))),
    ("boolean", "TRUE", ox.Literal("true", datatype=ox.NamedNode(terms.XSD + "boolean"))),
    ("string", 'a "quoted"\nline', ox.Literal('a "quoted"\nline')),
    ("langString", "南京市@zh-Hans", ox.Literal("南京市", language="zh-Hans")),
    ("limit", "+10", ox.Literal("10", datatype=ox.NamedNode(terms.XSD + "integer"))),
])
def test_values_are_parsed_into_terms(ptype, text, term):
    assert terms.parse_value(ptype, text, "p") == term


@pytest.mark.parametrize("ptype, text", [
    ("iri", "Q16666"), ("iri", "nanjing"), ("iri", "http://a b"), ("iri", "<http://a> } SELECT * {"),
    ("iri", 'x" } ; DROP ALL ; #'), ("iri", "unknownprefix:x"),
    ("date", "2015-13-01"), ("date", "2015-02-30"), ("date", "01/02/2015"), ("date", "2015"),
    ("gYear", "19"), ("gYear", "2019-01"), ("gYearMonth", "2019-13"), ("integer", "1.5"), ("integer", "ten"),
    ("decimal", "1e3"), ("boolean", "yes"), ("langString", "Nanjing"), ("langString", "x@not a tag"),
    ("string", "bell\x07"),
    ("limit", "0"), ("limit", "-3"), ("limit", "2.5"), ("limit", "ten"), ("limit", "10 } ; DROP ALL"),
])
def test_bad_values_are_rejected_naming_the_type(ptype, text):
    with pytest.raises(BadInput) as err:
        terms.parse_value(ptype, text, "parameter 'p'")
    assert f"not a valid {ptype}" in str(err.value) and "parameter 'p'" in str(err.value)


LIMITED = ("#+ summary: the first places\n#+ parameters:\n#+   top:\n#+     type: limit\n#+     description: at most this many\n"
           "SELECT ?x WHERE { VALUES ?x { 1 2 3 4 5 } } ORDER BY ?x\n# a comment on the last line")


def test_a_limit_parameter_becomes_the_query_limit(tmp_path):
    from citygraph.query import run as runner

    q = catalogue.load_file(write(tmp_path, LIMITED))
    [p] = q.parameters
    assert (p.name, p.variable, p.type, p.required) == ("top", catalogue.LIMIT, "limit", False)
    store = ox.Store()
    assert [r[0].value for r in runner.run(q, {}, store=store).rows] == ["1", "2", "3", "4", "5"]
    assert [r[0].value for r in runner.run(q, {"top": "2"}, store=store).rows] == ["1", "2"]
    assert [r[0].value for r in runner.run(q, {"top": 3}, store=store).rows] == ["1", "2", "3"]  # the Python API's int


def test_a_bad_limit_exits_2_naming_the_parameter(cli, tmp_path):
    path = write(tmp_path, LIMITED)
    graph = write(tmp_path, "", "empty.nt")
    for bad in ("0", "-1", "many", "3 OFFSET 1"):
        result = cli("query", "--file", path, "-p", f"top={bad}", "--graph", graph)
        assert result.exit_code == 2, bad
        assert "parameter 'top'" in result.stderr and "not a valid limit" in result.stderr and "1 or more" in result.stderr
    one = write(tmp_path, "<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n", "one.nt")
    ok = cli("query", "--file", path, "-p", "top=4", "--graph", one, "--format", "csv")
    assert ok.exit_code == 0 and ok.stdout.split() == ["x", "1", "2", "3", "4"]


def test_unknown_parameter_and_wrong_type_exit_2(cli, tmp_path):
    graph = write(tmp_path, "", "empty.nt")
    unknown = cli("query", "status-on", "-p", "day=2015-01-01", "--graph", graph)
    assert unknown.exit_code == 2
    assert "no parameter 'day'" in unknown.stderr and "date (date, required)" in unknown.stderr
    wrong = cli("query", "status-on", "-p", "date=yesterday", "--graph", graph)
    assert wrong.exit_code == 2
    assert "'date'" in wrong.stderr and "not a valid date" in wrong.stderr and "YYYY-MM-DD" in wrong.stderr
    missing = cli("query", "status-on", "--graph", graph)
    assert missing.exit_code == 2 and "is required" in missing.stderr
    no_eq = cli("query", "status-on", "-p", "2015-01-01", "--graph", graph)
    assert no_eq.exit_code == 2 and "NAME=VALUE" in no_eq.stderr
    unknown_query = cli("query", "no-such-query", "--graph", graph)
    assert unknown_query.exit_code == 2 and "citygraph queries" in unknown_query.stderr


def test_queries_json_lists_the_catalogue(cli):
    result = cli("queries", "--format", "json")
    assert result.exit_code == 0
    listing = {q["name"]: q for q in json.loads(result.stdout)}
    assert set(listing) == set(catalogue.names())
    status = listing["status-on"]
    assert status["summary"] and status["tags"]
    date = next(p for p in status["parameters"] if p["name"] == "date")
    assert (date["type"], date["required"], date["default"]) == ("date", True, None)
    city = next(p for p in listing["partners"]["parameters"] if p["name"] == "city")
    assert (city["required"], city["default"]) == (False, "place:Q16666")
    assert listing["wikidata-compare"]["federated"] is True


def test_queries_table_lists_names_and_parameters(cli):
    result = cli("queries")
    assert result.exit_code == 0
    assert "status-on" in result.stdout and "-p date=<date>  (required; e.g. 2015-01-01)" in result.stdout
    assert "[federated: needs internet]" in result.stdout
