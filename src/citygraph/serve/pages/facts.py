"""What a linked-data page shows, read from the graph with stored queries and a few small ones.

`describe` (the stored query: every triple with the IRI as subject or object) gives the RDF of
the page, complete. The HTML page shows at most MAX_INCOMING incoming links, so it reads its
facts with bounded queries instead (`gather(..., shown_incoming=N)`): every triple with the IRI
as subject, N of its incoming links (all of them when there are no more) and the count of them
all. A source cited by 16,000 triples is then a page of 300 links with the true total, not a
16,000-triple answer read and sorted for it. Labels of every IRI on the page come from one more
query; a city page adds the stored `partners` answer, a tie page the stored `history`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import pyoxigraph as ox

from ...namespaces import BASE
from ...query.binding import bind, bound_text
from ...query.catalogue import StoredQuery, catalogue, get
from ...query.results import Result, python_value, sorted_triples
from ...query.terms import shorten, sparql_term

Ask = Callable[..., Awaitable]  # site.ask(text, max_rows=…) -> backend.Answer

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
CG = BASE + "ontology#"
MAX_INCOMING = 300
MAX_LABELLED = 600


@dataclass
class Facts:
    iri: str
    triples: list = field(default_factory=list)          # the describe answer (subject or object)
    labels: dict[str, str] = field(default_factory=dict)  # IRI -> English (or plain) label
    extra: dict[str, Result] = field(default_factory=dict)  # partners / history / terms
    wkt: str | None = None                                 # a place's centroid, POINT(lon lat)
    quotes: dict[str, list[str]] = field(default_factory=dict)  # event IRI -> the source's words
    truncated: bool = False                                # more triples than the row cap: only the first
    incoming_count: int | None = None                      # all incoming links, when `triples` holds only the first
    party_of_ties: bool | None = None                      # whether some tie has it as cg:party (ditto)

    # `triples` is set once, when the facts are gathered: the two halves are computed once, not per use
    @cached_property
    def outgoing(self) -> list:
        me = ox.NamedNode(self.iri)
        return [t for t in self.triples if t.subject == me]

    @cached_property
    def incoming(self) -> list:
        me = ox.NamedNode(self.iri)
        return [t for t in self.triples if t.object == me and t.subject != me]

    @property
    def incoming_total(self) -> int:
        """How many incoming links the graph holds (however many `triples` carries)."""
        return len(self.incoming) if self.incoming_count is None else self.incoming_count

    @property
    def is_party(self) -> bool:
        """Whether a tie names it as a party (cg:party): a place, whose page lists its partners."""
        if self.party_of_ties is not None:
            return self.party_of_ties
        return any(t.predicate.value == CG + "party" for t in self.incoming)

    def values(self, predicate: str) -> list:
        return [t.object for t in self.outgoing if t.predicate.value == predicate]

    @cached_property
    def types(self) -> set[str]:
        return {o.value for o in self.values(RDF_TYPE) if isinstance(o, ox.NamedNode)}

    def label(self, iri: str | None = None) -> str:
        iri = iri or self.iri
        return self.labels.get(iri) or shorten(iri)

    def kind(self) -> str:
        """The page kind, from the IRI's path: place, partnership, event, person, source, … or term."""
        rest = self.iri[len(BASE):] if self.iri.startswith(BASE) else ""
        parts = rest.split("/")
        if parts[0] == "id" and len(parts) > 2:
            return parts[1]
        return parts[0] or "resource"


@lru_cache(maxsize=1)
def stored_queries() -> dict[str, StoredQuery]:
    """The catalogue, read and checked once: the stored queries do not change while serving."""
    return {q.name: q for q in catalogue()}


def stored(name: str) -> StoredQuery:
    """A stored query by name; BadInput listing the known ones (the CLI's message) if unknown."""
    return stored_queries().get(name) or get(name)


def stored_text(name: str, **values: str) -> str:
    """A stored query's text with the values bound as terms (the CLI's own binding)."""
    query = stored(name)
    return bound_text(query, bind(query, values))


async def gather(ask: Ask, iri: str, *, shown_incoming: int | None = None) -> Facts | None:
    """Everything a page about `iri` needs; None when the graph holds no triple with it.

    shown_incoming: read only N incoming links (and count them all), for the HTML page; None:
    every triple (`describe`), for the RDF answers.
    """
    if shown_incoming is None:
        answer = await ask(stored_text("describe", thing=iri))
        facts = Facts(iri=iri, triples=sorted_triples(answer.result.triples), truncated=answer.truncated)
    else:
        facts = await _bounded(ask, iri, shown_incoming)
    if not facts.triples:
        return None
    types = facts.types
    if types & {CG + "City", CG + "Region", CG + "Place", CG + "Country"} or facts.is_party:
        # no tie names it as a party: `partners` has no row to give (the page shows no table); not asked
        facts.extra["partners"] = (await ask(stored_text("partners", city=iri))).result if facts.is_party else Result(form="SELECT")
        centroid = await ask("PREFIX geo: <http://www.opengis.net/ont/geosparql#>\n"
                             f"SELECT ?w WHERE {{ {sparql_term(ox.NamedNode(iri))} geo:hasCentroid/geo:asWKT ?w }} ORDER BY ?w LIMIT 1")
        facts.wkt = next((row[0].value for row in centroid.result.rows), None)
    if any(t.predicate.value == CG + "party" for t in facts.outgoing):
        # a tie without cg:event has no history to tell (the stored query reads every event of the
        # graph before it joins the tie's: ~7 ms on the world build for nothing); not asked
        if any(t.predicate.value == CG + "event" for t in facts.outgoing):
            history = facts.extra["history"] = (await ask(stored_text("history", tie=iri))).result
            event = history.variables.index("event")
            facts.quotes = await quotes(ask, [row[event].value for row in history.rows])
        else:
            facts.extra["history"] = Result(form="SELECT")
    facts.labels = await labels(ask, _iris(facts))
    return facts


async def _bounded(ask: Ask, iri: str, shown: int) -> Facts:
    """The triples with `iri` as subject, `shown` of its incoming links and the count of them all.

    With at most `shown` incoming links these are all of them, so the page is the one the full
    answer gives. With more, they are the first `shown` in the store's own order (a SPARQL LIMIT
    without ORDER BY: Oxigraph takes about 0.5 s to sort 10,000 links, 2 ms to give the first),
    shown sorted like the rest; the same store gives the same ones.
    """
    me = sparql_term(ox.NamedNode(iri))
    links = f"SELECT DISTINCT ?s ?q WHERE {{ ?s ?q {me} FILTER(?s != {me}) }}"
    out = await ask(f"CONSTRUCT {{ {me} ?p ?o }} WHERE {{ {me} ?p ?o }}")
    rows = (await ask(f"{links} LIMIT {int(shown) + 1}")).result.rows  # one more than shown: are there more?
    n, party = len(rows), any(q.value == CG + "party" for _s, q in rows)
    if n > shown:
        rows = rows[:shown]
        # the distinct (subject, predicate) pairs, as `links` lists them: COUNT(DISTINCT *) over the
        # pattern counts the same as COUNT(*) over the DISTINCT sub-select, a third faster in Oxigraph
        n = int((await ask(f"SELECT (COUNT(DISTINCT *) AS ?n) WHERE {{ ?s ?q {me} FILTER(?s != {me}) }}")).result.rows[0][0].value)
        party = bool((await ask(f"SELECT ?t WHERE {{ ?t <{CG}party> {me} }} LIMIT 1")).result.rows)
    incoming = [ox.Triple(s, q, ox.NamedNode(iri)) for s, q in rows]
    return Facts(iri=iri, triples=sorted_triples([*out.result.triples, *incoming]), truncated=out.truncated,
                 incoming_count=n, party_of_ties=party)


def _iris(facts: Facts) -> list[str]:
    seen: dict[str, None] = {facts.iri: None}
    for t in facts.outgoing + facts.incoming[:MAX_INCOMING]:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                seen.setdefault(term.value, None)
    for result in facts.extra.values():
        for row in result.rows:
            for term in row:
                if isinstance(term, ox.NamedNode):
                    seen.setdefault(term.value, None)
    return list(seen)[:MAX_LABELLED]


async def labels(ask: Ask, iris: list[str]) -> dict[str, str]:
    """IRI -> its English label (else a label without language, else any), in one query."""
    if not iris:
        return {}
    values = " ".join(sparql_term(ox.NamedNode(i)) for i in iris)
    text = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x rdfs:label ?l }}")
    answer = await ask(text, max_rows=20 * len(iris))
    rank: dict[str, tuple[int, str]] = {}
    for x, label in answer.result.rows:
        order = {"en": 0, "": 1}.get(label.language or "", 2)
        if x.value not in rank or (order, label.value) < rank[x.value]:
            rank[x.value] = (order, label.value)
    return {k: v[1] for k, v in rank.items()}


async def quotes(ask: Ask, iris: list[str]) -> dict[str, list[str]]:
    """IRI -> its cg:quote texts (the source's own words), in one query."""
    if not iris:
        return {}
    values = " ".join(sparql_term(ox.NamedNode(i)) for i in dict.fromkeys(iris))
    answer = await ask(f"SELECT ?x ?q WHERE {{ VALUES ?x {{ {values} }} ?x <{CG}quote> ?q }} ORDER BY ?x ?q")
    out: dict[str, list[str]] = {}
    for x, q in answer.result.rows:
        out.setdefault(x.value, []).append(q.value)
    return out


async def search(ask: Ask, text: str, limit: int = 50) -> list[tuple[str, str]]:
    """(IRI, label) of things whose label contains `text`, the minted ones first, one row per thing."""
    if not text.strip():
        return []
    answer = await ask(stored_text("search", text=text.strip()[:200]), max_rows=2000)
    found: dict[str, str] = {}
    for thing, label in answer.result.rows:
        if isinstance(thing, ox.NamedNode) and thing.value not in found:
            found[thing.value] = str(python_value(label))
    ordered = sorted(found.items(), key=lambda kv: (not kv[0].startswith(BASE + "id/"), len(kv[1]), kv[1].lower(), kv[0]))
    return ordered[:limit]


async def ontology_terms(ask: Ask) -> Result:
    text = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "SELECT ?term (MIN(?l) AS ?label) (MIN(?d) AS ?definition) WHERE {\n"
            f"  ?term rdfs:label ?l FILTER(STRSTARTS(STR(?term), {sparql_term(ox.Literal(CG))}) && LANGMATCHES(LANG(?l), \"en\"))\n"
            "  OPTIONAL { ?term skos:definition ?d FILTER(LANGMATCHES(LANG(?d), \"en\")) }\n"
            "} GROUP BY ?term ORDER BY ?term")
    return (await ask(text, max_rows=5000)).result


async def graph_counts(ask: Ask) -> list[tuple[str, int]]:
    answer = await ask("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    return [(g.value, int(n.value)) for g, n in answer.result.rows]


async def dataset_facts(ask: Ask) -> dict[str, list[str]]:
    """The dataset node's own triples (title, description, licence …) as predicate -> values."""
    text = f"SELECT ?p ?o WHERE {{ {sparql_term(ox.NamedNode(BASE + 'dataset'))} ?p ?o }}"
    out: dict[str, list[str]] = {}
    for p, o in (await ask(text, max_rows=2000)).result.rows:
        if not isinstance(o, ox.Literal) or o.language in (None, "", "en"):
            out.setdefault(p.value, []).append(o.value)
    return {k: sorted(set(v)) for k, v in out.items()}
