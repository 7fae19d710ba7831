"""`citygraph link` against a real SPARQL server on 127.0.0.1 (Oxigraph) holding a
Wikidata-shaped fixture (tests/data/wikidata/wikidata.ttl); our side is
tests/data/wikidata/ourgraph.ttl. Issue 5. No test here touches the internet."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import run_cli

FIXTURES = Path(__file__).parent / "data" / "wikidata"
WIKIDATA = FIXTURES / "wikidata.ttl"
OURS = FIXTURES / "ourgraph.ttl"
WDS = "http://www.wikidata.org/entity/statement/"
PTN = "https://w3id.org/citygraph/id/partnership/"


@pytest.fixture(scope="module")
def endpoint(oxigraph):
    """A real Oxigraph server holding the Wikidata-shaped fixture (the session's `oxigraph` fixture)."""
    return oxigraph(WIKIDATA)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CITYGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CITYGRAPH_WIKIDATA_ENDPOINT", raising=False)
    return tmp_path / "cache"


def link(*args):
    return run_cli("link", *args)


def diff_json(endpoint, *args):
    r = link("diff", "--data", OURS, "--wikidata-endpoint", endpoint, "--format", "json", *args)
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


# --- check -------------------------------------------------------------------------------------

def test_check_reports_every_place_with_its_status_and_what_differs(endpoint, cache):
    r = link("check", "--data", OURS, "--wikidata-endpoint", endpoint, "--format", "json")
    assert r.exit_code == 0, r.stderr
    got = {item["qid"]: (item["status"], item["details"]) for item in json.loads(r.stdout)}
    assert got == {
        "Q17": ("ok", {"not_compared": ["country", "coordinates"]}),
        "Q30": ("ok", {"not_compared": ["country", "coordinates"]}),
        "Q148": ("mismatch", {"label": {"here": "China", "wikidata": "People's Republic of China"},
                              "not_compared": ["country", "coordinates"]}),
        "Q408": ("ok", {"not_compared": ["country", "coordinates"]}),
        "Q2044": ("ok", {"not_compared": ["country"]}),
        "Q2079": ("mismatch", {"coordinates": {"here": [51.34, 12.37], "wikidata": [[12.37, 51.34]], "distance_km": 5568.9},
                               "not_compared": ["country"]}),
        "Q3183": ("ok", {}),
        "Q11751": ("ok", {}),
        "Q16666": ("ok", {}),
        "Q16963": ("ok", {}),
        "Q20921": ("mismatch", {"label": {"here": "Taejon", "wikidata": "Daejeon"}, "not_compared": ["country"]}),
        "Q37701": ("mismatch", {"country": {"here": "Q408", "wikidata": ["Q258"]}}),
        "Q38022": ("ok", {}),  # 'St.  Louis' = 'St. Louis': white space and case do not count
        "Q834508": ("ok", {"not_compared": ["country", "coordinates"]}),
        "Q6397066": ("ok", {"not_compared": ["country"]}),
        "Q999999998": ("redirected", {"redirect_to": "Q16666"}),
        "Q999999999": ("not-found", {}),
    }
    places = {item["qid"]: item["place"] for item in json.loads(r.stdout)}
    assert places["Q16666"] == "https://w3id.org/citygraph/id/place/Q16666"


def test_check_table_names_status_and_difference(endpoint, cache):
    r = link("check", "--data", OURS, "--wikidata-endpoint", endpoint)
    assert r.exit_code == 0, r.stderr
    rows = {line.split()[0]: line for line in r.stdout.splitlines()[1:-1]}
    assert "redirected" in rows["Q999999998"] and "merged into Q16666" in rows["Q999999998"]
    assert "not-found" in rows["Q999999999"]
    assert "country here Q408, Wikidata Q258" in rows["Q37701"]


# --- diff --------------------------------------------------------------------------------------

def _pairs(result, category):
    return [tuple(item["pair"]) for item in result[category]]


def test_diff_for_nanjing_sorts_every_tie_into_one_category(endpoint, cache):
    result = diff_json(endpoint, "--city", "Q16666")
    assert _pairs(result, "agree") == [("Q2079", "Q16666"), ("Q11751", "Q16666"), ("Q16666", "Q37701"), ("Q16666", "Q38022"),
                                       ("Q16666", "Q6397066")]
    assert _pairs(result, "date_mismatch") == [("Q2044", "Q16666")]
    assert _pairs(result, "only_here") == [("Q3183", "Q16666"), ("Q16666", "Q20921")]
    assert _pairs(result, "only_wikidata") == [("Q16557", "Q16666"), ("Q16666", "Q22690")]  # Dallas, Metz (preferred)
    # York is only in a deprecated statement: not compared, reported apart.
    assert [(d["pair"], [s["statement"] for s in d["statements"]]) for d in result["deprecated"]] == [
        (["Q16666", "Q42462"], [WDS + "Q16666-fixture-york"])]
    assert result["deprecated"][0]["statements"][0]["rank"] == "deprecated"


def test_diff_item_carries_labels_dates_with_precision_and_statements(endpoint, cache):
    result = diff_json(endpoint, "--city", "Q16666")
    nagoya = next(i for i in result["agree"] if i["pair"] == ["Q11751", "Q16666"])
    assert nagoya["labels"] == {"Q11751": "Nagoya", "Q16666": "Nanjing"}
    assert nagoya["partnership"] == PTN + "Q11751-Q16666"
    assert [(d["value"], d["precision"]) for d in nagoya["here"]["start"]] == [("1978", 9)]
    # Both directions are one unordered pair; day precision on one side, year on the other.
    assert [(d["value"], d["precision"], d["statement"]) for d in nagoya["wikidata"]["start"]] == [
        ("1978", 9, WDS + "Q11751-fixture-nanjing"), ("1978-12-21", 11, WDS + "Q16666-fixture-nagoya")]
    assert nagoya["wikidata"]["statements"] == [WDS + "Q11751-fixture-nanjing", WDS + "Q16666-fixture-nagoya"]
    assert nagoya["wikidata"]["stated_on"] == ["Q11751", "Q16666"]

    florence = result["date_mismatch"][0]
    assert florence["mismatch"] == ["start"]
    assert [(d["value"], d["precision"]) for d in florence["here"]["start"]] == [("1981-03", 10)]
    assert [(d["value"], d["precision"]) for d in florence["wikidata"]["start"]] == [("1980", 9)]

    # The ended tie: 2000-06 here agrees with 2000-06-15 (day precision) at the coarser (month).
    st_louis = next(i for i in result["agree"] if i["pair"] == ["Q16666", "Q38022"])
    assert [(d["value"], d["precision"]) for d in st_louis["here"]["end"]] == [("2000-06", 10)]
    assert [(d["value"], d["precision"], d["statement"]) for d in st_louis["wikidata"]["end"]] == [
        ("2000-06-15", 11, WDS + "Q16666-fixture-st-louis")]

    # Stored only on Leipzig's item: still found from Nanjing's side.
    leipzig = next(i for i in result["agree"] if i["pair"] == ["Q2079", "Q16666"])
    assert leipzig["wikidata"]["stated_on"] == ["Q2079"] and leipzig["wikidata"]["start"] == []

    # A date our data marks 'no later than' is shown with its qualifier.
    daejeon = next(i for i in result["only_here"] if i["pair"] == ["Q16666", "Q20921"])
    assert [(d["value"], d.get("qualifier")) for d in daejeon["here"]["start"]] == [("1994", "NoLaterThan")]
    assert daejeon["wikidata"] == {"start": [], "end": [], "statements": [], "stated_on": [], "redirected_values": []}

    # A statement whose value is a merged item counts for the item it was merged into, and says so.
    shiraz = next(i for i in result["agree"] if i["pair"] == ["Q16666", "Q6397066"])
    assert shiraz["wikidata"]["redirected_values"] == [
        {"statement": WDS + "Q16666-fixture-shiraz", "stated": "Q999999996", "merged_into": "Q6397066"}]

    dallas = result["only_wikidata"][0]
    assert dallas["labels"] == {"Q16557": "Dallas", "Q16666": "Nanjing"} and dallas["partnership"] is None


def test_diff_default_cities_are_those_with_ties_in_our_data(endpoint, cache):
    result = diff_json(endpoint)
    # Nagoya has ties in our data, so its Wikidata tie with Los Angeles is listed too …
    assert ("Q65", "Q11751") in _pairs(result, "only_wikidata")
    # … and Jiangsu's preliminary tie with the Khomas region appears as ours only.
    assert ("Q16963", "Q834508") in _pairs(result, "only_here")
    assert ("Q65", "Q11751") not in _pairs(diff_json(endpoint, "--city", "Q16666"), "only_wikidata")


def test_diff_csv_has_one_row_per_item(endpoint, cache):
    r = link("diff", "--data", OURS, "--wikidata-endpoint", endpoint, "--format", "csv", "--city", "Q16666")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    florence = next(row for row in rows if row["qid_a"] == "Q2044")
    assert (florence["category"], florence["here_start"], florence["wikidata_start"], florence["mismatch"]) == (
        "date_mismatch", "1981-03", "1980", "start")
    assert {(row["category"], row["qid_a"], row["qid_b"]) for row in rows} >= {("only_wikidata", "Q16666", "Q22690")}


def test_diff_table_is_readable(endpoint, cache):
    r = link("diff", "--data", OURS, "--wikidata-endpoint", endpoint, "--city", "Q16666")
    assert r.exit_code == 0, r.stderr
    assert "  Q2044-Q16666 Florence – Nanjing  here 1981-03  wikidata 1980  [start differ]" in r.stdout.splitlines()
    assert "  Q16666-Q38022 Nanjing – St.  Louis  here 1979 to 2000-06  wikidata 1979 to 2000-06-15" in r.stdout.splitlines()


def test_diff_rejects_a_bad_city(endpoint, cache):
    r = link("diff", "--data", OURS, "--wikidata-endpoint", endpoint, "--city", "Nanjing")
    assert r.exit_code == 2 and "--city 'Nanjing'" in r.stderr


# --- QuickStatements ---------------------------------------------------------------------------

def test_quickstatements_for_the_fixture_are_exactly_as_expected(endpoint, cache, tmp_path):
    out = tmp_path / "nanjing.qs"
    r = link("diff", "--data", OURS, "--wikidata-endpoint", endpoint, "--format", "json", "--quickstatements", out)
    assert r.exit_code == 0, r.stderr
    assert out.read_bytes() == (FIXTURES / "expected.qs").read_bytes()
    assert "Q16963-Q834508: not a formal tie" in r.stderr
    assert not list(tmp_path.glob(".*.tmp"))


# --- cache and offline -------------------------------------------------------------------------

def test_offline_replays_the_cache_byte_for_byte(endpoint, cache):
    online = link("diff", "--data", OURS, "--wikidata-endpoint", endpoint, "--format", "json")
    assert online.exit_code == 0, online.stderr
    cached = {p.name: p.read_bytes() for p in (cache / "wikidata").glob("*.json")}
    assert cached
    offline = link("diff", "--data", OURS, "--wikidata-endpoint", endpoint, "--format", "json", "--offline")
    assert offline.exit_code == 0, offline.stderr
    assert offline.stdout == online.stdout
    assert {p.name: p.read_bytes() for p in (cache / "wikidata").glob("*.json")} == cached

    # Client level: what offline returns is the file's bytes, which are the bytes the server sent.
    from citygraph.link.client import WikidataClient

    offline_client = WikidataClient(endpoint=endpoint, offline=True)
    fresh_client = WikidataClient(endpoint=endpoint, refresh=True, cache_dir=cache / "fresh")
    for rq in sorted((cache / "wikidata").glob("*.rq")):
        query = rq.read_text(encoding="utf-8").split("\n", 1)[1]  # after the '# endpoint:' line
        replayed = offline_client.select_raw(query)
        assert replayed == cached[rq.with_suffix(".json").name]
        assert fresh_client.select_raw(query) == replayed
    assert offline_client.requests_made == 0 and fresh_client.requests_made == len(cached)


def test_offline_cache_miss_is_exit_3(endpoint, cache):
    r = link("check", "--data", OURS, "--wikidata-endpoint", endpoint, "--offline")
    assert r.exit_code == 3
    assert "offline: no cached answer" in r.stderr and "Run once without --offline" in r.stderr
    assert r.stdout == ""


def test_cache_is_keyed_by_endpoint_too(endpoint, cache):
    assert link("check", "--data", OURS, "--wikidata-endpoint", endpoint).exit_code == 0
    other = endpoint.replace("/query", "/query?x=1")
    r = link("check", "--data", OURS, "--wikidata-endpoint", other, "--offline")
    assert r.exit_code == 3


# --- enrich ------------------------------------------------------------------------------------

def test_enrich_writes_wikidata_facts_into_the_enrichment_graph(endpoint, cache, tmp_path):
    out = tmp_path / "enrichment.trig"
    r = link("enrich", "--data", OURS, "--wikidata-endpoint", endpoint, "--out", out, "--lang", "en", "--lang", "fr", "--lang", "zh-hans")
    assert r.exit_code == 0, r.stderr
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.TRIG)
    graphs = {q.graph_name.value for q in store}
    assert graphs == {"https://w3id.org/citygraph/graph/enrichment"}

    def rows(q):
        head = "PREFIX cg: <https://w3id.org/citygraph/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> " \
               "PREFIX geo: <http://www.opengis.net/ont/geosparql#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        return [tuple(str(v) if v is not None else None for v in row) for row in store.query(head + q, use_default_graph_as_union=True)]

    nanjing = "<https://w3id.org/citygraph/id/place/Q16666>"
    # Labels only in languages our data lacks for the place (it has en and zh-Hans).
    assert rows(f"SELECT ?l WHERE {{ {nanjing} rdfs:label ?l }}") == [('"Nankin"@fr',)]
    assert rows(f"SELECT ?v ?d ?s WHERE {{ ?f cg:about {nanjing} ; cg:value ?v ; cg:asOf ?d ; prov:wasDerivedFrom ?s }}") == [(
        '"9000000"^^<http://www.w3.org/2001/XMLSchema#decimal>',
        '"2020-11"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>',
        f"<{WDS}Q16666-fixture-pop-2020>")]
    assert rows(f"SELECT ?w WHERE {{ {nanjing} geo:hasGeometry/geo:asWKT ?w }}") == [
        ('"POINT(118.77778 32.06167)"^^<http://www.opengis.net/ont/geosparql#wktLiteral>',)]
    assert rows(f"SELECT ?x WHERE {{ {nanjing} geo:hasCentroid ?x }}") == []
    stamp = rows("SELECT ?e ?t WHERE { <https://w3id.org/citygraph/graph/enrichment> prov:wasDerivedFrom ?e ; prov:generatedAtTime ?t }")
    assert len(stamp) == 1 and stamp[0][0] == f"<{endpoint}>" and "dateTime" in stamp[0][1]


def test_enrichment_loads_into_its_own_graph_of_a_build(endpoint, cache, tmp_path):
    from citygraph.build import load_sources
    from citygraph.link.enrich import load_into

    out = tmp_path / "enrichment.trig"
    assert link("enrich", "--data", OURS, "--wikidata-endpoint", endpoint, "--out", out).exit_code == 0
    built = load_sources("nanjing")
    graph = load_into(built, out)
    assert graph == "https://w3id.org/citygraph/graph/enrichment" and graph in built.data_graphs
    assert any(True for _ in built.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    from citygraph.errors import BadInput

    with pytest.raises(BadInput, match="link enrich"):
        load_into(built, tmp_path / "missing.trig")


def test_build_with_enrichment_dumps_it_as_its_own_graph(endpoint, cache, tmp_path):
    assert link("enrich", "--data", OURS, "--wikidata-endpoint", endpoint).exit_code == 0  # default file, in the cache dir
    assert (cache / "enrichment.trig").is_file()
    r = run_cli("build", "--scope", "nanjing", "--out", tmp_path / "dist", "--with-enrichment", "--no-progress")
    assert r.exit_code == 0, r.stderr
    store = ox.Store()
    store.load(path=str(tmp_path / "dist" / "citygraph.trig"), format=ox.RdfFormat.TRIG)
    g = ox.NamedNode("https://w3id.org/citygraph/graph/enrichment")
    assert ox.Quad(ox.NamedNode("https://w3id.org/citygraph/id/place/Q16666"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                   ox.Literal("Nankin", language="fr"), g) in store
    r = run_cli("build", "--scope", "nanjing", "--out", tmp_path / "dist2", "--with-enrichment", tmp_path / "missing.trig")
    assert r.exit_code == 2 and "citygraph link enrich" in r.stderr and not (tmp_path / "dist2").exists()
