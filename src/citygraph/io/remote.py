"""Rules for every outbound HTTP request citygraph makes (query --endpoint, link).

- only http:// and https:// URLs (`check_url`): never file://, ftp:// or anything else;
- redirects only to the same host and scheme family (`SameHostRedirects`, installed as the
  urllib opener that SPARQLWrapper uses), at most MAX_REDIRECTS of them;
- an answer is read against a wall-clock deadline for the whole request, not per read, and
  against a size cap (`read_capped`), so a server that drips a byte at a time or sends an
  endless body is cut off;
- a failed name lookup or a refused connection is not worth retrying: `is_offline` tells the
  callers to fail at once with exit 3 and say how to work from the cache.
"""

from __future__ import annotations

import contextlib
import contextvars
import http.client
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from ..errors import BadInput, RemoteError

DEFAULT_MAX_BYTES = 64 * 1024 * 1024   # one remote answer
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024


_MAX_BYTES: contextvars.ContextVar[int] = contextvars.ContextVar("citygraph_max_bytes", default=DEFAULT_MAX_BYTES)


def max_bytes() -> int:
    """The size cap on one remote answer in force (DEFAULT_MAX_BYTES unless `capped` changed it)."""
    return _MAX_BYTES.get()


@contextlib.contextmanager
def capped(limit: int | None):
    """Within the block, remote answers may be at most `limit` bytes (None keeps the cap in force)."""
    if limit is not None and limit <= 0:
        raise BadInput(f"--max-bytes {limit}: give a positive number of bytes")
    token = _MAX_BYTES.set(limit if limit is not None else _MAX_BYTES.get())
    try:
        yield
    finally:
        _MAX_BYTES.reset(token)


def set_max_bytes(limit: int | None) -> None:
    """Set the cap for the rest of this command (a click option callback: --max-bytes)."""
    if limit is not None:
        if limit <= 0:
            raise BadInput(f"--max-bytes {limit}: give a positive number of bytes")
        _MAX_BYTES.set(limit)


def check_url(url: str, option: str = "--endpoint") -> str:
    """`url` if it is an http(s) URL with a host; BadInput naming the option otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise BadInput(f"{option} {url!r}: give an http:// or https:// URL of a SPARQL endpoint, "
                       "e.g. https://query.wikidata.org/sparql (other schemes such as file:// are refused)")
    return url.strip()


class SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the same host over http(s); refuse anything else by name."""

    max_redirections = MAX_REDIRECTS
    max_repeats = 2

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        old, new = urlsplit(req.full_url), urlsplit(newurl)
        if new.scheme.lower() not in ("http", "https") or (new.hostname or "").lower() != (old.hostname or "").lower():
            raise RemoteError(f"{req.full_url}: the server redirects (HTTP {code}) to {newurl}, another host or scheme; "
                              "citygraph follows redirects only within one host. Give the final URL with --endpoint if you trust it")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def install_opener() -> None:
    """Make urllib (and so SPARQLWrapper) follow redirects only within one host."""
    current = getattr(urllib.request, "_opener", None)
    if current is not None and any(isinstance(h, SameHostRedirects) for h in current.handlers):
        return
    urllib.request.install_opener(urllib.request.build_opener(SameHostRedirects()))


def is_offline(err: BaseException) -> bool:
    """True for failures that mean 'no network here' (no retry can help): DNS and refused connections."""
    reason = getattr(err, "reason", err)
    return isinstance(reason, (socket.gaierror, ConnectionRefusedError)) or isinstance(err, (socket.gaierror, ConnectionRefusedError))


def offline_message(url: str, err: BaseException, offline_hint: str) -> str:
    reason = getattr(err, "reason", err)
    host = urlsplit(url).hostname or url
    return (f"{url}: cannot connect to {host} ({reason}). This command needs the network; {offline_hint}")


def _set_socket_timeout(response, seconds: float) -> None:
    """Shorten the socket's per-read timeout to what is left of the deadline (best effort)."""
    raw = getattr(getattr(response, "fp", None), "raw", None)
    sock = getattr(raw, "_sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.settimeout(max(0.01, seconds))


def read_capped(response, url: str, *, deadline: float, max_bytes: int, timeout: float) -> bytes:
    """The body of `response`, read in pieces until EOF, the deadline or the size cap.

    RemoteError for an answer that does not arrive in time (total, not per read) or is larger
    than `max_bytes`, naming the option to raise.
    """
    length = response.headers.get("Content-Length") if getattr(response, "headers", None) else None
    if length and length.isdigit() and int(length) > max_bytes:
        raise RemoteError(f"{url}: the answer is {int(length):,} bytes, more than --max-bytes {max_bytes:,}; "
                          "narrow the query or raise --max-bytes")
    parts: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise RemoteError(f"{url}: no complete answer within {timeout:g} s (the whole request, not one read); "
                              "raise --timeout or try later")
        _set_socket_timeout(response, left)
        reader = getattr(response, "read1", None) or response.read
        try:
            chunk = reader(_CHUNK)
        except TimeoutError:
            raise RemoteError(f"{url}: no complete answer within {timeout:g} s (the whole request, not one read); "
                              "raise --timeout or try later") from None
        except http.client.IncompleteRead as err:
            raise RemoteError(f"{url}: the answer was cut short after {size + len(err.partial):,} bytes "
                              f"({err.expected or 'more'} expected); try again later") from None
        except (http.client.HTTPException, OSError) as err:
            raise RemoteError(f"{url}: the connection broke off while reading the answer ({type(err).__name__}: {err}); "
                              "try again later") from None
        if not chunk:
            if length and length.isdigit() and size < int(length):
                raise RemoteError(f"{url}: the answer was cut short after {size:,} of {int(length):,} bytes; try again later")
            return b"".join(parts)
        size += len(chunk)
        if size > max_bytes:
            raise RemoteError(f"{url}: the answer is larger than --max-bytes {max_bytes:,}; narrow the query or raise --max-bytes")
        parts.append(chunk)


__all__ = ["check_url", "install_opener", "read_capped", "is_offline", "offline_message", "SameHostRedirects",
           "DEFAULT_MAX_BYTES", "MAX_REDIRECTS"]
