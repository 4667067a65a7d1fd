"""Structural edits of whole sections: add, move, rename and remove them, cutting and pasting lines.

A section's *unit* is its block (`- name: ...` and everything indented under it) with the comments
attached to it: above it, the comment lines indented no deeper than its `- ` since the previous
section's unit (or `sections:`), which head it, blank lines among them included; below it, the
comment lines indented deeper than its `- `, which close it. Both depend only on the section's
own lines, wherever it is, so comments at the end of the file, indented no deeper than a `- `, are
no section's and stay there. Blank lines between units are *separators*, which leave and come
back with a unit as for items (`structure`): so a section moved and moved back gives the same bytes.

Units are cut and pasted whole at unit boundaries, where only blank and comment lines sit between
one section's block and the next `- `, so every other section reads as before and the order of
`sections:` is the order of the units. `finish()` then parses only the sections whose lines
changed (a moved, added or renamed section, one that received items) and checks the order of
every section's first line; the rest of the file is not parsed again.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

from papers.errors import CatalogueError
from papers.model.catalogue import Catalogue
from papers.store.parse import Place, parse
from papers.store.yamledit.buffer import indent_of
from papers.store.yamledit.emit import rewrite_scalar_line, yaml_scalar
from papers.store.yamledit.outline import FIELD_START, block_fields, top_level_field
from papers.store.yamledit.structure import (
    _DASH_LEAD,
    Reshaper,
    _blank,
    _comment,
    _terminated,
    with_separator,
)


class _Unit(NamedTuple):
    body: list[str]
    sep: list[str]
    head: tuple[int, int]  # the section's own line (from the body's first) and column
    places: dict[str, tuple[int, int]]  # each item's first line (from the body's first) and column
    flow: set[str]


class SectionReshaper(Reshaper):
    """A `Reshaper` that also adds, moves, renames and removes whole sections."""

    # -- finding units --

    def _section_dash(self, name: str) -> int:
        """The column of the section's `- `; refuses a layout papers cannot cut and paste."""
        place = self.editor.outline.sections[name]
        line = self.lines[place.line]
        match = _DASH_LEAD.fullmatch(line[: place.column])
        if match is None or line[place.column :].startswith("{"):
            raise CatalogueError(
                f"{self.label}:{place.line + 1}: papers cannot move section '{name}' in this layout (it "
                "needs `- ` and its first field on one line, one field per line). Rewrite it that way"
            )
        return len(match[1])

    def _section_lead(self, name: str) -> int:
        """The first line of the section's unit: the first of the comment lines above its `- `
        (blank lines among them), since the line above them that is not one, else its own."""
        lines, dash = self.lines, self._section_dash(name)
        head = self.editor.outline.sections[name].line
        top = head
        while top > 0 and (
            _blank(lines[top - 1]) or (_comment(lines[top - 1]) and indent_of(lines[top - 1]) <= dash)
        ):
            top -= 1
        return next((at for at in range(top, head) if not _blank(lines[at])), head)

    def _section_end(self, name: str) -> int:
        """The line after the section's unit: its block and the comment lines below it indented
        deeper than its `- ` (blank lines among them, not after them: those are a separator)."""
        lines, dash = self.lines, self._section_dash(name)
        place = self.editor.outline.sections[name]
        block_end = block_fields(lines, place.line, place.column)[1]
        stop = block_end
        while stop < len(lines) and (
            _blank(lines[stop]) or (_comment(lines[stop]) and indent_of(lines[stop]) > dash)
        ):
            stop += 1
        while stop > block_end and _blank(lines[stop - 1]):
            stop -= 1
        return stop

    def _separator(self) -> list[str]:
        """The blank lines this file puts between two sections (one blank line if it shows none)."""
        sections = self.tree.sections
        if len(sections) < 2:
            return ["\n"]
        between = self.lines[self._section_end(sections[0]) : self._section_lead(sections[1])]
        return _terminated([line for line in between if _blank(line)])

    # -- cutting and pasting --

    def _cut_section(self, name: str) -> _Unit:
        """Take the section's unit (and one separator) out of the text and its places out of the outline."""
        lines, outline, tree = self.lines, self.editor.outline, self.tree
        index = tree.sections.index(name)
        lead, end = self._section_lead(name), self._section_end(name)
        first, last, sep = with_separator(lines, lead, end, before=index > 0 or len(tree.sections) == 1)
        place = outline.sections.pop(name)
        keys = [key for top in tree.tops[name] for key in tree.subtree(top)]
        places = {key: (outline.lines[key] - lead, outline.columns[key]) for key in keys}
        flow = {key for key in keys if key in outline.flow}
        for key in keys:
            del outline.lines[key], outline.columns[key]
            outline.flow.discard(key)
        unit = _Unit(
            _terminated(lines[lead:end]), _terminated(sep), (place.line - lead, place.column), places, flow
        )
        self._replace(first, last, [])
        return unit

    def _paste_section(self, name: str, unit: _Unit, index: int) -> None:
        """Put a unit back at `index` of the sections (the tree already lists it there)."""
        outline, sections = self.editor.outline, self.tree.sections
        del sections[index]  # where the others' units are is worked out without it
        try:
            if index == 0:
                at, sep_first = self._section_lead(sections[0]), False
            else:
                at, sep_first = self._section_end(sections[index - 1]), True
        finally:
            sections.insert(index, name)
        self._replace(at, at, [*unit.sep, *unit.body] if sep_first else [*unit.body, *unit.sep])
        body_at = at + len(unit.sep) if sep_first else at
        outline.sections[name] = Place(body_at + unit.head[0], unit.head[1])
        for key, (offset, column) in unit.places.items():
            outline.lines[key], outline.columns[key] = body_at + offset, column
        outline.flow |= unit.flow
        # Lines now start below where any started before: later edits must move them too.
        self.editor._bottom = len(self.lines)
        self.touched.add(name)
        self.whole.add(name)

    # -- the operations --

    def add_section(self, name: str, index: int) -> None:
        """A new section with no items at `index` of the sections, laid out like the first one."""
        tree = self.tree
        first = tree.sections[0]
        dash, column = self._section_dash(first), self.editor.outline.sections[first].column
        gap = column - dash - 1
        body = [f"{' ' * dash}-{' ' * gap}name: {yaml_scalar(name)}\n", f"{' ' * column}items: []\n"]
        unit = _Unit(body, self._separator(), (0, column), {}, set())
        tree.add_section(name, index)
        self._paste_section(name, unit, index)

    def move_section(self, name: str, index: int) -> None:
        """Move the section's unit to `index` of the sections (counted without it)."""
        tree = self.tree
        if tree.sections.index(name) == index:
            return
        unit = self._cut_section(name)
        tree.move_section(name, index)
        self._paste_section(name, unit, index)

    def rename_section(self, old: str, new: str) -> None:
        """Rewrite the section's `name:` value on its line, keeping the rest of the line."""
        outline = self.editor.outline
        place = outline.sections[old]
        self._section_dash(old)
        fields = block_fields(self.lines, place.line, place.column)[0]
        first, end = fields.get("name", (place.line, place.line))
        if end - first != 1:
            raise CatalogueError(
                f"{self.label}:{first + 1}: papers cannot rewrite a section `name` written over several lines"
            )
        if old != new:
            self._replace(first, end, [rewrite_scalar_line(self.lines[first], new)])
        outline.sections = {new if n == old else n: p for n, p in outline.sections.items()}
        self.tree.rename_section(old, new)
        self.touched.add(new)
        self.whole.add(new)

    def remove_section(self, name: str) -> None:
        """Remove an empty section's unit; `sections:` left with none becomes `sections: []`."""
        self._cut_section(name)
        self.tree.drop_section(name)
        if not self.tree.sections:
            at = top_level_field(self.lines, "sections")
            line = self.lines[at] if at is not None else ""
            match = FIELD_START.match(line)
            if at is not None and match is not None and not line[match.end() :].strip():
                self._replace(at, at + 1, [line[: match.end()] + " []" + line[len(line.rstrip("\r\n")) :]])

    # -- the check --

    def finish(self) -> Catalogue:
        """Check the order of the sections' first lines, then every changed section (`Reshaper`)."""
        outline, tree = self.editor.outline, self.tree
        starts = [outline.sections[name].line for name in tree.sections]
        if any(a >= b for a, b in itertools.pairwise(starts)) or set(outline.sections) != set(tree.sections):
            raise CatalogueError(
                f"{self.label}: papers could not reorder the sections safely in this layout, so nothing "
                "was written. Edit it by hand"
            )
        outline.sections = {name: outline.sections[name] for name in tree.sections}
        if not tree.sections and not self.unchanged():
            found = parse(self.editor.buffer.text.encode("utf-8"), self.label).catalogue
            if found.sections or found.items:
                raise CatalogueError(
                    f"{self.label}: papers could not remove the last section safely, so nothing was written"
                )
        return super().finish()
