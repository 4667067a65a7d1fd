"""papers.yaml as text: surgical edits that keep every byte the user wrote, and new files.

papers never re-serialises an existing catalogue. `Editor` finds an item's lines from the position
the parser recorded (its first line and column), tells its fields apart by indentation, and
rewrites, inserts or removes only the lines of the fields that change: comments (even on the same
line), blank lines, quoting and key order everywhere else stay as they were. Only a catalogue that
does not exist yet is written whole (`render_catalogue`), in the layout of the shipped papers.yaml.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from papers.errors import CatalogueError
from papers.model.catalogue import FIELD_ORDER, Catalogue, Change, Item, NewItem, Section
from papers.store.parse import ISO_DATE, LIST_FIELDS, parse_catalogue
from papers.store.paths import display_path

_CHECKED_FIELDS = (
    "key", "title", "group", "status", "done_on", "arxiv", "year", "authors", "url", "links", "note",
    "listed_as", "remark", "children",
)  # fmt: skip

_STATUS_LINE = re.compile(r"^[ -]*status[ ]*:", re.MULTILINE)
_TODO_LINE = re.compile(r"^[ -]*status[ ]*:[ ]*[\"']?todo\b", re.MULTILINE)


def _spells_out_todo(text: str, catalogue: Catalogue) -> bool:
    """Whether this file writes `status: todo` or leaves todo (the default) unsaid.

    undo follows the file's own convention, so that `done X` then `undo X` gives the file back
    byte for byte: most todo items spelling it out means undo writes `status: todo`; most leaving
    it out means undo removes the line. With no todo item left, a file that gives every item a
    status counts as spelling it out.
    """
    todo_items = sum(item.status == "todo" for item in catalogue.items)
    if todo_items:
        return 2 * len(_TODO_LINE.findall(text)) >= todo_items
    return len(_STATUS_LINE.findall(text)) >= len(catalogue.items) > 0


# A `name:` that starts a mapping field; what follows the colon is a space, a line end (LF or CRLF)
# or nothing.
_FIELD_START = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)*)(?P<name>[A-Za-z_][\w-]*)[ ]*:(?=[ \t\r\n]|$)")
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9(\[][^\n]*")
_YAML_SPECIAL_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"])


def yaml_scalar(value: Any) -> str:
    """One YAML scalar, plain when that reads back unchanged, double-quoted otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    plain_ok = (
        _PLAIN_SAFE.fullmatch(text) is not None
        and text == text.strip()
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and not text.startswith("[")
        and text.lower() not in _YAML_SPECIAL_WORDS
        and not any(c in text for c in "{}[]\"'`|>\t&*!%@,")
        and not _looks_numeric(text)
    )
    if plain_ok or ISO_DATE.fullmatch(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace("_", ""))
    except ValueError:
        return (
            text.lower() in (".inf", "-.inf", ".nan")
            or re.fullmatch(r"[-+]?0[xob][0-9a-f_]+", text, re.I) is not None
        )
    return True


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


class Editor:
    """Surgical edits to the catalogue's text, keeping every untouched byte."""

    def __init__(
        self, path: Path, text: str, catalogue: Catalogue, todo_memory: Mapping[str, bool] | None = None
    ) -> None:
        self.path = path
        self.label = display_path(path)
        self.lines = text.splitlines(keepends=True)
        self.newline = "\r\n" if self.lines and self.lines[0].endswith("\r\n") else "\n"
        self._base = catalogue
        self._snapshot: Catalogue | None = catalogue
        self._order = [item.key for item in catalogue.items]  # items added in this session come last
        self._items = {item.key: item for item in catalogue.items}
        self._sections = list(catalogue.sections)
        self.changed = False
        self.structural = False
        self._deferred: list[int] | None = None  # lines added by the current item of a bottom-up batch
        self._explicit_todo = _spells_out_todo(text, catalogue)
        # key -> whether its todo was unsaid before papers changed it (see storage.TodoMemory).
        self.todo_memory = dict(todo_memory or {})

    @property
    def text(self) -> str:
        return "".join(self.lines)

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue as edited so far (rebuilt only when asked for after a change)."""
        if self._snapshot is None:
            self._snapshot = Catalogue(
                self._base.title,
                self._base.notes,
                tuple(self._sections),
                tuple(self._items[key] for key in self._order),
            )
        return self._snapshot

    # -- field edits --

    def apply(self, changes: Sequence[Change]) -> None:
        """Set fields on many items, bottom of the file first.

        Editing from the bottom up means no edit moves a line still to be edited, so items are
        renumbered once at the end instead of after each inserted line (which made a 1,000-item
        fetch spend seconds renumbering). An item's edits stay inside its own fields, between its
        first line and its first child or next sibling, so each moves exactly the items that start
        below its first line, by the item's net count of added lines.
        """
        self._deferred = []
        shifts: list[tuple[int, int]] = []
        try:
            for change in sorted(changes, key=lambda c: self._items[c.key].line, reverse=True):
                self._deferred.clear()
                self.set_fields(change.key, change.fields)
                shifts.append((self._items[change.key].line + 1, sum(self._deferred)))
        finally:
            self._deferred = None
            self._shift_all(shifts)

    def _shift_all(self, shifts: list[tuple[int, int]]) -> None:
        """Move every item and section at or below each (line, delta) of a bottom-up batch."""
        if not shifts:
            return
        shifts.sort()
        ends = [end for end, _ in shifts]
        totals = list(itertools.accumulate(delta for _, delta in shifts))

        def moved(line: int) -> int:
            index = bisect.bisect_right(ends, line)
            return line + (totals[index - 1] if index else 0)

        self._items = {key: item._replace(line=moved(item.line)) for key, item in self._items.items()}
        self._sections = [s._replace(line=moved(s.line)) for s in self._sections]

    def set_fields(self, key: str, fields: Mapping[str, Any]) -> None:
        """Set (or, with None, remove) fields of one item, touching only their lines."""
        item = self._items[key]
        if item.flow:
            raise CatalogueError(
                f"{self.label}:{item.line + 1}: '{key}' is written in flow style {{...}}, which papers cannot edit "
                "line by line. Rewrite it with one field per line"
            )
        for name, value in fields.items():
            self._set_field(item, name, value)
        updates = {n: (tuple(v) if n in LIST_FIELDS else v) for n, v in fields.items() if n in Item._fields}
        for name in LIST_FIELDS & updates.keys():
            if updates[name] is None:
                updates[name] = ()
        self._items[key] = self._items[key]._replace(**updates)  # type: ignore[arg-type]  # checked by name above
        self._snapshot = None
        self._verify(key)

    def check_reparsed(self, parsed: Catalogue) -> None:
        """After items were added: every item that was there must read back exactly as before (or
        as edited), and every added item must sit in its section under its parent. The parse then
        becomes the editor's catalogue."""
        for key, expected in self._items.items():
            found = parsed.get(key)
            old = key in self._base.keys
            fields = (*_CHECKED_FIELDS[:-1], "section", "parent") if old else ("section", "parent")
            if found is None or any(getattr(found, n) != getattr(expected, n) for n in fields):
                raise CatalogueError(
                    f"{self.label}:{expected.line + 1}: papers could not add to this layout safely "
                    f"(it would change '{key}'), so nothing was written. Add the item by hand"
                )
        self._snapshot = parsed

    def _verify(self, key: str) -> None:
        """Re-read the edited item's own lines and check they say exactly what the model says.

        A second line of defence: if a layout ever fooled the field finder, this refuses the edit
        (nothing is written) instead of letting a neighbouring field be lost.
        """
        item = self._items[key]
        end = self._item_fields(item)[1]
        cut = max(item.column - 2, 0)
        block = [line[min(cut, _indent_of(line)) :] for line in self.lines[item.line : end]]
        text = "sections:\n- name: check\n  items:\n" + "".join("  " + line for line in block)
        if not text.endswith("\n"):
            text += "\n"
        try:
            found = parse_catalogue(text, f"the edit of {key}").get(key)
        except CatalogueError:
            found = None
        same = found is not None and all(
            getattr(found, name) == getattr(item, name) for name in _CHECKED_FIELDS
        )
        if not same:
            raise CatalogueError(
                f"{self.label}:{item.line + 1}: papers could not edit '{key}' safely in this layout, so "
                "nothing was written. Edit it by hand, or write it with one field per line"
            )

    def _item_fields(self, item: Item) -> tuple[dict[str, tuple[int, int]], int]:
        """The item's own fields as name -> (first line, end line), and the block's end line."""
        start, column = item.line, item.column
        if not self.lines[start][column:].lstrip():
            raise CatalogueError(
                f"{self.label}:{start + 1}: cannot find item '{item.key}'. Run the command again"
            )
        fields: dict[str, tuple[int, int]] = {}
        current: str | None = None
        last_content = start
        i = start
        while i < len(self.lines):
            line = self.lines[i]
            if i > start and _is_content(line):
                indent = _indent_of(line)
                if indent < column:
                    break
                # At the item's own indentation a `- ` line is an entry of a list that YAML lets
                # sit level with its key ("links:" then "- url"), not a new field.
                if indent == column and not line.lstrip(" ").startswith("-"):
                    match = _FIELD_START.match(line)
                    if match:
                        if current is not None:
                            fields[current] = (fields[current][0], last_content + 1)
                        current = match["name"]
                        fields[current] = (i, i + 1)
                last_content = i
            elif i == start:
                match = _FIELD_START.match(line)
                current = match["name"] if match else None
                if current:
                    fields[current] = (i, i + 1)
            i += 1
        if current is not None:
            fields[current] = (fields[current][0], last_content + 1)
        return fields, last_content + 1

    def _set_field(self, item: Item, name: str, value: Any) -> None:
        item = self._items[item.key]
        fields, block_end = self._item_fields(item)
        if name == "status" and value == "todo" and "status" in fields:
            unsaid = self.todo_memory.pop(item.key, not self._explicit_todo)
            if unsaid and "#" not in self.lines[fields["status"][0]]:
                value = None
        elif name == "status" and value not in (None, "todo") and item.status == "todo":
            self.todo_memory[item.key] = "status" not in fields
        indent = " " * item.column
        if name in fields:
            first, end = fields[name]
            if value is None:
                if first == item.line:
                    raise CatalogueError(
                        f"{self.label}:{first + 1}: cannot remove the first field of '{item.key}'"
                    )
                self._replace(first, end, [])
                return
            if end - first == 1 and name not in LIST_FIELDS:
                self._replace(first, end, [self._rewrite_scalar_line(self.lines[first], value)])
                return
            lead = self.lines[first][: len(self.lines[first]) - len(self.lines[first].lstrip(" -"))]
            self._replace(first, end, self._field_lines(lead, indent, name, value))
            return
        if value is None:
            return
        position = FIELD_ORDER.index(name) if name in FIELD_ORDER else len(FIELD_ORDER)
        before = [f for f in fields if f in FIELD_ORDER and FIELD_ORDER.index(f) < position]
        if before:
            insert_at = max(fields[f][1] for f in before)
        else:
            insert_at = min(block_end, min((f[1] for f in fields.values()), default=block_end))
        self._replace(insert_at, insert_at, self._field_lines(indent, indent, name, value))

    def _field_lines(self, lead: str, indent: str, name: str, value: Any) -> list[str]:
        return _field_lines(lead, indent, name, value, self.newline)

    def _rewrite_scalar_line(self, line: str, value: Any) -> str:
        """Replace the value on a `name: value  # comment` line, keeping the rest of the line."""
        match = _FIELD_START.match(line)
        assert match is not None
        body = line[match.end() :]
        ending = body[len(body.rstrip("\r\n")) :]
        body = body[: len(body) - len(ending)]
        stripped = body.lstrip(" ")
        value_end = _scalar_end(stripped)
        rest = stripped[value_end:]
        return f"{line[: match.end()]} {yaml_scalar(value)}{rest}{ending}"

    def _replace(self, first: int, end: int, new_lines: list[str]) -> None:
        # A file that ends without a newline keeps ending without one, whatever is added or removed
        # at its end, so an edit and its undo give back the same bytes.
        unterminated = end == len(self.lines) > 0 and not self.lines[-1].endswith(("\n", "\r"))
        if first > 0 and not self.lines[first - 1].endswith(("\n", "\r")):
            self.lines[first - 1] += self.newline
        if unterminated and new_lines:
            new_lines = [*new_lines[:-1], new_lines[-1].rstrip("\r\n")]
        elif unterminated and first > 0:
            self.lines[first - 1] = self.lines[first - 1].rstrip("\r\n")
        self.lines[first:end] = new_lines
        delta = len(new_lines) - (end - first)
        self.changed = True
        self._snapshot = None
        if delta and self._deferred is not None:
            self._deferred.append(delta)
        elif delta:
            for key, other in self._items.items():
                if other.line >= end:
                    self._items[key] = other._replace(line=other.line + delta)
            self._sections = [s._replace(line=s.line + delta) if s.line >= end else s for s in self._sections]

    # -- structural edits --

    def add_item(self, new: NewItem) -> None:
        """Append an item to its section (created if new) or under its parent."""
        self.structural = True
        if new.new_section or not any(s.name == new.section for s in self._sections):
            self.add_section(new.section)
        if new.parent is not None:
            parent = self._items[new.parent]
            fields, block_end = self._item_fields(parent)
            child_column = parent.column + 2
            if "children" in fields and parent.children:
                last = self._items[self._last_descendant(parent.key)]
                insert_at = self._item_fields(last)[1]
                child_column = self._items[parent.children[0]].column
            elif "children" in fields:
                first, end = fields["children"]
                self._replace(first, end, [f"{' ' * parent.column}children:{self.newline}"])
                insert_at = first + 1
            else:
                self._replace(block_end, block_end, [f"{' ' * parent.column}children:{self.newline}"])
                insert_at = block_end + 1
            added = self._insert_item(insert_at, child_column, new, parent.depth + 1)
            self._items[new.parent] = self._items[new.parent]._replace(
                children=(*parent.children, new.fields["key"])
            )
            index = next(i for i, s in enumerate(self._sections) if s.name == new.section)
            self._sections[index] = self._sections[index]._replace(keys=(*self._sections[index].keys, *added))
            return
        section = next(s for s in self._sections if s.name == new.section)
        fields, block_end = self._block_fields(section.line, section.column)
        item_column = section.column + 4
        if section.keys:
            last_top = next(k for k in reversed(section.keys) if self._items[k].parent is None)
            insert_at = self._item_fields(self._items[self._last_descendant(last_top)])[1]
            item_column = self._items[section.keys[0]].column
        elif "items" in fields:
            first, end = fields["items"]
            self._replace(first, end, [f"{' ' * section.column}items:{self.newline}"])
            insert_at = first + 1
        else:
            self._replace(block_end, block_end, [f"{' ' * section.column}items:{self.newline}"])
            insert_at = block_end + 1
        added = self._insert_item(insert_at, item_column, new, 0)
        index = self._sections.index(section)
        self._sections[index] = self._sections[index]._replace(keys=(*section.keys, *added))

    def _last_descendant(self, key: str) -> str:
        item = self._items[key]
        while item.children:
            item = self._items[item.children[-1]]
        return item.key

    def _insert_item(self, at: int, column: int, new: NewItem, depth: int) -> list[str]:
        """Write the item (and any `children` it carries, nested) at line `at`; return the new keys."""
        lines, placed = _item_lines(new.fields, column, self.newline)
        self._replace(at, at, lines)
        for fields, offset, item_column, level in placed:
            key = fields["key"]
            self._order.append(key)
            self._items[key] = Item(
                key=key,
                title=fields["title"],
                section=new.section,
                parent=new.parent if level == 0 else fields["_parent"],
                depth=depth + level,
                children=tuple(child["key"] for child in fields.get("children") or ()),
                line=at + offset,
                column=item_column,
            )
        return [fields["key"] for fields, *_ in placed]

    def _block_fields(self, line: int, column: int) -> tuple[dict[str, tuple[int, int]], int]:
        probe = Item(key="", title="", section="", parent=None, depth=0, line=line, column=column)
        return self._item_fields(probe)

    def add_section(self, name: str, notes: Sequence[str] = ()) -> None:
        """Append a section (with an empty item list) at the end of `sections:`."""
        self.structural = True
        nl = self.newline
        if not any(_is_content(line) for line in self.lines):
            self.lines = [f"sections:{nl}"]
            self.changed = True
        column = self._sections[0].column if self._sections else 4
        lines = [f"{nl}", f"{' ' * (column - 2)}- name: {yaml_scalar(name)}{nl}"]
        if notes:
            lines += self._field_lines(" " * column, " " * column, "notes", list(notes))
        lines.append(f"{' ' * column}items: []{nl}")
        if self._sections:
            last = self._sections[-1]
            end = self._block_fields(last.line, last.column)[1]
        else:
            top = _top_level_field(self.lines, "sections")
            if top is None:
                self._replace(len(self.lines), len(self.lines), [f"{nl}", f"sections:{nl}"])
                top = len(self.lines) - 1
            elif self.lines[top].split(":", 1)[1].strip() not in ("", "[]", "null", "~"):
                raise CatalogueError(f"{self.label}:{top + 1}: cannot add a section to `sections:` there")
            else:
                self.lines[top] = f"sections:{nl}"
            end = top + 1
            lines = lines[1:]
        self._replace(end, end, lines)
        self._sections.append(Section(name, tuple(notes), (), end + (1 if self._sections else 0), column))

    # -- the list's title and notes --

    @property
    def is_empty(self) -> bool:
        """True for a catalogue that does not exist yet (or holds nothing but comments)."""
        return not any(_is_content(line) for line in self.lines)

    def write_new(self, catalogue: Mapping[str, Any]) -> None:
        """Fill a catalogue that does not exist yet with `render_catalogue(catalogue)`.

        The only whole-file write there is: a file with content is only ever edited line by line.
        """
        if not self.is_empty:
            raise CatalogueError(f"{self.label} already has content. Papers only edits it line by line")
        self.lines = render_catalogue(catalogue).splitlines(keepends=True)
        self.newline = "\n"
        self.changed = self.structural = True

    def set_title(self, title: str) -> None:
        """Set the list's top-level `title:`, in place if the line exists, else above the first field."""
        self.structural = True
        at = _top_level_field(self.lines, "title")
        if at is not None:
            self._replace(at, at + 1, [self._rewrite_scalar_line(self.lines[at], title)])
            return
        first = _first_top_level_field(self.lines)
        at = len(self.lines) if first is None else first
        self._replace(at, at, [f"title: {yaml_scalar(title)}{self.newline}"])

    def add_notes(self, notes: Sequence[str], section: str | None = None) -> None:
        """Append lines to the `notes:` of the whole list, or of a section; create the list if needed."""
        if not notes:
            return
        self.structural = True
        if section is None:
            top = _first_top_level_field(self.lines)
            if top is None:
                raise CatalogueError(f"{self.label}: no `sections:` list. Add one (see docs/schema.md)")
            fields, block_end = self._block_fields(top, 0)
            self._extend_list(fields, block_end, 0, "notes", notes, before="sections")
        else:
            found = next(s for s in self._sections if s.name == section)
            fields, block_end = self._block_fields(found.line, found.column)
            self._extend_list(fields, block_end, found.column, "notes", notes, before="items")

    def _extend_list(
        self,
        fields: dict[str, tuple[int, int]],
        block_end: int,
        column: int,
        name: str,
        values: Sequence[str],
        *,
        before: str,
    ) -> None:
        nl = self.newline
        indent = " " * (column + 2)
        if name not in fields:
            at = fields[before][0] if before in fields else block_end
            if at == min(f[0] for f in fields.values()):
                at = block_end  # never above the line that opens the mapping (`- name: ...`)
            self._replace(at, at, _field_lines(" " * column, " " * column, name, list(values), nl))
            return
        first, end = fields[name]
        line = self.lines[first]
        match = _FIELD_START.match(line)
        assert match is not None
        rest = line[match.end() :].strip()
        value = rest[: _scalar_end(rest)]
        if value in ("[]", "~", "null"):
            head = line[: match.end()] + nl
            self._replace(first, end, [head, *(f"{indent}- {yaml_scalar(v)}{nl}" for v in values)])
            return
        if value:
            raise CatalogueError(
                f"{self.label}:{first + 1}: `{name}` is written on one line, which papers cannot add to. "
                "Write it as a list with one `- entry` per line"
            )
        entries = [text for text in self.lines[first + 1 : end] if text.lstrip(" ").startswith("-")]
        if entries:
            indent = entries[0][: len(entries[0]) - len(entries[0].lstrip(" "))]
        self._replace(end, end, [f"{indent}- {yaml_scalar(v)}{nl}" for v in values])


# --- a brand-new catalogue -----------------------------------------------------------------------

_NEW_FILE_HEADER = (
    "# papers.yaml: the reading list that `papers` tracks. Plain YAML, meant to be edited by hand:\n"
    "# papers edits only the lines of the items it changes, so your comments and layout survive.\n"
    "# Field order and meanings: docs/schema.md. Keys are what you type: `papers done KEY`.\n"
)


def render_catalogue(catalogue: Mapping[str, Any]) -> str:
    """YAML text for a whole new catalogue, in the layout of the shipped papers.yaml.

    `catalogue` is shaped like the file (see `checklist`): title, notes, sections with nested items.
    Only for a file that does not exist yet: an existing catalogue is never re-serialised. The
    editor that writes it marks the edit structural, so `storage.editing` parses it before writing.
    """
    lines = [_NEW_FILE_HEADER, "\n"]
    title = " ".join(str(catalogue.get("title") or "").split())
    if title:
        lines.append(f"title: {yaml_scalar(title)}\n")
    notes = [str(note) for note in catalogue.get("notes") or () if str(note).strip()]
    if notes:
        lines += _field_lines("", "", "notes", notes, "\n")
    if title or notes:
        lines.append("\n")
    sections = list(catalogue.get("sections") or ())
    lines.append("sections:\n" if sections else "sections: []\n")
    for index, section in enumerate(sections):
        if index:
            lines.append("\n")
        lines.append(f"  - name: {yaml_scalar(section['name'])}\n")
        section_notes = [str(note) for note in section.get("notes") or () if str(note).strip()]
        if section_notes:
            lines += _field_lines("    ", "    ", "notes", section_notes, "\n")
        items = list(section.get("items") or ())
        lines.append("    items:\n" if items else "    items: []\n")
        for item in items:
            lines += _item_lines(_with_status(item), 8, "\n")[0]
    return "".join(lines)


def _with_status(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item and its descendants, each with an explicit `status` (todo unless given)."""
    return {
        **item,
        "status": item.get("status") or "todo",
        "children": [_with_status(child) for child in item.get("children") or ()],
    }


def _field_lines(lead: str, indent: str, name: str, value: Any, nl: str) -> list[str]:
    if name in LIST_FIELDS or isinstance(value, (list, tuple)):
        values = list(value)
        if not values:
            return [f"{lead}{name}: []{nl}"]
        return [f"{lead}{name}:{nl}"] + [f"{indent}  - {yaml_scalar(v)}{nl}" for v in values]
    return [f"{lead}{name}: {yaml_scalar(value)}{nl}"]


def _field_rank(name: str) -> int:
    return FIELD_ORDER.index(name) if name in FIELD_ORDER else len(FIELD_ORDER)


def _item_lines(
    item: Mapping[str, Any], column: int, nl: str
) -> tuple[list[str], list[tuple[dict[str, Any], int, int, int]]]:
    """An item's lines, its children nested under `children:`, with the fields in FIELD_ORDER.

    Also returns, for the item and each descendant, (fields with `_parent`, line offset, column, level).
    Empty fields are left out; `status` is written whenever the item has one.
    """
    out: list[str] = []
    placed: list[tuple[dict[str, Any], int, int, int]] = []

    def emit(fields: dict[str, Any], column: int, level: int) -> None:
        placed.append((fields, len(out), column, level))
        indent = " " * column
        names = sorted(
            (
                n
                for n, v in fields.items()
                if n not in ("children", "_parent") and v not in (None, "", [], (), False)
            ),
            key=_field_rank,
        )
        for i, name in enumerate(names):
            lead = " " * (column - 2) + "- " if i == 0 else indent
            out.extend(_field_lines(lead, indent, name, fields[name], nl))
        children = list(fields.get("children") or ())
        if children:
            out.append(f"{indent}children:{nl}")
            for child in children:
                emit({**child, "_parent": fields["key"]}, column + 4, level + 1)

    emit(dict(item), column, 0)
    return out, placed


def _first_top_level_field(lines: Sequence[str]) -> int | None:
    for i, line in enumerate(lines):
        match = _FIELD_START.match(line)
        if match and not match["lead"]:
            return i
    return None


def _top_level_field(lines: Sequence[str], name: str) -> int | None:
    for i, line in enumerate(lines):
        match = _FIELD_START.match(line)
        if match and not match["lead"] and match["name"] == name:
            return i
    return None


def _scalar_end(text: str) -> int:
    """Where the scalar at the start of `text` ends (before spaces and any `# comment`)."""
    if text.startswith('"'):
        i = 1
        while i < len(text):
            if text[i] == "\\":
                i += 2
                continue
            if text[i] == '"':
                return i + 1
            i += 1
        return len(text)
    if text.startswith("'"):
        i = 1
        while i < len(text):
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    i += 2
                    continue
                return i + 1
            i += 1
        return len(text)
    comment = re.search(r"[ \t]#", text)
    end = comment.start() if comment else len(text)
    return len(text[:end].rstrip())
