"""Just enough SPARQL lexing to find keywords and braces outside strings, IRIs and comments.

Used to read a query's form, find the groups to bind parameters in, and spot SERVICE calls.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..errors import BadInput

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                   |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][A-Za-z0-9_]+)
      | (?P<pname>[A-Za-z_][A-Za-z0-9_.-]*:[A-Za-z0-9_.:%-]*|:[A-Za-z0-9_.:%-]*)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<open>\{) | (?P<close>\}) | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def _tokens(text: str):
    """(kind, value, start, end, depth) for every significant token; depth counts open braces."""
    depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "comment" or (kind == "other" and m.group().isspace()):
            continue
        if kind == "close":
            depth -= 1
        yield kind, m.group(), m.start(), m.end(), depth
        if kind == "open":
            depth += 1


def query_form(text: str, where: str = "the query") -> str:
    for kind, value, *_ in _tokens(text):
        if kind == "word" and value.upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            return value.upper()
    raise BadInput(f"{where}: not a SPARQL query (no SELECT, CONSTRUCT, ASK or DESCRIBE); updates are not run")


@lru_cache(maxsize=512)
def outer_group_start(text: str) -> int | None:
    """Offset just after the '{' that opens the query's outer WHERE group, or None. Kept per text:
    a server binds the same stored query for every page (lexing it took 0.4 ms of a city page's 9)."""
    form = None
    after_where = False
    for kind, value, _start, end, depth in _tokens(text):
        if depth != 0:
            continue
        if kind == "word":
            up = value.upper()
            if form is None and up in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
                form = up
            elif up == "WHERE" and form is not None:
                after_where = True
        elif kind == "open" and form is not None and (after_where or form in ("SELECT", "ASK")):
            return end
    return None


def _subquery_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of nested SELECT sub-queries (their braces included)."""
    spans = []
    toks = list(_tokens(text))
    for i, (kind, value, _start, _end, depth) in enumerate(toks):
        if kind == "word" and value.upper() == "SELECT" and depth > 0:
            # the enclosing '{' is the last open brace before this token at depth-1
            opener = next(t for t in reversed(toks[:i]) if t[0] == "open" and t[4] == depth - 1)
            closer = next(t for t in toks[i:] if t[0] == "close" and t[4] == depth - 1)
            spans.append((opener[2], closer[3]))
    return spans



def _groups(text: str) -> list[tuple[int, int]]:
    """(offset after '{', offset of the matching '}') of each group graph pattern.

    Not groups: a VALUES data block, and the template of a CONSTRUCT.
    """
    toks = list(_tokens(text))
    out = []
    form = None
    after_where = False
    skip_next_open = False
    for i, (kind, value, _start, end, depth) in enumerate(toks):
        if kind == "word":
            up = value.upper()
            if form is None and up in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
                form = up
            elif up == "WHERE" and depth == 0:
                after_where = True
            elif up == "VALUES":
                skip_next_open = True
            continue
        if kind != "open":
            continue
        if skip_next_open:
            skip_next_open = False
            continue
        if form == "CONSTRUCT" and depth == 0 and not after_where:
            continue  # the template
        close = next(t for t in toks[i + 1:] if t[0] == "close" and t[4] == depth)
        out.append((end, close[2]))
    return out


def uses_service(text: str) -> bool:
    return any(kind == "word" and value.upper() == "SERVICE" for kind, value, *_ in _tokens(text))
