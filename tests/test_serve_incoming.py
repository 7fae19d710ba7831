"""A page's incoming links, bounded (serve/pages/facts.py `gather(shown_incoming=N)`).

The HTML page reads only N incoming links and counts them all; the RDF answers read every
triple. Held to the full `describe` answer: the same outgoing triples, the same links when there
are at most N (N of them, in the same order, when there are more), the true total; a page over
the cap says how many there are and links to its complete N-Triples, which holds every one.
"""

from __future__ import annotations

import asyncio

import httpx
import pyoxigraph as ox
import pytest

from citygraph.serve.app import create_app
from citygraph.serve.http.backend import LocalBackend
from citygraph.serve.pages import facts as F
from citygraph.serve.pages.kept import Kept
from citygraph.serve.site import Site

ID = "https://w3id.org/citygraph/id/"
THINGS = ["place/Q16666", "source/gazetteer", "source/nanjinger-sister-cities", "partnership/Q11751-Q16666",
          "event/Q11751-Q16666-suspension-2012-02-21"]


def _incoming_count(store: ox.Store, iri: str) -> int:
    """How many distinct (subject, predicate) point at `iri` from another subject: SPARQL, not the page code."""
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{iri}> FILTER(?s != <{iri}>) }} }}",
                       use_default_graph_as_union=True)
    return int(next(iter(rows))["n"].value)


@pytest.mark.parametrize("thing", THINGS)
@pytest.mark.parametrize("shown", [3, 300])
def test_bounded_facts_agree_with_the_full_answer(curated, thing, shown):
    site = Site(backend=LocalBackend(store=curated.store))
    iri = ID + thing
    full = asyncio.run(F.gather(site.ask, iri))
    bounded = asyncio.run(F.gather(site.ask, iri, shown_incoming=shown))
    assert full is not None and bounded is not None
    assert bounded.outgoing == full.outgoing
    if full.incoming_total <= shown:
        assert bounded.incoming == full.incoming
    else:  # `shown` of them, ordered as the full answer orders them, the same ones every time
        assert len(bounded.incoming) == shown and set(bounded.incoming) < set(full.incoming)
        assert bounded.incoming == [t for t in full.incoming if t in set(bounded.incoming)]
        assert asyncio.run(F.gather(site.ask, iri, shown_incoming=shown)).incoming == bounded.incoming
    assert bounded.incoming_total == full.incoming_total == len(full.incoming) == _incoming_count(curated.store, iri)
    assert bounded.is_party == full.is_party
    assert bounded.extra.keys() == full.extra.keys()
    for name in full.extra:
        assert bounded.extra[name].rows == full.extra[name].rows, name
    assert bounded.labels.items() <= full.labels.items()  # labels of what the page shows


def test_unknown_iri_has_no_facts_either_way(curated):
    site = Site(backend=LocalBackend(store=curated.store))
    assert asyncio.run(F.gather(site.ask, ID + "place/Q0", shown_incoming=5)) is None
    assert asyncio.run(F.gather(site.ask, ID + "place/Q0")) is None


def _get(site: Site, path: str, accept: str) -> httpx.Response:
    async def go():
        transport = httpx.ASGITransport(app=create_app(site))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.get(path, headers={"Accept": accept})
    return asyncio.run(go())


def test_a_page_over_the_cap_shows_the_total_and_links_its_complete_rdf(curated, monkeypatch):
    monkeypatch.setattr(F, "MAX_INCOMING", 10)
    site = Site(backend=LocalBackend(store=curated.store), kept=Kept(max_bytes=0))
    path, iri = "/id/source/gazetteer", ID + "source/gazetteer"
    total = _incoming_count(curated.store, iri)
    assert total > 10
    page = _get(site, path, "text/html")
    assert page.status_code == 200
    assert f"(the first 10 of {total:,})" in page.text
    assert f'<a href="{path}.nt">N-Triples</a>' in page.text
    section = page.text.split('<section id="incoming">', 1)[1].split("</section>", 1)[0]
    assert section.count("<dd>") == 10
    data = _get(site, path + ".nt", "*/*")
    assert data.status_code == 200
    graph = ox.Store()
    graph.load(data.content, format=ox.RdfFormat.N_TRIPLES)
    pointing = {(q.subject, q.predicate) for q in graph.quads_for_pattern(None, None, ox.NamedNode(iri)) if q.subject != ox.NamedNode(iri)}
    assert len(pointing) == total  # the RDF answer is complete


def test_a_page_under_the_cap_says_nothing_of_a_cap(curated):
    site = Site(backend=LocalBackend(store=curated.store), kept=Kept(max_bytes=0))
    page = _get(site, "/id/source/gazetteer", "text/html")
    assert page.status_code == 200 and "(the first " not in page.text and "are in this page's data" not in page.text
    section = page.text.split('<section id="incoming">', 1)[1].split("</section>", 1)[0]
    assert section.count("<dd>") == _incoming_count(curated.store, ID + "source/gazetteer")


def test_the_count_of_incoming_links_counts_a_link_in_two_graphs_once():
    """The union default graph gives a triple once per named graph that holds it: the page counts
    distinct (subject, predicate) pairs, as it lists them."""
    store = ox.Store()
    me, p = ox.NamedNode(ID + "place/Q1"), ox.NamedNode("https://w3id.org/citygraph/ontology#party")
    g1, g2 = ox.NamedNode("https://w3id.org/citygraph/graph/a"), ox.NamedNode("https://w3id.org/citygraph/graph/b")
    ties = [ox.NamedNode(ID + f"partnership/Q1-Q{n}") for n in (2, 3, 4)]
    store.extend([ox.Quad(t, p, me, g1) for t in ties] + [ox.Quad(ties[0], p, me, g2)])  # the first tie in both graphs
    assert _incoming_count(store, me.value) == 3
    facts = asyncio.run(F.gather(Site(backend=LocalBackend(store=store)).ask, me.value, shown_incoming=1))
    assert facts is not None and len(facts.incoming) == 1 and facts.incoming_total == 3
