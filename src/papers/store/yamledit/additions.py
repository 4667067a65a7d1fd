"""Adding items and sections to an Editor's text, many at once without renumbering after each.

An item goes at the end of its list: after the last descendant of its section's last top-level
item, or of its parent's last child, or under the list's `items:` or `children:` line (which an
empty list gets first). `add_items` adds many as `Editor.apply` edits many: the new items are
grouped by the list they go to, each list's place is found in the text as it was, and the groups
are written bottom of the file first, so that no write moves a place still to be written. Items
that were there are renumbered once at the end (`shift_batch`), each new one by the lines added
above its group: k additions to n items cost O(n + k log k), where renumbering every item below
each addition cost O(k n) (an `import` into a big catalogue, issue 13).

Groups that end at the same line are written shallowest list first: each later one goes above it,
so a parent's new children come before its new siblings, as one-by-one additions put them. An item
whose section or parent is not in the text yet (a new section, a parent added in the same batch)
ends the batch: what came before is written first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from papers.errors import CatalogueError
from papers.model.catalogue import Item, NewItem, Section
from papers.store.parse import Outline, Place
from papers.store.yamledit.buffer import Buffer
from papers.store.yamledit.emit import field_lines, item_lines, yaml_scalar
from papers.store.yamledit.inserts import Runs
from papers.store.yamledit.outline import FieldLines, block_fields, shift_batch, top_level_field


class Editor(Protocol):
    """What of `editor.Editor` the additions use and keep true (it imports this module)."""

    label: str
    buffer: Buffer
    outline: Outline
    changed: bool
    structural: bool
    _items: dict[str, Item]
    _order: list[str]
    _sections: list[Section]
    _deferred: list[int] | None
    _inserts: Runs | None
    _bottom: int

    def _replace(self, first: int, end: int, new_lines: list[str]) -> None: ...

    def keep_original(self) -> None: ...

    def starts_at(self, line: int) -> None: ...

    def _inserted(
        self, anchor: int, column: int, start: int, end: int | None = None, *, section: bool = False
    ) -> None: ...

    def _item_fields(self, key: str) -> tuple[FieldLines, int]: ...


Target = tuple[str, str | None]
"""The list an item goes to: its section's top level (parent None), or its parent's children."""


class _Group:
    """The new items of one list, and where (in the text before the batch) they go. A plain class,
    not a dataclass (see inserts.Insert)."""

    def __init__(self, section: str, parent: str | None, news: list[NewItem]) -> None:
        self.section = section
        self.parent = parent
        self.news = news
        self.point = 0  # the line the new lines go before: what starts there or below moves
        self.start = 0  # the line the first item goes on (after the list is opened)
        self.depth = 0  # the depth of the list's entries
        self.column = 0  # their mapping column
        self.anchor: tuple[int, int] = (0, 0)  # the line and column the run of new lines follows (`inserts`)
        self.run: tuple[int, int | None] = (0, None)  # the lines the run replaces (end None: none)
        self.opening: tuple[int, int, list[str]] | None = None  # the edit opening an empty list
        self.section_anchor = False
        self.keys: list[str] = []


def add_items(editor: Editor, news: Sequence[NewItem]) -> None:
    """Append the items, each to its list, in order (see the module's docstring)."""
    editor.structural = True
    batch: dict[Target, list[NewItem]] = {}
    for new in news:
        if new.new_section or new.section not in editor.outline.sections:
            _write(editor, batch)
            add_section(editor, new.section)
        elif new.parent is not None and new.parent not in editor._items:
            _write(editor, batch)  # its parent may be an item of the batch: written first
        batch.setdefault((new.section, new.parent), []).append(new)
    _write(editor, batch)


def _write(editor: Editor, batch: dict[Target, list[NewItem]]) -> None:
    if not batch:
        return
    groups = [_planned(editor, _Group(section, parent, news)) for (section, parent), news in batch.items()]
    batch.clear()
    groups.sort(key=lambda group: (-group.point, group.depth))
    shifts: list[tuple[int, int]] = []
    written: list[dict[str, int]] = []  # each group's new items and their lines when written
    editor._deferred = []
    try:
        for group in groups:
            editor._deferred.clear()
            _put(editor, group)
            shifts.append((group.point, sum(editor._deferred)))
            written.append({key: editor.outline.lines[key] for key in group.keys})
    finally:
        editor._deferred = None
        deltas = [delta for _, delta in shifts]
        shift_batch(editor.outline, shifts)
    # A group's items were written where they belong; only groups written after it (above it, or at
    # its line) moved them, by what they added.
    above = 0
    for lines, delta in zip(reversed(written), reversed(deltas), strict=True):
        for key, line in lines.items():
            editor.outline.lines[key] = line + above
        above += delta
    index = {section.name: i for i, section in enumerate(editor._sections)}
    for group in groups:  # in the section's keys, an item added under a parent comes last too
        at = index[group.section]
        section = editor._sections[at]
        editor._sections[at] = section._replace(keys=(*section.keys, *group.keys))


def _planned(editor: Editor, group: _Group) -> _Group:
    """Where the group's items go, found in the text before the batch: nothing is edited yet."""
    outline, items = editor.outline, editor._items
    if group.parent is not None:
        parent = items[group.parent]
        owner = outline.place(group.parent)
        group.depth = parent.depth + 1
        fields, block_end = editor._item_fields(group.parent)
        if "children" in fields and parent.children:
            last = parent.children[-1]
            group.column = outline.columns[parent.children[0]]
            return _after(editor, group, last)
        group.column, name = owner.column + 2, "children"
    else:
        section = next(s for s in editor._sections if s.name == group.section)
        owner = outline.sections[group.section]
        if section.keys:
            last = next(k for k in reversed(section.keys) if items[k].parent is None)
            group.column = outline.columns[section.keys[0]]
            return _after(editor, group, last)
        # the section's own fields are scanned only here: that is the whole section
        fields, block_end = block_fields(editor.buffer.lines, owner.line, owner.column)
        group.column, name, group.section_anchor = owner.column + 4, "items", True
    group.anchor = (owner.line, owner.column)
    head = [f"{' ' * owner.column}{name}:\n"]
    if name in fields:  # `items: []`, `children:` with nothing under it
        first, end = fields[name]
        group.run, group.opening = (first, end), (first, end, head)
        group.point = group.start = first + 1
    else:
        group.run, group.opening = (block_end, None), (block_end, block_end, head)
        group.point, group.start = block_end, block_end + 1
    return group


def _after(editor: Editor, group: _Group, last: str) -> _Group:
    """The group goes after `last`'s block and all its descendants'."""
    group.point = group.start = editor._item_fields(_last_descendant(editor, last))[1]
    group.anchor = (editor.outline.lines[last], editor.outline.columns[last])
    group.run = (group.point, None)
    return group


def _last_descendant(editor: Editor, key: str) -> str:
    item = editor._items[key]
    while item.children:
        item = editor._items[item.children[-1]]
    return item.key


def _put(editor: Editor, group: _Group) -> None:
    """Write the group's items at its point (edits below it are done, none above it is)."""
    editor._inserted(*group.anchor, *group.run, section=group.section_anchor)
    if group.opening is not None:
        editor._replace(*group.opening)
    at = group.start
    for new in group.news:
        at = _insert_item(editor, at, group, new)
    if group.parent is not None:
        parent = editor._items[group.parent]
        children = (*parent.children, *(new.fields["key"] for new in group.news))
        editor._items[group.parent] = parent._replace(children=children)


def _insert_item(editor: Editor, at: int, group: _Group, new: NewItem) -> int:
    """Write the item (and any `children` it carries, nested) at line `at`; return the line after."""
    lines, placed = item_lines(new.fields, group.column)
    editor._replace(at, at, lines)
    for fields, offset, item_column, level in placed:
        key = fields["key"]
        if key in editor._items:
            editor._inserts = None  # a clash the full parse reports
        editor._order.append(key)
        editor._items[key] = Item(
            key=key,
            title=fields["title"],
            section=new.section,
            parent=new.parent if level == 0 else fields["_parent"],
            depth=group.depth + level,
            children=tuple(child["key"] for child in fields.get("children") or ()),
        )
        editor.outline.put(key, Place(at + offset, item_column))
        editor.starts_at(at + offset)
        group.keys.append(key)
    return at + len(lines)


def add_section(editor: Editor, name: str, notes: Sequence[str] = ()) -> None:
    """Append a section (with an empty item list) at the end of `sections:`."""
    editor.structural = True
    buffer, sections, known = editor.buffer, editor.outline.sections, editor._sections
    if buffer.is_blank:
        editor.keep_original()
        buffer.lines = ["sections:\n"]
        editor.changed = True
    column = sections[known[0].name].column if known else 4
    lines = ["\n", f"{' ' * (column - 2)}- name: {yaml_scalar(name)}\n"]
    if notes:
        lines += field_lines(" " * column, " " * column, "notes", list(notes))
    lines.append(f"{' ' * column}items: []\n")
    if any(s.name.casefold() == name.casefold() for s in known):
        editor._inserts = None  # a clash the full parse reports
    if known:
        last = sections[known[-1].name]
        end = block_fields(buffer.lines, last.line, last.column)[1]
        editor._inserted(last.line, last.column, end, section=True)
    else:
        editor._inserts = None
        top = top_level_field(buffer.lines, "sections")
        if top is None:
            editor._replace(len(buffer), len(buffer), ["\n", "sections:\n"])
            top = len(buffer) - 1
        elif buffer[top].split(":", 1)[1].strip() not in ("", "[]", "null", "~"):
            raise CatalogueError(f"{editor.label}:{top + 1}: cannot add a section to `sections:` there")
        else:
            editor.keep_original()
            buffer.lines[top] = "sections:\n"
        end = top + 1
        lines = lines[1:]
    editor._replace(end, end, lines)
    known.append(Section(name, tuple(notes), ()))
    sections[name] = Place(end + (1 if len(known) > 1 else 0), column)
    editor.starts_at(sections[name].line)
