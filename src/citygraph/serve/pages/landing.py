"""The landing page `/` and the dump downloads `/download/{name}`.

Downloads are the files of the build's output folder (`--dumps`), nothing else: a name is
served only if it is one of that folder's own file names (no path is ever joined from the
request), with Content-Length, a SHA-256 ETag and byte ranges (Starlette's FileResponse).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ...errors import BadInput
from ...io.digest import sha256_file
from ...publish.dump import CHECKSUMS
from ...version import __version__
from ..http import media
from ..http.responses import send
from ..record import record_of
from ..site import Site
from . import facts as F
from . import figures, schemaorg
from .render import render

TITLE = "citygraph — the knowledge graph of city diplomacy"
DESCRIPTION = ("Sister cities, twin towns and friendship cities (友好城市) as validated, reasoned, queryable RDF linked to "
               "Wikidata: who is tied to whom, of which kind, since when, what happened to each tie, and who says so.")
MEDIA = {".ttl": "text/turtle", ".nt": "application/n-triples", ".jsonld": "application/ld+json", ".trig": "application/trig",
         ".nq": "application/n-quads", ".gz": "application/gzip", ".csv": "text/csv", ".json": "application/json"}


class NoSuchFile(BadInput):
    """A download that is not one of the build's files: 404."""


@lru_cache(maxsize=64)
def _sha256(path: str, size: int, mtime: float) -> str:
    del size, mtime  # only part of the cache key: a changed file is hashed again
    return sha256_file(path)


def _listed_sums(folder: Path) -> dict[str, str]:
    sums = {}
    path = folder / CHECKSUMS
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            digest, _, name = line.partition("  ")
            if len(digest) == 64 and name:
                sums[name.strip()] = digest
    return sums


def dump_files(site: Site) -> list[dict]:
    """The build's output files: name, size, SHA-256 (from SHA256SUMS, else computed), media type."""
    if site.dumps is None or not site.dumps.is_dir():
        return []
    sums = _listed_sums(site.dumps)
    out = []
    for p in sorted(site.dumps.iterdir()):
        if not p.is_file() or p.is_symlink() or p.name.startswith("."):
            continue
        st = p.stat()
        out.append({"name": p.name, "path": p, "size": st.st_size, "url": f"/download/{p.name}",
                    "sha256": sums.get(p.name) or _sha256(str(p), st.st_size, st.st_mtime),
                    "media": MEDIA.get(p.suffix, "text/plain" if p.name == CHECKSUMS else "application/octet-stream")})
    return out


async def download(request: Request) -> Response:
    site: Site = request.app.state.site
    name = request.path_params["name"]
    for d in dump_files(site):
        if d["name"] == name:
            return FileResponse(d["path"], media_type=d["media"], filename=name,
                                headers={"ETag": f'"{d["sha256"]}"', "Cache-Control": "public, max-age=3600"})
    raise NoSuchFile(f"/download/{name}: not one of the build's files; the landing page lists them")


async def licence_of(site: Site) -> str | None:
    text = ("PREFIX owl: <http://www.w3.org/2002/07/owl#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
            "SELECT ?l WHERE { ?o a owl:Ontology ; dcterms:license ?l } ORDER BY ?l LIMIT 1")
    rows = (await site.ask(text)).result.rows
    return rows[0][0].value if rows else None


async def landing(request: Request) -> Response:
    site: Site = request.app.state.site
    files = dump_files(site)
    root = str(request.base_url)
    # the graph's part is fixed while serving a local store; the downloads and the address are part of the key
    key = ("/", root, tuple((d["name"], d["size"], d["sha256"]) for d in files))
    body = site.kept.get(key) if site.kept is not None else None
    if body is None:
        body = (await render_landing(site, root, files)).encode("utf-8")
        if site.kept is not None:
            site.kept.put(key, body)
    return send(request, body, media.BY_NAME["html"].content_type, negotiated=False)


async def render_landing(site: Site, root: str, files: list[dict]) -> str:
    counts = await F.graph_counts(site.ask)
    licence = await licence_of(site)
    downloads = [d | {"url": root.rstrip("/") + d["url"]} for d in files]
    shown = figures.for_landing(site)
    citation = f"The citygraph developers, citygraph: the knowledge graph of city diplomacy, version {__version__}, https://w3id.org/citygraph"
    return render("landing.html", title=TITLE, description=DESCRIPTION, counts=counts, downloads=files, licence=licence,
                  citation=citation, source=site.source, pictures=shown.slots, picture_note=shown.note,
                  present=lambda name: any(g.endswith("graph/" + name) for g, _n in counts),
                  schema=(await record_of(site)).schema or schemaorg.dataset(TITLE, DESCRIPTION, root, licence, downloads))
