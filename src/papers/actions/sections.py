"""Sections: add, move, rename and remove them.

The use cases behind `papers section add|mv|rename|rm`. Like every edit: every name is resolved and
every rule checked before anything changes (`model.reshape`), the file is locked, only the lines
of the sections concerned move (with the comments that head them), and the sections whose lines
changed are read back before the file is written (`store.yamledit.sections`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from papers.model.reshape import (
    Tree,
    check_section_name,
    find_tree_section,
    plan_section_remove,
    section_position,
)
from papers.store import load as storage
from papers.store.yamledit.editor import Editor
from papers.store.yamledit.sections import SectionReshaper


@dataclass(frozen=True)
class SectionChange:
    """What a section command did: the section's name now (as it was, for a removed one), its
    old name (renamed), its neighbours now, whether the file changed, and the items it held that
    went to `target` (removed with somewhere for its items to go)."""

    name: str
    old: str | None = None
    previous: str | None = None
    following: str | None = None
    changed: bool = True
    items: int = 0
    moved: list[str] = field(default_factory=list)
    target: str | None = None


def _placed(sections: list[str], name: str, **extra: object) -> SectionChange:
    index = sections.index(name)
    previous = sections[index - 1] if index else None
    following = sections[index + 1] if index + 1 < len(sections) else None
    return SectionChange(name, previous=previous, following=following, **extra)  # type: ignore[arg-type]


def add_section(
    path: str | os.PathLike[str], name: str, *, before: str | None = None, after: str | None = None
) -> SectionChange:
    """Add a section with no items, at the end or before/after the section named (a name or its
    start, any case). A name another section has (in any case) is refused."""

    def change(editor: Editor) -> SectionChange:
        tree = Tree(editor.catalogue)
        wanted = check_section_name(tree, name)
        index = section_position(tree, before=before, after=after)
        if not tree.sections:  # the first section: the editor opens `sections:` itself
            editor.add_section(wanted)
            return SectionChange(wanted)
        reshaper = SectionReshaper(editor)
        reshaper.add_section(wanted, index)
        reshaper.finish()
        return _placed(reshaper.tree.sections, wanted)

    return storage.edit(Path(path), change)


def move_section(
    path: str | os.PathLike[str], name: str, *, before: str | None = None, after: str | None = None
) -> SectionChange:
    """Move a section, with its items and the comments that head it, before or after another."""

    def change(editor: Editor) -> SectionChange:
        tree = Tree(editor.catalogue)
        found = find_tree_section(tree, name)
        index = section_position(tree, before=before, after=after, moving=found)
        reshaper = SectionReshaper(editor)
        reshaper.move_section(found, index)
        reshaper.finish()
        return _placed(reshaper.tree.sections, found, changed=editor.changed)

    return storage.edit(Path(path), change)


def rename_section(path: str | os.PathLike[str], name: str, new: str) -> SectionChange:
    """Give a section another name (only its `name:` line changes). A name another section has
    is refused; the same name in another case is a rename."""

    def change(editor: Editor) -> SectionChange:
        tree = Tree(editor.catalogue)
        found = find_tree_section(tree, name)
        wanted = check_section_name(tree, new, renaming=found)
        reshaper = SectionReshaper(editor)
        reshaper.rename_section(found, wanted)
        catalogue = reshaper.finish()
        section = catalogue.section(wanted)
        count = len(section.keys) if section is not None else 0
        return _placed(reshaper.tree.sections, wanted, old=found, changed=editor.changed, items=count)

    return storage.edit(Path(path), change)


def remove_section(
    path: str | os.PathLike[str], name: str, *, move_items_to: str | None = None
) -> SectionChange:
    """Remove a section. One that holds items is refused (SectionNotEmptyError) unless
    `move_items_to` names another section: its items go to that section's end first, in their
    order, with their children and comments. The section's own notes go with it."""

    def change(editor: Editor) -> SectionChange:
        tree = Tree(editor.catalogue)
        found, target = plan_section_remove(tree, name, move_items_to)
        reshaper = SectionReshaper(editor)
        moved: list[str] = []
        if target is not None:
            for top in list(reshaper.tree.tops[found]):
                moved += reshaper.tree.subtree(top)
                reshaper.move(top, target, None, len(reshaper.tree.tops[target]))
        reshaper.remove_section(found)
        reshaper.finish()
        return SectionChange(found, moved=moved, target=target)

    return storage.edit(Path(path), change)
