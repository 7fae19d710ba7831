"""Writing SVG by hand: escaped text, fixed number formatting, attributes in the order given.

Why by hand: the pictures are a few hundred elements of four kinds, and writing them here keeps
every byte under our control — the same graph gives the same bytes (no library version that
reorders attributes or prints 0.30000000000000004), and every label goes through `esc`, so a
label holding `<script>` is text, never markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Attrs = Mapping[str, object]

FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"
SVG_NS = "http://www.w3.org/2000/svg"


def fmt(value: float, digits: int = 1) -> str:
    """A number as SVG wants it: fixed decimals, no trailing zeros, never '-0'."""
    text = f"{value:.{digits}f}"
    if text[-1] == "0":
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def esc(text: object) -> str:
    """XML-escape text for an element's content or a double-quoted attribute."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def attrs(a: Attrs) -> str:
    out = []
    for key, value in a.items():
        if value is None or value is False:
            continue
        out.append(f' {key}="{esc(fmt(value) if isinstance(value, float) else value)}"')
    return "".join(out)


def el(tag: str, a: Attrs | None = None, children: Iterable[str] | str | None = None) -> str:
    """One element; `children` are already-written elements, a plain string is escaped text."""
    head = f"<{tag}{attrs(a or {})}"
    if children is None:
        return head + "/>"
    body = esc(children) if isinstance(children, str) else "".join(children)
    return f"{head}>{body}</{tag}>"


def title(text: str) -> str:
    """A <title> child: the tooltip and the accessible name of its parent."""
    return el("title", None, text)


def text(x: float, y: float, content: str, **a: object) -> str:
    return el("text", {"x": x, "y": y, **a}, content)


def document(width: float, height: float, *, ident: str, title_text: str, desc_text: str,
             body: Iterable[str], lang: str = "en", font_size: float = 11) -> bytes:
    """A complete SVG file: <title> and <desc> first (what screen readers announce), then `body`.

    `ident` prefixes the ids, so several pictures can share one HTML page.
    """
    head = el("svg", {
        "xmlns": SVG_NS,
        "width": fmt(width), "height": fmt(height), "viewBox": f"0 0 {fmt(width)} {fmt(height)}",
        "role": "graphics-document document", "aria-labelledby": f"{ident}-title {ident}-desc",
        "lang": lang, "xml:lang": lang,
        "font-family": FONT, "font-size": fmt(font_size), "class": "citygraph-picture",
        "data-picture": ident,
    })[:-2] + ">"
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n', head, "\n",
        el("title", {"id": f"{ident}-title"}, title_text), "\n",
        el("desc", {"id": f"{ident}-desc"}, desc_text), "\n",
    ]
    for item in body:
        parts.append(item)
        parts.append("\n")
    parts.append("</svg>\n")
    return "".join(parts).encode("utf-8")
