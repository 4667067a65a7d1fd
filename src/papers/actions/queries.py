"""Reading the catalogue: what `papers list`, `papers show` and `papers progress` ask of it.

Nothing here writes or touches the network: `show` reads fetched metadata from the cache only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from papers.model import catalogue
from papers.model.catalogue import Catalogue, Item, Tally
from papers.model.query import find_paper, select, sorted_in_place
from papers.store import load as storage
from papers.store.parse import collector_paused

if TYPE_CHECKING:
    import datetime as dt

    from papers.model.paper import NewVersion, PaperMeta
    from papers.notes import NotePreview

_T = TypeVar("_T")

SORTS = ("priority", "year", "added", "title")
"""What `papers list --sort` orders by (the file's order when none is given)."""


class UnknownSortError(ValueError):
    """A sort that is not one of SORTS."""


# The results here are NamedTuples, not a dataclass: a listing from the parse cache imports no dataclasses (nor inspect, under it).


class Listing(NamedTuple):
    """The items a listing shows, in catalogue order (or the order asked), and the catalogue they
    come from; with ``updated``, the newer version each was read before, by key (else empty)."""

    catalogue: Catalogue
    items: list[Item]
    since_read: dict[str, NewVersion]


def list_items(
    path: str | os.PathLike[str],
    *,
    todo: bool = False,
    done: bool = False,
    section: str | None = None,
    tags: Sequence[str] = (),
    sort: str | None = None,
    reading: bool = False,
    since: dt.date | None = None,
    until: dt.date | None = None,
    updated: bool = False,
) -> Listing:
    """The items `papers list` shows: all of them, only those not done (`todo`), only the done ones
    (`done`), only those being read (`reading`), in the one section `section` names (its name or the
    start of it, any case), carrying every tag of `tags`; with `since`/`until`, only those done on
    those days (both included); with `updated`, only done papers whose cached record has a version
    that appeared after the day they were done (the rule: model/paper.py `version_since_read`).

    `sort`, one of SORTS (else UnknownSortError): "priority", each section's high priority first, low
    last; "year", oldest first (the item's `year`, else its cached record's; none last); "title",
    alphabetically, in any case; "added", the order papers were added in, which is the file's
    (`papers add` appends; the schema has no added date). Year, title and added sort each section's
    papers where they stand: children stay under their parent, ordered among themselves."""
    if sort is not None and sort not in SORTS:
        raise UnknownSortError(sort)
    cat = storage.load_catalogue(Path(path))
    first, last = (day.isoformat() if day else None for day in (since, until))
    items = select(cat, todo=todo, done=done, section=section, reading=reading, since=first, until=last)
    if tags:
        from papers.model.tags import with_tags  # here: a plain listing needs no tag rules

        items = with_tags(items, tags)
    news: dict[str, NewVersion] = {}
    if updated:
        news = _since_read(items)
        items = [item for item in items if item.key in news]
    if sort == "priority":
        from papers.model.tags import by_priority

        items = by_priority(cat, items)
    elif sort == "year":
        items = sorted_in_place(cat, items, _by_year(items))
    elif sort == "title":
        items = sorted_in_place(cat, items, lambda item: item.title.casefold())
    elif sort == "added":
        items = sorted_in_place(cat, items, lambda item: 0)
    return Listing(cat, items, news)


def _first_answers(
    items: Sequence[Item], answer: Callable[[Any, Item, Any], _T | None], *, versions: bool = False
) -> dict[str, _T]:
    """By item key, the first ``answer(source, item, record)`` that is not None, over the records every
    source cached for ``items`` (in the registry's order; only the sources whose records carry versions
    if ``versions``; never the network). Each source is asked once
    for all the items still without an answer, so a source's bulk read (the arXiv cache's index, see
    sources/cache.py) serves them all: one record file per item cost most of `list --updated` and
    `list --sort year` at 10,000 items."""
    from papers.sources.registry import SOURCES
    from papers.store.paths import cache_dir

    root = cache_dir()
    answers: dict[str, _T] = {}
    pending = list(items)
    # Tens of thousands of records, pairs and answers that all stay alive and make no cycles: with
    # the collector on, the collections they trigger scan them (and the catalogue) again and again.
    with collector_paused():
        for source in SOURCES:
            if versions and not source.versioned:
                continue  # its since_read is None whatever it cached: reading its records tells nothing
            for item, meta in source.cached(pending, root / source.namespace):
                if item.key not in answers and (said := answer(source, item, meta)) is not None:
                    answers[item.key] = said
            pending = [item for item in pending if item.key not in answers]
    return answers


def _since_read(items: Sequence[Item]) -> dict[str, NewVersion]:
    """By key, the newer version each done item was read before (model/paper.py `version_since_read`)."""
    dated = [item for item in items if item.status == "done" and item.done_on]
    return _first_answers(dated, lambda source, item, meta: source.since_read(item, meta), versions=True)


def _by_year(items: Sequence[Item]) -> Callable[[Item], tuple[bool, int]]:
    """Oldest first, papers with no year last: the item's `year`, else its cached record's."""
    cached = _first_answers(
        [item for item in items if item.year is None], lambda source, item, meta: meta.year or None
    )

    def year(item: Item) -> tuple[bool, int]:
        found = item.year if item.year is not None else cached.get(item.key)
        return (found is None, found or 0)

    return year


class Shown(NamedTuple):
    """One item with what is known about it beyond the catalogue: the cached arXiv record and the
    first lines of its note, or why they are not shown (None when it has no note)."""

    item: Item
    metadata: PaperMeta | None
    note_preview: NotePreview | None


class Details(NamedTuple):
    """The items one query names (several only when they hold the same arXiv id)."""

    catalogue: Catalogue
    items: list[Shown]


def show(path: str | os.PathLike[str], query: str) -> Details:
    """Everything known about the paper `query` names, offline."""
    from papers.actions.fetch import cached_metadata  # the metadata cache, never the network

    catalogue_file = Path(path)
    cat = storage.load_catalogue(catalogue_file)
    return Details(
        cat,
        [
            Shown(item, cached_metadata(item), _note_preview(catalogue_file, item))
            for item in find_paper(cat, query)
        ],
    )


def _note_preview(catalogue_file: Path, item: Item) -> NotePreview | None:
    if not item.note:
        return None
    from papers.notes import note_preview

    return note_preview(catalogue_file, item.note)


def progress(path: str | os.PathLike[str]) -> tuple[list[Tally], Tally]:
    """Done and total per section, and over the whole catalogue; grouping items do not count."""
    return catalogue.progress(storage.load_catalogue(Path(path)))
