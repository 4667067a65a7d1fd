"""Everything papers asks of the network: arXiv metadata, PDF downloads, page titles.

How the ``arxiv`` package is used, and why not more of it
-------------------------------------------------------
arxiv 4.0.2's ``Client`` cannot be made safe from the outside (FACTS.md §2.7, all checked
in its source): ``Session.get`` is called without a timeout, so a stalled server hangs
forever; it retries any non-200, HTTP 400 included, with a fixed delay and no
``Retry-After``; it sleeps on the real clock; it reads the whole body into memory; its
lxml parser "recovers" broken XML into an empty result; and it drops arXiv's error entry,
so the message arXiv gave is lost. None of that is configurable.

So ``arxiv`` describes the request and nothing else: an ``arxiv.Search(id_list=...,
max_results=n)`` is turned into the query URL by ``arxiv.Client._format_url`` (a private
method; the dependency is pinned ``<5`` and ``test_query_url_is_built_by_arxiv`` pins the
exact parameters, so a change there fails a test, not a user). The request itself goes
through httpx, like every other request papers makes, so there is one transport with one
set of rules:

* connect and read timeouts on every request, and a per-request budget (``give_up_after``,
  30 s) after which no further retry is started, so a server that accepts and never
  answers makes a fetch fail in about 23 s with the defaults;
* at most ``max_retries`` (3) retries, only on connection errors, timeouts, 5xx and 429,
  backing off 3 s, 6 s, 12 s and waiting at least as long as ``Retry-After`` says; never on
  400, whose error entry is reported as arXiv worded it;
* at least ``min_interval`` (3 s) from the end of one request to arXiv to the start of
  the next, retries included (arXiv's API terms), on an injected clock so tests never sleep;
* bodies streamed with a size cap, so an absurd response is refused, not buffered;
* ``id_list`` chunked at 100 ids (a GET with ~650 ids gets HTTP 414) and ``max_results``
  always sent (the API's default of 10 silently truncates longer lists).

A batch never raises for a failed request: ``FetchResult`` keeps what was found and lists
ids not found, refused (HTTP 400, other chunks still tried) or not fetched (arXiv unreachable,
remaining chunks abandoned), so the CLI can store the good ones and report the rest.

Both libraries are imported only here; ``arxiv`` only when a query is built, because it
drags in requests and lxml (about 0.3 s) that nothing else needs.
"""

from __future__ import annotations

import email.utils
import html
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import httpx

import papers
from papers.errors import ArxivRejectedError, FetchError, NotOnArxivError, PapersError
from papers.sources.arxiv.atom import PaperMeta, parse_feed
from papers.sources.arxiv.ids import ArxivId, parse_arxiv_id
from papers.store.fileio import atomic_writer

DEFAULT_ENDPOINT = "https://export.arxiv.org/api/query"
ENDPOINT_ENV = "PAPERS_ARXIV_URL"
# arXiv asks API clients to identify themselves: name and version of the tool, and what it is.
USER_AGENT = f"papers/{papers.__version__} (reading-list tracker; httpx/{httpx.__version__})"
MAX_IDS_PER_REQUEST = 100

_MB = 1024 * 1024
_T = TypeVar("_T")
_RETRYABLE_STATUS = frozenset({429}) | frozenset(range(500, 600))
_OG_TITLE = re.compile(
    rb"""<meta\s[^>]*?(?:property|name)\s*=\s*["']og:title["'][^>]*?content\s*=\s*(["'])(.*?)\1"""
    rb"""|<meta\s[^>]*?content\s*=\s*(["'])(.*?)\3[^>]*?(?:property|name)\s*=\s*["']og:title["']""",
    re.IGNORECASE | re.DOTALL,
)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)

Progress = Callable[[int, int | None], None]
"""Called as ``progress(done, total)``: ids fetched of ids asked, or bytes of ``total`` (None if unknown)."""


@dataclass(frozen=True)
class FetchResult:
    """What a batch came to: metadata found, ids arXiv does not have, ids whose request failed.

    A batch keeps what it got: one failed chunk does not discard the chunks before it.
    """

    found: dict[ArxivId, PaperMeta] = field(default_factory=dict)
    missing: list[ArxivId] = field(default_factory=list)
    failed: dict[ArxivId, PapersError] = field(default_factory=dict)

    def errors(self) -> list[PapersError]:
        """One error per id not found or not fetched, in the order asked; exit with the worst code."""
        not_found: list[PapersError] = [
            NotOnArxivError(f"not found on arXiv: {arxiv_id.versioned}") for arxiv_id in self.missing
        ]
        return not_found + list(self.failed.values())


class _Retryable(Exception):
    def __init__(self, problem: str, retry_after: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.retry_after = retry_after


class ArxivClient:
    """Fetches arXiv metadata in batches, downloads files and reads page titles, politely and boundedly."""

    def __init__(
        self,
        endpoint: str | None = None,
        *,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        give_up_after: float = 30.0,
        max_retries: int = 3,
        backoff: float = 3.0,
        min_interval: float = 3.0,
        max_response_bytes: int = 20 * _MB,
        max_download_bytes: int = 500 * _MB,
        batch_size: int = MAX_IDS_PER_REQUEST,
    ) -> None:
        if not 1 <= batch_size <= MAX_IDS_PER_REQUEST:
            raise ValueError(f"batch_size must be 1..{MAX_IDS_PER_REQUEST}, not {batch_size}")
        self.endpoint = endpoint or os.environ.get(ENDPOINT_ENV) or DEFAULT_ENDPOINT
        self._own_http = http is None
        self._http = http if http is not None else httpx.Client(follow_redirects=True)
        self._clock = clock
        self._sleep = sleep
        # Passed on every request, so an injected httpx.Client cannot drop them.
        self._timeout = httpx.Timeout(
            connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout
        )
        self._attempt_budget = connect_timeout + read_timeout
        self.give_up_after = give_up_after
        self.max_retries = max_retries
        self.backoff = backoff
        self.min_interval = min_interval
        self.max_response_bytes = max_response_bytes
        self.max_download_bytes = max_download_bytes
        self.batch_size = batch_size
        self._arxiv_hosts = {"arxiv.org", urlsplit(self.endpoint).hostname or ""}
        self._last_arxiv_request: float | None = None

    def close(self) -> None:
        if self._own_http:
            self._http.close()

    def __enter__(self) -> ArxivClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- metadata ------------------------------------------------------------------------------

    def fetch(self, ids: Iterable[ArxivId | str], progress: Progress | None = None) -> FetchResult:
        """Metadata for many ids, at most ``batch_size`` per request.

        Every id is checked before the first request (InvalidArxivIdError). Failures do not
        raise: ids whose request arXiv refused (ArxivRejectedError) or that could not be
        fetched (FetchError; no further request is made) are in ``result.failed``.
        """
        wanted = list(dict.fromkeys(i if isinstance(i, ArxivId) else parse_arxiv_id(i) for i in ids))
        result = FetchResult()
        for start in range(0, len(wanted), self.batch_size):
            chunk = wanted[start : start + self.batch_size]
            try:
                entries = self._with_retries(self.query_url(chunk), self._read_feed)
            except ArxivRejectedError as err:
                # arXiv refused this request; the other chunks may still be fine.
                result.failed.update(dict.fromkeys(chunk, err))
            except FetchError as err:
                # arXiv is unreachable: the remaining chunks would only wait for the same failure.
                result.failed.update(dict.fromkeys(wanted[start:], err))
                break
            else:
                _match(chunk, entries, result)
            if progress is not None:
                progress(start + len(chunk), len(wanted))
        return result

    def query_url(self, ids: list[ArxivId]) -> str:
        """The API URL for one chunk of ids, built by the ``arxiv`` package."""
        import arxiv  # deferred: see the module docstring

        search = arxiv.Search(id_list=[i.versioned for i in ids], max_results=len(ids))
        builder = arxiv.Client(page_size=len(ids), delay_seconds=0, num_retries=0)
        builder.query_url_format = self.endpoint + "?{}"
        url: str = builder._format_url(search, 0, len(ids))
        return url

    def _read_feed(self, response: httpx.Response) -> tuple[PaperMeta, ...]:
        if response.status_code == 200:
            return parse_feed(self._read_capped(response, self.max_response_bytes)).entries
        if response.status_code == 400:
            body = self._read_capped(response, _MB)
            # parse_feed raises ArxivRejectedError with arXiv's own words when the body has them.
            with suppress(FetchError):
                parse_feed(body)
            raise ArxivRejectedError(f"HTTP 400 {response.reason_phrase}".strip())
        status = f"HTTP {response.status_code} {response.reason_phrase}".strip()
        raise FetchError(f"could not reach arXiv: {status}")

    # --- other requests ------------------------------------------------------------------------

    def download(self, url: str, dest: Path, progress: Progress | None = None) -> Path:
        """Stream ``url`` into ``dest`` through a temporary file, so ``dest`` is never half-written."""

        def save(response: httpx.Response) -> Path:
            self._raise_for_status(response, url)
            total = _content_length(response)
            if total is not None and total > self.max_download_bytes:
                raise FetchError(f"{self._site(url)} sent a file too large to download: {total} bytes")
            dest.parent.mkdir(parents=True, exist_ok=True)
            with atomic_writer(dest, suffix=".part") as out:
                done = 0
                for chunk in response.iter_bytes():
                    done += len(chunk)
                    if done > self.max_download_bytes:
                        raise FetchError(
                            f"{self._site(url)} sent a file too large to download: {done}+ bytes"
                        )
                    out.write(chunk)
                    if progress is not None:
                        progress(done, total)
            return dest

        return self._with_retries(url, save)

    def fetch_page_title(self, url: str) -> str | None:
        """A web page's ``og:title``, else its ``<title>``; None if it has neither or is not HTML."""

        def title(response: httpx.Response) -> str | None:
            self._raise_for_status(response, url)
            if "html" not in response.headers.get("content-type", "text/html").lower():
                return None
            # The head comes first; 1 MB is plenty and bounds what a hostile page can make us hold.
            head = self._read_capped(response, _MB, truncate=True)
            for og in _OG_TITLE.finditer(head):
                text = _clean_html_text(og[2] if og[2] is not None else og[4], response)
                if text:
                    return text
            match = _TITLE.search(head)
            return (_clean_html_text(match[1], response) or None) if match else None

        return self._with_retries(url, title)

    # --- transport -----------------------------------------------------------------------------

    def _with_retries(self, url: str, handle: Callable[[httpx.Response], _T]) -> _T:
        paced = self._is_arxiv(url)
        deadline = self._clock() + self.give_up_after
        attempt = 0
        while True:
            if paced:
                self._wait_for_turn()
            try:
                with self._request(url, paced) as response:
                    if response.status_code in _RETRYABLE_STATUS:
                        raise _Retryable(
                            f"HTTP {response.status_code} {response.reason_phrase}".strip(),
                            _retry_after(response.headers.get("retry-after")),
                        )
                    return handle(response)
            except _Retryable as err:
                failure = err
            except httpx.TimeoutException:
                failure = _Retryable(f"no answer within {self._timeout.read:g} s (timed out)")
            except httpx.TransportError as err:
                failure = _Retryable(str(err) or type(err).__name__)
            attempt += 1
            site = self._site(url)
            if attempt > self.max_retries:
                raise FetchError(f"could not reach {site}: {failure.problem} (tried {attempt} times)")
            wait = max(self.backoff * 2 ** (attempt - 1), failure.retry_after or 0.0)
            if self._clock() + wait + self._attempt_budget > deadline:
                asked = f"; it asked to retry after {failure.retry_after:g} s" if failure.retry_after else ""
                raise FetchError(
                    f"could not reach {site}: {failure.problem}{asked} "
                    f"(gave up after {attempt} tries, {self.give_up_after:g} s budget)"
                )
            self._sleep(wait)

    @contextmanager
    def _request(self, url: str, paced: bool) -> Iterator[httpx.Response]:
        try:
            with self._http.stream(
                "GET",
                url,
                headers={"User-Agent": USER_AGENT},
                timeout=self._timeout,
                follow_redirects=True,
            ) as response:
                yield response
        finally:
            # Stamped after failures too: a refused connection still counts as a request.
            if paced:
                self._last_arxiv_request = self._clock()

    def _wait_for_turn(self) -> None:
        if self._last_arxiv_request is None:
            return
        gap = self._last_arxiv_request + self.min_interval - self._clock()
        if gap > 0:
            self._sleep(gap)

    def _read_capped(self, response: httpx.Response, limit: int, *, truncate: bool = False) -> bytes:
        length = _content_length(response)
        if length is not None and length > limit and not truncate:
            raise FetchError(
                f"{self._site(str(response.url))} sent a response papers cannot read: "
                f"{length} bytes is more than the {limit // _MB} MB papers accepts"
            )
        parts: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            parts.append(chunk)
            size += len(chunk)
            if size > limit:
                if truncate:
                    break
                raise FetchError(
                    f"{self._site(str(response.url))} sent a response papers cannot read: "
                    f"more than the {limit // _MB} MB papers accepts"
                )
        return b"".join(parts)[:limit]

    def _raise_for_status(self, response: httpx.Response, url: str) -> None:
        if not response.is_success:
            raise FetchError(
                f"could not fetch {url}: HTTP {response.status_code} {response.reason_phrase}".strip()
            )

    def _is_arxiv(self, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        return host in self._arxiv_hosts or host.endswith(".arxiv.org")

    def _site(self, url: str) -> str:
        return "arXiv" if self._is_arxiv(url) else (urlsplit(url).hostname or url)


def _match(chunk: list[ArxivId], entries: Iterable[PaperMeta], result: FetchResult) -> None:
    """Index entries by the id that asked for them: arXiv drops unknown ids and may reorder the rest."""
    asked = set(chunk)
    for entry in entries:
        exact = ArxivId(entry.arxiv_id, entry.version)
        key = exact if exact in asked else ArxivId(entry.arxiv_id)
        if key in asked:
            result.found[key] = entry
    result.missing.extend(i for i in chunk if i not in result.found)


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
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


def _clean_html_text(raw: bytes, response: httpx.Response) -> str:
    text = raw.decode(response.charset_encoding or "utf-8", errors="replace")
    return " ".join(html.unescape(text).split())
