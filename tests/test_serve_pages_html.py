"""A page's long lists (its facts, incoming links and partners table) are built in Python
(serve/pages/render.py) instead of Jinja loops, for speed: the HTML must be the loops', byte for
byte. The loops as the template had them are kept here as the reference and rendered with the
same Jinja environment, for every page of the curated build and for a graph whose labels and
literals are HTML and JavaScript (tests/data/serve/xss.ttl)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from citygraph.namespaces import BASE
from citygraph.serve.http.backend import LocalBackend
from citygraph.serve.pages import facts as F
from citygraph.serve.pages.pages import page_context
from citygraph.serve.pages.render import environment, facts_items, incoming_items, partner_rows
from citygraph.serve.site import Site

# the template's loops before they moved to render.py, verbatim
REFERENCE = {
    "facts": """{% for p, objects in facts %}
<dt>{{ show(p) }}</dt>
{% for o in objects %}<dd{% if p.value.endswith('#quote') %} class="quote"{% endif %}>{% if p.value.endswith('#quote') %}<blockquote>{{ o.value }}</blockquote>{% else %}{{ show(o) }}{% endif %}</dd>
{% endfor %}
{% endfor %}
""",
    "incoming": """{% for p, subjects in incoming %}
<dt>{% if label(p.value).endswith(' of') %}is {{ show(p) }}{% else %}is {{ show(p) }} of{% endif %}</dt>
{% for s in subjects %}<dd>{{ show(s) }}</dd>
{% endfor %}
{% endfor %}
""",
    "partners": """{% for row in partners.rows %}
{% set r = dict(zip(partners.variables, row)) %}
<tr>
<td class="partner">{{ show(r.partner) }}</td>
<td>{{ show(r.country) }}</td>
<td>{{ show(r.kind) }}</td>
<td>{{ r.listedYear.value if r.listedYear else '' }}</td>
<td>{{ r.established.value if r.established else '' }}</td>
<td class="status status-{{ r.status.value if r.status else 'unknown' }}">{{ r.status.value if r.status and r.status.value else '—' }}</td>
<td><a href="{{ href(r.tie.value) }}">the tie</a></td>
</tr>
{% endfor %}
""",
}


def _minted(store) -> list[str]:
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{BASE}')) }} ORDER BY ?s",
                       use_default_graph_as_union=True)
    return [r["s"].value for r in rows if "#" not in r["s"].value]  # type: ignore[index]


def _compare(store) -> tuple[int, int]:
    """(pages compared, partners tables among them); asserts each list equals the reference loop's."""
    site = Site(backend=LocalBackend(store=store))
    env = environment()
    loops = {name: env.from_string(text) for name, text in REFERENCE.items()}
    pages = tables = 0
    for iri in _minted(store):
        facts = asyncio.run(F.gather(site.ask, iri, shown_incoming=F.MAX_INCOMING))
        if facts is None:
            continue
        ctx = page_context(site, facts, site.href(iri))
        assert str(facts_items(ctx["facts"], ctx["show"])) == loops["facts"].render(**ctx), iri
        assert str(incoming_items(ctx["incoming"], ctx["show"], ctx["label"])) == loops["incoming"].render(**ctx), iri
        if ctx["partners"] is not None:
            assert str(partner_rows(ctx["partners"], ctx["show"], ctx["href"])) == loops["partners"].render(**ctx), iri
            tables += bool(ctx["partners"].rows)
        pages += 1
    return pages, tables


def test_the_lists_are_the_template_loops_on_every_curated_page(curated):
    pages, tables = _compare(curated.store)
    assert pages > 400 and tables >= 20  # Nanjing's partners and theirs: the comparison saw real tables


def test_the_lists_escape_as_the_template_did(tmp_path):
    """Labels and literals that are markup (xss.ttl), and a partner of Nanjing labelled with markup
    (evil-labels.ttl: its row in Nanjing's partners table), over the curated data."""
    from citygraph.build import build

    here = Path(__file__).parent / "data"
    built = build(scope="nanjing", extra=[here / "serve" / "xss.ttl", here / "pictures" / "evil-labels.ttl"], validate=False)
    pages, tables = _compare(built.store)
    assert pages > 400 and tables >= 20
