// citygraph pages: show each picture where the page names it (serve/pages/figures.py).
// A slot <figure class="picture" data-picture="/pictures/…svg"> is filled with the SVG at that
// address on this server, parsed as SVG and imported as nodes (not as HTML), so its links and
// titles work as they do inline. Nothing runs from the picture: scripts, event handlers and
// javascript: links are dropped before it is shown. A picture that does not come (404, an
// error) leaves no trace; without JavaScript the slot's <noscript> <img> shows it instead.
// Slots below the fold are asked for when they come near.
"use strict";
(function () {
  var SVG_NS = "http://www.w3.org/2000/svg";

  function inert(root) {
    root.querySelectorAll("script, foreignObject").forEach(function (node) { node.remove(); });
    [root].concat(Array.prototype.slice.call(root.querySelectorAll("*"))).forEach(function (node) {
      Array.prototype.slice.call(node.attributes).forEach(function (attr) {
        var name = attr.name.toLowerCase();
        if (name.indexOf("on") === 0 || (/href$/.test(name) && /^\s*javascript:/i.test(attr.value))) {
          node.removeAttributeNode(attr);
        }
      });
    });
    return root;
  }

  function show(slot) {
    var url = new URL(slot.getAttribute("data-picture"), document.baseURI);
    if (url.origin !== window.location.origin) { slot.remove(); return; }
    fetch(url.href, {credentials: "same-origin", headers: {"Accept": "image/svg+xml"}})
      .then(function (answer) {
        var type = (answer.headers.get("Content-Type") || "").split(";")[0].trim();
        if (!answer.ok || type !== "image/svg+xml") { throw new Error(url.pathname + ": " + answer.status); }
        return answer.text();
      })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, "image/svg+xml");
        var svg = doc.documentElement;
        if (svg.namespaceURI !== SVG_NS || svg.localName !== "svg" || doc.getElementsByTagName("parsererror").length) {
          throw new Error(url.pathname + ": not an SVG document");
        }
        slot.replaceChildren(document.importNode(inert(svg), true));
        slot.setAttribute("data-shown", "");
      })
      .catch(function () { slot.remove(); });
  }

  function start() {
    var slots = Array.prototype.slice.call(document.querySelectorAll("figure.picture[data-picture]"));
    if (!("IntersectionObserver" in window)) { slots.forEach(show); return; }
    var watch = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { watch.unobserve(entry.target); show(entry.target); }
      });
    }, {rootMargin: "400px 0px"});
    slots.forEach(function (slot) { watch.observe(slot); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
