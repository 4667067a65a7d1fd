"""After a hand edit (or a `git pull` that changed a few items), parse only what changed.

The parse cache keeps the text it parsed. When the file's bytes differ, the changed lines are what
lies between the longest common run of first lines and of last lines. If they sit inside the
top-level items of one section, `reparse` re-reads only a window: from the first line of the
top-level item the change starts in, to the first content line after the change that is indented
at most to that item's `- `. The window is parsed on its own (as `yamledit.inserts` proves an
insertion) and its items replace the old ones the window held; everything after moves by the
change in line count.

It is the full parse's result because: every line outside the window is a line of the old text,
which parsed; the window starts at a block-sequence entry and every content line in it is inside
that sequence's entries, so the parser is in the same state at its start and its end as in the old
text, and the line after it closes the same blocks; the window holds no anchor (`&`), so nothing
outside can refer into it; and its keys must be new to the rest of the file. Anything else (a
change in a section's own lines, the title, across sections; a window that does not parse) returns
None, and the caller parses the whole file, which also names any error.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from operator import attrgetter

from papers.errors import CatalogueError
from papers.model.catalogue import Catalogue, Item
from papers.store.parse import Outline, Parsed, Place, parse

_WRAP = "sections:\n- name: check\n  items:\n"
_KEY = attrgetter("key")
_WRAP_LINES = 3
_OTHER_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


_BLOCK = 1024
"""Lines compared at once by `changed_lines`: a slice comparison runs in C, a line at a time does
not (a loop over the 250,000 lines before a change at 50,000 items was 83 ms of a revert)."""


def changed_lines(old: Sequence[str], new: Sequence[str]) -> tuple[int, int]:
    """(p, s): the first p lines and the last s lines are the same in both (p + s fits in each)."""
    limit = min(len(old), len(new))
    p = 0
    while p < limit:
        n = min(_BLOCK, limit - p)
        if old[p : p + n] != new[p : p + n]:
            break
        p += n
    while p < limit and old[p] == new[p]:  # within the first block that differs
        p += 1
    s, old_end, new_end = 0, len(old), len(new)
    while s < limit - p:
        n = min(_BLOCK, limit - p - s)
        if old[old_end - s - n : old_end - s] != new[new_end - s - n : new_end - s]:
            break
        s += n
    while s < limit - p and old[-1 - s] == new[-1 - s]:
        s += 1
    return p, s


def reparse(old_text: str, old: Parsed, new_text: str, label: str) -> Parsed | None:
    """The parse of `new_text` from the parse of `old_text` and a window around the change, or None."""
    if any(mark in text for text in (old_text, new_text) for mark in _OTHER_BREAKS):
        return None  # str.splitlines would count lines YAML does not
    old_lines = old_text.splitlines(keepends=True)
    new_lines = new_text.splitlines(keepends=True)
    p, s = changed_lines(old_lines, new_lines)
    delta = len(new_lines) - len(old_lines)
    catalogue, outline = old
    items = catalogue.items
    line_of = outline.lines
    # Every item's first line, in file order (increasing), looked up in C.
    item_lines = list(map(line_of.__getitem__, map(_KEY, items)))
    first_index = _top_at_or_before(items, bisect.bisect_right(item_lines, p) - 1)
    if first_index < 0:
        return None
    top_line = item_lines[first_index]
    if (
        top_line == p
        and p < len(new_lines)
        and not _starts_entry(new_lines[p], _cut(outline, items[first_index]))
        and (before := _top_at_or_before(items, first_index - 1)) >= 0
    ):
        # The change starts right where this entry starts, but is not an entry: it is the tail of
        # the entry before (a revert of an rm of an only child puts back `children:` and the child).
        first_index = before
        top_line = item_lines[first_index]
    top = items[first_index]
    cut = _cut(outline, top)
    section_lines = sorted(place.line for place in outline.sections.values())
    if cut < 0 or any(top_line < line <= p for line in section_lines):
        return None  # the change starts in a section's own lines
    end = _entry_end(new_lines, max(len(new_lines) - s, top_line + 1), cut)
    if end - delta == top_line and end < len(new_lines) and _starts_entry(new_lines[end], cut):
        # Entries inserted before an entry (a revert of an rm): the old window would be empty, so
        # the entry after them joins the window in both texts, and the proof below holds as ever.
        end = _entry_end(new_lines, end + 1, cut)
    old_end = end - delta
    window = new_lines[top_line:end]
    if any(top_line < line < old_end for line in section_lines):
        return None
    if any("&" in line for line in window) or any("&" in line for line in old_lines[top_line:old_end]):
        return None  # an anchor in the window could be referred to from outside it
    read = _read(window, cut, label)
    last_index = bisect.bisect_left(item_lines, old_end)
    gone = items[first_index:last_index]
    # The old window must have been whole too (no quote or flow list of it ran on past its end):
    # read alone, it gives exactly the items the full parse read from it.
    was = _read(old_lines[top_line:old_end], cut, label)
    if read is None or was is None or not gone:
        return None
    if tuple(item._replace(section=top.section) for item in was.catalogue.items) != gone:
        return None
    gone_keys = {item.key for item in gone}
    found = [item._replace(section=top.section) for item in read.catalogue.items]
    if any(item.key in catalogue.keys and item.key not in gone_keys for item in found):
        return None
    new_outline = _moved(outline, gone_keys, list(map(_KEY, items[last_index:])), old_end, delta)
    for item in found:
        new_outline.lines[item.key] = read.outline.lines[item.key] - _WRAP_LINES + top_line
        new_outline.columns[item.key] = read.outline.columns[item.key] - 2 + cut
        if item.key in read.outline.flow:
            new_outline.flow.add(item.key)
    sections = []
    for section in catalogue.sections:
        if section.name == top.section:
            keys = list(section.keys)
            start = keys.index(gone[0].key)
            section = section._replace(
                keys=(*keys[:start], *(i.key for i in found), *keys[start + len(gone) :])
            )
        sections.append(section)
    new_items: tuple[Item, ...] = (*items[:first_index], *found, *items[last_index:])
    return Parsed(Catalogue(catalogue.title, catalogue.notes, tuple(sections), new_items), new_outline)


def _top_at_or_before(items: Sequence[Item], index: int) -> int:
    """The index of the last top-level item at or before `index` (-1: none)."""
    while index >= 0 and items[index].depth != 0:
        index -= 1
    return index


def _cut(outline: Outline, item: Item) -> int:
    """The column of a top-level item's `- `."""
    return outline.columns[item.key] - 2


def _entry_end(lines: Sequence[str], end: int, cut: int) -> int:
    """The first line from `end` on that is content indented at most `cut`: where the entries end."""
    while end < len(lines) and not (_is_content(lines[end]) and _indent(lines[end]) <= cut):
        end += 1
    return end


def _starts_entry(line: str, cut: int) -> bool:
    return _indent(line) == cut and line[cut : cut + 2] == "- "


def _read(window: Sequence[str], cut: int, label: str) -> Parsed | None:
    """The window parsed alone (its top-level items under no parent, in a section called check)."""
    if not _block_entries(window, cut):
        return None
    try:
        return parse(_WRAP + "".join("  " + line[min(cut, _indent(line)) :] for line in window), label)
    except CatalogueError:
        return None


def _block_entries(window: Sequence[str], cut: int) -> bool:
    """The window starts with a `- ` entry at `cut`, and every content line in it is one, or deeper."""
    if not window or window[0][cut : cut + 2] != "- " or window[0][:cut].strip(" "):
        return False
    for line in window:
        if not _is_content(line):
            continue
        indent = _indent(line)
        if indent < cut or (indent == cut and not line[cut:].startswith("- ")):
            return False
    return True


def _moved(outline: Outline, gone: set[str], after: Sequence[str], old_end: int, delta: int) -> Outline:
    """The outline without the `gone` items, the items `after` the window (from old_end on) moved
    by `delta` lines: copied and updated in C, not rebuilt item by item."""
    lines, columns = dict(outline.lines), dict(outline.columns)
    for key in gone:
        del lines[key], columns[key]
    if delta:
        lines.update(zip(after, map(delta.__add__, map(lines.__getitem__, after)), strict=True))
    sections = {
        name: place if place.line < old_end else Place(place.line + delta, place.column, place.flow)
        for name, place in outline.sections.items()
    }
    return Outline(lines, columns, outline.flow - gone, sections)
