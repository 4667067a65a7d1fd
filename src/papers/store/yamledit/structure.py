"""Structural edits: remove, move and rename items, cutting and pasting their lines.

An item's *unit* is its lines with the comments attached to it: its block (children included)
and every comment below it up to the next item of its list (the last of a list: the comments
below it indented at least as deep as its `- `); the first of a list also has the comment lines
right above it. Blank lines
between units are *separators*: a unit leaves with the separator above it (or, first of its list,
the one below), and comes back with it, so `mv X --section A` then moving X back to where it was
gives the same bytes. A unit moved to another depth is re-indented as a whole.

Every step changes the `model.reshape.Tree` too; at the end, in each section whose text changed,
the top-level items around the changes (with one unchanged neighbour on each side) are parsed on
their own and must read back exactly as the tree says, items, order, nesting and lines; what that
window cannot prove (an unusual layout, a section's own lines changed) is proved by parsing the
whole section at its own line numbers. The rest of the file is never touched, so it needs no
parse: a move in a 10,000-item file costs a parse of a few items, not of two sections or the file.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from papers.errors import CatalogueError
from papers.model.catalogue import Catalogue
from papers.model.reshape import Tree
from papers.store.parse import Outline, parse
from papers.store.yamledit.buffer import indent_of, is_content, same_text
from papers.store.yamledit.editor import Editor
from papers.store.yamledit.emit import rewrite_scalar_line
from papers.store.yamledit.outline import FIELD_START, block_fields

_DASH_LEAD = re.compile(r"( *)-( +)")


def _blank(line: str) -> bool:
    return not line.strip()


def with_separator(lines: list[str], lead: int, end: int, *, before: bool) -> tuple[int, int, list[str]]:
    """The unit `lines[lead:end]` taken with one separator, the blank lines before it (`before`: it
    is not the first of its list, or the only one) or else after it: (first, last, the separator)."""
    first, last = lead, end
    if before:
        while first > 0 and _blank(lines[first - 1]):
            first -= 1
        return first, last, lines[first:lead]
    while last < len(lines) and _blank(lines[last]):
        last += 1
    return first, last, lines[end:last]


def _comment(line: str) -> bool:
    return line.lstrip().startswith("#")


class _Chunk(NamedTuple):
    body: list[str]
    sep: list[str]
    column: int
    places: dict[str, tuple[int, int]]  # each item's first line (from the body's first) and column


class _Left(NamedTuple):
    """What a unit taken out (Reshaper._take) leaves: its lines [first, last) and the list it was in."""

    first: int
    last: int
    section: str
    parent: str | None


class Reshaper:
    """Cuts and pastes items in an Editor's text, keeping its `Tree` in step; `finish()` checks."""

    def __init__(self, editor: Editor) -> None:
        self.editor = editor
        self.label = editor.label
        self.original = editor.lines_now()  # not a 10 MB join at 50,000 items, nor a copy if unchanged
        self.tree = Tree(editor.catalogue)
        self.touched: set[str] = set()
        # Per section, the top-level items whose lines (or whose neighbours' lines) changed; a section
        # in `whole` changed elsewhere too (its own lines) and is read back whole.
        self.marked: dict[str, set[str]] = {}
        self.whole: set[str] = set()

    @property
    def lines(self) -> list[str]:
        return self.editor.buffer.lines

    # -- finding units --

    def _dash(self, key: str) -> int:
        """The column of the item's `- `; refuses what papers cannot cut and paste."""
        place = self.editor.outline.place(key)
        match = _DASH_LEAD.fullmatch(self.lines[place.line][: place.column])
        if place.flow or match is None:
            raise CatalogueError(
                f"{self.label}:{place.line + 1}: papers cannot move '{key}' in this layout (it needs "
                "`- ` and its first field on one line, one field per line). Rewrite it that way"
            )
        return len(match[1])

    def _lead(self, key: str) -> int:
        """The first line of the item's unit: its own, or, first of its list, the comment lines
        right above it (any comment below an item is that item's)."""
        lines, dash = self.lines, self._dash(key)
        at = self.editor.outline.lines[key]
        if self.tree.siblings(key)[0] == key:
            while at > 0 and _comment(lines[at - 1]) and indent_of(lines[at - 1]) <= dash:
                at -= 1
        return at

    def _end(self, key: str) -> int:
        """The line after the item's unit: up to the next item of its list, or, last of its list,
        over the comment lines below it indented at least as deep as its `- `; blank lines at the
        end are not the unit's but a separator."""
        lines, dash = self.lines, self._dash(key)
        place = self.editor.outline.place(key)
        block_end = block_fields(lines, place.line, place.column)[1]
        siblings = self.tree.siblings(key)
        index = siblings.index(key)
        if index + 1 < len(siblings):
            stop = self.editor.outline.lines[siblings[index + 1]]
        else:
            stop = block_end
            while stop < len(lines) and (
                _blank(lines[stop]) or (_comment(lines[stop]) and indent_of(lines[stop]) >= dash)
            ):
                stop += 1
        while stop > block_end and _blank(lines[stop - 1]):
            stop -= 1
        return stop

    def mark(self, section: str, key: str) -> None:
        """The top-level item of `section` that holds `key` has new lines."""
        chain = [key, *self.tree.ancestors(key)]
        self.marked.setdefault(section, set()).add(chain[-1])

    # -- cutting and pasting --

    def _replace(self, first: int, end: int, new: list[str]) -> None:
        self.editor._replace(first, end, new)

    def _cut(self, key: str) -> _Chunk:
        """Take the item's unit (and one separator) out of the text."""
        chunk, left = self._take(key)
        self._drop(left)
        return chunk

    def _take(self, key: str) -> tuple[_Chunk, _Left]:
        """The item's unit (and one separator) as a chunk, and what it leaves (see _Left): the item
        and its descendants are out of the outline and of their list; the text is as it was."""
        lines, outline, tree = self.lines, self.editor.outline, self.tree
        siblings = tree.siblings(key)
        index = siblings.index(key)
        lead, end = self._lead(key), self._end(key)
        first, last, sep = with_separator(lines, lead, end, before=index > 0 or len(siblings) == 1)
        keys = list(tree.subtree(key))
        places = {k: (outline.lines[k] - lead, outline.columns[k]) for k in keys}
        chunk = _Chunk(_terminated(lines[lead:end]), _terminated(sep), outline.columns[key], places)
        for k in keys:
            del outline.lines[k], outline.columns[k]
            outline.flow.discard(k)
        section, parent = tree.section_of[key], tree.parent[key]
        if parent is None:  # what is read back: the items it was between
            for neighbour in siblings[max(index - 1, 0) : index + 2]:
                if neighbour != key:
                    self.mark(section, neighbour)
        else:
            self.mark(section, parent)
        tree.detach(key)
        self.touched.add(section)
        return chunk, _Left(first, last, section, parent)

    def _drop(self, left: _Left) -> None:
        """Remove the lines a taken unit left (see _take), and close the list it leaves empty."""
        section, parent = left.section, left.parent
        self._replace(left.first, left.last, [])
        if not self.tree.entries(section, parent):
            if parent is None:
                self.whole.add(section)  # its `items:` line changes
            self._close_list(section, parent)

    def _close_list(self, section: str, parent: str | None) -> None:
        """A list left empty: `children:` goes, `items:` becomes `items: []` (bare lines only)."""
        place = self.editor.outline.sections[section] if parent is None else self.editor.outline.place(parent)
        fields = block_fields(self.lines, place.line, place.column)[0]
        name = "children" if parent is not None else "items"
        if name not in fields:
            return
        first = fields[name][0]
        line = self.lines[first]
        match = FIELD_START.match(line)
        if match is None or line[match.end() :].strip():
            return
        self._replace(
            first, first + 1, [] if parent is not None else [line[: match.end()] + " []" + _ending(line)]
        )

    def _open_list(self, section: str, parent: str | None) -> tuple[int, int]:
        """Make the empty list of `parent` (or of the section) ready for entries: the line they
        go on, and the column of their first field."""
        outline = self.editor.outline
        place = outline.sections[section] if parent is None else outline.place(parent)
        fields, block_end = block_fields(self.lines, place.line, place.column)
        name = "children" if parent is not None else "items"
        head = f"{' ' * place.column}{name}:\n"
        column = place.column + self._nesting(parent is not None)
        if name in fields:
            first, end = fields[name]
            value = self.lines[first][FIELD_START.match(self.lines[first]).end() :].strip()  # type: ignore[union-attr]
            if value not in ("", "[]", "~", "null"):
                raise CatalogueError(
                    f"{self.label}:{first + 1}: papers cannot add to `{name}` written like that"
                )
            self._replace(first, first + 1, [head.rstrip("\n") + _ending(self.lines[first])])
            return end, column
        self._replace(block_end, block_end, [head])
        return block_end + 1, column

    def _nesting(self, under_item: bool) -> int:
        """How much deeper than its owner this file puts an item (4 when it shows no example)."""
        outline, tree = self.editor.outline, self.tree
        for key, parent in tree.parent.entries():
            if key not in outline.columns:
                continue
            if under_item and parent is not None and parent in outline.columns:
                return outline.columns[key] - outline.columns[parent]
            if not under_item and parent is None:
                return outline.columns[key] - outline.sections[tree.section_of[key]].column
        return 4

    def _paste(
        self,
        key: str,
        chunk: _Chunk,
        section: str,
        parent: str | None,
        index: int,
        placed: dict[str, int] | None = None,
    ) -> None:
        """Put the unit at `index` of the list; with `placed` (a batch of shifts is open, see
        Editor.batched_shifts), the moved items' lines go there instead of into the outline."""
        outline, tree = self.editor.outline, self.tree
        entries = tree.entries(section, parent)
        if not entries:
            if parent is None:
                self.whole.add(section)  # its `items:` line changes
            at, column = self._open_list(section, parent)
            sep_first = True
        elif index == 0:
            at, column, sep_first = self._lead(entries[0]), outline.columns[entries[0]], False
        else:
            at, column, sep_first = self._end(entries[index - 1]), outline.columns[entries[index - 1]], True
        delta = column - chunk.column
        body = [_reindent(line, delta) for line in chunk.body] if delta else chunk.body
        self._replace(at, at, [*chunk.sep, *body] if sep_first else [*body, *chunk.sep])
        body_at = at + len(chunk.sep) if sep_first else at
        lines = outline.lines if placed is None else placed
        for k, (offset, old_column) in chunk.places.items():
            lines[k], outline.columns[k] = body_at + offset, old_column + delta
        if placed is None:  # else the batch does it, with the lines they have after it
            for offset, _ in chunk.places.values():
                self.editor.starts_at(body_at + offset)
        tree.attach(key, section, parent, index)
        self.mark(section, key)
        self.touched.add(section)

    # -- the operations --

    def remove(self, key: str) -> list[str]:
        """Remove the item and its descendants; return their keys."""
        self._cut(key)
        return self.tree.drop(key)

    def lift_children(self, key: str) -> list[str]:
        """Move the item's children into its place, before it, in their order; return them."""
        children = list(self.tree.kids[key])
        section, parent = self.tree.section_of[key], self.tree.parent[key]
        for child in children:
            self.move(child, section, parent, self.tree.siblings(key).index(key))
        return children

    def move(self, key: str, section: str, parent: str | None, index: int) -> None:
        """Move the item (with its children and comments) to `index` of a list."""
        into, source = self.tree.entries(section, parent), self.tree.section_of[key]
        # Into a list with entries in another section, the edits make a bottom-up run (the list
        # opened for an empty one would be a line above the paste), whose shifts are made once, at
        # the end: a section above is pasted into after the cut, one below before the cut's lines
        # go. Each step reads the outline only at and above its own lines, or in the other section,
        # where the lines are still as they were.
        if into and self._wholly_above(section, source):
            with self.editor.batched_shifts() as placed:
                chunk = self._cut(key)
                self._paste(key, chunk, section, parent, index, placed)
        elif into and self._wholly_above(source, section):
            with self.editor.batched_shifts() as placed:
                chunk, left = self._take(key)
                self._paste(key, chunk, section, parent, index, placed)
                self._drop(left)
        else:
            chunk = self._cut(key)
            self._paste(key, chunk, section, parent, index)

    def _wholly_above(self, section: str, other: str) -> bool:
        """Whether section `section` comes before section `other`, in the tree and in the file."""
        names, places = self.tree.sections, self.editor.outline.sections
        if section == other or section not in places or other not in places:
            return False
        return names.index(section) < names.index(other) and places[section].line < places[other].line

    def rename(self, old: str, new: str, note: str | None = None) -> None:
        """Give an item another key, and with `note` another `note:` value, on the lines they are on."""
        outline = self.editor.outline
        place = outline.place(old)
        fields = block_fields(self.lines, place.line, place.column)[0]
        changes = {"key": new} if note is None else {"key": new, "note": note}
        for name, value in changes.items():
            first, end = fields[name]
            if end - first != 1:
                raise CatalogueError(
                    f"{self.label}:{first + 1}: papers cannot rewrite `{name}` written over several lines"
                )
            self._replace(first, end, [rewrite_scalar_line(self.lines[first], value)])
        for table in (outline.lines, outline.columns):
            table[new] = table.pop(old)
        memory = self.editor.todo_memory
        if old in memory:
            memory[new] = memory.pop(old)
        self.tree.rename(old, new, self.tree.items[old].note if note is None else note)
        self.touched.add(self.tree.section_of[new])
        self.mark(self.tree.section_of[new], new)

    # -- the check --

    def unchanged(self) -> bool:
        """Whether the text is what it was."""
        return same_text(self.editor.buffer.lines, self.original)

    def finish(self) -> Catalogue:
        """Check every changed section against the tree and hand the result to the editor."""
        editor = self.editor
        catalogue = self.tree.catalogue(self.touched)
        if self.unchanged():
            editor.changed = False
            return catalogue
        outline = editor.outline
        checked: Outline | None = None  # a copy to correct, made only if a section is parsed whole
        names = self.tree.sections
        for name in self.touched & set(names):
            if name not in self.whole and self._window_reads_back(name, catalogue):
                continue
            if checked is None:
                checked = outline.copy()
            place = outline.sections[name]
            index = names.index(name)
            # The next section's first line ends this one's text (what lies between is blank lines and
            # comments): no need to scan its lines for where its block ends.
            following = outline.sections.get(names[index + 1]) if index + 1 < len(names) else None
            if following is not None and following.line > place.line:
                end = following.line
            else:
                end = block_fields(self.lines, place.line, place.column)[1]
            text = "sections:\n" + "\n" * (place.line - 1) + "".join(self.lines[place.line : end])
            expected = catalogue.section(name)
            assert expected is not None
            try:
                parsed = parse(text if text.endswith("\n") else text + "\n", self.label)
                found = parsed.catalogue
                same = found.sections == (expected,) and found.items == tuple(
                    catalogue[k] for k in expected.keys
                )
            except CatalogueError:
                same = False
            if not same:
                raise CatalogueError(
                    f"{self.label}:{place.line + 1}: papers could not change section '{name}' safely in this "
                    "layout, so nothing was written. Edit it by hand"
                )
            checked.lines.update(parsed.outline.lines)
            checked.columns.update(parsed.outline.columns)
            checked.flow.update(parsed.outline.flow)
            checked.sections[name] = parsed.outline.sections[name]
        editor.adopt(catalogue, outline if checked is None else checked)
        return catalogue

    def _window_reads_back(self, name: str, catalogue: Catalogue) -> bool:
        """Whether the section's changed top-level items, with one unchanged neighbour on each side,
        read back in isolation exactly as the tree says, where the outline says they are.

        The window starts at a `- ` of the section's top-level list and ends right before the next
        one (or, last of the list, before a line indented less than its items), so the unchanged
        items before and after it read as before: in block context an item ends where the next
        `- ` of its list starts. A section parsed whole costs its every item (500 of the 10,000
        of bench/startup.py's file, twice for a move); the window costs a few. False: unproved
        (an unusual layout), and the section is read back whole instead."""
        lines, outline, tops = self.lines, self.editor.outline, self.tree.tops[name]
        index = {key: i for i, key in enumerate(tops)}
        marked = [index[key] for key in self.marked.get(name, ()) if key in index]
        if not marked:
            return False
        lo, hi = max(min(marked) - 1, 0), min(max(marked) + 1, len(tops) - 1)
        first = tops[lo]
        start, column = outline.lines[first], outline.columns[first]
        lead = _DASH_LEAD.fullmatch(lines[start][:column])
        if lead is None or first in outline.flow:
            return False
        dash = len(lead[1])
        if hi + 1 < len(tops):
            end = outline.lines[tops[hi + 1]]
            following = _DASH_LEAD.fullmatch(lines[end][: outline.columns[tops[hi + 1]]])
            if following is None or len(following[1]) != dash:
                return False
        else:
            end = self._end(tops[hi])
            after = next((line for line in lines[end:] if is_content(line)), None)
            if after is not None and (
                indent_of(after) >= column or (indent_of(after) == dash and after.lstrip().startswith("-"))
            ):
                return False
        cut = column - 2
        text = _WINDOW + "".join("  " + line[min(cut, indent_of(line)) :] for line in lines[start:end])
        try:
            parsed = parse(text if text.endswith("\n") else text + "\n", self.label)
        except CatalogueError:
            return False
        expected = tuple(
            catalogue[key]._replace(section="check")
            for top in tops[lo : hi + 1]
            for key in self.tree.subtree(top)
        )
        if parsed.catalogue.items != expected:
            return False
        offset = start - _WINDOW.count("\n")
        return all(
            outline.lines[key] == line + offset
            and outline.columns[key] == parsed.outline.columns[key] + cut - 2
            for key, line in parsed.outline.lines.items()
        )


_WINDOW = "sections:\n- name: check\n  items:\n"


def _reindent(line: str, delta: int) -> str:
    if _blank(line):
        return line
    if delta > 0:
        return " " * delta + line
    return line[min(-delta, indent_of(line)) :]


def _terminated(lines: list[str]) -> list[str]:
    """The lines, the last one ended too (the file's last line may have no newline)."""
    return [line if line.endswith(("\n", "\r")) else line + "\n" for line in lines]


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]
