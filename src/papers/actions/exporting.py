"""`papers export`: the catalogue, or the chosen items, in any format of `formats.registry`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING

from papers.formats.registry import ExportFormat, exporter
from papers.formats.types import Exported, ExportSource, Record
from papers.model.catalogue import Catalogue, Item

if TYPE_CHECKING:
    from papers.model.paper import PaperMeta
    from papers.sources.cache import MetadataCache, ScholarCache

# Record's own __new__ is a Python function; tuple.__new__ builds the same tuple in C, once per item.
_record = partial(tuple.__new__, Record)


def export_catalogue(
    catalogue: Catalogue, fmt: ExportFormat, selected: Sequence[Item] | None = None
) -> Exported:
    """The export's text (and the chosen papers it left out for want of fetched metadata).

    `selected` are the items the user chose (None: all); records come from the metadata cache only,
    never the network.
    """
    from papers.store.parse import collector_paused

    global _last_records
    records = _last_records = _CachedRecords(len(catalogue.items if selected is None else selected))
    # An export makes objects per item (records, entries, lines) and no garbage cycles: with the
    # collector on, the collections they trigger scan the catalogue and the records again and again.
    with collector_paused():
        return exporter(fmt)(ExportSource(catalogue, selected, records))


# The last export's records, held: freeing 45,000 preloaded records one by one took about 25 ms of
# CPU inside the command, and papers.__main__ ends the process without freeing anything. A Python
# caller holds one export's records at most (the next export's replace them).
_last_records: _CachedRecords | None = None


class _CachedRecords:
    """An item's arXiv record from the metadata cache, which is opened the first time one is asked for
    (and preloaded for many items); for a paper not on arXiv, Semantic Scholar's record (by its DOI)."""

    def __init__(self, count: int = 0) -> None:
        self._cache: MetadataCache | None = None
        self._plain: Mapping[str, PaperMeta] = {}
        self._scholar: ScholarCache | None = None
        self._count = count  # how many items may ask: from PRELOAD_FROM, the records are preloaded

    def __call__(self, item: Item) -> Record | None:
        cache = self._cache if self._cache is not None else self._open()
        # The id as it is, with a record: the parse would give it back (one look-up per item).
        meta = self._plain.get(item.arxiv)  # type: ignore[arg-type]  # None is in no mapping
        if meta is not None:
            return _record((item.arxiv, meta))
        from papers.sources.base import item_arxiv_id

        arxiv_id = item_arxiv_id(item)
        if arxiv_id is None:
            return self._published(item)
        return Record(arxiv_id.id, cache.get(arxiv_id.id))

    def _open(self) -> MetadataCache:
        from papers.sources.cache import PRELOAD_FROM, MetadataCache

        cache = self._cache = MetadataCache()
        if self._count >= PRELOAD_FROM:
            cache.preload()
            self._plain = cache.plain_records
        return cache

    def _published(self, item: Item) -> Record | None:
        from papers.sources.base import item_doi
        from papers.sources.cache import ScholarCache

        doi = item_doi(item)
        if doi is None:
            return None
        if self._scholar is None:
            self._scholar = ScholarCache()
        return Record(f"DOI:{doi}", self._scholar.get(f"DOI:{doi}"))
