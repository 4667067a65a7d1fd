"""Proving that lines the editor inserted read back as meant, by re-reading only them and their anchor.

After `add` or `import` the editor used to parse the whole new file to prove that every item that
was there reads back unchanged: 73% of an `add` at 10,000 items, and the quadratic half of an
`import` (issue 13). Insertions are local, so their proof can be too. The editor records each run
of inserted lines (`Insert`) with its anchor: the sibling its lines follow (the last item of the
section, the parent's last child, the last section), or the parent itself when it had no
children. `verify` then re-reads, in isolation, the window from the anchor's first line to the
next content line after the insertion, and checks:

- the anchor is a block-sequence entry (`- ` right before its column), so the window sits in block
  context, where what a line means depends only on the lines above it at lesser indentation;
- the window parses and holds exactly the anchor's subtree and the inserted items, each reading
  back exactly as the editor's model says (every field of an old item; where a new item sits, its
  parent, depth and line), so nothing of the anchor moved into the new lines or out of them;
- the first content line after the window is indented less than the anchor's own mapping (it
  belongs to an outer block, or is the anchor's next `- ` sibling), or the file ends.

Lines outside the windows are the bytes that were there. After each window the parser is where it
was after the anchor's subtree before (inside the same block sequence, an entry just finished), and
the next line, indented at most to that sequence, closes the same blocks as before: so everything
after reads back as before, and everything before is untouched. The keys and section names a
window brings must be new to the file. Whatever cannot be proved this way (an edit that is not an
insertion, a field edited in the same session, a line outside the runs that differs from the
original) falls back to parsing the whole file, as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set

from papers.errors import CatalogueError
from papers.model.catalogue import Item, Section
from papers.model.schema import FIELD_ORDER
from papers.store.parse import Outline, parse_lines
from papers.store.yamledit.buffer import indent_of, is_content

MAX_INSERTS = 64
"""More separate runs than this (one per place lines were added) and the whole file is parsed
instead: each run costs a little on every later insertion, and one parse is linear."""

CHUNK_LINES = 2000
"""About how many lines of a long run are re-read at once (see `_chunks`)."""

_ITEM_WRAP = "sections:\n- name: check\n  items:\n"
_SECTION_WRAP = "sections:\n"


class Insert:
    """A run of inserted lines [start, end) and its anchor, in the current text's line numbers.

    A plain class, not a dataclass: an edit at any size should not import dataclasses (nor inspect,
    under it), a few ms of every `done` and `mv`."""

    __slots__ = ("anchor", "column", "end", "replaced", "section", "start")

    def __init__(
        self, anchor: int, column: int, start: int, end: int, section: bool, replaced: int = 0
    ) -> None:
        self.anchor = anchor  # the anchor's first line
        self.column = column  # the anchor's mapping column
        self.start = start
        self.end = end
        self.section = section  # the anchor is a section (new sections follow it), else an item
        self.replaced = replaced  # lines of the original text the run took the place of (an `items: []`)

    def window(self, anchor: int, end: int) -> Insert:
        """The part of the run from `anchor` to `end`, anchored there."""
        return Insert(anchor, self.column, max(self.start, anchor), end, self.section, self.replaced)


class Runs:
    """The runs of lines inserted in one editing session, kept true as lines move."""

    def __init__(self) -> None:
        self.runs: list[Insert] = []

    def __bool__(self) -> bool:
        return bool(self.runs)

    def track(self, first: int, end: int, delta: int) -> bool:
        """Lines [first, end) changed by `delta`; False if that crossed a run's edge."""
        for run in self.runs:
            if first > run.end or (first == run.end and end > first):
                continue  # below the run
            if first >= run.start and end <= run.end:
                run.end += delta  # inside it, or appended to its end
            elif end <= run.start:
                run.start, run.end = run.start + delta, run.end + delta
                if run.anchor >= end:
                    run.anchor += delta
            else:
                return False
        return True

    def join(self, anchor: int, column: int, start: int, end: int | None, *, section: bool) -> bool:
        """Lines [start, end) (end None: none, an insertion at `start`) are about to be replaced
        after the anchor; False if there are too many runs to keep."""
        for run in self.runs:
            if run.start <= start <= run.end:  # it joins a run (inside it or at its end)
                if anchor < run.anchor:
                    run.anchor, run.column, run.section = anchor, column, section
                return True
        replaced = 0 if end is None else end - start
        self.runs.append(Insert(anchor, column, start, start + replaced, section, replaced))
        return len(self.runs) <= MAX_INSERTS


def outside_unchanged(original: Sequence[str], lines: Sequence[str], runs: Sequence[Insert]) -> bool:
    """Whether every line outside the runs is the line that was there (one pass, compared in C)."""
    shift = done_new = done_old = 0
    for run in sorted(runs, key=lambda r: r.start):
        old_start = run.start - shift
        if lines[done_new : run.start] != original[done_old:old_start]:
            return False
        done_new, done_old = run.end, old_start + run.replaced
        shift += run.end - run.start - run.replaced
    return lines[done_new:] == original[done_old:]


def verify(
    original: Sequence[str],
    lines: Sequence[str],
    inserts: Sequence[Insert],
    items: Mapping[str, Item],
    sections: Sequence[Section],
    outline: Outline,
    old_keys: Set[str],
) -> dict[str, Item] | None:
    """The inserted items as read back from their windows, or None if the insertions cannot be
    proved locally (then the whole file must be parsed)."""
    if not outside_unchanged(original, lines, inserts):
        return None
    by_name = {section.name: section for section in sections}
    new_keys = items.keys() - old_keys
    found: dict[str, Item] = {}
    for insert in (chunk for run in inserts for chunk in _chunks(lines, run)):
        window = _window(lines, insert)
        if window is None:
            return None
        if insert.section:
            read = _read_sections(window, insert, by_name, items, outline, new_keys)
        else:
            read = _read_items(window, insert, items, outline, new_keys)
        if read is None:
            return None
        found.update(read)
    if not new_keys <= found.keys():
        return None
    return {key: found[key] for key in new_keys}


def _chunks(lines: Sequence[str], insert: Insert) -> list[Insert]:
    """The run cut into windows of about CHUNK_LINES lines, each from an entry of the anchor's
    sequence (a `- ` at the anchor's dash column) to the next such entry: a line there closes every
    block deeper than it, so each window stands alone as the whole run does, and the parser holds
    the nodes of one window at a time (10,000 imported items were 40 MiB of nodes at once)."""
    cut = insert.column - 2
    if insert.end - insert.anchor <= CHUNK_LINES or cut < 0:
        return [insert]
    chunks, anchor = [], insert.anchor
    for at in range(max(insert.start, anchor + CHUNK_LINES), insert.end):
        line = lines[at]
        if at - anchor >= CHUNK_LINES and line[cut : cut + 2] == "- " and not line[:cut].strip(" "):
            chunks.append(insert.window(anchor, at))
            anchor = at
    chunks.append(insert.window(anchor, insert.end))
    return chunks


def _window(lines: Sequence[str], insert: Insert) -> list[str] | None:
    anchor_line = lines[insert.anchor]
    cut = insert.column - 2
    if cut < 0 or anchor_line[cut : insert.column] != "- " or anchor_line[:cut].strip(" "):
        return None
    end = insert.end
    while end < len(lines) and not is_content(lines[end]):
        end += 1
    if end < len(lines) and indent_of(lines[end]) > cut:
        return None
    block = [line[min(cut, indent_of(line)) :] for line in lines[insert.anchor : end]]
    if block and not block[-1].endswith(("\n", "\r")):
        block[-1] += "\n"
    return block


def _parse_window(text: str) -> tuple[list[Section], dict[str, Item], Outline] | None:
    try:
        catalogue, outline = parse_lines(text.splitlines(keepends=True), "the inserted lines")
    except CatalogueError:
        return None
    return list(catalogue.sections), {item.key: item for item in catalogue.items}, outline


def _same(found: Item, expected: Item, *, new: bool) -> bool:
    if new:  # the editor's model of a new item knows only where it sits; its fields are read back
        return (
            found.key == expected.key
            and found.title == expected.title
            and found.children == expected.children
        )
    return all(getattr(found, name) == getattr(expected, name) for name in FIELD_ORDER)


def _read_items(
    window: list[str], insert: Insert, items: Mapping[str, Item], outline: Outline, new_keys: set[str]
) -> dict[str, Item] | None:
    parsed = _parse_window(_ITEM_WRAP + "".join("  " + line for line in window))
    if parsed is None:
        return None
    _, found, window_outline = parsed
    anchor_key = next((k for k, line in window_outline.lines.items() if line == 3), None)
    if anchor_key is None or anchor_key not in items:
        return None
    anchor = items[anchor_key]
    # The window's top level is the anchor's level: its items sit under the anchor's parent.
    base_parent, base_depth, first = anchor.parent, anchor.depth, window_outline.lines[anchor_key]
    result: dict[str, Item] = {}
    for key, item in found.items():
        expected = items.get(key)
        if expected is None:
            return None
        parent = base_parent if item.parent is None else item.parent
        where = outline.lines.get(key, -1) - insert.anchor
        if (
            expected.section != anchor.section
            or expected.parent != parent
            or expected.depth != base_depth + item.depth
            or where != window_outline.lines[key] - first
            or not _same(item, expected, new=key in new_keys)
        ):
            return None
        result[key] = item._replace(section=expected.section, parent=parent, depth=expected.depth)
    if not _subtree(anchor_key, items) <= result.keys():
        return None
    return result


def _read_sections(
    window: list[str],
    insert: Insert,
    by_name: Mapping[str, Section],
    items: Mapping[str, Item],
    outline: Outline,
    new_keys: set[str],
) -> dict[str, Item] | None:
    parsed = _parse_window(_SECTION_WRAP + "".join(window))
    if parsed is None:
        return None
    sections, found, window_outline = parsed
    result: dict[str, Item] = {}
    for section in sections:
        expected_section = by_name.get(section.name)
        if expected_section is None or expected_section != section:
            return None
        place = outline.sections.get(section.name)
        if place is None or place.line - insert.anchor != window_outline.sections[section.name].line - 1:
            return None
    for key, item in found.items():
        expected = items.get(key)
        if expected is None or outline.lines.get(key, -1) - insert.anchor != window_outline.lines[key] - 1:
            return None
        if (expected.section, expected.parent, expected.depth) != (item.section, item.parent, item.depth):
            return None
        if not _same(item, expected, new=key in new_keys):
            return None
        result[key] = item
    wanted = {key for section in sections for key in by_name[section.name].keys}
    if wanted != result.keys():
        return None
    return result


def _subtree(key: str, items: Mapping[str, Item]) -> set[str]:
    keys, stack = set(), [key]
    while stack:
        current = stack.pop()
        keys.add(current)
        stack.extend(items[current].children)
    return keys
