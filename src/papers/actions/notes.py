"""Notes: start (or find) the markdown note on one paper and record it in the catalogue.

The use case behind `papers note`. Opening an editor is the command line's business; this only
makes sure the note exists (from a template, never overwriting one) and that the item's `note:`
field names it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from papers.model.catalogue import Item
from papers.model.query import find_paper
from papers.store import load as storage


@dataclass(frozen=True)
class NoteResult:
    """The note of `item` at `path`; `created` if it was written just now."""

    item: Item
    path: Path
    created: bool


def start_note(path: str | os.PathLike[str], query: str) -> NoteResult:
    """The note on the one paper `query` names: `notes/KEY.md` beside the catalogue, created from a
    template (title, authors, links, the cached abstract) when missing, and recorded as the item's
    `note:`. An existing note is never written to."""
    from papers import notes

    catalogue_file = Path(path)
    with storage.editing(catalogue_file) as editor:
        (item,) = find_paper(editor.catalogue, query, allow_many_same_id=False)
        started = notes.start_note(catalogue_file, item, cached_note_meta(item))
        if started.record:
            editor.set_fields(item.key, {"note": started.record})
    return NoteResult(editor.catalogue[item.key], started.path, started.created)


def cached_note_meta(item: Item) -> dict[str, Any] | None:
    """The arXiv record `papers fetch` cached for the item, as a dict with its `year`; None if absent."""
    from papers.actions.fetch import cached_metadata

    meta = cached_metadata(item)
    return None if meta is None else meta.to_dict() | {"year": meta.year}
