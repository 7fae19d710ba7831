"""`citygraph serve` for real (a uvicorn subprocess on 127.0.0.1): graph answers in TriG and
N-Quads, and the SPARQL 1.1 Protocol's dataset parameters (`default-graph-uri`,
`named-graph-uri`) in `--endpoint` mode, passed on to a real `oxigraph serve` loaded with the
TriG dump and giving the same answers as the server over the built store.
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
import pytest

pytestmark = pytest.mark.slow

TIE = "https://w3id.org/citygraph/id/partnership/Q11751-Q16666"
GRAPH = "https://w3id.org/citygraph/graph/"
DESCRIBE_TIE = f"DESCRIBE <{TIE}>"
CONSTRUCT_NAMES = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                   "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a <https://w3id.org/citygraph/ontology#City> ; rdfs:label ?l }")
DATASET_FORMATS = {"trig": ("application/trig", ox.RdfFormat.TRIG), "nquads": ("application/n-quads", ox.RdfFormat.N_QUADS)}


def triples_of(body: bytes, fmt: ox.RdfFormat) -> set[ox.Triple]:
    """The answer parsed by pyoxigraph: every quad must be in the default graph."""
    quads = list(ox.parse(body, format=fmt))
    assert quads and all(q.graph_name == ox.DefaultGraph() for q in quads)
    return {q.triple for q in quads}


def no_blank_nodes(triples: set[ox.Triple]) -> set[ox.Triple]:
    assert not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples)
    return triples  # so set equality is graph equality


# --- TriG and N-Quads -----------------------------------------------------------------------

@pytest.mark.parametrize("text", [DESCRIBE_TIE, CONSTRUCT_NAMES])
def test_sparql_graph_answers_in_trig_and_nquads(http, text):
    turtle = http.get("/sparql", params={"query": text}, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    expected = no_blank_nodes(triples_of(turtle.content, ox.RdfFormat.TURTLE))
    for name, (media, fmt) in DATASET_FORMATS.items():
        by_accept = http.get("/sparql", params={"query": text}, headers={"Accept": media})
        by_name = http.get("/sparql", params={"query": text, "format": name})
        by_post = http.post("/sparql", data={"query": text}, headers={"Accept": media})
        for resp in (by_accept, by_name, by_post):
            assert resp.status_code == 200, resp.text
            assert resp.headers["content-type"] == media + "; charset=utf-8"
            assert resp.content == by_accept.content
        assert triples_of(by_accept.content, fmt) == expected, name


def test_api_and_pages_answer_in_trig_and_nquads(http):
    turtle = http.get("/api/queries/describe", params={"thing": "partnership:Q11751-Q16666"}, headers={"Accept": "text/turtle"})
    expected = no_blank_nodes(triples_of(turtle.content, ox.RdfFormat.TURTLE))
    page = http.get("/id/partnership/Q11751-Q16666", headers={"Accept": "text/turtle"})
    assert triples_of(page.content, ox.RdfFormat.TURTLE) == expected
    for name, (media, fmt) in DATASET_FORMATS.items():
        api = http.get("/api/queries/describe", params={"thing": "partnership:Q11751-Q16666", "format": name})
        api_accept = http.get("/api/queries/describe", params={"thing": "partnership:Q11751-Q16666"}, headers={"Accept": media})
        suffix = ".trig" if name == "trig" else ".nq"
        by_suffix = http.get("/id/partnership/Q11751-Q16666" + suffix)
        by_accept = http.get("/id/partnership/Q11751-Q16666", headers={"Accept": media})
        for resp in (api, api_accept, by_suffix, by_accept):
            assert resp.status_code == 200 and resp.headers["content-type"].split(";")[0] == media
            assert triples_of(resp.content, fmt) == expected, (name, str(resp.url))
    html = http.get("/id/partnership/Q11751-Q16666", headers={"Accept": "text/html"})
    assert html.status_code == 200 and 'href="/id/partnership/Q11751-Q16666.trig"' in html.text
    assert '<link rel="alternate" type="application/n-quads" href="/id/partnership/Q11751-Q16666.nq">' in html.text
    catalogue = {q["name"]: q for q in http.get("/api/queries").json()["queries"]}
    assert {"trig", "nquads"} <= set(catalogue["describe"]["formats"])
    assert not {"trig", "nquads"} & set(catalogue["partners"]["formats"])
    assert http.get("/api/queries/partners", params={"format": "trig"}).status_code == 400


def test_select_is_not_offered_as_a_dataset_format(http):
    resp = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "format": "nquads"})
    assert resp.status_code == 400 and "csv" in resp.text
    sd = http.get("/sparql", headers={"Accept": "text/turtle"}).text
    assert "<http://www.w3.org/ns/formats/TriG>" in sd and "<http://www.w3.org/ns/formats/N-Quads>" in sd


# --- default-graph-uri / named-graph-uri over an external endpoint ---------------------------------

COUNT_DEFAULT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
COUNT_NAMED = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
DATASETS = [  # (default-graph-uri values, named-graph-uri values)
    ([], []),
    ([GRAPH + "ontology"], []),
    ([GRAPH + "ontology", GRAPH + "shapes"], []),
    ([], [GRAPH + "shapes"]),
    ([GRAPH + "data/nanjing"], [GRAPH + "ontology", GRAPH + "inferred"]),
]


def ask(client: httpx.Client, text: str, default: list[str], named: list[str], *, post: bool = False) -> httpx.Response:
    params = [("query", text)] + [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in named]
    if post:
        return client.post("/sparql", content=urlencode(params), headers={"Accept": "application/sparql-results+json",
                                                                         "Content-Type": "application/x-www-form-urlencoded"})
    return client.get("/sparql", params=params, headers={"Accept": "application/sparql-results+json"})


def counts(resp: httpx.Response) -> list[tuple[str, int]]:
    assert resp.status_code == 200, resp.text
    return [(b.get("g", {}).get("value", ""), int(b["n"]["value"])) for b in resp.json()["results"]["bindings"]]


@pytest.mark.parametrize("default,named", DATASETS)
def test_graph_parameters_pass_through_to_the_endpoint(http, remote, default, named):
    for text in (COUNT_DEFAULT, COUNT_NAMED):
        here = ask(http, text, default, named)
        there = ask(remote, text, default, named)
        assert counts(there) == counts(here), (text, default, named)
        assert there.content == here.content
        assert ask(remote, text, default, named, post=True).content == here.content
    named_seen = {g for g, _n in counts(ask(remote, COUNT_NAMED, default, named))}
    if named:
        assert named_seen == set(named)
    elif default:
        assert named_seen == set()  # a protocol dataset with no named graph has none
    default_n = counts(ask(remote, COUNT_DEFAULT, default, named))[0][1]
    if default or not named:
        assert default_n > 0
    else:
        assert default_n == 0  # named graphs only: the default graph is empty (SPARQL 1.1 Query, 13.2)


def test_graph_parameters_shape_construct_answers_the_same(http, remote):
    params = {"query": "CONSTRUCT WHERE { ?s a <http://www.w3.org/2002/07/owl#Ontology> }", "default-graph-uri": GRAPH + "ontology"}
    here = http.get("/sparql", params=params, headers={"Accept": "application/n-triples"})
    there = remote.get("/sparql", params=params, headers={"Accept": "application/n-triples"})
    assert here.status_code == there.status_code == 200 and here.text and there.text == here.text
    outside = remote.get("/sparql", params=params | {"default-graph-uri": GRAPH + "shapes"}, headers={"Accept": "application/n-triples"})
    assert outside.status_code == 200 and outside.text == ""
    bad = remote.get("/sparql", params={"query": COUNT_DEFAULT, "default-graph-uri": "not an iri"})
    assert bad.status_code == 400 and "default-graph-uri" in bad.text
