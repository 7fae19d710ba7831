"""Which remote services a query may call: outbound requests only where the user asked.

A `SERVICE` clause makes the engine send a request to another host. citygraph allows it only to
endpoints on an allow-list (by default Wikidata's query service); a query naming any other
service, or a variable as the service, is refused before it runs. The check reads the query
with the SPARQL lexer (`sparqltext`), so a `SERVICE` inside a string, an IRI or a comment is
not mistaken for one, and prefixed names are expanded with the query's own PREFIX lines.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from ..errors import BadInput
from .sparqltext import _tokens

WIKIDATA_QUERY_SERVICE = "https://query.wikidata.org/sparql"
DEFAULT_ALLOWED: tuple[str, ...] = (WIKIDATA_QUERY_SERVICE,)


_EXTRA: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("citygraph_allowed_services", default=())


def allowed() -> tuple[str, ...]:
    """The allow-list in force: the default plus what `allowing` added (e.g. --allow-service)."""
    return DEFAULT_ALLOWED + _EXTRA.get()


@contextlib.contextmanager
def allowing(urls: Iterable[str]) -> Iterator[None]:
    """Within the block, SERVICE may also call these endpoints (each an http(s) URL)."""
    extra = tuple(urls)
    if extra:  # lazy: io/remote.py brings the HTTP stack (~25 ms), needed only when there is a URL to check
        from ..io.remote import check_url

        extra = tuple(check_url(u, "--allow-service") for u in extra)
    token = _EXTRA.set(_EXTRA.get() + extra)
    try:
        yield
    finally:
        _EXTRA.reset(token)


def _prefixes(tokens: list[tuple]) -> dict[str, str]:
    """The query's own PREFIX declarations: prefix -> namespace IRI."""
    out: dict[str, str] = {}
    for i, (kind, value, *_rest) in enumerate(tokens):
        if kind == "word" and value.upper() == "PREFIX" and i + 2 < len(tokens):
            name, iri = tokens[i + 1], tokens[i + 2]
            if name[0] == "pname" and iri[0] == "iri":
                out[name[1][:-1] if name[1].endswith(":") else name[1].split(":", 1)[0]] = iri[1][1:-1]
    return out


def service_targets(text: str) -> list[str]:
    """Every SERVICE target of the query in order: an IRI, or '?var' when a variable names it."""
    tokens = list(_tokens(text))
    prefixes = _prefixes(tokens)
    out = []
    for i, (kind, value, *_rest) in enumerate(tokens):
        if kind != "word" or value.upper() != "SERVICE":
            continue
        j = i + 1
        if j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() == "SILENT":
            j += 1
        if j >= len(tokens):
            out.append("")
            continue
        tkind, tvalue = tokens[j][0], tokens[j][1]
        if tkind == "iri":
            out.append(tvalue[1:-1])
        elif tkind == "pname":
            prefix, _, local = tvalue.partition(":")
            out.append(prefixes[prefix] + local if prefix in prefixes else tvalue)
        else:
            out.append(tvalue)
    return out


def normalise(url: str) -> str:
    return url.strip().rstrip("/")


def check_services(text: str, allowed: Iterable[str] = DEFAULT_ALLOWED, where: str = "the query") -> list[str]:
    """The query's SERVICE targets if every one is allowed; BadInput naming the first that is not."""
    allow = {normalise(a) for a in allowed}
    targets = service_targets(text)
    for target in targets:
        if target.startswith(("?", "$")):
            raise BadInput(f"{where}: SERVICE {target}: a variable cannot name the service; "
                           "write the endpoint's IRI (allowed: " + (", ".join(sorted(allow)) or "none") + ")")
        if normalise(target) not in allow:
            raise BadInput(f"{where}: SERVICE <{target}> is not on the allow-list of remote services "
                           f"({', '.join(sorted(allow)) or 'none'}); add it with --allow-service {target} if you mean it")
    return targets
