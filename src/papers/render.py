"""Turning catalogue data into output: aligned colour in a terminal, TSV in a pipe, JSON for scripts.

No decisions about data are made here. `papers list` on a 10,000-item catalogue must stay fast,
so the list is formatted by hand (a rich Table of 5,000 rows takes seconds); rich draws the
smaller things (progress table, item details) and is imported only when they are drawn.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, Literal, NamedTuple

from papers.model.catalogue import JSON_COLUMNS, Catalogue, Item, Tally
from papers.text import cell_width, clip, indented_json, json_safe, one_line, printable

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

STATUS_MARK = {"done": "✓", "reading": "▸", "todo": "·"}
NOTE_MARK = "✎"
LEGEND = f"{STATUS_MARK['done']} done  {STATUS_MARK['reading']} reading  {STATUS_MARK['todo']} todo  {NOTE_MARK} has a note"
_SGR = {"done": "32", "reading": "33", "todo": "0", "key": "36", "dim": "2", "heading": "1;35", "note": "34"}


def is_terminal(stream: IO[str]) -> bool:
    """rich's rule: FORCE_COLOR makes anything a terminal; otherwise ask the stream."""
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def wants_colour(stream: IO[str]) -> bool:
    return (
        is_terminal(stream)
        and not os.environ.get("NO_COLOR")
        and os.environ.get("TERM", "") not in ("dumb", "unknown")
    )


class OutputFormat(NamedTuple):
    """How a command prints its data: JSON when asked, aligned for a person in a terminal, TSV piped.
    A NamedTuple, not a dataclass: a listing from the parse cache imports no dataclasses (nor inspect, under it)."""

    json: bool
    terminal: bool  # a terminal (or FORCE_COLOR): aligned, fitted to the width
    colour: bool  # escape codes too: a terminal without NO_COLOR or TERM=dumb

    @property
    def tsv(self) -> bool:
        return not (self.json or self.terminal)


def choose_format(json_: bool, stream: IO[str] | None = None) -> OutputFormat:
    """The one place a command's output format is decided: --json wins, then the stream (stdout)."""
    out = sys.stdout if stream is None else stream
    terminal = not json_ and is_terminal(out)
    return OutputFormat(json=json_, terminal=terminal, colour=terminal and wants_colour(out))


def console(stream: IO[str] | None = None, *, stderr: bool = False) -> Console:
    """A rich console; under NO_COLOR it writes no escape codes at all (rich alone keeps bold and dim)."""
    from rich.console import Console

    file = stream if stream is not None else (sys.stderr if stderr else sys.stdout)
    colours: Literal["auto"] | None = None if os.environ.get("NO_COLOR") else "auto"
    return Console(file=file, highlight=False, soft_wrap=False, emoji=False, color_system=colours)


def to_json(data: Any) -> str:
    """JSON for scripts; the control characters json.dumps leaves raw (DEL, C1) are escaped too."""
    return json_safe(indented_json(data))


def literal(value: str) -> Text:
    """A rich cell that prints ``value`` literally: no markup (``[...]``), no emoji codes, no controls."""
    from rich.text import Text

    return Text(printable(value, keep_layout=True))


# --- list ----------------------------------------------------------------------------------------


def render_list_json(items: Sequence[Item]) -> str:
    """``to_json([item.to_json() for item in items])``, byte for byte, from one template (json_text)."""
    from papers.json_text import NotPlain, rows_document

    try:
        return rows_document(items, JSON_COLUMNS)
    except NotPlain:
        return to_json([item.to_json() for item in items])


def render_list_tsv(items: Iterable[Item]) -> str:
    """One item per line: status, key, title, arxiv id, section, note. Tabs and newlines never leak in."""
    shown = list(items)
    if not shown:
        return ""
    columns = (
        [item.status for item in shown],
        [item.key for item in shown],
        [item.title for item in shown],
        [item.arxiv or "" for item in shown],
        [item.section for item in shown],
        [item.note or "" for item in shown],
    )
    text = "\n".join(map("\t".join, zip(*columns, strict=True)))
    if not _one_line_fields(text, len(shown), len(columns)):  # each field's whitespace as one space
        text = "\n".join(
            ["\t".join([" ".join(f.split()) for f in row]) for row in zip(*columns, strict=True)]
        )
    # One pass over the whole text: what is left to show are control characters other than tab and newline.
    return printable(text, keep_layout=True) + "\n"


# What str.split() splits on besides space, tab and newline (tests/test_render.py checks it is all).
_OTHER_WHITESPACE_ASCII = "\v\f\r\x1c\x1d\x1e\x1f"
_OTHER_WHITESPACE = (
    _OTHER_WHITESPACE_ASCII
    + "\x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)
_NOT_ONE_SPACE = ("  ", " \t", "\t ", " \n", "\n ")  # two spaces, or one at either end of a field


def _one_line_fields(text: str, rows: int, fields: int) -> bool:
    """Whether each field of `text` (`rows` lines of `fields` fields between tabs) is its own
    ``" ".join(field.split())``: no tab or newline of its own (the text holds just the separators),
    no other whitespace, no two spaces, none at either end. Some substring searches over the whole
    text, in C: at 10,000 items a split and a join of each of the 60,000 fields took most of the
    listing's rendering, and they give each field back as it was, as it nearly always is."""
    if text.count("\t") != rows * (fields - 1) or text.count("\n") != rows - 1:
        return False
    others = _OTHER_WHITESPACE_ASCII if text.isascii() else _OTHER_WHITESPACE
    return (
        not any(char in text for char in others)
        and not any(pair in text for pair in _NOT_ONE_SPACE)
        and not text.startswith(" ")
        and not text.endswith(" ")
    )


MAX_INDENT = 8  # levels shown as indentation; deeper items line up with the eighth level
MIN_TITLE = 40  # below this many cells, the arXiv column goes before the title is cut harder


def _shown(text: str) -> str:
    return text if text.isprintable() else printable(" ".join(text.split()))


def render_list_terminal(
    catalogue: Catalogue, items: Sequence[Item], *, colour: bool, width: int | None = None
) -> str:
    """Items grouped under their section headings, children indented under parents.

    No line is wider than ``width``: the title gets the room. The key column is capped (a longer
    key pushes only its own row's title). After the title come the day a done paper was done and
    the arXiv id; the arXiv column is dropped before a title would be cut below MIN_TITLE cells,
    then the day's. Ends with a legend of the marks.
    """
    if not width:
        import shutil  # here: piped, a listing has no width to ask for (shutil imports bz2 and lzma)

        width = shutil.get_terminal_size((100, 24)).columns

    def paint(text: str, style: str) -> str:
        return f"\x1b[{_SGR[style]}m{text}\x1b[0m" if colour and _SGR[style] != "0" else text

    indents = ["  " * min(depth, MAX_INDENT) for depth in _visible_depths(catalogue, items)]
    ids = [_shown(item.arxiv or "") for item in items]
    titles = [_shown(item.title) for item in items]
    widths = [cell_width(title) for title in titles]
    # Cap the key column at a fifth of the width (at least 16): a key is short to type, a title is read.
    key_width = min(
        max(map(len, map(str.__add__, indents, (i.key for i in items))), default=0), max(16, width // 5)
    )
    id_width = max(map(len, ids), default=0)
    days = [item.done_on or "" if item.status == "done" else "" for item in items]
    day_width = max(map(len, days), default=0)
    note_room = 2 if any(item.note for item in items) else 0
    room = width - 4 - key_width - 2  # "  " + mark + " " + key column + "  "
    longest = max(widths, default=0) + note_room

    def column_fits(cells: int, left: int) -> bool:
        return cells > 0 and (longest + 2 + cells <= left or left - 2 - cells >= MIN_TITLE)

    show_days = column_fits(day_width, room)
    left = room - (2 + day_width if show_days else 0)
    show_ids = column_fits(id_width, left)
    # With ids or days, their columns start right after the longest title, not at the far right.
    extra = 2 + id_width if show_ids else 0
    title_room = max(min(left - extra, longest) if show_ids or show_days else room, 10)
    marks = {status: paint(mark, status) for status, mark in STATUS_MARK.items()}
    note_mark = " " + paint(NOTE_MARK, "note")
    out: list[str] = []
    current = None
    for item, indent, title, size, arxiv, day in zip(items, indents, titles, widths, ids, days, strict=True):
        if item.section != current:
            current = item.section
            if out:
                out.append("")
            out.append(paint(clip(one_line(current), width), "heading"))
        key = (indent + item.key).ljust(key_width)[len(indent) :]
        overflow = len(indent) + len(key) - key_width  # a key longer than the column
        fits = max(title_room - overflow - (2 if item.note else 0), 1)
        if size > fits:
            title = clip(title, fits)
            size = cell_width(title)
        line = f"  {indent}{marks[item.status]} {paint(key, 'key')}  {paint(title, 'dim') if item.group else title}"
        if item.note:
            line += note_mark
        tail = ""
        if show_days and (day or (show_ids and arxiv)):
            tail += "  " + paint(day, "done") + " " * (day_width - len(day))
        if show_ids and arxiv:
            tail += "  " + paint(arxiv.rjust(id_width), "dim")
        if tail:
            line += " " * (fits - size) + tail
        out.append(line.rstrip())
    if out:
        out += ["", paint(LEGEND, "dim")]
    return "\n".join(out) + ("\n" if out else "")


def _visible_depths(catalogue: Catalogue, items: Sequence[Item]) -> list[int]:
    """Per shown item, how many shown ancestors it has: a filtered list should not float in empty space.

    Each depth is worked out once from its parent's, so a chain nested thousands of levels deep
    costs one pass (and no recursion), not one walk up per item.
    """
    shown = {item.key for item in items}
    depth: dict[str, int] = {}
    for item in items:
        parent = item.parent
        if parent is None:
            depth[item.key] = 0
            continue
        if parent not in depth:  # a parent not shown (or later in the list): walk up to a known one
            chain: list[str] = []
            key = parent
            while key not in depth:
                above = catalogue[key].parent
                if above is None:
                    depth[key] = 0
                    break
                chain.append(key)
                key = above
            for below in reversed(chain):
                above = catalogue[below].parent
                assert above is not None
                depth[below] = depth[above] + (above in shown)
        depth[item.key] = depth[parent] + (parent in shown)
    return [depth[item.key] for item in items]


# --- progress ------------------------------------------------------------------------------------


def progress_json(rows: Sequence[Tally], total: Tally) -> str:
    return to_json(
        {
            "sections": [row.to_json() for row in rows],
            "total": {"done": total.done, "total": total.total, "percent": total.percent},
        }
    )


def progress_tsv(rows: Sequence[Tally], total: Tally) -> str:
    return "".join(f"{one_line(r.name)}\t{r.done}\t{r.total}\t{r.percent}\n" for r in (*rows, total))


BAR_WIDTH = 30  # at most; the bar gives way first when the terminal is narrow
MIN_BAR = 10


def bar_width(rows: Sequence[Tally], total: Tally, width: int) -> int:
    """The widest bar (up to BAR_WIDTH) that leaves the other columns their room in ``width`` cells."""
    names = max(len("Section"), *(cell_width(one_line(t.name)) for t in (*rows, total)))
    counts = max(len("Done"), *(len(f"{t.done}/{t.total}") for t in (*rows, total)))
    # Four columns, two cells between each: name, done/total, percent (at most "100%"), bar.
    return max(MIN_BAR, min(BAR_WIDTH, width - names - counts - 4 - 3 * 2))


def progress_table(rows: Sequence[Tally], total: Tally, width: int | None = None) -> Any:
    """Sections, done/total, percent and a bar; the bar shrinks to fit ``width`` (default: no limit)."""
    from rich.table import Table
    from rich.text import Text

    size = BAR_WIDTH if width is None else bar_width(rows, total, width)

    def bar(tally: Tally) -> Text:
        # Solid and light blocks, not colour alone, so the bar still reads with NO_COLOR.
        filled = round(size * tally.done / tally.total) if tally.total else 0
        text = Text("█" * filled, style="green")
        text.append("░" * (size - filled), style="grey42")
        return text

    table = Table(title="Reading progress", title_justify="left", show_footer=True, box=None, pad_edge=False)
    table.add_column("Section", footer="Total", style="bold", footer_style="bold")
    table.add_column("Done", justify="right", footer=f"{total.done}/{total.total}")
    table.add_column("%", justify="right", footer=f"{total.percent:.0f}%")
    table.add_column("", footer=bar(total), no_wrap=True)
    for row in rows:
        table.add_row(literal(one_line(row.name)), f"{row.done}/{row.total}", f"{row.percent:.0f}%", bar(row))
    return table


def progress_picture(rows: Sequence[Tally], total: Tally, kind: str) -> str:
    """The progress table with its bars as a standalone SVG or HTML document (kind: svg | html)."""
    from io import StringIO

    from rich.console import Console

    # Wide enough that no section name wraps: the picture should read like the terminal.
    width = max(len(tally.name) for tally in (*rows, total)) + 50
    recorder = Console(
        file=StringIO(),
        record=True,
        width=width,
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
    )
    recorder.print(progress_table(rows, total))
    if kind == "svg":
        return recorder.export_svg(title="papers progress")
    return recorder.export_html()


# --- fetch ---------------------------------------------------------------------------------------


def _first_authors(authors: Sequence[str], n: int = 3) -> str:
    shown = ", ".join(authors[:n])
    return shown + (" et al." if len(authors) > n else "")


def fetched_tsv(rows: Sequence[tuple[Any, Sequence[str], bool]]) -> str:
    """One paper per line: id, year, first authors, title, the keys of the items holding it."""
    return "".join(
        "\t".join(
            map(
                one_line,
                (
                    _label(meta, False),
                    str(meta.year or ""),
                    _first_authors(meta.authors),
                    meta.title,
                    ",".join(keys),
                ),
            )
        )
        + "\n"
        for meta, keys, _ in rows
    )


def _label(meta: Any, versioned: bool = True) -> str:
    """An arXiv record's id (versioned when known); a Semantic Scholar record's id as it was asked."""
    if hasattr(meta, "asked"):
        return str(meta.asked)
    return f"{meta.arxiv_id}v{meta.version}" if meta.version and versioned else str(meta.arxiv_id)


def fetched_table(rows: Sequence[tuple[Any, Sequence[str], bool]], source: str = "arXiv") -> Any:
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column(source, style="cyan", no_wrap=True)
    table.add_column("year", justify="right")
    table.add_column("authors", style="dim", max_width=32)
    table.add_column("title", overflow="fold")
    table.add_column("item", style="green")
    for meta, keys, cached in rows:
        item = literal(one_line(", ".join(keys) or "(not in catalogue)"))
        if cached:
            item.append(" (cached)", style="dim")
        table.add_row(
            literal(one_line(_label(meta))),
            str(meta.year or ""),
            literal(one_line(_first_authors(meta.authors))),
            literal(one_line(meta.title)),
            item,
        )
    return table


@contextlib.contextmanager
def progress_bar(label: str, *, enabled: bool = True, bytes_: bool = False) -> Iterator[Any]:
    """A progress callback `(done, total)` drawing a rich bar on stderr, or None when not wanted.

    Only on a terminal: a bar in a log file or pipe is noise.
    """
    if not enabled or not is_terminal(sys.stderr):
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TransferSpeedColumn,
    )

    columns: list[Any] = [TextColumn("{task.description}"), BarColumn()]
    columns += [DownloadColumn(), TransferSpeedColumn()] if bytes_ else [MofNCompleteColumn()]
    with Progress(*columns, console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update
