"""Reading the catalogue: what `papers list`, `papers show` and `papers progress` ask of it.

Nothing here writes or touches the network: `show` reads fetched metadata from the cache only.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from papers.model import catalogue
from papers.model.catalogue import Catalogue, Item, Tally
from papers.model.query import find_paper, select
from papers.store import load as storage

if TYPE_CHECKING:
    from papers.model.paper import PaperMeta
    from papers.notes import NotePreview


@dataclass(frozen=True)
class Listing:
    """The items a listing shows, in catalogue order, and the catalogue they come from."""

    catalogue: Catalogue
    items: list[Item]


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
) -> Listing:
    """The items `papers list` shows: all of them, only those not done (`todo`), only the done ones
    (`done`), only those being read (`reading`), in the one section `section` names (its name or the
    start of it, any case), carrying every tag of `tags`; with `since`/`until`, only those done on
    those days (both included); with `sort="priority"`, each section's high priority first, then low last."""
    from papers.model import tags as tagging

    cat = storage.load_catalogue(Path(path))
    first, last = (day.isoformat() if day else None for day in (since, until))
    items = select(cat, todo=todo, done=done, section=section, reading=reading, since=first, until=last)
    if tags:
        items = tagging.with_tags(items, tags)
    if sort == "priority":
        items = tagging.by_priority(cat, items)
    return Listing(cat, items)


@dataclass(frozen=True)
class Shown:
    """One item with what is known about it beyond the catalogue: the cached arXiv record and the
    first lines of its note, or why they are not shown (None when it has no note)."""

    item: Item
    metadata: PaperMeta | None
    note_preview: NotePreview | None


@dataclass(frozen=True)
class Details:
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
