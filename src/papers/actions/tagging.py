"""Tags and priorities: `papers tag`, `papers tags` and `papers prioritize`, as plain functions.

Every query is resolved before anything changes, and only the `tags:` or `priority:` lines of
the named items are rewritten, under the same lock and checks as every edit (and journaled).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from papers.model.catalogue import Change, Item
from papers.model.query import resolve_all
from papers.model.tags import TagCount, checked_tag, priority_changes, tag_changes
from papers.model.tags import tag_counts as count_tags
from papers.store import load as storage
from papers.store.yamledit.editor import Editor


class Retagged(NamedTuple):
    """What `tag` or `prioritize` did: each changed item as it is now with its change (`summary`:
    "+new -old" or "normal -> high"), and the items that already were so."""

    changed: list[tuple[Item, Change]]
    unchanged: list[Item]


def tag(
    path: str | os.PathLike[str], queries: Iterable[str], add: Sequence[str] = (), remove: Sequence[str] = ()
) -> Retagged:
    """Give every item the queries name the tags `add` and take away `remove`, like
    `papers tag QUERY... +TAG -TAG`. A tag that cannot be one raises UsageError."""
    plus = [checked_tag(t) for t in add]
    minus = [checked_tag(t) for t in remove]
    wanted = list(queries)

    def change(editor: Editor) -> Retagged:
        changes, unchanged = tag_changes(resolve_all(editor.catalogue, wanted), plus, minus)
        editor.apply(changes)
        return Retagged([(editor.catalogue[c.key], c) for c in changes], unchanged)

    return storage.edit(Path(path), change)


def prioritize(path: str | os.PathLike[str], queries: Iterable[str], priority: str) -> Retagged:
    """Give every item the queries name `priority` (high, normal or low), like `papers prioritize`."""
    wanted = list(queries)

    def change(editor: Editor) -> Retagged:
        changes, unchanged = priority_changes(resolve_all(editor.catalogue, wanted), priority)
        editor.apply(changes)
        return Retagged([(editor.catalogue[c.key], c) for c in changes], unchanged)

    return storage.edit(Path(path), change)


def tag_counts(path: str | os.PathLike[str]) -> list[TagCount]:
    """Every tag of the catalogue with how many items carry it and how many of them are done."""
    return count_tags(storage.load_catalogue(Path(path)))
