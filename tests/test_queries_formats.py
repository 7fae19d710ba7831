"""Each output format by name: what `citygraph query --format X` writes parses back to the answer."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pyoxigraph as ox
import pytest

from citygraph.errors import BadInput
from citygraph.query import catalogue
from citygraph.query import run as runner

NAGOYA = "https://w3id.org/citygraph/id/place/Q11751"


@pytest.fixture(scope="module")
def dump(curated, tmp_path_factory):
    path = tmp_path_factory.mktemp("formats") / "curated.nq"
    curated.store.dump(output=str(path), format=ox.RdfFormat.N_QUADS)
    return path


@pytest.fixture(scope="module")
def history(curated):
    return runner.run(catalogue.get("history"), {}, store=curated.store)


@pytest.fixture(scope="module")
def twinned(curated):
    return runner.run(catalogue.get("twinned-with"), {}, store=curated.store)


def out(cli, dump, *args):
    result = cli("query", *args, "--graph", dump)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def parsed_rows(text: str, fmt: ox.QueryResultsFormat):
    answer = ox.parse_query_results(text.encode("utf-8"), format=fmt)
    variables = [v.value for v in answer.variables]
    return variables, [tuple(s[v] for v in variables) for s in answer]


@pytest.mark.parametrize("fmt, oxfmt", [("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML),
                                        ("tsv", ox.QueryResultsFormat.TSV)])
def test_select_results_formats_parse_back_to_the_same_terms(cli, dump, history, fmt, oxfmt):
    variables, rows = parsed_rows(out(cli, dump, "history", "--format", fmt), oxfmt)
    assert variables == history.variables
    assert rows == history.rows  # same terms (datatypes, language tags), same order


def test_select_csv(cli, dump, history):
    text = out(cli, dump, "history", "--format", "csv")
    assert "\r\n" in text  # SPARQL 1.1 CSV uses CRLF
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == history.variables
    expected = [["" if t is None else t.value for t in row] for row in history.rows]
    assert table[1:] == expected


def test_select_table(cli, dump):
    text = out(cli, dump, "partners", "--format", "table")
    header, rule, *body, footer = text.rstrip("\n").split("\n")
    assert header.split() == ["partner", "partnerLabel", "country", "countryLabel", "kind", "listedYear", "established", "status", "possible", "tie"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert footer == f"({len(body)} rows)"
    nagoya = next(line for line in body if line.startswith("place:Q11751 "))
    assert "Nagoya" in nagoya and "place:Q17" in nagoya and "cg:SisterCity" in nagoya  # prefixed names, plain text
    assert '"' not in text and "@en" not in text


def test_table_aligns_wide_characters(cli, dump, tmp_path):
    from citygraph.query.results import _width

    rq = tmp_path / "wide.rq"
    rq.write_text("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                  "SELECT ?label ?thing WHERE { ?thing rdfs:label ?label FILTER(CONTAINS(?label, '南京') || ?label = 'Nagoya'@en) }\n",
                  encoding="utf-8")
    lines = out(cli, dump, "--file", rq, "--format", "table").rstrip("\n").split("\n")[:-1]
    body = [line for line in lines[2:]]
    assert any(_width(line) != len(line) for line in body)  # some rows hold wide characters
    starts = {_width(line[:line.index(" place:") + 1 if " place:" in line else line.rindex(" ") + 1]) for line in body}
    header_start = _width(lines[0][:lines[0].index("thing")])
    assert starts == {header_start}  # the second column starts at the same display width on every row


@pytest.mark.parametrize("fmt, oxfmt", [("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES),
                                        ("jsonld", ox.RdfFormat.JSON_LD)])
def test_construct_formats_parse_back_to_the_same_graph(cli, dump, twinned, fmt, oxfmt):
    text = out(cli, dump, "twinned-with", "--format", fmt)
    parsed = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(text.encode("utf-8"), format=oxfmt)}
    assert parsed == set(twinned.triples)


def test_construct_table(cli, dump):
    text = out(cli, dump, "describe", "-p", "thing=place:Q11751", "--format", "table")
    assert text.split("\n")[0].split() == ["subject", "predicate", "object"]
    assert "place:Q11751" in text and "triples)" in text


def test_default_formats_in_a_pipe(cli, dump):
    assert out(cli, dump, "partners").startswith("partner,partnerLabel,")  # csv for SELECT
    assert "cg:twinnedWith" in out(cli, dump, "twinned-with")  # turtle for CONSTRUCT


def test_output_is_deterministic(cli, dump):
    for name in ("partners", "sources", "twinned-with"):
        assert out(cli, dump, name, "--format", "json" if name != "twinned-with" else "turtle") == \
               out(cli, dump, name, "--format", "json" if name != "twinned-with" else "turtle")


@pytest.mark.parametrize("name, fmt", [("partners", "turtle"), ("partners", "ntriples"), ("twinned-with", "csv"), ("twinned-with", "json")])
def test_a_format_of_the_other_form_exits_2(cli, dump, name, fmt):
    result = cli("query", name, "--format", fmt, "--graph", dump)
    assert result.exit_code == 2 and "use one of" in result.stderr


def test_ask_in_every_results_format(cli, dump, tmp_path):
    ask = tmp_path / "ask.rq"
    ask.write_text("PREFIX cg: <https://w3id.org/citygraph/ontology#>\n"
                   f"ASK {{ <https://w3id.org/citygraph/id/place/Q16666> cg:twinnedWith <{NAGOYA}> }}\n", encoding="utf-8")
    assert json.loads(out(cli, dump, "--file", ask, "--format", "json")) == {"head": {}, "boolean": True}
    assert out(cli, dump, "--file", ask, "--format", "table") == "yes\n"
    assert "<boolean>true</boolean>" in out(cli, dump, "--file", ask, "--format", "xml")
    assert out(cli, dump, "--file", ask, "--format", "csv").split() == ["boolean", "true"]


def test_adhoc_file_with_a_header_takes_parameters(cli, dump, tmp_path):
    rq = tmp_path / "mine.rq"
    rq.write_text("#+ summary: label of a place\n#+ parameters:\n#+   place: {type: iri, description: the place}\n"
                  "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                  "SELECT ?label WHERE { ?_place_iri rdfs:label ?label FILTER(LANG(?label) = 'en') }\n", encoding="utf-8")
    assert out(cli, dump, "--file", rq, "-p", "place=place:Q11751", "--format", "csv").split() == ["label", "Nagoya"]


def test_name_and_file_are_exclusive(cli, dump, tmp_path):
    rq = tmp_path / "x.rq"
    rq.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1", encoding="utf-8")
    assert cli("query", "partners", "--file", rq, "--graph", dump).exit_code == 2
    assert cli("query", "--graph", dump).exit_code == 2
    assert cli("query", "partners", "--graph", dump, "--endpoint", "http://127.0.0.1:9/query").exit_code == 2
    ignored = cli("query", "partners", "--graph", dump, "--scope", "nanjing")
    assert ignored.exit_code == 2 and "do not apply" in ignored.stderr


def test_graph_accepts_turtle_and_trig(cli, tmp_path):
    ttl = tmp_path / "g.ttl"
    ttl.write_text("@prefix cg: <https://w3id.org/citygraph/ontology#> .\n"
                   "<https://example.org/a> cg:twinnedWith <https://example.org/b> .\n", encoding="utf-8")
    trig = tmp_path / "g.trig"
    trig.write_text("@prefix cg: <https://w3id.org/citygraph/ontology#> .\n"
                    "<https://example.org/g> { <https://example.org/a> cg:twinnedWith <https://example.org/b> . }\n", encoding="utf-8")
    for path in (ttl, trig):
        result = cli("query", "twinned-with", "--graph", path, "--format", "ntriples")
        assert result.stdout == "<https://example.org/a> <https://w3id.org/citygraph/ontology#twinnedWith> <https://example.org/b> .\n"
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    result = cli("query", "partners", "--graph", broken)
    assert result.exit_code == 2 and "broken.ttl" in result.stderr


# --- the Python API -----------------------------------------------------------------------------

def test_run_query_returns_rows(dump):
    import citygraph

    rows = citygraph.run_query("status-on", graph=dump, date="2012-02-21")
    assert rows.variables == ["tie", "partyA", "partyB", "status", "possible", "since", "basis"]
    nagoya = next(r for r in rows if r["tie"].endswith("Q11751-Q16666"))
    assert nagoya["status"] == "suspended" and nagoya["since"] == "2012-02-21"
    graph = citygraph.run_query("twinned-with", graph=dump, city="place:Q11751")
    assert len(graph) == 2  # Nanjing <-> Nagoya, both directions
    with pytest.raises(BadInput, match="'date'"):
        citygraph.run_query("status-on", graph=dump, date="15/01/2015")


def test_rows_to_dataframe(dump):
    import citygraph

    rows = citygraph.run_query("partners", graph=dump)
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(BadInput, match="pip install pandas"):
            rows.to_dataframe()
    else:
        frame = rows.to_dataframe()
        assert list(frame.columns) == rows.variables and len(frame) == len(rows)


def test_import_citygraph_stays_light():
    code = "import sys, citygraph; assert callable(citygraph.run_query); print('pyoxigraph' in sys.modules)"
    light = "import sys, citygraph; print(sorted(m for m in ('pyoxigraph', 'rdflib', 'citygraph.query.api') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", light], capture_output=True, text=True, check=True).stdout.strip() == "[]"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "True"


def test_the_documented_example_query_runs(cli, dump):
    """examples/since.rq, shown in docs/queries.md "Writing a query", works as the section says."""
    from pathlib import Path

    rq = Path(__file__).resolve().parents[1] / "examples" / "since.rq"
    text = out(cli, dump, "--file", rq, "-p", "since=2016", "--format", "csv")
    years = {line.split(",")[0].rsplit("/", 1)[-1]: line.split(",")[1] for line in text.splitlines()[1:]}
    # the article's headings from 2016 on: Mogilev (2016); Bien Hoa, Concepción, Shiraz, Semarang (2018)
    assert years == {"Q16666-Q154835": "2016", "Q16666-Q19316": "2018", "Q1880-Q16666": "2018",
                     "Q16666-Q6397066": "2018", "Q11025-Q16666": "2018"}
