"""No parameter value can alter a query — on the embedded store and on a real Oxigraph server.

Hostile values are either rejected (exit 2, before any engine sees them) or bound as one RDF
term: the VALUES block built from them parses back to exactly the value given, the query
answers as it would for an innocent value, and neither store loses a quad.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from citygraph.query import binding, catalogue, terms
from conftest import quad_count

HOSTILE = [
    'x" } ; DROP ALL ; #',
    "<http://a> } SELECT * {",
    "x' } } ; CLEAR DEFAULT ; SELECT * { ?s ?p ?o #",
    'line one\nline two"\n} UNION { ?s ?p ?o }',
    "\\u0022 } SELECT * { ?s ?p ?o } #",
    '\\" } #',
    "南京 } 🏙️ { ?s ?p ?o",
    "tab\tand\rcarriage",
    "@en } SELECT",
    "",
]


def local_quads(store: ox.Store) -> int:
    return len(store)


@pytest.mark.parametrize("value", HOSTILE)
def test_a_string_value_is_one_literal_exactly(value):
    """The term citygraph writes into the query parses back to the very string given."""
    term = terms.parse_value("string", value, "text")
    text = "SELECT ?x WHERE { VALUES (?x) { (" + terms.sparql_term(term) + ") } }"
    [row] = list(ox.Store().query(text))
    assert row["x"] == ox.Literal(value)


@pytest.mark.parametrize("value", [v for v in HOSTILE if v])
def test_a_langstring_value_is_one_literal_or_rejected(value):
    try:
        term = terms.parse_value("langString", value + "@en", "label")
    except Exception as err:  # noqa: BLE001 - only BadInput may come out
        from citygraph.errors import BadInput
        assert isinstance(err, BadInput)
        return
    text = "SELECT ?x WHERE { VALUES (?x) { (" + terms.sparql_term(term) + ") } }"
    [row] = list(ox.Store().query(text))
    assert row["x"] == ox.Literal(value, language="en")


# (a bare QID such as Q16666 is a valid place parameter since query/places.py: see tests/test_places.py)
@pytest.mark.parametrize("value", HOSTILE + ["javascript:alert(1)", "http://a b", "http://a\nb"])
@pytest.mark.parametrize("engine", ["local", "endpoint"])
def test_hostile_iris_are_rejected_with_exit_2(cli, curated_nquads, oxigraph_server, engine, value):
    where = ("--graph", curated_nquads) if engine == "local" else ("--endpoint", oxigraph_server)
    before = quad_count(oxigraph_server)
    result = cli("query", "partners", "-p", f"city={value}", *where)
    assert result.exit_code == 2
    assert "'city'" in result.stderr and "iri" in result.stderr and "Traceback" not in result.stderr
    assert quad_count(oxigraph_server) == before


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("engine", ["local", "endpoint"])
def test_hostile_strings_are_bound_harmlessly(cli, curated, curated_nquads, oxigraph_server, engine, value):
    """search answers exactly the things whose label contains the value, and nothing changes."""
    where = ("--graph", curated_nquads) if engine == "local" else ("--endpoint", oxigraph_server)
    before_remote = quad_count(oxigraph_server)
    before_local = local_quads(curated.store)
    result = cli("query", "search", "-p", f"text={value}", *where, "--format", "json")
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["head"]["vars"] == ["thing", "label"]  # the projection is the query's own
    labels = [b["label"]["value"] for b in answer["results"]["bindings"]]
    if value:
        assert labels == []  # no label contains these texts; an escaped pattern would match everything
    else:
        assert labels  # the empty text is contained in every label
    assert quad_count(oxigraph_server) == before_remote
    assert local_quads(curated.store) == before_local


@pytest.mark.parametrize("engine", ["local", "endpoint"])
def test_unicode_values_find_what_they_name(cli, curated_nquads, oxigraph_server, engine):
    where = ("--graph", curated_nquads) if engine == "local" else ("--endpoint", oxigraph_server)
    found = cli("query", "search", "-p", "text=南京", *where, "--format", "json")
    things = {b["thing"]["value"] for b in json.loads(found.stdout)["results"]["bindings"]}
    assert "https://w3id.org/citygraph/id/place/Q16666" in things
    exact = cli("query", "place-by-name", "-p", "label=南京市@zh-Hans", *where, "--format", "csv")
    assert exact.stdout.splitlines()[1:] == ["https://w3id.org/citygraph/id/place/Q16666,http://www.wikidata.org/entity/Q16666"]


@pytest.mark.parametrize("value", ['2015-01-01" ) } SELECT * { ?s ?p ?o } #', "2015-01-01\n", "2015-1-1", "２０１５-01-01"])
@pytest.mark.parametrize("engine", ["local", "endpoint"])
def test_typed_values_outside_their_lexical_space_exit_2(cli, curated_nquads, oxigraph_server, engine, value):
    where = ("--graph", curated_nquads) if engine == "local" else ("--endpoint", oxigraph_server)
    result = cli("query", "status-on", "-p", f"date={value}", *where)
    if value == "2015-01-01\n":  # surrounding whitespace is trimmed: the same date
        assert result.exit_code == 0
        return
    assert result.exit_code == 2 and "not a valid date" in result.stderr


def test_control_characters_are_refused(cli, curated_nquads):
    result = cli("query", "search", "-p", "text=bell\x07", "--graph", curated_nquads)
    assert result.exit_code == 2 and "'text'" in result.stderr and "string" in result.stderr


def test_bound_text_changes_only_by_values_blocks():
    """Binding adds VALUES blocks (and, for a `limit` parameter, a last `LIMIT n` line) and nothing
    else: strip them and the query is as written."""
    import re

    for q in catalogue.catalogue():
        values = {p.name: {"iri": "place:Q16666", "date": "2015-01-01", "gYear": "2019", "string": 'x" } #',
                           "langString": "x@en", "boolean": "true", "integer": "3", "limit": "7"}[p.type] for p in q.parameters}
        text = binding.bound_text(q, binding.bind(q, values))
        if any(p.type == "limit" for p in q.parameters):
            assert text.endswith("\nLIMIT 7\n"), q.name
            text = text.removesuffix("\nLIMIT 7\n")
        stripped = re.sub(r' VALUES \((?:\?\w+ ?)+\) \{ \((?:[^()"]|"(?:[^"\\]|\\.)*")*\) \}\n', "", text)
        assert stripped == q.text, q.name


@pytest.mark.parametrize("update", [
    "DROP ALL",
    "PREFIX ex: <https://example.org/>\nINSERT DATA { ex:a ex:b ex:c }",
    "DELETE WHERE { ?s ?p ?o }",
    "INSERT { <https://example.org/a> <https://example.org/b> ?o } WHERE { SELECT ?o WHERE { ?s ?p ?o } LIMIT 1 }",
])
@pytest.mark.parametrize("engine", ["local", "endpoint"])
def test_query_never_runs_an_update(cli, curated, curated_nquads, oxigraph_server, tmp_path, engine, update):
    rq = tmp_path / "update.rq"
    rq.write_text(update, encoding="utf-8")
    where = ("--graph", curated_nquads) if engine == "local" else ("--endpoint", oxigraph_server)
    before = quad_count(oxigraph_server)
    result = cli("query", "--file", rq, *where)
    assert result.exit_code == 2 and str(rq) in result.stderr
    assert quad_count(oxigraph_server) == before
