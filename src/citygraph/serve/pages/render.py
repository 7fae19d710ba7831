"""HTML from templates (Jinja2, autoescape on) and the helpers templates use to show RDF terms.

Every literal reaches the page through Jinja's escaping or `markupsafe.escape`; the only raw
HTML is what these helpers build from escaped parts. JSON-LD inside <script> is dumped with
`<`, `>` and `&` as \\u escapes, so a label cannot close the script element.
"""

from __future__ import annotations

import json
from functools import lru_cache

import jinja2
import pyoxigraph as ox
from markupsafe import Markup, escape

from ...query.terms import shorten

XSD = "http://www.w3.org/2001/XMLSchema#"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("citygraph.serve", "templates"),
        autoescape=True,  # every template, whatever its name
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["jsonld"] = script_json
    env.filters["short"] = shorten
    env.globals.update(dict=dict, zip=zip, facts_items=facts_items, incoming_items=incoming_items, partner_rows=partner_rows)
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def script_json(data) -> Markup:
    """JSON safe inside <script type="application/ld+json">."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _esc(text: str) -> str:
    """`text` HTML-escaped, as a plain str (a Markup would escape the literal HTML it is added to)."""
    return str(escape(text))


def term_html(term, labels: dict[str, str], href) -> Markup:
    """A term for people: an IRI as a link with its label; a literal as text (language, type noted)."""
    if term is None:
        return Markup("")
    # built by concatenating escaped parts: a page shows hundreds of terms, and Markup.format
    # (string.Formatter) cost more than the rest of the template together
    if isinstance(term, ox.NamedNode):
        iri = term.value
        text = labels.get(iri) or shorten(iri)
        return Markup('<a href="' + _esc(href(iri)) + '" title="' + _esc(iri) + '">' + _esc(text) + "</a>")
    if isinstance(term, ox.Literal):
        note = ""
        if term.language:
            note = term.language
        elif term.datatype and term.datatype.value != XSD + "string":
            note = shorten(term.datatype.value).replace("xsd:", "")
            if term.datatype.value.startswith(XSD):
                note = term.datatype.value[len(XSD):]
        if note:
            return Markup(_esc(term.value) + ' <span class="note">' + _esc(note) + "</span>")
        return escape(term.value)
    return escape(str(term))


# The page's long lists are built here rather than in the template: a page shows up to hundreds of
# terms, and Jinja's call and escape for each cost a fifth of a first visit. The HTML is the
# template's, byte for byte (tests/test_serve_pages_html.py holds them to it).

def facts_items(groups, show) -> Markup:
    """The <dt>/<dd> items of the Facts list: each predicate, then its objects (a quote as a blockquote)."""
    parts = []
    for p, objects in groups:
        parts.append("<dt>" + str(show(p)) + "</dt>\n")
        if p.value.endswith("#quote"):
            parts.extend('<dd class="quote"><blockquote>' + _esc(o.value) + "</blockquote></dd>\n" for o in objects)
        else:
            parts.extend("<dd>" + str(show(o)) + "</dd>\n" for o in objects)
    return Markup("".join(parts))


def incoming_items(groups, show, label) -> Markup:
    """The <dt>/<dd> items of the incoming links: "is P of", then the things that link here."""
    parts = []
    for p, subjects in groups:
        parts.append("<dt>is " + str(show(p)) + ("" if label(p.value).endswith(" of") else " of") + "</dt>\n")
        parts.extend("<dd>" + str(show(s)) + "</dd>\n" for s in subjects)
    return Markup("".join(parts))


def partner_rows(result, show, href) -> Markup:
    """The rows of a city's partners table, from the stored `partners` answer."""
    parts = []
    for row in result.rows:
        r = dict(zip(result.variables, row, strict=True))
        status = r["status"]
        parts.append("<tr>\n"
                     '<td class="partner">' + str(show(r["partner"])) + "</td>\n"
                     "<td>" + str(show(r["country"])) + "</td>\n"
                     "<td>" + str(show(r["kind"])) + "</td>\n"
                     "<td>" + (_esc(r["listedYear"].value) if r["listedYear"] else "") + "</td>\n"
                     "<td>" + (_esc(r["established"].value) if r["established"] else "") + "</td>\n"
                     '<td class="status status-' + _esc(status.value if status else "unknown") + '">'
                     + _esc(status.value if status and status.value else "\u2014") + "</td>\n"
                     '<td><a href="' + _esc(href(r["tie"].value)) + '">the tie</a></td>\n'
                     "</tr>\n")
    return Markup("".join(parts))
