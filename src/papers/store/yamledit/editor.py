"""Surgical edits to papers.yaml that keep every byte the user wrote.

papers never re-serialises an existing catalogue. The `Editor` finds an item's lines from where
the parser saw it start (`store.parse.Outline`), tells its fields apart by indentation
(`outline`), and rewrites, inserts or removes only the lines of the fields that change (`emit`
writes them, `buffer` holds the text): comments (even on the same line), blank lines, quoting and
key order everywhere else stay as they were.

It is handed what it needs (the text, the parse of it, papers' todo memory) and gives back the
edited text and catalogue. Two checks guard every write: each edited item is read back and must
say exactly what the model says, and after structural edits the new text is read back: only the
inserted lines and their anchors when that proves it (`inserts`), else the whole text.

Adding items and sections is `additions`' (the Editor's `add_item`, `add_items` and `add_section`
hand over to it): where each goes, and the batch that renumbers the items below once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from papers.errors import CatalogueError
from papers.model.catalogue import Catalogue, Change, Item, NewItem
from papers.model.schema import DEFAULTS, FIELD_ORDER, LIST_FIELDS
from papers.store.parse import Outline, Parsed, Place, parse_catalogue, parse_lines
from papers.store.yamledit import additions
from papers.store.yamledit.buffer import Buffer, indent_of
from papers.store.yamledit.emit import (
    field_lines,
    field_rank,
    list_extension,
    render_catalogue,
    rewrite_scalar_line,
    yaml_scalar,
)
from papers.store.yamledit.inserts import Runs, verify
from papers.store.yamledit.outline import (
    FieldLines,
    block_fields,
    shift,
    shift_batch,
    spells_out_todo,
    top_level_field,
)

# What an item's own lines must say after a structural edit: its children may have changed by then.
_OWN_FIELDS = tuple(name for name in FIELD_ORDER if name != "children")


class _Placements(dict[str, int]):
    """The lines of items placed while a batch of shifts is open (Editor.batched_shifts), each with
    how many of the batch's shifts came before it."""

    def __init__(self, batch: list[tuple[int, int]]) -> None:
        super().__init__()
        self.batch = batch
        self.after: dict[str, int] = {}

    def __setitem__(self, key: str, line: int) -> None:
        super().__setitem__(key, line)
        self.after[key] = len(self.batch)


class Editor:
    """Surgical edits to the catalogue's text, keeping every untouched byte."""

    def __init__(
        self,
        text: str,
        parsed: Parsed,
        todo_memory: Mapping[str, bool] | None = None,
        *,
        label: str = "papers.yaml",
        buffer: Buffer | None = None,
        original: list[str] | None = None,
    ) -> None:
        """`buffer`: the lines of `text` split already (they become the editor's to change);
        `original`: the same lines in a list of their own that nothing changes (kept, not copied)."""
        self.label = label
        self.buffer = Buffer(text) if buffer is None else buffer
        catalogue = parsed.catalogue
        self.outline = parsed.outline.copy()
        self._base = catalogue
        self._snapshot: Catalogue | None = catalogue
        self._items = catalogue.by_key()  # copied in C, not built again
        self._order = list(self._items)  # items added in this session come last
        self._sections = list(catalogue.sections)
        self.changed = False
        self.structural = False
        self._deferred: list[int] | None = None  # lines added by the current item of a bottom-up batch
        # While a bottom-up run of edits is batched (`batched_shifts`): each edit's (line, delta).
        self._batch: list[tuple[int, int]] | None = None
        # For the file's todo convention, found only if an undo needs it (None: let go, see below).
        self._text_read: str | None = text
        self._explicit_todo: bool | None = None
        # Runs of inserted lines, proved locally by `recheck` (None: an edit only a full parse can prove).
        self._inserts: Runs | None = Runs()
        # The lines as given, for `recheck` to compare with (None after `adopt`: taken again by the
        # next change). A copy of 300,000 lines is 3 to 4 ms: made only when no list is handed over.
        self._original: list[str] | None = self.buffer.lines[:] if original is None else original
        # The last line any item or section starts on: an edit below it moves nothing.
        self._bottom = max(
            max(self.outline.lines.values(), default=-1),
            max((p.line for p in self.outline.sections.values()), default=-1),
        )
        # key -> whether its todo was unsaid before papers changed it (see store.load.TodoMemory).
        self.todo_memory = dict(todo_memory or {})

    @property
    def text(self) -> str:
        return self.buffer.text

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue as edited so far (rebuilt only when asked for after a change)."""
        if self._snapshot is None:
            items = self._items
            # Items edited in place (no item added, or none out of order): the catalogue's index by
            # key is a copy of the editor's, not built again from 50,000 items.
            in_order = list(items) == self._order
            if in_order:
                ordered, by_key = tuple(items.values()), dict(items)
            else:  # indexed by the keys it was gathered by, not by reading each item's key again
                ordered = tuple(map(items.__getitem__, self._order))
                by_key = dict(zip(self._order, ordered, strict=True))
            self._snapshot = Catalogue(
                self._base.title, self._base.notes, tuple(self._sections), ordered, by_key
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
        lines = self.outline.lines
        self._deferred = []
        shifts: list[tuple[int, int]] = []
        try:
            for change in sorted(changes, key=lambda c: lines[c.key], reverse=True):
                self._deferred.clear()
                self.set_fields(change.key, change.fields)
                shifts.append((lines[change.key] + 1, sum(self._deferred)))
        finally:
            self._deferred = None
            shift_batch(self.outline, shifts)

    def set_fields(self, key: str, fields: Mapping[str, Any]) -> None:
        """Set (or, with None, remove) fields of one item, touching only their lines."""
        place = self.outline.place(key)
        if place.flow:
            raise CatalogueError(
                f"{self.label}:{place.line + 1}: '{key}' is written in flow style {{...}}, which papers cannot edit "
                "line by line. Rewrite it with one field per line"
            )
        self._inserts = None  # fields edited too: only a full parse proves the whole
        for name, value in fields.items():
            self._set_field(key, name, value)
        # A removed field reads back as its default (no `group:` line is group false).
        updates: dict[str, Any] = {
            n: DEFAULTS.get(n) if v is None else tuple(v) if n in LIST_FIELDS else v
            for n, v in fields.items()
            if n in Item._fields
        }
        self._items[key] = self._items[key]._replace(**updates)
        self._snapshot = None
        self._verify(key)

    def _verify(self, key: str) -> None:
        """Re-read the edited item's own lines and check they say exactly what the model says.

        A second line of defence: if a layout ever fooled the field finder, this refuses the edit
        (nothing is written) instead of letting a neighbouring field be lost.
        """
        item, place = self._items[key], self.outline.place(key)
        end = self._item_fields(key)[1]
        cut = max(place.column - 2, 0)
        block = [line[min(cut, indent_of(line)) :] for line in self.buffer.lines[place.line : end]]
        text = "sections:\n- name: check\n  items:\n" + "".join("  " + line for line in block)
        if not text.endswith("\n"):
            text += "\n"
        try:
            found = parse_catalogue(text, f"the edit of {key}").get(key)
        except CatalogueError:
            found = None
        if found is None or any(getattr(found, name) != getattr(item, name) for name in FIELD_ORDER):
            raise CatalogueError(
                f"{self.label}:{place.line + 1}: papers could not edit '{key}' safely in this layout, so "
                "nothing was written. Edit it by hand, or write it with one field per line"
            )

    def recheck(self) -> None:
        """After structural edits: prove the new text reads back as meant. Every item that was there
        must read back exactly as before (or as edited), and every added item must sit in its section
        under its parent.

        Insertions are proved by re-reading only their lines and their anchors (`inserts.verify`);
        anything else, or what that cannot prove, by parsing the whole text again, whose result then
        becomes the editor's catalogue and outline."""
        if self._inserts:
            read = verify(
                self.buffer.lines if self._original is None else self._original,
                self.buffer.lines,
                self._inserts.runs,
                self._items,
                self._sections,
                self.outline,
                self._base.keys,
            )
            if read is not None:
                self._items.update(read)
                line = self.outline.lines.__getitem__  # file order: an item can go above old ones
                self._order.sort(key=line)
                # Only a section that got items can be out of order: inserted lines keep the rest.
                grown = {item.section for item in read.values()}
                self._sections = [
                    s._replace(keys=tuple(sorted(s.keys, key=line))) if s.name in grown else s
                    for s in self._sections
                ]
                self._snapshot = None
                return
        parsed = parse_lines(self.buffer.lines, self.label)  # a new file's items a piece at a time
        for key, expected in self._items.items():
            found = parsed.catalogue.get(key)
            old = key in self._base.keys
            fields = (*_OWN_FIELDS, "section", "parent") if old else ("section", "parent")
            if found is None or any(getattr(found, n) != getattr(expected, n) for n in fields):
                raise CatalogueError(
                    f"{self.label}:{self.outline.lines[key] + 1}: papers could not add to this layout "
                    f"safely (it would change '{key}'), so nothing was written. Add the item by hand"
                )
        self._snapshot = parsed.catalogue
        self.outline = parsed.outline

    def _item_fields(self, key: str) -> tuple[FieldLines, int]:
        """The item's own fields as name -> (first line, end line), and the block's end line."""
        place = self.outline.place(key)
        if not self.buffer[place.line][place.column :].lstrip():
            raise CatalogueError(
                f"{self.label}:{place.line + 1}: cannot find item '{key}'. Run the command again"
            )
        return block_fields(self.buffer.lines, place.line, place.column)

    def let_go_of_read_text(self) -> None:
        """Drop the text as read (10 MB at 50,000 items), for a caller about to encode the new text
        that no longer needs it; its lines are still there for the todo convention."""
        self._text_read = None

    def _spells_out_todo(self) -> bool:
        """The convention of the text as it was read (a regex over the whole file: not for `done`)."""
        if self._explicit_todo is None:
            lines = self.buffer.lines if self._original is None else self._original
            text = "".join(lines) if self._text_read is None else self._text_read
            self._explicit_todo = spells_out_todo(text, self._base)
        return self._explicit_todo

    def _set_field(self, key: str, name: str, value: Any) -> None:
        item, place = self._items[key], self.outline.place(key)
        fields, block_end = self._item_fields(key)
        lines = self.buffer.lines
        if name == "status" and value == "todo" and "status" in fields:
            unsaid = self.todo_memory.pop(key) if key in self.todo_memory else not self._spells_out_todo()
            if unsaid and "#" not in lines[fields["status"][0]]:
                value = None
        elif name == "status" and value not in (None, "todo") and item.status == "todo":
            self.todo_memory[key] = "status" not in fields
        indent = " " * place.column
        if name in fields:
            first, end = fields[name]
            if value is None:
                if first == place.line:
                    raise CatalogueError(
                        f"{self.label}:{first + 1}: cannot remove the first field of '{key}'"
                    )
                self._replace(first, end, [])
            elif end - first == 1 and name not in LIST_FIELDS:
                self._replace(first, end, [rewrite_scalar_line(lines[first], value)])
            else:
                lead = lines[first][: len(lines[first]) - len(lines[first].lstrip(" -"))]
                self._replace(first, end, field_lines(lead, indent, name, value))
            return
        if value is None:
            return
        position = field_rank(name)
        before = [f for f in fields if f in FIELD_ORDER and FIELD_ORDER.index(f) < position]
        if before:
            insert_at = max(fields[f][1] for f in before)
        else:
            insert_at = min(block_end, min((f[1] for f in fields.values()), default=block_end))
        self._replace(insert_at, insert_at, field_lines(indent, indent, name, value))

    def starts_at(self, line: int) -> None:
        """An item or section now starts at `line` (added, or moved there): an edit above it moves
        it from now on, also when it lies below every start there was (after the file's last item)."""
        self._bottom = max(self._bottom, line)

    def keep_original(self) -> None:
        """Before the text changes: keep its lines as they are, if `adopt` let them go."""
        if self._original is None:
            self._original = self.buffer.lines[:]

    def lines_now(self) -> list[str]:
        """The text's lines as they are now, for a caller to keep and compare with later (never to
        change): while nothing has changed them, the list the editor was given, not a copy."""
        if not self.changed and self._original is not None:
            return self._original
        return self.buffer.lines[:]

    def _replace(self, first: int, end: int, new_lines: list[str]) -> None:
        self.keep_original()
        delta = self.buffer.replace(first, end, new_lines)
        self.changed = True
        self._snapshot = None
        if self._inserts is not None and not self._inserts.track(first, end, delta):
            self._inserts = None  # an edit across a run's edge: only a full parse can prove it
        if delta and self._deferred is not None:
            self._deferred.append(delta)
        elif delta and self._batch is not None and end <= self._bottom:
            self._batch.append((end, delta))
        elif delta and end <= self._bottom:
            shift(self.outline, end, delta)
        if delta and end <= self._bottom:
            self._bottom += delta

    @contextlib.contextmanager
    def batched_shifts(self) -> Iterator[dict[str, int]]:
        """Edits made in the block, each above the ones before it (a bottom-up run, every line in the
        text as it was), renumber the items below them once, at the end, as `apply` does: a move
        from one section to another renumbered 50,000 items twice at 50,000 items, and now
        renumbers those in between once.

        Until then the outline holds the lines as they were, which is right above every edit so
        far: the block must read it nowhere else. The lines of the items it places meanwhile go in
        the dict it is given, as the text had them then; the edits after that (all above them) move
        them on the way into the outline."""
        assert self._batch is None and self._deferred is None, "batches do not nest"
        batch: list[tuple[int, int]] = []
        placed = _Placements(batch)
        self._batch = batch
        try:
            yield placed
        finally:
            self._batch = None
            lines = {
                key: line + sum(delta for _, delta in batch[placed.after[key] :])
                for key, line in placed.items()
            }
            shift_batch(self.outline, batch)  # sorts the batch: the placed lines are taken first
            self.outline.lines.update(lines)
            for line in lines.values():
                self.starts_at(line)

    def _inserted(
        self, anchor: int, column: int, start: int, end: int | None = None, *, section: bool = False
    ) -> None:
        """Lines [start, end) are about to be replaced by an insertion (end None: inserted at
        `start`) after the anchor, the item or section whose mapping starts at (anchor, column)."""
        if self._inserts is not None and not self._inserts.join(anchor, column, start, end, section=section):
            self._inserts = None

    def adopt(self, catalogue: Catalogue, outline: Outline) -> None:
        """Take the catalogue and outline that structural edits (`store.yamledit.structure`) have
        checked against the text themselves, section by section, instead of a whole re-parse."""
        self._base = self._snapshot = catalogue
        self._items = catalogue.by_key()  # as in __init__
        self._order = list(self._items)
        self._sections = list(catalogue.sections)
        self.outline = outline
        # All proven: what changes from here on is compared with the text as it is now (a copy of
        # it is taken by the next change, if one comes).
        self._original, self._inserts, self.structural = None, Runs(), False

    # -- structural edits (`additions`) --

    def add_item(self, new: NewItem) -> None:
        """Append an item to its section (created if new) or under its parent."""
        additions.add_items(self, [new])

    def add_items(self, news: Sequence[NewItem]) -> None:
        """Append many items, each as `add_item` would, renumbering the items below them once."""
        additions.add_items(self, news)

    def add_section(self, name: str, notes: Sequence[str] = ()) -> None:
        """Append a section (with an empty item list) at the end of `sections:`."""
        additions.add_section(self, name, notes)

    # -- the list's title and notes --

    @property
    def is_empty(self) -> bool:
        """True for a catalogue that does not exist yet (or holds nothing but comments)."""
        return self.buffer.is_blank

    def write_new(self, catalogue: Mapping[str, Any]) -> None:
        """Fill a catalogue that does not exist yet with `render_catalogue(catalogue)`.

        The only whole-file write there is: a file with content is only ever edited line by line.
        """
        if not self.is_empty:
            raise CatalogueError(f"{self.label} already has content. Papers only edits it line by line")
        self.keep_original()
        self.buffer.reset(render_catalogue(catalogue))
        self.changed = self.structural = True
        self._inserts = None

    def set_title(self, title: str) -> None:
        """Set the list's top-level `title:`, in place if the line exists, else above the first field."""
        self.structural = True
        self._inserts = None
        lines = self.buffer.lines
        at = top_level_field(lines, "title")
        if at is not None:
            self._replace(at, at + 1, [rewrite_scalar_line(lines[at], title)])
            return
        first = top_level_field(lines)
        at = len(lines) if first is None else first
        self._replace(at, at, [f"title: {yaml_scalar(title)}\n"])

    def add_notes(self, notes: Sequence[str], section: str | None = None) -> None:
        """Append lines to the `notes:` of the whole list, or of a section; create the list if needed."""
        if not notes:
            return
        self.structural = True
        self._inserts = None
        if section is None:
            top = top_level_field(self.buffer.lines)
            if top is None:
                raise CatalogueError(f"{self.label}: no `sections:` list. Add one (see docs/schema.md)")
            place = Place(top, 0)
            before = "sections"
        else:
            place = self.outline.sections[section]
            before = "items"
        fields, block_end = block_fields(self.buffer.lines, place.line, place.column)
        edit = list_extension(
            self.buffer.lines, fields, block_end, place.column, "notes", notes, before=before
        )
        if isinstance(edit, str):
            raise CatalogueError(f"{self.label}:{edit}")
        self._replace(*edit)
