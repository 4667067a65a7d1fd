"""`papers export`: the catalogue, or the chosen items, in any format of `formats.registry`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from papers.formats.registry import ExportFormat, exporter
from papers.formats.types import Exported, ExportSource, Record
from papers.model.catalogue import Catalogue, Item

if TYPE_CHECKING:
    from papers.sources.cache import MetadataCache, ScholarCache


def export_catalogue(
    catalogue: Catalogue, fmt: ExportFormat, selected: Sequence[Item] | None = None
) -> Exported:
    """The export's text (and the chosen papers it left out for want of fetched metadata).

    `selected` are the items the user chose (None: all); records come from the metadata cache only,
    never the network.
    """
    count = len(catalogue.items if selected is None else selected)
    return exporter(fmt)(ExportSource(catalogue, selected, _CachedRecords(count)))


class _CachedRecords:
    """An item's arXiv record from the metadata cache, which is opened the first time one is asked for
    (and preloaded for many items); for a paper not on arXiv, Semantic Scholar's record (by its DOI)."""

    def __init__(self, count: int = 0) -> None:
        self._cache: MetadataCache | None = None
        self._scholar: ScholarCache | None = None
        self._count = count  # how many items may ask: from PRELOAD_FROM, the records are preloaded

    def __call__(self, item: Item) -> Record | None:
        from papers.actions.fetch import item_arxiv_id
        from papers.sources.cache import PRELOAD_FROM, MetadataCache

        if self._cache is None:
            self._cache = MetadataCache()
            if self._count >= PRELOAD_FROM:
                self._cache.preload()
        if item.arxiv in self._cache.plain_ids:  # the id as it is: the parse would give it back
            return Record(item.arxiv, self._cache.get(item.arxiv))
        arxiv_id = item_arxiv_id(item)
        if arxiv_id is None:
            return self._published(item)
        return Record(arxiv_id.id, self._cache.get(arxiv_id.id))

    def _published(self, item: Item) -> Record | None:
        from papers.sources.base import item_doi
        from papers.sources.cache import ScholarCache

        doi = item_doi(item)
        if doi is None:
            return None
        if self._scholar is None:
            self._scholar = ScholarCache()
        return Record(f"DOI:{doi}", self._scholar.get(f"DOI:{doi}"))
