"""The lines of a markdown list, each with what kind of line it is: headings, checkbox items, other
list items, text, and fenced code blocks as one verbatim block. ``formats.markdown`` walks them.

Every pattern here runs in time linear in its line: lists are input a user did not write.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

HEADING_START = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)")
ITEM = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+\[([ xX])\](?:[ \t]+(.*))?$")
BULLET = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(.*)$")
# A code fence's opening line (CommonMark: three or more backticks with no backtick after them, or
# tildes), at any indentation, as papers has always nested by it; its closing line is the same character
# at least as many times, alone on its line (``fence_end``).
FENCE = re.compile(r"^([ \t]*)(?:(`{3,})[^`]*|(~{3,}).*)$")


class Line(NamedTuple):
    number: int
    kind: str  # "fence" (a whole fenced code block), "heading", "item", "bullet" or "text"
    text: str
    heading: tuple[int, str] | None = None  # a heading's level and text
    item: re.Match[str] | None = None  # an item's match of ITEM
    bullet: re.Match[str] | None = None  # any other list line's match of BULLET


def scan(lines: list[str]) -> Iterator[Line]:
    """Each non-blank line with its number and what kind of line it is; a fenced code block is one
    line of kind "fence" whose text is the block, verbatim (``fence_text``)."""
    index, count = 0, len(lines)
    while index < count:
        line = lines[index]
        number = index + 1
        index += 1
        if not line.strip():
            continue
        if opening := FENCE.match(line):
            index, closed = fence_end(lines, number - 1, opening)
            text = fence_text(lines[number - 1 : index], opening.group(1))
            # A block its text leaves open is closed where it ends, so that written back before the
            # items of its section, it does not swallow them.
            yield Line(number, "fence", text if closed else f"{text}\n{opening.group(2) or opening.group(3)}")
        elif heading := heading_of(line):
            yield Line(number, "heading", line, heading=heading)
        elif entry := ITEM.match(line):
            yield Line(number, "item", line, item=entry)
        elif bullet := BULLET.match(line):
            yield Line(number, "bullet", line, bullet=bullet)
        else:
            yield Line(number, "text", line)


def fence_end(lines: list[str], start: int, opening: re.Match[str]) -> tuple[int, bool]:
    """The index of the line after the code block that opens on line ``start`` (0-based): after its
    closing fence (the opening's character, at least as many, alone on the line and indented less
    than 4 columns deeper than the opening), else at the first non-blank line indented less than the
    opening (the list item holding the block has ended, as in CommonMark), else the end of the text;
    and whether a closing fence ended it."""
    mark = opening.group(2) or opening.group(3)
    indent = indent_width(opening.group(1))
    for index in range(start + 1, len(lines)):
        line = lines[index]
        stripped = line.strip(" \t")
        if not stripped:
            continue
        width = indent_width(line)
        if width < indent:
            return index, False
        if (
            width < indent + 4
            and len(stripped) >= len(mark)
            and stripped[0] == mark[0]
            and stripped.count(mark[0]) == len(stripped)
        ):
            return index + 1, True
    return len(lines), False


def fence_text(block: list[str], indent: str) -> str:
    """A code block's lines as one note: verbatim, blank lines and indentation included, less the
    indentation of its opening fence (that of the list item it sits in, which CommonMark removes from
    the code too); blank lines at its end (before the next item, say) are not part of it."""
    width = indent_width(indent)
    return "\n".join(dedent(line, width) for line in block).rstrip()


def dedent(line: str, width: int) -> str:
    taken = index = 0
    while index < len(line) and taken < width and line[index] in " \t":
        taken += 4 - taken % 4 if line[index] == "\t" else 1
        index += 1
    return line[index:]


def heading_of(line: str) -> tuple[int, str] | None:
    """An ATX heading's level and text (``## Name ##`` -> ``(2, "Name")``), in time linear in the line."""
    found = HEADING_START.match(line)
    if found is None:
        return None
    rest = line[found.end() :].strip(" \t")
    closing = rest.rstrip("#")
    if closing != rest and closing[-1:] in (" ", "\t"):
        rest = closing.rstrip(" \t")
    return len(found.group(1)), rest


def indent_width(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))


def item_indent(entry: re.Match[str]) -> int:
    return len(entry.group(1).expandtabs(4))
