"""Finding things in the catalogue's lines: an item's block, its fields' lines, a scalar's end.

The parser records where each item and section starts (`store.parse.Outline`); from there a
block's fields are told apart by indentation alone. `shift` and `shift_batch` keep those starting
lines true as the editor inserts and removes lines.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections.abc import Sequence

from papers.model.catalogue import Catalogue
from papers.store.parse import Outline
from papers.store.yamledit.buffer import indent_of, is_content

# A `name:` that starts a mapping field; what follows the colon is a space, a line end or nothing.
FIELD_START = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)*)(?P<name>[A-Za-z_][\w-]*)[ ]*:(?=[ \t\r\n]|$)")

FieldLines = dict[str, tuple[int, int]]
"""A block's own fields, as name -> (first line, end line)."""


def block_fields(lines: Sequence[str], start: int, column: int) -> tuple[FieldLines, int]:
    """The fields of the mapping that starts at (start, column), and the line its block ends before."""
    fields: FieldLines = {}
    current: str | None = None
    last_content = start
    for i in range(start, len(lines)):
        line = lines[i]
        if i > start and is_content(line):
            indent = indent_of(line)
            if indent < column:
                break
            # At the block's own indentation a `- ` line is an entry of a list that YAML lets
            # sit level with its key ("links:" then "- url"), not a new field.
            if indent == column and not line.lstrip(" ").startswith("-"):
                match = FIELD_START.match(line)
                if match:
                    if current is not None:
                        fields[current] = (fields[current][0], last_content + 1)
                    current = match["name"]
                    fields[current] = (i, i + 1)
            last_content = i
        elif i == start:
            match = FIELD_START.match(line)
            current = match["name"] if match else None
            if current:
                fields[current] = (i, i + 1)
    if current is not None:
        fields[current] = (fields[current][0], last_content + 1)
    return fields, last_content + 1


def top_level_field(lines: Sequence[str], name: str | None = None) -> int | None:
    """The line of the first top-level field (called `name`, if given), or None."""
    for i, line in enumerate(lines):
        match = FIELD_START.match(line)
        if match and not match["lead"] and (name is None or match["name"] == name):
            return i
    return None


def scalar_end(text: str) -> int:
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


def shift(outline: Outline, end: int, delta: int) -> None:
    """Lines were added (delta > 0) or removed just above line `end`: move what starts below."""
    if delta:
        shift_batch(outline, [(end, delta)])


def shift_batch(outline: Outline, shifts: list[tuple[int, int]]) -> None:
    """Apply many (line, delta) shifts of a bottom-up batch at once: each moves what starts at or
    below its line."""
    if not shifts:
        return
    shifts.sort()
    ends = [end for end, _ in shifts]
    totals = list(itertools.accumulate(delta for _, delta in shifts))

    def moved(line: int) -> int:
        index = bisect.bisect_right(ends, line)
        return line + (totals[index - 1] if index else 0)

    lines = outline.lines
    starts = list(lines.values())
    # Items come in file order (as parsed or read from the cache), but for those added in this
    # session, which come last: the run in order is renumbered a block at a time in C (a Python
    # call per item below the edit was a tenth of a `done` at 50,000 items), the rest one by one.
    descents = itertools.compress(
        itertools.count(1), map(operator.gt, starts, itertools.islice(starts, 1, None))
    )
    ordered = next(descents, len(starts))
    keys = list(lines)
    bounds = [bisect.bisect_left(starts, end, 0, ordered) for end in ends] + [ordered]
    for total, first, stop in zip(totals, bounds, bounds[1:], strict=False):
        if total and first < stop:
            lines.update(zip(keys[first:stop], map(total.__add__, starts[first:stop]), strict=True))
    for key in keys[ordered:]:
        lines[key] = moved(lines[key])
    for name, place in outline.sections.items():
        outline.sections[name] = place._replace(line=moved(place.line))


# Each after a line break (and the first line alone): a leading literal lets the regex engine skip
# to the next "\n" instead of trying every position as `^` with MULTILINE does (4x at 50,000 items).
_STATUS_LINE = re.compile(r"\n[ -]*status[ ]*:")
_TODO_LINE = re.compile(r"\n[ -]*status[ ]*:[ ]*[\"']?todo\b")


def _count_lines(pattern: re.Pattern[str], text: str) -> int:
    """How many lines start with the pattern (after its leading line break)."""
    return len(pattern.findall(text)) + (pattern.match("\n" + text.partition("\n")[0]) is not None)


def spells_out_todo(text: str, catalogue: Catalogue) -> bool:
    """Whether this file writes `status: todo` or leaves todo (the default) unsaid.

    undo follows the file's own convention, so that `done X` then `undo X` gives the file back
    byte for byte: most todo items spelling it out means undo writes `status: todo`; most leaving
    it out means undo removes the line. With no todo item left, a file that gives every item a
    status counts as spelling it out.
    """
    todo_items = sum(item.status == "todo" for item in catalogue.items)
    if todo_items:
        return 2 * _count_lines(_TODO_LINE, text) >= todo_items
    return _count_lines(_STATUS_LINE, text) >= len(catalogue.items) > 0
