"""arXiv's API client (a ``Client``, used by the ``Source`` in source.py): batched queries over the shared transport.

How the ``arxiv`` package is used, and why not more of it
-------------------------------------------------------
arxiv 4.0.2's ``Client`` cannot be made safe from the outside (read in its source,
https://github.com/lukasschwab/arxiv.py/blob/4.0.2/arxiv/__init__.py): ``Session.get`` is
called without a timeout, so a stalled server hangs forever; it retries any non-200, HTTP 400
included, with a fixed delay and no ``Retry-After``; it sleeps on the real clock; it reads the
whole body into memory; its lxml parser "recovers" broken XML into an empty result; and it
drops arXiv's error entry, so the message arXiv gave is lost. None of that is configurable.

So ``arxiv`` describes the request and nothing else: an ``arxiv.Search(id_list=...,
max_results=n)`` is turned into the query URL by ``arxiv.Client._format_url`` (a private
method; the dependency is pinned ``<5`` and ``test_query_url_is_built_by_arxiv`` pins the
exact parameters, so a change there fails a test, not a user). The request goes through
the one transport (sources/http.py) with its deadline, retries and caps, plus what arXiv's
API terms (https://info.arxiv.org/help/api/tou.html) ask:

* at least ``min_interval`` (3 s) between requests to arXiv, retries included;
* ``id_list`` chunked at 100 ids (a GET with ~650 ids gets HTTP 414) and ``max_results``
  always sent (the API's default of 10 silently truncates longer lists);
* never a retry on 400, whose error entry is reported as arXiv worded it;
* no redirect to another host is followed: the API answers where it is configured.

``arxiv`` is imported only when a query is built: it drags in requests and lxml (about 0.3 s).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from contextlib import suppress
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from papers.errors import ArxivRejectedError, FetchError
from papers.model.arxiv_ids import ArxivId, parse_arxiv_id
from papers.model.paper import PaperMeta
from papers.sources.arxiv.atom import parse_feed
from papers.sources.base import Client, FetchResult, PaperId, Progress
from papers.sources.http import MB, USER_AGENT, Response, Transport

__all__ = [
    "DEFAULT_ENDPOINT",
    "ENDPOINT_ENV",
    "USER_AGENT",
    "ArxivClient",
    "FetchResult",
    "configured_endpoint",
]

DEFAULT_ENDPOINT = "https://export.arxiv.org/api/query"
ENDPOINT_ENV = "PAPERS_ARXIV_URL"
MAX_IDS_PER_REQUEST = 100
ARXIV_HOSTS = ("arxiv.org", "www.arxiv.org", "export.arxiv.org")


def configured_endpoint() -> str:
    """The API address: ``$PAPERS_ARXIV_URL``, else arXiv's export server."""
    return os.environ.get(ENDPOINT_ENV) or DEFAULT_ENDPOINT


def site_url(url: str) -> str:
    """An arxiv.org link (abs, pdf) moved to the configured endpoint's server, when one is configured.

    So a stand-in (tests, a mirror) set by $PAPERS_ARXIV_URL serves PDFs too; with the default
    endpoint, links are left as arXiv wrote them.
    """
    configured = os.environ.get(ENDPOINT_ENV)
    parts = urlsplit(url)
    if not configured or parts.hostname not in ARXIV_HOSTS:
        return url
    base = urlsplit(configured)
    return parts._replace(scheme=base.scheme, netloc=base.netloc).geturl()


class ArxivClient:
    """Fetches arXiv metadata in batches, politely and boundedly; a ``Client``."""

    name = "arXiv"

    def __init__(
        self,
        endpoint: str | None = None,
        *,
        transport: Transport | None = None,
        min_interval: float = 3.0,
        max_response_bytes: int = 20 * MB,
        batch_size: int = MAX_IDS_PER_REQUEST,
        **transport_options: Any,
    ) -> None:
        """``transport_options`` (clock, sleep, timeouts, ...) make a transport when none is given."""
        if not 1 <= batch_size <= MAX_IDS_PER_REQUEST:
            raise ValueError(f"batch_size must be 1..{MAX_IDS_PER_REQUEST}, not {batch_size}")
        self.endpoint = endpoint or configured_endpoint()
        self._own_transport = transport is None
        self.transport = transport if transport is not None else Transport(**transport_options)
        self.min_interval = min_interval
        self.max_response_bytes = max_response_bytes
        self.batch_size = batch_size
        for host in {*ARXIV_HOSTS, urlsplit(self.endpoint).hostname or ""} - {""}:
            self.transport.pace(host, min_interval, "arXiv")

    def close(self) -> None:
        if self._own_transport:
            self.transport.close()

    def __enter__(self) -> ArxivClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def handles(self, paper_id: PaperId) -> bool:
        return isinstance(paper_id, ArxivId)

    def budget_for(self, count: int) -> float:
        """The longest ``count`` ids may take: each request's budget plus arXiv's spacing."""
        requests = -(-count // self.batch_size)
        return requests * (self.transport.give_up_after + self.min_interval)

    def fetch(self, ids: Iterable[PaperId | str], progress: Progress | None = None) -> FetchResult[PaperMeta]:
        """Metadata for many ids, at most ``batch_size`` per request.

        Every id is checked before the first request (InvalidArxivIdError). Failures do not
        raise: ids whose request arXiv refused (ArxivRejectedError), that could not be fetched
        (FetchError; no further request is made) or whose record arXiv sent incomplete
        (FetchError; never cached) are in ``result.failed``.
        """
        wanted = list(dict.fromkeys(_arxiv_id(i) for i in ids))
        result: FetchResult[PaperMeta] = FetchResult()
        for start in range(0, len(wanted), self.batch_size):
            chunk = wanted[start : start + self.batch_size]
            try:
                feed = self.transport.get(self.query_url(chunk), self._read_feed)
            except ArxivRejectedError as err:
                # arXiv refused this request; the other chunks may still be fine.
                result.failed.update(dict.fromkeys(chunk, err))
            except FetchError as err:
                # arXiv is unreachable: the remaining chunks would only wait for the same failure.
                result.failed.update(dict.fromkeys(wanted[start:], err))
                break
            else:
                _match(chunk, feed.entries, feed.rejected, result)
            if progress is not None:
                progress(start + len(chunk), len(wanted))
        return result

    def search_title(self, words: list[str], max_results: int = 5) -> list[PaperMeta]:
        """Papers whose title has every one of ``words`` (``ti:w1 AND ti:w2 ...``), best first.

        The caller drops punctuation first (a colon would be read as a field prefix: langchain-ai/langchain#9046)."""
        if not words:
            return []
        query = "+AND+".join(f"ti:{quote(word, safe='')}" for word in words)
        url = f"{self.endpoint}?search_query={query}&start=0&max_results={max_results}"
        return list(self.transport.get(url, self._read_feed).entries)

    def query_url(self, ids: list[ArxivId]) -> str:
        """The API URL for one chunk of ids, built by the ``arxiv`` package."""
        import arxiv  # deferred: see the module docstring

        search = arxiv.Search(id_list=[i.versioned for i in ids], max_results=len(ids))
        builder = arxiv.Client(page_size=len(ids), delay_seconds=0, num_retries=0)
        builder.query_url_format = self.endpoint + "?{}"
        url: str = builder._format_url(search, 0, len(ids))
        return url

    def _read_feed(self, response: Response) -> Any:
        if response.status == 200:
            return parse_feed(response.read(self.max_response_bytes))
        if response.status == 400:
            body = response.read(MB, truncate=True)
            # parse_feed raises ArxivRejectedError with arXiv's own words when the body has them.
            with suppress(FetchError):
                parse_feed(body)
            raise ArxivRejectedError(response.status_line)
        raise FetchError(f"could not reach arXiv: {response.status_line}")


def _arxiv_id(paper_id: PaperId | str) -> ArxivId:
    if isinstance(paper_id, ArxivId):
        return paper_id
    if isinstance(paper_id, str):
        return parse_arxiv_id(paper_id)
    raise ValueError(f"arXiv cannot be asked for {paper_id}")


def _match(
    chunk: list[ArxivId],
    entries: Iterable[PaperMeta],
    rejected: dict[str, str],
    result: FetchResult[PaperMeta],
) -> None:
    """Index entries by the id that asked for them: arXiv drops unknown ids and may reorder the rest."""
    asked = set(chunk)
    for entry in entries:
        exact = ArxivId(entry.arxiv_id, entry.version)
        key = exact if exact in asked else ArxivId(entry.arxiv_id)
        if key in asked:
            result.found[key] = entry
    for arxiv_id in chunk:
        problem = rejected.get(arxiv_id.id)
        if arxiv_id not in result.found and problem is not None:
            result.failed[arxiv_id] = FetchError(
                f"arXiv sent an incomplete record for {arxiv_id.versioned} ({problem}), so it was not stored. "
                "Try again later"
            )
    result.missing.extend(i for i in chunk if i not in result.found and i not in result.failed)


if TYPE_CHECKING:  # mypy checks that ArxivClient implements the Client protocol

    def _is_a_client(client: ArxivClient) -> Client[PaperMeta]:
        return client
