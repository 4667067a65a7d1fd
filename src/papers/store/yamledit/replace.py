"""One item's own lines as a YAML text of their own, and that text spliced back in their place.

The use case behind `papers edit`. An item's *own lines* are its block without its `children:`
field: from its `- ` line to its last field, comments between its fields included, the children's
lines (and any blank lines right above `children:`) left out. `item_text` gives them dedented to
column 0, a mapping a user edits as a file of its own; `check_text` reads such a text by the parser's
own rules (every error naming its line in that text); `replace_text` puts a checked text in place
of the own lines, re-indented to the item's column under its `- `. The children's lines do not
change (fields written below `children:` come back above it), and nothing outside the item does:
the item's top-level entry, with a neighbour on each side, is parsed on its own afterwards
(`structure.Reshaper.finish`; the whole section when that window proves nothing) and must read
back as the edited item and every other item exactly as before.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from papers.errors import CatalogueError, InvalidEditError
from papers.model.catalogue import Item
from papers.store.parse import parse
from papers.store.yamledit.buffer import indent_of, is_content
from papers.store.yamledit.editor import Editor
from papers.store.yamledit.outline import FieldLines, block_fields
from papers.store.yamledit.structure import Reshaper

_DASH_LEAD = re.compile(r" *-( +)")
# What the check wraps a text in: the text's line N is the wrapper's line N + _WRAPPER_LINES.
_WRAPPER = "sections:\n- name: check\n  items:\n"
_WRAPPER_LINES = 3
_LABEL = "edit"
_WHERE = re.compile(rf"^{_LABEL}:(\d+): ")
_POSITION = re.compile(r'\s+in "<[a-z ]+>", position (\d+)')
_FIRST_AT = re.compile(r"\(first at line (\d+)\)")


class _Own(NamedTuple):
    """Where an item's own lines are: [start, end) before its children (or to its block's end) and
    [after, block_end) below them; `tail` blank lines end [start, end) and are not shown."""

    start: int
    end: int
    after: int
    block_end: int
    tail: int
    column: int
    lead: str


class ItemText(NamedTuple):
    """An item's own lines as a text (a YAML mapping at column 0) and the names of its fields."""

    key: str
    text: str
    fields: tuple[str, ...]


class Checked(NamedTuple):
    """A text read as an item (no section, parent or children), and the line (1-based, in the text)
    each of its fields starts on."""

    item: Item
    lines: dict[str, int]


def _own(editor: Editor, key: str) -> _Own:
    place = editor.outline.place(key)
    lines = editor.buffer.lines
    lead = lines[place.line][: place.column]
    if place.flow or _DASH_LEAD.fullmatch(lead) is None:
        raise CatalogueError(
            f"{editor.label}:{place.line + 1}: papers cannot edit '{key}' in this layout (it needs `- ` "
            "and its first field on one line, one field per line). Edit it by hand"
        )
    fields, block_end = block_fields(lines, place.line, place.column)
    end, after = fields.get("children", (block_end, block_end))
    tail = 0
    while end - tail > place.line + 1 and not lines[end - tail - 1].strip():
        tail += 1
    return _Own(place.line, end, after, block_end, tail, place.column, lead)


def _shown(line: str, column: int) -> str:
    """A line of the block as the text shows it: `column` spaces fewer (a comment less indented
    than the fields loses what it has)."""
    return line[min(column, indent_of(line)) :] if line.strip() else "\n"


def item_text(editor: Editor, key: str) -> ItemText:
    """The item's own lines, dedented to column 0 (its `- ` dropped), as a text ending in a newline."""
    own = _own(editor, key)
    lines = editor.buffer.lines
    block = [*lines[own.start : own.end - own.tail], *lines[own.after : own.block_end]]
    shown = [block[0][own.column :], *(_shown(line, own.column) for line in block[1:])]
    text = "".join(line.rstrip("\r\n") + "\n" for line in shown)
    fields = block_fields(lines, own.start, own.column)[0]
    return ItemText(key, text, tuple(fields))


def normalised(text: str) -> str:
    """The text as an item's own lines: LF line endings, the comment and blank lines above its first
    field dropped (they are not the item's: `papers edit` writes its instructions there) and the
    blank lines below its last line, ending in one newline. Empty if it holds no field at all."""
    lines = text.replace("\r\n", "\n").split("\n")
    first = next((i for i, line in enumerate(lines) if is_content(line)), None)
    if first is None:
        return ""
    last = max(i for i, line in enumerate(lines) if line.strip())
    return "\n".join(lines[first : last + 1]) + "\n"


def _wrapped(text: str, lead: str, indent: str) -> list[str]:
    """The text's lines as an item at `indent`: the first under `lead` (its `- `), the rest indented."""
    out: list[str] = []
    for i, line in enumerate(text.splitlines(keepends=True)):
        if i == 0:
            out.append(lead + line)
        elif line.strip():
            out.append(indent + line)
        else:
            out.append("\n")
    return out


def check_text(text: str) -> Checked:
    """Read a normalised text as one item by the parser's rules; InvalidEditError names the line (in
    the text) and the problem, as the parser words it."""
    body = _wrapped(text, "  - ", "    ")
    wrapped = _WRAPPER + "".join(body)
    try:
        parsed = parse(wrapped, _LABEL)
    except CatalogueError as err:
        raise _in_text(str(err), wrapped) from None
    item = parsed.catalogue.items[0]
    line, column = parsed.outline.lines[item.key], parsed.outline.columns[item.key]
    if item.key in parsed.outline.flow:
        raise InvalidEditError(
            "the item is written in flow style {...}. Write one `field: value` per line", 1
        )
    fields: FieldLines = block_fields([*_WRAPPER.splitlines(keepends=True), *body], line, column)[0]
    return Checked(item, {name: first + 1 - _WRAPPER_LINES for name, (first, _) in fields.items()})


def _in_text(message: str, wrapped: str) -> InvalidEditError:
    """A parser's message about the wrapped text, its line numbers made the text's own (PyYAML's
    reader names a character's position in the wrapped text instead, on a line of its own: that
    becomes the line in the text)."""
    where = _WHERE.match(message)
    line = max(1, int(where[1]) - _WRAPPER_LINES) if where else None
    rest = message[where.end() :] if where else message.removeprefix(f"{_LABEL}: ")
    if (position := _POSITION.search(rest)) is not None:
        line = line or max(1, wrapped.count("\n", 0, int(position[1])) + 1 - _WRAPPER_LINES)
        rest = rest[: position.start()] + rest[position.end() :]
    rest = _FIRST_AT.sub(lambda m: f"(first at line {int(m[1]) - _WRAPPER_LINES})", rest)
    return InvalidEditError(rest, line)


def replace_text(editor: Editor, key: str, text: str, item: Item) -> None:
    """Put `text` (normalised, checked: it reads as `item`'s own fields) in place of the item's own
    lines; its children's lines and everything outside the item stay as they are. The lines around
    it are read back before the editor takes the result (CatalogueError if they do not say `item`)."""
    own = _own(editor, key)
    lines = editor.buffer.lines
    # A comment that was less indented than the fields (and so shown shifted) goes back as it was.
    indent = " " * own.column
    kept = {
        indent + _shown(line, own.column): line
        for line in [*lines[own.start + 1 : own.end], *lines[own.after : own.block_end]]
        if line.strip() and indent_of(line) < own.column
    }
    new = [kept.get(line, line) for line in _wrapped(text, own.lead, indent)]
    reshaper = Reshaper(editor)
    tree = reshaper.tree
    old = tree.items[key]
    tree.items[key] = item._replace(
        key=key, section=old.section, parent=old.parent, depth=old.depth, children=old.children
    )
    reshaper.touched.add(old.section)
    # Only this item's top-level entry has new lines: its window is read back, not the whole
    # section (2,500 items at 50,000, parsed on every edit: most of `papers edit`'s time).
    reshaper.mark(old.section, key)
    if own.after < own.block_end:  # fields below `children:` come back above it: bottom first
        editor._replace(own.after, own.block_end, [])
    editor._replace(own.start, own.end - own.tail, new)
    reshaper.finish()
