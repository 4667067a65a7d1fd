"""Semantic Scholar (the Academic Graph API): metadata for papers arXiv does not have, and references.

One ``POST /graph/v1/paper/batch`` asks for up to 500 papers at once (``ARXIV:<id>`` or
``DOI:<doi>``); the answer is a JSON array in the order asked, ``null`` for an id it does not
know (the API's documentation, https://api.semanticscholar.org/api-docs/graph). Requests go through the one Transport: at least 1 s apart, backing off on
429 and 5xx within the deadline, then one error naming the setting for an API key. The key
(``$SEMANTIC_SCHOLAR_API_KEY``) is sent as ``x-api-key``; it is never logged, shown or cached.
The endpoint is ``$PAPERS_S2_URL`` (the tests' local server), else Semantic Scholar's own.

Errors are read from both ``error`` (4xx) and ``message`` (429, 5xx) keys. httpx is never
imported here: the Transport is handed in.

``Scholar`` is the ``Source`` `papers fetch` uses. arXiv stays the source of truth for arXiv
papers (versions, abstracts): a record is written onto an item only when the item has no arXiv
id (LSTM, AlexNet, SGD), and then gives its title, authors, year and venue. For every item its
references are cached (``s2/``), which is all the citation graph (actions/graph.py) needs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from papers.errors import FetchError, PaperNotFoundError, PapersError
from papers.model.arxiv_ids import ArxivId
from papers.model.paper import InvalidRecordError, ScholarMeta
from papers.sources.base import (
    Batch,
    Doi,
    FetchResult,
    Found,
    PaperId,
    Progress,
    cached_records,
    item_arxiv_id,
    item_doi,
)

if TYPE_CHECKING:
    from papers.model.catalogue import Catalogue, Item
    from papers.sources.http import Response, Transport

DEFAULT_ENDPOINT = "https://api.semanticscholar.org/graph/v1"
ENDPOINT_ENV = "PAPERS_S2_URL"
KEY_ENV = "SEMANTIC_SCHOLAR_API_KEY"
MAX_IDS_PER_REQUEST = 500
FIELDS = "externalIds,title,year,authors,venue,publicationDate,abstract,citationCount,references.externalIds"
KEY_ADVICE = (
    f"Semantic Scholar limits anonymous requests: try again in a few minutes, or set {KEY_ENV} "
    "to an API key (https://www.semanticscholar.org/product/api)"
)
MB = 1024 * 1024


def configured_endpoint() -> str:
    """The API's base address: ``$PAPERS_S2_URL``, else Semantic Scholar's graph API."""
    return (os.environ.get(ENDPOINT_ENV) or DEFAULT_ENDPOINT).rstrip("/")


def s2_id(paper_id: PaperId) -> str:
    """What Semantic Scholar is asked for: ``ARXIV:1706.03762`` or ``DOI:10.1162/...``."""
    return f"ARXIV:{paper_id.id}" if isinstance(paper_id, ArxivId) else f"DOI:{paper_id.doi}"


class ScholarRejectedError(PapersError):
    """Semantic Scholar refused the request itself (4xx other than 429): asking again will not help."""


class SemanticScholar:
    """A ``Source`` of ScholarMeta records, over the shared Transport."""

    name = "Semantic Scholar"

    def __init__(
        self,
        transport: Transport,
        endpoint: str | None = None,
        *,
        api_key: str | None = None,
        min_interval: float = 1.0,
        max_response_bytes: int = 10 * MB,
        batch_size: int = MAX_IDS_PER_REQUEST,
    ) -> None:
        if not 1 <= batch_size <= MAX_IDS_PER_REQUEST:
            raise ValueError(f"batch_size must be 1..{MAX_IDS_PER_REQUEST}, not {batch_size}")
        self.transport = transport
        self.endpoint = (endpoint or configured_endpoint()).rstrip("/")
        self._api_key = api_key if api_key is not None else os.environ.get(KEY_ENV, "").strip()
        self.max_response_bytes = max_response_bytes
        self.batch_size = batch_size
        self.min_interval = min_interval
        host = urlsplit(self.endpoint).hostname or ""
        if host:
            transport.pace(host, min_interval, "Semantic Scholar")

    def handles(self, paper_id: PaperId) -> bool:
        return isinstance(paper_id, ArxivId | Doi)

    def budget_for(self, count: int) -> float:
        """The longest ``count`` ids may take: each request's budget plus the 1 s spacing."""
        requests = -(-count // self.batch_size)
        return requests * (self.transport.give_up_after + self.min_interval)

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["x-api-key"] = self._api_key
        return headers

    def fetch(self, ids: Sequence[PaperId], progress: Progress | None = None) -> FetchResult[ScholarMeta]:
        """Records for many ids, ``batch_size`` a request; a failed request fails its ids and stops."""
        versionless = (ArxivId(i.id) if isinstance(i, ArxivId) else i for i in ids if self.handles(i))
        wanted: list[PaperId] = list(dict.fromkeys(versionless))
        result: FetchResult[ScholarMeta] = FetchResult(source=self.name)
        url = f"{self.endpoint}/paper/batch?fields={FIELDS}"
        for start in range(0, len(wanted), self.batch_size):
            chunk = wanted[start : start + self.batch_size]
            body = json.dumps({"ids": [s2_id(i) for i in chunk]}).encode()
            try:
                answer = self.transport.post(
                    url, body, self._read_json, headers=self._headers(), explain=self._explain,
                    too_many=KEY_ADVICE,
                )  # fmt: skip
            except ScholarRejectedError as err:
                result.failed.update(dict.fromkeys(chunk, err))
                continue
            except FetchError as err:
                result.failed.update(dict.fromkeys(wanted[start:], err))
                break
            _match(chunk, answer, result)
            if progress is not None:
                progress(start + len(chunk), len(wanted))
        return result

    def match_title(self, title: str) -> ScholarMeta | None:
        """Semantic Scholar's single best match for a title (``/paper/search/match``), or None."""
        query = quote(" ".join(title.split()), safe="")
        url = f"{self.endpoint}/paper/search/match?query={query}&fields={FIELDS.split(',references')[0]}"
        answer = self.transport.get(url, self._read_match)
        if answer is None:
            return None
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, list) or not data:
            return None
        try:
            return record("match", data[0])
        except InvalidRecordError:
            return None

    def _read_match(self, response: Response) -> Any:
        if response.status == 404:
            return None  # {"error": "Title match not found"}
        return self._read_json(response)

    def _read_json(self, response: Response) -> Any:
        if not response.ok:
            problem = self._explain(response)
            if response.status in (401, 403):
                raise ScholarRejectedError(
                    f"Semantic Scholar refused the API key ({problem}). Check {KEY_ENV}, or unset it"
                )
            raise ScholarRejectedError(f"Semantic Scholar refused the request: {problem}")
        try:
            return json.loads(response.read(self.max_response_bytes))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise FetchError("Semantic Scholar sent a response papers cannot read (not JSON)") from None

    def _explain(self, response: Response) -> str:
        """The status line and the server's own words, from its ``error`` or ``message`` key."""
        words = ""
        try:
            data = json.loads(response.read(64 * 1024, truncate=True))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            data = None
        if isinstance(data, dict):
            said = data.get("error") or data.get("message")
            if isinstance(said, str):
                words = " ".join(said.split())[:200]
        return f"{response.status_line}: {ascii(words)[1:-1]}" if words else response.status_line


def _match(chunk: list[PaperId], answer: Any, result: FetchResult[ScholarMeta]) -> None:
    """The answer is one slot per id asked, in order; ``null`` is an id Semantic Scholar does not know."""
    if not isinstance(answer, list) or len(answer) != len(chunk):
        err = FetchError(
            f"Semantic Scholar sent a response papers cannot read: {len(chunk)} papers asked, "
            f"{len(answer) if isinstance(answer, list) else 'no list of'} answered"
        )
        result.failed.update(dict.fromkeys(chunk, err))
        return
    for paper_id, slot in zip(chunk, answer, strict=True):
        if slot is None:
            result.missing.append(paper_id)
            continue
        try:
            result.found[paper_id] = record(s2_id(paper_id), slot)
        except (InvalidRecordError, TypeError, AttributeError) as err:
            result.failed[paper_id] = FetchError(
                f"Semantic Scholar sent an incomplete record for {s2_id(paper_id)} ({err}), so it was not stored"
            )


def record(asked: str, data: dict[str, Any]) -> ScholarMeta:
    """Our record of one paper from Semantic Scholar's JSON; InvalidRecordError if it is not usable."""
    if not isinstance(data, dict):
        raise InvalidRecordError("not a JSON object")
    external = data.get("externalIds") or {}
    if not isinstance(external, dict):
        raise InvalidRecordError("externalIds is not an object")
    authors = tuple(
        a["name"] for a in data.get("authors") or () if isinstance(a, dict) and isinstance(a.get("name"), str)
    )
    return ScholarMeta(
        asked=asked,
        paper_id=_text(data.get("paperId")) or "",
        title=" ".join(str(data.get("title") or "").split()),
        authors=authors,
        year=data.get("year"),
        venue=_text(data.get("venue")) or "",
        publication_date=_text(data.get("publicationDate")),
        arxiv_id=_text(external.get("ArXiv")),
        doi=(_text(external.get("DOI")) or "").lower() or None,
        abstract=_text(data.get("abstract")),
        citation_count=data.get("citationCount"),
        references=tuple(dict.fromkeys(_reference_ids(data.get("references") or ()))),
    )


def _reference_ids(references: Iterable[Any]) -> Iterable[str]:
    for reference in references:
        external = reference.get("externalIds") if isinstance(reference, dict) else None
        if not isinstance(external, dict):
            continue
        if isinstance(external.get("ArXiv"), str):
            yield f"arxiv:{external['ArXiv']}"
        if isinstance(external.get("DOI"), str):
            yield f"doi:{external['DOI'].lower()}"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def scholar_enrichment(item: Item, meta: ScholarMeta) -> dict[str, Any]:
    """The fields a Semantic Scholar record improves on an item that is not on arXiv; your wording is kept."""
    fields: dict[str, Any] = {}
    if meta.title and item.title != meta.title:
        fields["title"] = meta.title
        if item.listed_as is None:
            fields["listed_as"] = item.title
    if meta.authors and tuple(item.authors) != meta.authors:
        fields["authors"] = list(meta.authors)
    if meta.year is not None and item.year != meta.year:
        fields["year"] = meta.year
    if meta.venue and item.venue != meta.venue:
        fields["venue"] = meta.venue
    if meta.doi and item.doi is None and item_doi(item) is None:
        fields["doi"] = meta.doi
    return fields


def _versionless(paper_id: PaperId) -> PaperId:
    return ArxivId(paper_id.id) if isinstance(paper_id, ArxivId) else paper_id


def _shown(paper_id: PaperId) -> str:
    return f"arXiv:{paper_id.id}" if isinstance(paper_id, ArxivId) else str(paper_id)


class Scholar:
    """Semantic Scholar as a source of `papers fetch`: every arXiv id and DOI when chosen
    (`--source s2|all`), else only the papers arXiv cannot answer (a DOI and no arXiv id)."""

    name = "s2"
    label = "Semantic Scholar"
    namespace = "s2"
    reads: tuple[str, ...] = ("`arxiv: ID`", "`doi: DOI`")
    versioned = False  # arXiv is the source of truth for versions

    def paper_id(self, item: Item) -> PaperId | None:
        return item_arxiv_id(item) or item_doi(item)

    def handles(self, paper_id: PaperId) -> bool:
        return isinstance(paper_id, ArxivId | Doi)

    def select(
        self, candidates: Sequence[tuple[Item, PaperId]], directory: Path, *, refresh: bool, chosen: bool
    ) -> list[PaperId]:
        """Chosen: every paper (its references are the point; the cache answers what it has). Else
        only items that lack what a record would give them (authors, year)."""
        return [
            paper_id for item, paper_id in candidates if chosen or refresh or not (item.authors and item.year)
        ]

    def from_cache(self, ids: Sequence[PaperId], directory: Path, *, refresh: bool) -> Batch[ScholarMeta]:
        """What the cache answers; an id known to be unknown is not asked again (until ``refresh``)."""
        from papers.sources.cache import ScholarCache

        cache = ScholarCache(directory)
        batch: Batch[ScholarMeta] = Batch()
        # No folder, nothing fetched from Semantic Scholar yet (the usual case): every id is to ask,
        # without two failed opens for each (`list --sort year` asks for every paper arXiv has no record of).
        looked = not refresh and directory.is_dir()
        for paper_id in dict.fromkeys(map(_versionless, ids)):
            key = s2_id(paper_id)
            if looked:
                hit = cache.get(key)
                if hit is not None:
                    batch.found[paper_id] = Found(hit, True)
                    continue
                if cache.known_missing(key):
                    batch.errors.append(
                        PaperNotFoundError(f"not found on Semantic Scholar: {_shown(paper_id)}")
                    )
                    continue
            batch.wanted.append(paper_id)
        return batch

    def connect(self, transport: Transport) -> SemanticScholar:
        return SemanticScholar(transport)

    def store(self, batch: Batch[ScholarMeta], result: FetchResult[ScholarMeta], directory: Path) -> None:
        """Cache every record and every unknown id; a failed request's one error is said once."""
        from papers.sources.cache import ScholarCache

        cache = ScholarCache(directory)
        for paper_id, meta in result.found.items():
            cache.put(meta)
            batch.found[paper_id] = Found(meta, False)
        for paper_id in result.missing:
            cache.put_missing(s2_id(paper_id))
        seen: set[int] = set()
        for err in result.errors():
            if id(err) not in seen:
                seen.add(id(err))
                batch.errors.append(err)

    def changes(self, catalogue: Catalogue, found: Sequence[Found[ScholarMeta]]) -> dict[str, dict[str, Any]]:
        """Title, authors, year and venue for items not on arXiv; every record learns which items hold
        it (``keys``), arXiv items included."""
        by_key = {record.meta.asked: record for record in found}
        changes: dict[str, dict[str, Any]] = {}
        for item in catalogue.items:
            arxiv_id = item_arxiv_id(item)
            paper_id: PaperId | None = arxiv_id or item_doi(item)
            record = by_key.get(s2_id(paper_id)) if paper_id is not None else None
            if record is None:
                continue
            record.keys.append(item.key)
            fields = scholar_enrichment(item, record.meta) if arxiv_id is None else {}
            if fields:
                changes[item.key] = fields
        return changes

    def new_item(self, meta: ScholarMeta) -> dict[str, Any] | None:
        return None  # `fetch --add` adds arXiv papers only

    def cached(self, items: Sequence[Item], directory: Path) -> list[tuple[Item, ScholarMeta]]:
        if not directory.is_dir():
            return []  # nothing fetched from Semantic Scholar yet (the usual case): no id to work out
        return cached_records(self, items, directory)

    def since_read(self, item: Item, meta: ScholarMeta) -> None:
        return None  # arXiv is the source of truth for versions


if TYPE_CHECKING:  # mypy checks that both classes implement their protocols
    from papers.sources.base import Client, Source

    def _is_a_client(client: SemanticScholar) -> Client[ScholarMeta]:
        return client

    def _is_a_source(source: Scholar) -> Source[ScholarMeta]:
        return source
