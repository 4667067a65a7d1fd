"""The safety net: what papers changed in a catalogue (`history`), and taking it back (`revert`).

Every write papers makes is journaled by the store (see `papers.store.journal`); these read the
journal and restore a state from it. A revert is itself a change, journaled like any other, so a
revert can be reverted.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path

from papers.errors import RevertRefusedError
from papers.store import journal
from papers.store import load as storage
from papers.store.journal import Entry, JournalError
from papers.store.paths import display_path


def list_changes(path: str | os.PathLike[str]) -> list[Entry]:
    """The changes papers made to the catalogue at `path` that the journal still holds, newest first."""
    return journal.entries(Path(path))[::-1]


@dataclass(frozen=True)
class Reverted:
    """What `revert` did: the changes it took back (newest first) and the revert's own entry."""

    undone: list[Entry]
    entry: Entry | None  # the revert as journaled (None if the journal could not be written)

    @property
    def target(self) -> Entry:
        return self.undone[-1]


def revert(path: str | os.PathLike[str], number: int | None = None, *, force: bool = False) -> Reverted:
    """Restore the catalogue to its state before change `number` (default: the last change),
    taking back that change and every later one.

    If the file was changed outside papers since that change (edited by hand, or by another
    program), nothing is changed and RevertRefusedError (a CatalogueError) says where, unless
    `force`: then those edits are discarded too.
    """
    catalogue = Path(path)
    undone: list[Entry] = []

    def restore(current: bytes | None) -> tuple[bytes | None, str]:
        changes = journal.entries(catalogue)
        chosen = _chosen(catalogue, changes, number)
        later = changes[changes.index(chosen) :]
        if not force:
            _check_untouched(catalogue, later, current)
        undone.extend(reversed(later))
        return journal.state(catalogue, chosen.before), _summary(later)

    return Reverted(undone, storage.restore(catalogue, restore))


def _chosen(path: Path, changes: list[Entry], number: int | None) -> Entry:
    if not changes:
        raise JournalError(
            f"the history of {display_path(path)} is empty: papers has not changed it since the cache was "
            "cleared. Nothing was changed"
        )
    if number is None:
        return changes[-1]
    for entry in changes:
        if entry.number == number:
            return entry
    raise JournalError(
        f"there is no change {number} in the history of {display_path(path)}: it holds changes "
        f"{changes[0].number} to {changes[-1].number}. See papers history"
    )


def _check_untouched(path: Path, later: list[Entry], current: bytes | None) -> None:
    """Refuse if the file, since the first of `later`, was ever not what papers left it as."""
    for entry, following in itertools.pairwise(later):
        if entry.after != following.before:
            _refuse(path, entry, following.before)
    if later[-1].after != journal.digest(current):
        _refuse(path, later[-1], journal.digest(current), current)


def _refuse(path: Path, entry: Entry, found: str, found_data: bytes | None = None) -> None:
    try:
        expected = journal.state(path, entry.after)
        actual = (
            found_data if found_data is not None or found == journal.ABSENT else journal.state(path, found)
        )
        what = _difference(expected, actual)
    except JournalError:
        what = "it is not what papers wrote"
    raise RevertRefusedError(
        f"{display_path(path)} was changed outside papers since change {entry.number} ({what}): nothing "
        "was changed"
    )


def _difference(expected: bytes | None, actual: bytes | None) -> str:
    """Where `actual` differs from `expected`, as line numbers of `actual`."""
    if expected is None:
        return "it was created"
    if actual is None:
        return "it was removed"
    old, new = expected.splitlines(keepends=True), actual.splitlines(keepends=True)
    same = min(len(old), len(new))
    first = next((i for i in range(same) if old[i] != new[i]), same)
    tail = 0
    while tail < same - first and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    last = len(new) - tail  # lines first+1..last of the file differ
    if last <= first:
        gone = len(old) - len(new)
        return f"{gone} line{'s' * (gone != 1)} removed after line {first}"
    return f"line {first + 1} differs" if last == first + 1 else f"lines {first + 1}-{last} differ"


def _summary(later: list[Entry]) -> str:
    first = later[0]
    if len(later) == 1:
        return f"reverted change {first.number} ({first.command})"
    return f"reverted changes {first.number}-{later[-1].number} (from {first.command})"
