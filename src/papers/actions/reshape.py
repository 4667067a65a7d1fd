"""Reshaping the catalogue: remove, move and rename items.

The use cases behind `papers rm`, `papers mv` and `papers rename`. Like every edit: every query is
resolved and every rule checked before anything changes, the file is locked, only the lines of the
items concerned move, and the sections they leave or enter are read back before the file is written.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import NamedTuple

from papers.errors import NoteError
from papers.model.catalogue import Item
from papers.model.query import find_paper, resolve_all
from papers.model.reshape import KEEP_CHILDREN, REFUSE, Tree, check_new_key, plan_move, plan_remove
from papers.store import load as storage
from papers.store.yamledit.editor import Editor
from papers.store.yamledit.structure import Reshaper


class Removed(NamedTuple):
    """What `remove` took out (or, with `dry_run`, would): the items named, every key that went
    (children included), the children lifted into a removed item's place, and the note files that
    stay on disk."""

    items: list[Item]
    gone: list[str]
    lifted: list[str]
    notes: list[Path]
    dry_run: bool


def remove(
    path: str | os.PathLike[str], queries: list[str], *, children: str = REFUSE, dry_run: bool = False
) -> Removed:
    """Remove the items the queries name. An item with children is refused unless `children` is
    "with" (they go too) or "keep" (they take its place, in their order). Note files stay."""
    catalogue_file = Path(path)

    def change(editor: Editor) -> Removed:
        before = editor.catalogue
        items = resolve_all(before, queries)
        reshaper = Reshaper(editor)
        gone: list[str] = []
        lifted: list[str] = []
        for key in plan_remove(reshaper.tree, items, children):
            if children == KEEP_CHILDREN:
                lifted += reshaper.lift_children(key)
            gone += reshaper.remove(key)
        reshaper.finish()
        folder = catalogue_file.parent
        notes = [folder / note for key in gone if (note := before[key].note) and (folder / note).is_file()]
        return Removed(items, gone, lifted, notes, dry_run)

    return storage.edit(catalogue_file, change, dry_run=dry_run)


class Moved(NamedTuple):
    """What `move` did: the items as they are now, and the list they went to."""

    items: list[Item]
    section: str
    parent: str | None
    new_section: bool


def move(
    path: str | os.PathLike[str],
    queries: list[str],
    *,
    section: str | None = None,
    parent: str | None = None,
    top: bool = False,
    before: str | None = None,
    after: str | None = None,
    new_section: bool = False,
) -> Moved:
    """Move the items the queries name, with their children and comments, to the end of a section
    (created if `new_section` and none has that name), under `parent`, or to the top level of their
    section (`top`, after the item they were under), or before/after an item of that list."""

    def change(editor: Editor) -> Moved:
        items = resolve_all(editor.catalogue, queries)
        reshaper = Reshaper(editor)
        where = plan_move(
            reshaper.tree,
            items,
            section=section,
            parent=parent,
            top=top,
            before=before,
            after=after,
            new_section=new_section,
        )
        if where.new_section:
            editor.add_section(where.section)
            editor.recheck()
            reshaper = Reshaper(editor)
        for offset, item in enumerate(items):
            reshaper.move(item.key, where.section, where.parent, where.position + offset)
        catalogue = reshaper.finish()
        return Moved([catalogue[item.key] for item in items], where.section, where.parent, where.new_section)

    return storage.edit(Path(path), change)


class Renamed(NamedTuple):
    """The item under its new key; the note file moved with it (its new path), if it had one."""

    item: Item
    old: str
    note: Path | None


def rename(path: str | os.PathLike[str], query: str, new: str) -> Renamed:
    """Give the item `query` names the key `new`. Its note `notes/OLD.md` becomes `notes/NEW.md`
    and its `note:` says so; a key that is taken or invalid, or a note file already at the new
    name, is refused and nothing changes."""
    catalogue_file = Path(path)
    folder = catalogue_file.parent
    catalogue = storage.load_catalogue(catalogue_file)
    (item,) = find_paper(catalogue, query, allow_many_same_id=False)
    old_note, new_note = f"notes/{item.key}.md", f"notes/{new}.md"
    moves_note = item.note == old_note and (folder / old_note).is_file() and new != item.key
    if moves_note:  # the key is checked before the note moves (else only in `change`, under the lock)
        check_new_key(Tree(catalogue), item.key, new)
        _link_note(folder / old_note, folder / new_note)

    def change(editor: Editor) -> Renamed:
        (found,) = find_paper(editor.catalogue, query, allow_many_same_id=False)
        reshaper = Reshaper(editor)
        check_new_key(reshaper.tree, found.key, new)
        if found.key != new:
            reshaper.rename(found.key, new, note=new_note if found.note == old_note and moves_note else None)
        catalogue = reshaper.finish()
        return Renamed(catalogue[new], found.key, folder / new_note if moves_note else None)

    try:
        renamed = storage.edit(catalogue_file, change)
    except BaseException:
        if moves_note:
            with contextlib.suppress(OSError):
                (folder / new_note).unlink()
        raise
    if moves_note:
        with contextlib.suppress(OSError):
            (folder / old_note).unlink()
    return renamed


def _link_note(old: Path, new: Path) -> None:
    """Give the note its new name too (never over an existing file); the old name goes once the
    catalogue says the new one."""
    try:
        os.link(old, new)
    except FileExistsError:
        raise NoteError(f"notes/{new.name} exists already: nothing was changed. Move it away first") from None
    except OSError:
        import shutil  # only where a hard link cannot be made: not on every rename's start-up

        try:
            with old.open("rb") as source, new.open("xb") as target:
                shutil.copyfileobj(source, target)
        except FileExistsError:
            raise NoteError(
                f"notes/{new.name} exists already: nothing was changed. Move it away first"
            ) from None
        except OSError as err:
            raise NoteError(
                f"could not move the note to notes/{new.name}: {err.strerror}. Check the folder"
            ) from None
