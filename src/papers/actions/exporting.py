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
    return exporter(fmt)(ExportSource(catalogue, selected, _CachedRecords()))


class _CachedRecords:
    """An item's arXiv record from the metadata cache, which is opened the first time one is asked for;
    for a paper not on arXiv, Semantic Scholar's record (by its DOI)."""

    def __init__(self) -> None:
        self._cache: MetadataCache | None = None
        self._scholar: ScholarCache | None = None

    def __call__(self, item: Item) -> Record | None:
        from papers.actions.fetch import item_arxiv_id
        from papers.sources.cache import MetadataCache

        arxiv_id = item_arxiv_id(item)
        if arxiv_id is None:
            return self._published(item)
        if self._cache is None:
            self._cache = MetadataCache()
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
