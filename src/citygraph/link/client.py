"""The Wikidata client: a polite, cached SPARQL SELECT over SPARQLWrapper.

Polite (STYLE 7, and the Wikidata Query Service's User-Agent policy): a descriptive
User-Agent, a timeout, retries with back-off that honour `Retry-After` on 429/503, `VALUES`
batches of bounded size, and requests made one at a time. Every valid answer is kept on disk,
keyed by endpoint and query text, so a repeated run is reproducible and `--offline` replays
the very bytes that were received. Only a complete, parseable answer is ever cached.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.client
import json
import os
import time
import urllib.error
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pyoxigraph as ox

from ..errors import BadInput, RemoteError
from ..ids import check_qid, key_order
from ..io import atomic, remote
from ..load import guards, resources
from ..version import __version__

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
HOMEPAGE = "https://w3id.org/citygraph"
ENV_ENDPOINT = "CITYGRAPH_WIKIDATA_ENDPOINT"
ENV_CACHE_DIR = resources.CACHE_ENV
ENV_TIMEOUT = "CITYGRAPH_WIKIDATA_TIMEOUT"
ENV_RETRIES = "CITYGRAPH_WIKIDATA_RETRIES"
ENV_BACKOFF = "CITYGRAPH_WIKIDATA_BACKOFF"
ENV_MAX_WAIT = "CITYGRAPH_WIKIDATA_MAX_WAIT"
ENV_BATCH = "CITYGRAPH_WIKIDATA_BATCH"

DEFAULT_TIMEOUT = 60.0  # WDQS itself stops a query after 60 s
DEFAULT_RETRIES = 4
DEFAULT_BACKOFF = 2.0  # seconds before the first retry, doubled each time
DEFAULT_MAX_WAIT = 300.0  # a Retry-After longer than this is a failure, not a nap
DEFAULT_BATCH = 50
MAX_BATCH = 200  # long VALUES lists make WDQS slow and URLs too long
GET_LIMIT = 1800  # longer queries go by POST (WDQS caches GETs, so prefer them)

# Statuses worth another try: rate limits, overload and gateway trouble.
RETRY_AFTER_STATUSES = {429, 503}
TRANSIENT_STATUSES = {500, 502, 504}


def user_agent() -> str:
    return f"citygraph/{__version__} ({HOMEPAGE}; city-diplomacy knowledge graph) SPARQLWrapper python-urllib"


cache_root = resources.cache_dir


def _env_number(name: str, default: float, kind=float, minimum: float = 0):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return kind(default)
    try:
        value = kind(raw)
    except ValueError:
        raise BadInput(f"${name}={raw!r} is not a number; unset it or give e.g. {kind(default)}") from None
    if value < minimum:
        raise BadInput(f"${name}={raw!r} must be at least {minimum}")
    return value


def values_block(var: str, qids: Iterable[str]) -> str:
    """A `VALUES ?var { wd:Q1 wd:Q2 }` block from validated QIDs (never raw text)."""
    terms = " ".join(f"wd:{check_qid(q, f'--city/QID {q!r}')}" for q in qids)
    return f"VALUES ?{var} {{ {terms} }}"


def batches(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _Retry(Exception):
    """One failed attempt that may succeed if tried again."""

    def __init__(self, problem: str, wait: float | None = None):
        super().__init__(problem)
        self.problem = problem
        self.wait = wait


@dataclass
class WikidataClient:
    """SELECT queries against a Wikidata-shaped SPARQL endpoint, cached on disk."""

    endpoint: str | None = None
    offline: bool = False
    refresh: bool = False
    cache_dir: Path | None = None
    timeout: float | None = None
    retries: int | None = None
    backoff: float | None = None
    max_wait: float | None = None
    batch_size: int | None = None
    max_bytes: int | None = None
    say: Callable[[str], None] = lambda _msg: None
    sleep: Callable[[float], None] = time.sleep
    requests_made: int = field(default=0, init=False)
    cache_hits: int = field(default=0, init=False)

    def __post_init__(self):
        self.endpoint = self.endpoint or os.environ.get(ENV_ENDPOINT) or DEFAULT_ENDPOINT
        self.endpoint = remote.check_url(self.endpoint, "--endpoint")
        if self.offline and self.refresh:
            raise BadInput("--offline and --refresh exclude each other: offline reads only the cache, refresh bypasses it")
        self.cache_dir = Path(self.cache_dir).expanduser() if self.cache_dir else cache_root() / "wikidata"
        if self.timeout is None:
            self.timeout = _env_number(ENV_TIMEOUT, DEFAULT_TIMEOUT, float, 0.01)
        if self.retries is None:
            self.retries = _env_number(ENV_RETRIES, DEFAULT_RETRIES, int, 0)
        if self.backoff is None:
            self.backoff = _env_number(ENV_BACKOFF, DEFAULT_BACKOFF, float, 0)
        if self.max_wait is None:
            self.max_wait = _env_number(ENV_MAX_WAIT, DEFAULT_MAX_WAIT, float, 0)
        if self.batch_size is None:
            self.batch_size = _env_number(ENV_BATCH, DEFAULT_BATCH, int, 1)
        if self.max_bytes is None:
            self.max_bytes = remote.max_bytes()
        if not 1 <= self.batch_size <= MAX_BATCH:
            raise BadInput(f"batch size {self.batch_size}: choose between 1 and {MAX_BATCH} QIDs per VALUES block")

    # -- cache ---------------------------------------------------------------------------------

    def cache_key(self, query: str) -> str:
        return hashlib.sha256(f"{self.endpoint}\n{query}".encode()).hexdigest()

    def cache_path(self, query: str) -> Path:
        assert self.cache_dir is not None  # set by __post_init__
        return self.cache_dir / f"{self.cache_key(query)}.json"

    def _store(self, query: str, raw: bytes) -> None:
        path = self.cache_path(query)
        path.parent.mkdir(parents=True, exist_ok=True)
        # The query beside the answer, so a person can see what a cache file holds.
        atomic.write_bytes(path.with_suffix(".rq"), f"# endpoint: {self.endpoint}\n{query}".encode())
        atomic.write_bytes(path, raw)

    # -- queries -------------------------------------------------------------------------------

    def select_raw(self, query: str, required: Sequence[str] = ()) -> bytes:
        """The SPARQL JSON answer to a SELECT, as the exact bytes received (or cached).

        The answer's shape is checked before it is cached (see `_parse`): every row an object
        of well-formed terms, with every variable in `required` bound.
        """
        path = self.cache_path(query)
        if not self.refresh and path.is_file():
            self.cache_hits += 1
            try:
                return path.read_bytes()
            except OSError as err:
                raise RemoteError(f"cache file {path}: cannot be read ({err.strerror or err}); delete it or run with --refresh") from None
        if self.offline:
            raise RemoteError(
                f"offline: no cached answer from {self.endpoint} for this query (cache file {path} is missing). "
                "Run once without --offline to fill the cache, or check --endpoint and $CITYGRAPH_CACHE_DIR."
            )
        raw = self._fetch(query, required)
        self._store(query, raw)
        return raw

    def select(self, query: str, required: Sequence[str] = ()) -> list[dict]:
        """The bindings of a SELECT: one dict per row, variable -> SPARQL JSON term."""
        raw = self.select_raw(query, required)
        return _parse(raw, where=f"cache file {self.cache_path(query)}", required=required)["results"]["bindings"]

    def select_batched(self, template: str, var: str, qids: Iterable[str], required: Sequence[str] = ()) -> list[dict]:
        """Run `template` once per batch of QIDs; `{values}` in it becomes `VALUES ?var {…}`."""
        unique = sorted(set(qids), key=key_order)
        rows: list[dict] = []
        assert self.batch_size is not None  # set by __post_init__
        for chunk in batches(unique, self.batch_size):
            rows.extend(self.select(template.replace("{values}", values_block(var, chunk)), required))
        return rows

    # -- HTTP ----------------------------------------------------------------------------------

    def _fetch(self, query: str, required: Sequence[str] = ()) -> bytes:
        assert self.retries is not None and self.backoff is not None and self.max_wait is not None  # set in __post_init__
        attempts = self.retries + 1
        problem = ""
        for attempt in range(1, attempts + 1):
            try:
                self.requests_made += 1
                return self._attempt(query, required)
            except _Retry as retry:
                problem = retry.problem
                if attempt == attempts:
                    break
                wait = retry.wait if retry.wait is not None else min(60.0, self.backoff * 2 ** (attempt - 1))
                if wait > self.max_wait:
                    raise RemoteError(
                        f"{self.endpoint}: {problem}; it asks us to wait {wait:.0f} s, more than the {self.max_wait:.0f} s "
                        f"we allow (${ENV_MAX_WAIT}). Try again later."
                    ) from None
                self.say(f"{self.endpoint}: {problem}; retry {attempt} of {self.retries} in {wait:g} s")
                self.sleep(wait)
        raise RemoteError(
            f"{self.endpoint}: {problem} (gave up after {attempts} attempt{'s' if attempts != 1 else ''}). "
            f"Check the endpoint URL, try again later, or raise ${ENV_RETRIES} / ${ENV_TIMEOUT}."
        )

    def _attempt(self, query: str, required: Sequence[str] = ()) -> bytes:
        from SPARQLWrapper import GET, JSON, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        assert self.timeout is not None and self.max_bytes is not None and self.endpoint is not None
        remote.install_opener()  # redirects only within the endpoint's host
        sparql = SPARQLWrapper(self.endpoint, agent=user_agent())
        sparql.setReturnFormat(JSON)
        sparql.setOnlyConneg(True)  # no format=/output= parameters: plain SPARQL protocol
        sparql.timeout = self.timeout  # type: ignore[assignment]  # setTimeout() would truncate to whole seconds
        sparql.setMethod(GET if len(query) <= GET_LIMIT else POST)
        sparql.setQuery(query)
        deadline = time.monotonic() + self.timeout
        try:
            response = sparql.query().response
            try:
                raw = _read(response, self.endpoint, deadline, self.max_bytes, self.timeout)
                content_type = response.headers.get("Content-Type", "")
            finally:
                response.close()
        except urllib.error.HTTPError as err:
            reason = f"HTTP {err.code} {' '.join(str(err.reason).split())}"
            if err.code in RETRY_AFTER_STATUSES:
                raise _Retry(reason, parse_retry_after(err.headers.get("Retry-After"))) from None
            if err.code in TRANSIENT_STATUSES:
                raise _Retry(reason) from None
            raise RemoteError(f"{self.endpoint}: {reason}: {_excerpt(err.read(4096))}") from None
        except SPARQLWrapperException as err:
            # SPARQLWrapper turns 400/401/404/414/500 into its own exceptions, bodies included.
            name = type(err).__name__
            if name == "EndPointInternalError":
                raise _Retry(f"HTTP 500 internal server error: {_excerpt(str(err).encode())}") from None
            raise RemoteError(f"{self.endpoint}: {name}: {_excerpt(str(err).encode())}") from None
        except TimeoutError:
            raise _Retry(f"no answer within {self.timeout:g} s") from None
        except urllib.error.URLError as err:
            if isinstance(err.reason, TimeoutError):
                raise _Retry(f"no answer within {self.timeout:g} s") from None
            if remote.is_offline(err):
                raise RemoteError(remote.offline_message(self.endpoint, err, OFFLINE_HINT)) from None
            raise _Retry(f"cannot connect: {err.reason}") from None
        except (http.client.HTTPException, ConnectionError, OSError) as err:
            if remote.is_offline(err):
                raise RemoteError(remote.offline_message(self.endpoint, err, OFFLINE_HINT)) from None
            raise _Retry(f"connection broke off: {type(err).__name__} {err}") from None
        _parse(raw, content_type, where=self.endpoint, retry=True, required=required)
        return raw


OFFLINE_HINT = ("to work offline, run the same command with --offline: it answers from the cache that an "
                "earlier run with the network filled ($CITYGRAPH_CACHE_DIR/wikidata)")


def _read(response, endpoint: str, deadline: float, max_bytes: int, timeout: float) -> bytes:
    """The body within the deadline and the size cap; a cut-off or slow body is worth a retry, a huge one is not."""
    try:
        return remote.read_capped(response, endpoint, deadline=deadline, max_bytes=max_bytes, timeout=timeout)
    except RemoteError as err:
        if "--max-bytes" in str(err):
            raise
        raise _Retry(str(err).split(": ", 1)[-1]) from None


def _excerpt(body: bytes, limit: int = 200) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text[:limit] + ("…" if len(text) > limit else "") if text else "(empty body)"


def _parse(raw: bytes, content_type: str = "", where: str = "cache", retry: bool = False, required: Sequence[str] = ()) -> dict:
    """A SPARQL JSON SELECT answer of the expected shape, or a failure that says what came instead.

    An answer cut short or an HTML page may be a passing fault (retried); a complete answer of
    the wrong shape is not, and is never cached.
    """
    def fail(problem: str, transient: bool = True) -> NoReturn:
        if retry and transient:
            raise _Retry(problem)
        fix = "Delete the cache file or run with --refresh." if not retry else "Check --endpoint: it must be a SPARQL endpoint."
        raise RemoteError(f"{where}: {problem}. {fix}")

    head = raw.lstrip()[:1]
    if head == b"<" or "html" in content_type.lower():
        fail(f"answered an HTML page, not SPARQL JSON ({_excerpt(raw, 120)})")
    try:
        guards.check_json_depth(raw.decode("utf-8", "replace"), where)
    except BadInput as err:
        fail(f"answered JSON nested too deeply ({str(err).split(': ', 2)[-1]})", transient=False)
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        fail(f"answered JSON that does not parse ({err.msg} at byte {err.pos}; the answer may be truncated)"
             if isinstance(err, json.JSONDecodeError) else "answered bytes that are not UTF-8 JSON")
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, dict) or not isinstance(results.get("bindings"), list):
        fail("answered JSON without a results.bindings list (not a SPARQL SELECT result)", transient=False)
    try:  # every term well formed: pyoxigraph's own reader of SPARQL JSON results
        answer = ox.parse_query_results(raw, format=ox.QueryResultsFormat.JSON)
        for _ in answer if isinstance(answer, ox.QuerySolutions) else ():
            pass
    except SyntaxError as err:
        fail(f"answered SPARQL JSON that is not well formed ({err.msg})", transient=False)
    for n, row in enumerate(results["bindings"], start=1):
        missing = [v for v in required if v not in row]
        if missing:
            fail(f"answered a row ({n}) without ?{', ?'.join(missing)}, which the query always binds", transient=False)
    return data
