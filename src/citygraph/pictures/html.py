"""An interactive page around one picture: hover (or keyboard focus) for details, click to the page.

The SVG is inlined as it is; a few lines of our own script show a mark's <title> in a tooltip
(set with textContent, never as markup) and the marks' links take a click to the page of the
partner, event or tie. Nothing is loaded from anywhere: the Content-Security-Policy allows no
source at all except this page's own script and style (by hash), so the page works offline
and a label holding `<script>` can do nothing even if it ever escaped escaping.
"""

from __future__ import annotations

import base64
import hashlib
import re

from .drawing.svg import esc

STYLE = """
body { margin: 0; padding: 16px; font-family: "DejaVu Sans", Verdana, Arial, sans-serif; background: #ffffff; color: #222222; }
main { max-width: 1240px; }
svg.citygraph-picture { max-width: 100%; height: auto; display: block; }
svg .mark { cursor: pointer; }
svg .mark:hover circle, svg .mark:focus circle, svg .mark:hover rect, svg .mark:focus rect,
svg .mark:hover path, svg .mark:focus path { stroke: #000000; stroke-width: 2; }
svg a:focus { outline: 2px solid #000000; }
svg .density:hover { stroke: #000000; stroke-width: 0.3; }
#cg-tip { position: fixed; z-index: 10; max-width: 420px; padding: 6px 8px; border-radius: 4px; background: #222222;
  color: #ffffff; font-size: 12px; line-height: 1.35; pointer-events: none; white-space: pre-wrap; }
#cg-tip[hidden] { display: none; }
""".strip()

SCRIPT = """
(function () {
  "use strict";
  var tip = document.getElementById("cg-tip");
  var marks = document.querySelectorAll("svg .mark, svg .density, svg .row-label, svg .undated, svg .status, svg .suspension");
  function titleOf(el) {
    for (var i = 0; i < el.children.length; i++) {
      if (el.children[i].tagName.toLowerCase() === "title") { return el.children[i].textContent; }
    }
    return "";
  }
  function place(x, y) {
    var w = tip.offsetWidth, h = tip.offsetHeight;
    tip.style.left = Math.max(4, Math.min(x + 14, window.innerWidth - w - 4)) + "px";
    tip.style.top = Math.max(4, Math.min(y + 14, window.innerHeight - h - 4)) + "px";
  }
  function show(el, x, y) {
    var text = titleOf(el);
    if (!text) { return; }
    tip.textContent = text;
    tip.hidden = false;
    place(x, y);
  }
  function hide() { tip.hidden = true; }
  marks.forEach(function (el) {
    el.addEventListener("mouseenter", function (e) { show(el, e.clientX, e.clientY); });
    el.addEventListener("mousemove", function (e) { place(e.clientX, e.clientY); });
    el.addEventListener("mouseleave", hide);
    el.addEventListener("focus", function () { var r = el.getBoundingClientRect(); show(el, r.right, r.bottom); });
    el.addEventListener("blur", hide);
  });
})();
""".strip()


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


CSP = f"default-src 'none'; script-src {_hash(SCRIPT)}; style-src {_hash(STYLE)}; img-src data:; base-uri 'none'; form-action 'none'"

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.S)


def page(svg: bytes, lang: str = "en") -> bytes:
    """A complete, self-contained HTML page showing `svg` with hover details and working links."""
    body = svg.split(b"?>", 1)[1].lstrip() if svg.startswith(b"<?xml") else svg
    m = _TITLE.search(body)
    heading = m.group(1).decode("utf-8") if m else "citygraph picture"  # already escaped in the SVG
    head = (f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{heading}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n")
    tail = f'\n<div id="cg-tip" role="tooltip" hidden></div>\n</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n'
    return head.encode("utf-8") + body.rstrip(b"\n") + tail.encode("utf-8")
