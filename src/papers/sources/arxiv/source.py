"""arXiv as a ``Source`` of `papers fetch`: the items it applies to, its cache, what its records change.

arXiv is the source of truth for the papers it has: an item holding an arXiv id gains the
record's canonical title (the reader's wording kept as ``listed_as``), authors and year, and a
record no item holds can become a new item (`fetch --add`). Records are cached in ``arxiv/``,
one file per paper (sources/cache.py). The client (client.py, and with it httpx) is imported only
when something must be asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papers.model.arxiv_ids import ArxivId
from papers.model.paper import NewVersion, PaperMeta, version_since_read
from papers.sources.base import Batch, FetchResult, Found, PaperId, item_arxiv_id

if TYPE_CHECKING:
    from papers.model.catalogue import Catalogue, Item
    from papers.sources.arxiv.client import ArxivClient
    from papers.sources.cache import MetadataCache
    from papers.sources.http import Transport


def enrichment(item: Item, meta: PaperMeta) -> dict[str, Any]:
    """The fields of `item` that arXiv's metadata improves; the reader's own wording is kept."""
    fields: dict[str, Any] = {}
    if item.title != meta.title and meta.title:
        fields["title"] = meta.title
        if item.listed_as is None:
            fields["listed_as"] = item.title
    if item.arxiv != meta.arxiv_id:
        fields["arxiv"] = meta.arxiv_id
    if tuple(item.authors) != tuple(meta.authors):
        fields["authors"] = list(meta.authors)
    if item.year != meta.year:
        fields["year"] = meta.year
    return fields


class Arxiv:
    """arXiv's API (export.arxiv.org), 100 ids a request, 3 s apart."""

    name = "arxiv"
    label = "arXiv"
    namespace = "arxiv"
    reads: tuple[str, ...] = ("`arxiv: ID`",)
    versioned = True

    def paper_id(self, item: Item) -> PaperId | None:
        return item_arxiv_id(item)

    def handles(self, paper_id: PaperId) -> bool:
        return isinstance(paper_id, ArxivId)

    def select(
        self, candidates: Sequence[tuple[Item, PaperId]], directory: Path, *, refresh: bool, chosen: bool
    ) -> list[PaperId]:
        """Items whose paper is not cached, or whose record is not yet written onto them (no authors
        or year): an item enriched from a cached record costs nothing, so a second run is as fast as a list."""
        from papers.sources.cache import MetadataCache

        cached = set() if refresh else MetadataCache(directory).cached_ids()
        return [
            paper_id
            for item, paper_id in candidates
            if refresh or not (item.authors and item.year) or _arxiv(paper_id).id not in cached
        ]

    def from_cache(self, ids: Sequence[PaperId], directory: Path, *, refresh: bool) -> Batch[PaperMeta]:
        from papers.sources.cache import PRELOAD_FROM, MetadataCache

        cache = MetadataCache(directory)
        if not refresh and len(ids) >= PRELOAD_FROM:
            cache.preload()
        batch: Batch[PaperMeta] = Batch()
        for paper_id in dict.fromkeys(ids):
            arxiv_id = _arxiv(paper_id)
            hit = None if refresh else _record_of(cache, arxiv_id)
            if hit is not None:
                batch.found[arxiv_id] = Found(hit, True)
            else:
                batch.wanted.append(arxiv_id)
        return batch

    def cached(self, items: Sequence[Item], directory: Path) -> list[tuple[Item, PaperMeta]]:
        """As ``from_cache`` finds them, but an item whose `arxiv` field holds a plain id with a
        record (1706.03762, as papers writes them) takes it in one look-up, unparsed: the parse would
        give the id back (sources/cache.py `plain_records`). At 10,000 items, parsing each id and
        keying a batch by ArxivId (three hashes of a dataclass each) was most of `list --sort year`
        outside the preload."""
        from papers.sources.cache import PRELOAD_FROM, MetadataCache

        cache = MetadataCache(directory)
        if len(items) >= PRELOAD_FROM:
            cache.preload()
        plain = cache.plain_records  # empty unless preloaded
        records: list[tuple[Item, PaperMeta]] = []
        others: dict[ArxivId, PaperMeta | None] = {}  # each id read once: a damaged record warns once
        for item in items:
            hit = plain.get(item.arxiv)  # type: ignore[arg-type]  # None is in no mapping
            if hit is None:
                arxiv_id = item_arxiv_id(item)
                if arxiv_id is None:
                    continue
                if arxiv_id not in others:
                    others[arxiv_id] = _record_of(cache, arxiv_id)
                hit = others[arxiv_id]
                if hit is None:
                    continue
            records.append((item, hit))
        return records

    def connect(self, transport: Transport) -> ArxivClient:
        from papers.sources.arxiv.client import ArxivClient

        return ArxivClient(transport=transport)

    def store(self, batch: Batch[PaperMeta], result: FetchResult[PaperMeta], directory: Path) -> None:
        from papers.sources.cache import MetadataCache

        cache = MetadataCache(directory)
        for paper_id, meta in result.found.items():
            cache.put(meta)
            batch.found[paper_id] = Found(meta, False)
        # A failed request fails all its ids with one error: say it once (it was said per id).
        batch.errors.extend({id(err): err for err in result.errors()}.values())

    def changes(self, catalogue: Catalogue, found: Sequence[Found[PaperMeta]]) -> dict[str, dict[str, Any]]:
        by_id: dict[str, list[Item]] = {}
        for item in catalogue.items:
            arxiv_id = item_arxiv_id(item)
            if arxiv_id is not None:
                by_id.setdefault(arxiv_id.id, []).append(item)
        changes: dict[str, dict[str, Any]] = {}
        for record in found:
            holders = by_id.get(record.meta.arxiv_id, [])
            record.keys = [item.key for item in holders]
            for item in holders:
                fields = enrichment(item, record.meta)
                if fields:
                    changes[item.key] = fields
        return changes

    def new_item(self, meta: PaperMeta) -> dict[str, Any] | None:
        return {"title": meta.title, "arxiv": meta.arxiv_id, "authors": list(meta.authors), "year": meta.year}

    def since_read(self, item: Item, meta: PaperMeta) -> NewVersion | None:
        return version_since_read(meta, item.status, item.done_on)


def _record_of(cache: MetadataCache, arxiv_id: ArxivId) -> PaperMeta | None:
    """The cached record of ``arxiv_id``, if it is of the version asked (any, if none was)."""
    hit = cache.get(arxiv_id.id)
    return hit if hit is not None and (arxiv_id.version is None or hit.version == arxiv_id.version) else None


def _arxiv(paper_id: PaperId) -> ArxivId:
    assert isinstance(paper_id, ArxivId), paper_id
    return paper_id


if TYPE_CHECKING:  # mypy checks that Arxiv implements the Source protocol
    from papers.sources.base import Source

    def _is_a_source(source: Arxiv) -> Source[PaperMeta]:
        return source
