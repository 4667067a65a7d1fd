"""Semantic Scholar in `papers fetch`: which ids to ask, the cache first, and what its records add to items.

arXiv stays the source of truth for arXiv papers (versions, abstracts): a Semantic Scholar
record is written onto an item only when the item has no arXiv id (LSTM, AlexNet, SGD), and
then gives its title, authors, year and venue. For every item its references are cached,
which is all the citation graph (actions/graph.py) needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from papers.errors import PaperNotFoundError, PapersError
from papers.model.arxiv_ids import ArxivId
from papers.model.catalogue import Catalogue, Item
from papers.model.query import doi_of
from papers.sources.base import Doi, PaperId

if TYPE_CHECKING:
    from papers.model.paper import ScholarMeta
    from papers.sources.base import Progress
    from papers.sources.cache import ScholarCache
    from papers.sources.http import Transport

SOURCES = ("arxiv", "s2", "all")


def item_doi(item: Item) -> Doi | None:
    """The item's DOI: its `doi` field, else a doi.org link among its url and links (arXiv's own DOIs aside)."""
    for text in (item.doi, item.url, *item.links):
        found = doi_of(text) if text else None
        if found is not None and not found.startswith("10.48550/"):
            return Doi(found)
    return None


def s2_key(paper_id: PaperId) -> str:
    """The id as Semantic Scholar is asked for it, which is also its cache key."""
    return f"ARXIV:{paper_id.id}" if isinstance(paper_id, ArxivId) else f"DOI:{paper_id.doi}"


@dataclass
class ScholarFetched:
    meta: ScholarMeta
    from_cache: bool
    keys: list[str] = field(default_factory=list)


@dataclass
class ScholarRun:
    fetched: dict[PaperId, ScholarFetched] = field(default_factory=dict)
    errors: list[PapersError] = field(default_factory=list)


def from_cache(
    ids: Sequence[PaperId], cache: ScholarCache, *, refresh: bool
) -> tuple[ScholarRun, list[PaperId]]:
    """What the cache answers, and the ids still to ask (an id known to be unknown is not asked again)."""
    run = ScholarRun()
    wanted: list[PaperId] = []
    for paper_id in dict.fromkeys(ids):
        key = s2_key(paper_id)
        if not refresh:
            hit = cache.get(key)
            if hit is not None:
                run.fetched[paper_id] = ScholarFetched(hit, True)
                continue
            if cache.known_missing(key):
                shown = f"arXiv:{paper_id.id}" if isinstance(paper_id, ArxivId) else str(paper_id)
                run.errors.append(PaperNotFoundError(f"not found on Semantic Scholar: {shown}"))
                continue
        wanted.append(paper_id)
    return run, wanted


def fetch_scholar(
    run: ScholarRun,
    wanted: Sequence[PaperId],
    cache: ScholarCache,
    transport: Transport,
    progress: Progress | None = None,
) -> None:
    """Ask Semantic Scholar for ``wanted`` (batched), caching every record and every unknown id."""
    from papers.sources.semanticscholar import SemanticScholar

    result = SemanticScholar(transport).fetch(wanted, progress=progress)
    for paper_id, meta in result.found.items():
        cache.put(meta)
        run.fetched[paper_id] = ScholarFetched(meta, False)
    for paper_id in result.missing:
        cache.put_missing(s2_key(paper_id))
    seen: set[int] = set()  # a failed request fails all its ids with one error: say it once
    for err in result.errors():
        if id(err) not in seen:
            seen.add(id(err))
            run.errors.append(err)


def budget_for(count: int, transport: Transport) -> float:
    from papers.sources.semanticscholar import MAX_IDS_PER_REQUEST

    return -(-count // MAX_IDS_PER_REQUEST) * (transport.give_up_after + 1.0) if count else 0.0


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


def scholar_changes(
    cat: Catalogue, fetched: Sequence[ScholarFetched], arxiv_of: Callable[[Item], ArxivId | None]
) -> dict[str, dict[str, Any]]:
    """Fields to write, by key: Semantic Scholar's title, authors, year and venue for items not on arXiv.

    Every record also learns which items hold it (``keys``), arXiv items included."""
    by_key = {record.meta.asked: record for record in fetched}
    changes: dict[str, dict[str, Any]] = {}
    for item in cat.items:
        arxiv_id = arxiv_of(item)
        doi = item_doi(item) if arxiv_id is None else None
        paper_id: PaperId | None = arxiv_id or doi
        found = by_key.get(s2_key(paper_id)) if paper_id is not None else None
        if found is None:
            continue
        found.keys.append(item.key)
        fields = scholar_enrichment(item, found.meta) if arxiv_id is None else {}
        if fields:
            changes[item.key] = fields
    return changes


def cached_scholar(
    item: Item, arxiv_id: ArxivId | None, cache: ScholarCache | None = None
) -> ScholarMeta | None:
    """The Semantic Scholar record fetched earlier for an item (cache only, never the network)."""
    from papers.sources.cache import ScholarCache

    doi = item_doi(item)
    paper_id: PaperId | None = arxiv_id or doi
    if paper_id is None:
        return None
    return (cache or ScholarCache()).get(s2_key(paper_id))
