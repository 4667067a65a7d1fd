"""Editing one item as YAML text: the use case behind `papers edit`, with no editor in it.

`item_text(path, query)` resolves the query (as `done` does: an ambiguous or unknown one raises,
with suggestions) and gives the item's own lines as a text: its fields, with the comments between
them, dedented to a mapping of its own; its children are not in it and stay as they are.
`replace_item_text(path, opened, text)` checks a new text and splices it in place of those lines:

- the text must read as one item by the parser's rules (`InvalidEditError` names the line);
- its key must stay the item's key (`papers rename` changes keys, and moves the note with it);
- it may not hold `children:` (children are edited as items of their own), `section:` or `parent:`
  (where an item sits is `papers mv`'s) nor a field the schema does not know, unless the item had
  that field already (a typo is caught, a field of yours kept);
- the item's own lines in the file must still be those `item_text` gave (if another program saved
  the file meanwhile, the item is found again by its key and the text goes in if its lines are
  unchanged; else `EditConflictError` and nothing is written).

A text equal to the one given writes nothing. The write is locked, atomic, journaled (so `papers
revert` takes it back) and touches no byte outside the item's own lines::

    from papers import actions, find_catalogue
    from papers.actions.editing import item_text, replace_item_text

    path = find_catalogue()
    opened = item_text(path, "flashattention")
    edited = replace_item_text(path, opened, opened.text + "remark: read twice\\n")
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from papers.errors import EditConflictError, InvalidEditError
from papers.model.catalogue import Item
from papers.model.query import find_paper
from papers.model.schema import FIELD_ORDER, FIELDS, PLACE
from papers.store import load as storage
from papers.store.paths import display_path
from papers.store.yamledit import replace
from papers.store.yamledit.editor import Editor


@dataclass(frozen=True)
class Opened:
    """An item's own lines as a text (a YAML mapping, ending in a newline), as they were read."""

    path: Path
    item: Item
    text: str
    fields: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.item.key


@dataclass(frozen=True)
class Edited:
    """What `replace_item_text` did: the item before and after, and its fields that changed
    (empty with `written` True: only comments or layout changed; `written` False: nothing)."""

    before: Item
    item: Item
    changed: tuple[str, ...]
    written: bool


def item_text(path: str | os.PathLike[str], query: str) -> Opened:
    """The own lines of the one item `query` names (refused, like every edit, for a catalogue papers
    may not write)."""
    catalogue_file = Path(path)

    def read(editor: Editor) -> Opened:
        (item,) = find_paper(editor.catalogue, query, allow_many_same_id=False)
        shown = replace.item_text(editor, item.key)
        return Opened(catalogue_file, item, shown.text, shown.fields)

    return storage.edit(catalogue_file, read)


def is_blank(text: str) -> bool:
    """True for a text with no field in it (only comments and blank lines): `papers edit`'s abort."""
    return not replace.normalised(text)


def normalised(text: str) -> str:
    """The text as `replace_item_text` reads it (see `store.yamledit.replace.normalised`)."""
    return replace.normalised(text)


def replace_item_text(path: str | os.PathLike[str], opened: Opened, text: str) -> Edited:
    """Check `text` and put it in place of the item's own lines (see the module's rules)."""
    catalogue_file = Path(path)
    new_text = replace.normalised(text)
    if new_text == opened.text:
        return Edited(opened.item, opened.item, (), written=False)
    if not new_text:
        raise InvalidEditError("the text holds no field. Give the item at least its key and title")
    checked = replace.check_text(new_text)
    _check_rules(opened, checked)

    def change(editor: Editor) -> Edited:
        current = editor.catalogue.get(opened.key)
        if current is None or replace.item_text(editor, opened.key).text != opened.text:
            raise EditConflictError(
                f"{display_path(catalogue_file)} was saved by another program meanwhile, and "
                f"'{opened.key}' {'is gone' if current is None else 'was changed'} there: nothing was written"
            )
        replace.replace_text(editor, opened.key, new_text, checked.item)
        item = editor.catalogue[opened.key]
        changed = tuple(name for name in FIELD_ORDER if getattr(item, name) != getattr(current, name))
        return Edited(current, item, changed, written=True)

    return storage.edit(catalogue_file, change)


def _check_rules(opened: Opened, checked: replace.Checked) -> None:
    item, lines = checked.item, checked.lines
    if item.key != opened.key:
        raise InvalidEditError(
            f"the key cannot change here ('{opened.key}' became '{item.key}'). Put back "
            f"'{opened.key}', and give it the new key with `papers rename {opened.key} {item.key}`",
            lines.get("key"),
        )
    if "children" in lines or item.children:
        raise InvalidEditError(
            "children are not edited here (they stay as they are). Remove `children:`; "
            "edit each child with `papers edit KEY`, move one with `papers mv`",
            lines.get("children"),
        )
    for name, line in lines.items():
        if name in FIELDS and FIELDS[name].kind == PLACE and name not in opened.fields:
            raise InvalidEditError(
                f"'{name}' is where the item sits in the file, not a field written in it. Remove it, and "
                f"move the item with `papers mv {opened.key}` instead",
                line,
            )
        if name not in FIELD_ORDER and name not in opened.fields:
            raise InvalidEditError(
                f"'{name}' is not a field papers knows. Fix its name (see docs/schema.md for the fields)",
                line,
            )
