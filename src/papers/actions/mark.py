"""Marking papers: done, undo (back to todo) and start (reading).

The use case behind `papers done`, `papers undo` and `papers start`, callable from a notebook:
every query is resolved before anything changes, and only the status lines of the named items
are rewritten (the rest of the file keeps every byte).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from papers.errors import UsageError
from papers.model import catalogue
from papers.model.catalogue import Change, Item
from papers.model.query import resolve_all
from papers.store import load as storage
from papers.store.yamledit.editor import Editor


class Marked(NamedTuple):
    """One item whose status changed: the item as it is now, and the change (`summary`: "todo -> done")."""

    item: Item
    change: Change


class MarkResult(NamedTuple):
    """What `mark` did: the items it changed, and the items that already had the status."""

    status: str
    changed: list[Marked]
    unchanged: list[Item]


def mark(
    path: str | os.PathLike[str],
    queries: Iterable[str],
    status: str,
    *,
    today: dt.date | None = None,
    on: dt.date | None = None,
) -> MarkResult:
    """Give every item the queries name `status` ("done", "todo" or "reading") and write the file.

    A query is a key, an arXiv id or link (every item holding it), or part of a title or key.
    If one query matches nothing or several papers, a PapersError says so and nothing changes.
    `done` records `today` (default: the current date) in `done_on`, or `on`, a day before (then an
    item already done on another day is moved to `on`); `reading` records the day in `started_on`;
    going back to todo forgets both. Ticking a parent does not tick its children.
    """
    current = today or dt.date.today()
    if on is not None and on > current:
        raise UsageError(
            f"{on.isoformat()} is after today ({current.isoformat()}). Give the day the paper was read"
        )
    day = (on or current).isoformat()
    wanted = list(queries)

    def change_status(editor: Editor) -> MarkResult:
        # Runs again on the new file if another program saves it meanwhile (see storage.edit).
        items = resolve_all(editor.catalogue, wanted)
        changes, unchanged = catalogue.set_status(items, status, day, redate=on is not None)
        editor.apply(changes)
        return MarkResult(status, [Marked(editor.catalogue[c.key], c) for c in changes], unchanged)

    return storage.edit(Path(path), change_status)
