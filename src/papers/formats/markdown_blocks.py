"""The block structure of a markdown list, read with markdown-it-py (CommonMark, plus GFM tables).

``formats.markdown`` walks a list line by line, as it always has (so checklists nest by indentation and
hostile nesting is refused before any parser recurses); this module tells it what CommonMark sees around
each line: where a list item starts, which indented lines continue an item's paragraph, which lines form
a paragraph outside any list, and the rows and cells of tables, each by its source line range.

markdown-it-py comes with rich; it is imported here, and this module only by ``formats.markdown``'s
importer, so no other command pays for it. The inline rules never run (only block structure is needed),
which keeps parsing linear even on megabyte lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.token import Token

# Deep enough for the 64 levels of items formats.markdown allows (two tokens a level); markdown-it
# stops nesting there, so a hostile 600-level quote cannot exhaust the stack either.
_MAX_NESTING = 150
_TITLE_HEADER = re.compile(r"title|paper|name", re.IGNORECASE)


@dataclass(frozen=True)
class Row:
    """A GFM table's body row: its cells, and the one that names the paper (the column headed
    Title, Paper or Name, else the first)."""

    cells: tuple[str, ...]
    title: str


@dataclass
class Blocks:
    """What CommonMark sees, by 0-based line: ``item_ends[n]`` is the line after the paragraph of the
    list item starting on line n (its continuation lines lie between); ``paragraphs[n]`` the same for a
    paragraph outside lists and quotes; ``rows[n]`` the table row on line n."""

    item_ends: dict[int, int] = field(default_factory=dict)
    paragraphs: dict[int, int] = field(default_factory=dict)
    rows: dict[int, Row] = field(default_factory=dict)


def read_blocks(lines: list[str]) -> Blocks:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"maxNesting": _MAX_NESTING}).enable("table")
    parser.disable("inline")
    tokens = parser.parse("\n".join(lines))
    blocks = Blocks()
    containers: list[str] = []
    for index, token in enumerate(tokens):
        container = not token.type.startswith(("paragraph", "t", "h"))
        if token.nesting == 1 and container:
            containers.append(token.type)
        elif token.nesting == -1 and container and containers:
            containers.pop()
        if token.type == "paragraph_open" and token.map:
            start, end = token.map
            if containers and containers[-1] == "list_item_open":
                item = _enclosing_item(tokens, index)
                if item is not None and item.map and item.map[0] == start:
                    blocks.item_ends[start] = end
            elif not containers:
                blocks.paragraphs[start] = end
        elif token.type == "table_open" and token.map and not containers:
            blocks.rows.update(_table(tokens, index))
    return blocks


def _enclosing_item(tokens: list[Token], index: int) -> Token | None:
    previous = tokens[index - 1] if index else None
    return previous if previous is not None and previous.type == "list_item_open" else None


def _table(tokens: list[Token], start: int) -> dict[int, Row]:
    header: list[str] = []
    rows: dict[int, Row] = {}
    cells: list[str] = []
    row_line = 0
    in_head = False
    column = 0
    for token in tokens[start + 1 :]:
        if token.type == "table_close":
            break
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
            named = [i for i, cell in enumerate(header) if _TITLE_HEADER.search(cell)]
            column = named[0] if named else 0
        elif token.type == "tr_open":
            cells, row_line = [], token.map[0] if token.map else row_line
        elif token.type == "inline":
            cells.append(token.content)
        elif token.type == "tr_close":
            if in_head:
                header = cells
            elif cells:
                rows[row_line] = Row(tuple(cells), cells[column] if column < len(cells) else cells[0])
    return rows
