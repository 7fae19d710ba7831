"""Running the application on uvicorn in one process; `--workers N` processes: serve/http/workers.py.

Each worker gets the options and makes its own Site with `site_from_options` (the built store
opened read-only from the cache, which the parent built first; or the external endpoint).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...namespaces import BASE
from ...query.service_policy import DEFAULT_ALLOWED
from ..app import create_app
from ..site import Site
from .backend import LocalBackend, RemoteBackend
from .limits import Limits


@dataclass
class Options:
    host: str = "127.0.0.1"
    port: int = 8000
    scope: str = "all"
    add: list[str] = field(default_factory=list)
    reasoner: str | None = None
    base_url: str = BASE
    public_url: str | None = None  # the address the world reaches this server at (default: where it listens)
    endpoint: str | None = None
    dumps: str | None = None
    workers: int = 1
    allow_service: list[str] = field(default_factory=lambda: list(DEFAULT_ALLOWED))
    limits: dict = field(default_factory=dict)


def site_from_options(opts: Options, progress: Callable[[str], None] | None = None) -> Site:
    from ... import cache  # the build machinery: only when serving the local store

    limits = Limits(**opts.limits)
    if opts.endpoint:
        backend: LocalBackend | RemoteBackend = RemoteBackend(allowed_services=opts.allow_service, max_rows=limits.max_rows, endpoint=opts.endpoint)
        source = f"the SPARQL endpoint {opts.endpoint}"
    else:
        store = cache.built_store(opts.scope, [Path(p) for p in opts.add], opts.reasoner, progress=progress)
        backend = LocalBackend(allowed_services=opts.allow_service, max_rows=limits.max_rows, store=store)
        source = f"the built graph (scope {opts.scope}{''.join(', --add ' + Path(p).name for p in opts.add)})"
    return Site(backend=backend, limits=limits, base_url=opts.base_url, dumps=Path(opts.dumps) if opts.dumps else None, source=source,
                public_url=opts.public_url or listening_url(opts.host, opts.port), scope=opts.scope, add=list(opts.add))


def listening_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def settings(opts: Options) -> dict[str, Any]:
    """uvicorn's settings, the same in one process and in each worker."""
    return {"host": opts.host, "port": opts.port, "access_log": False, "log_level": "warning",
            "timeout_graceful_shutdown": 5, "server_header": False}


def run(opts: Options, site: Site) -> None:
    """Serve `site` in this process (`--workers N`: serve/http/workers.py)."""
    import uvicorn  # imported when serving, so `citygraph --help` stays fast

    uvicorn.run(create_app(site), **settings(opts))
