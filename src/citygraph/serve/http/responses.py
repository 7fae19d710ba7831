"""Responses with the headers every answer carries: ETag (and 304), Vary: Accept, Link alternates,
and the one mapping from citygraph's errors to HTTP statuses."""

from __future__ import annotations

import hashlib
import json

from starlette.requests import Request
from starlette.responses import Response

from ...errors import BadInput, CitygraphError, RemoteError
from .backend import QueryTimeout, ReadOnly, TooLarge
from .limits import Busy, TimedOut


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def send(request: Request, body: str | bytes, content_type: str, *, status: int = 200, negotiated: bool = True,
         links: list[tuple[str, str]] | None = None, headers: dict[str, str] | None = None) -> Response:
    """A response with a strong ETag (304 when If-None-Match matches) and conneg headers."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    out = dict(headers or {})
    if negotiated:
        out["Vary"] = "Accept"
    if links:
        out["Link"] = ", ".join(f'<{url}>; rel="alternate"; type="{media}"' for url, media in links)
    if status == 200:
        tag = etag_for(data)
        out["ETag"] = tag
        match = request.headers.get("if-none-match", "")
        if tag in [t.strip() for t in match.split(",")] or match.strip() == "*":
            return Response(status_code=304, headers=out)
    return Response(data, status_code=status, media_type=None, headers=out | {"Content-Type": content_type})


def status_of(err: Exception) -> int:
    if isinstance(err, ReadOnly):
        return 403
    if isinstance(err, TooLarge):
        return 413
    if isinstance(err, (Busy, TimedOut, QueryTimeout)):
        return 503
    if isinstance(err, RemoteError):
        return 502
    if isinstance(err, BadInput):
        return 400
    return 500 if not isinstance(err, CitygraphError) else 400


def error_headers(err: Exception, retry_after: int) -> dict[str, str]:
    return {"Retry-After": str(retry_after)} if isinstance(err, Busy) else {}


def plain_error(err: Exception, retry_after: int = 2) -> Response:
    """An error for machines: one line of text saying what to fix."""
    status = status_of(err)
    return Response(f"citygraph: error: {err}\n", status_code=status, media_type="text/plain; charset=utf-8",
                    headers=error_headers(err, retry_after))


def json_error(err: Exception, retry_after: int = 2) -> Response:
    status = status_of(err)
    body = json.dumps({"error": str(err), "status": status}, ensure_ascii=False) + "\n"
    return Response(body, status_code=status, media_type="application/json", headers=error_headers(err, retry_after))
