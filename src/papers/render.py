"""Turning catalogue data into output: aligned colour in a terminal, TSV in a pipe, JSON for scripts.

No decisions about data are made here. `papers list` on a 10,000-item catalogue must stay fast,
so the list is formatted by hand (a rich Table of 5,000 rows takes seconds); rich draws the
smaller things (progress table, item details) and is imported only when they are drawn.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

from papers.model.catalogue import Catalogue, Item, Tally

if TYPE_CHECKING:
    from rich.console import Console

STATUS_MARK = {"done": "✓", "reading": "▸", "todo": "·"}
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


def console(stream: IO[str] | None = None, *, stderr: bool = False) -> Console:
    from rich.console import Console

    file = stream if stream is not None else (sys.stderr if stderr else sys.stdout)
    return Console(file=file, highlight=False, soft_wrap=False)


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


# --- list ----------------------------------------------------------------------------------------


def render_list_json(items: Iterable[Item]) -> str:
    return to_json([item.to_json() for item in items])


def render_list_tsv(items: Iterable[Item]) -> str:
    """One item per line: status, key, title, arxiv id, section, note. Tabs and newlines never leak in."""
    lines = []
    for item in items:
        fields = (item.status, item.key, item.title, item.arxiv or "", item.section, item.note or "")
        lines.append("\t".join(" ".join(f.split()) for f in fields))
    return "\n".join(lines) + ("\n" if lines else "")


def render_list_terminal(
    catalogue: Catalogue, items: Sequence[Item], *, colour: bool, width: int | None = None
) -> str:
    """Items grouped under their section headings, children indented under parents."""
    width = width or shutil.get_terminal_size((100, 24)).columns

    def paint(text: str, style: str) -> str:
        return f"\x1b[{_SGR[style]}m{text}\x1b[0m" if colour and _SGR[style] != "0" else text

    shown = {item.key for item in items}
    key_width = max((len(item.key) + 2 * _visible_depth(catalogue, item, shown) for item in items), default=0)
    id_width = max((len(item.arxiv or "") for item in items), default=0)
    out: list[str] = []
    current = None
    for item in items:
        if item.section != current:
            current = item.section
            if out:
                out.append("")
            out.append(paint(current, "heading"))
        indent = "  " * _visible_depth(catalogue, item, shown)
        mark = paint(STATUS_MARK[item.status], item.status)
        key = item.key.ljust(key_width - len(indent))
        room = max(width - key_width - id_width - 8, 10)
        title = item.title if len(item.title) <= room else item.title[: room - 1] + "…"
        if item.note:
            title += " ✎"
        line = f"  {indent}{mark} {paint(key, 'key')}  {paint(title, 'dim') if item.group else title}"
        if item.arxiv:
            line += " " * max(room - len(title), 0) + "  " + paint(item.arxiv.rjust(id_width), "dim")
        out.append(line.rstrip())
    return "\n".join(out) + ("\n" if out else "")


def _visible_depth(catalogue: Catalogue, item: Item, shown: set[str]) -> int:
    """Indent under shown ancestors only: a filtered list should not float in empty space."""
    depth = 0
    parent = item.parent
    while parent is not None:
        if parent in shown:
            depth += 1
        parent = catalogue[parent].parent
    return depth


# --- progress ------------------------------------------------------------------------------------


def progress_json(rows: Sequence[Tally], total: Tally) -> str:
    return to_json(
        {
            "sections": [row.to_json() for row in rows],
            "total": {"done": total.done, "total": total.total, "percent": total.percent},
        }
    )


def progress_tsv(rows: Sequence[Tally], total: Tally) -> str:
    return "".join(f"{r.name}\t{r.done}\t{r.total}\t{r.percent}\n" for r in (*rows, total))


BAR_WIDTH = 30


def progress_table(rows: Sequence[Tally], total: Tally) -> Any:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    def bar(tally: Tally) -> Text:
        # Solid and light blocks, not colour alone, so the bar still reads with NO_COLOR.
        filled = round(BAR_WIDTH * tally.done / tally.total) if tally.total else 0
        text = Text("█" * filled, style="green")
        text.append("░" * (BAR_WIDTH - filled), style="grey42")
        return text

    table = Table(title="Reading progress", title_justify="left", show_footer=True, box=None, pad_edge=False)
    table.add_column("Section", footer="Total", style="bold", footer_style="bold")
    table.add_column("Done", justify="right", footer=f"{total.done}/{total.total}")
    table.add_column("%", justify="right", footer=f"{total.percent:.0f}%")
    table.add_column("", footer=bar(total), no_wrap=True)
    for row in rows:
        table.add_row(escape(row.name), f"{row.done}/{row.total}", f"{row.percent:.0f}%", bar(row))
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


# --- one item ------------------------------------------------------------------------------------


def item_details(
    catalogue: Catalogue,
    item: Item,
    extra: dict[str, Any] | None = None,
    note_preview: Sequence[str] | None = None,
) -> list[tuple[str, str]]:
    """The (label, value) pairs `papers show` prints, in reading order."""
    rows: list[tuple[str, str]] = [
        ("key", item.key),
        ("title", item.title),
        ("status", item.status + (f" on {item.done_on}" if item.done_on else "")),
        ("section", item.section),
    ]
    if item.group:
        rows.append(("group", "yes: a heading for the papers under it; not counted in progress"))
    if item.parent:
        rows.append(("parent", f"{item.parent} ({catalogue[item.parent].title})"))
    if item.children:
        rows.append(("children", ", ".join(item.children)))
    optional = [
        ("arxiv", item.arxiv),
        ("year", str(item.year) if item.year else None),
        ("authors", ", ".join(item.authors) if item.authors else None),
        ("url", item.url),
        ("links", "\n".join(item.links) if item.links else None),
        ("note", _note_row(item.note, note_preview)),
        ("listed as", item.listed_as),
        ("remark", item.remark),
    ]
    rows += [(label, value) for label, value in optional if value]
    for label, value in (extra or {}).items():
        if value:
            rows.append((label, str(value)))
    return rows


def _note_row(note: str | None, preview: Sequence[str] | None) -> str | None:
    """The note's path, then its first lines (or a word that it is missing)."""
    if not note:
        return None
    if preview is None:
        return f"{note} (missing)"
    return "\n".join([note, *(f"│ {line}" for line in preview)])


def details_text(rows: Sequence[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in rows)
    lines = []
    for label, value in rows:
        first, *rest = value.split("\n") or [""]
        lines.append(f"{label.ljust(width)}  {first}")
        lines += [" " * (width + 2) + more for more in rest]
    return "\n".join(lines) + "\n"


def details_table(rows: Sequence[tuple[str, str]]) -> Any:
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in rows:
        table.add_row(label, escape(value))
    return table


# --- fetch ---------------------------------------------------------------------------------------


def _first_authors(authors: Sequence[str], n: int = 3) -> str:
    shown = ", ".join(authors[:n])
    return shown + (" et al." if len(authors) > n else "")


def fetched_tsv(rows: Sequence[tuple[Any, Sequence[str], bool]]) -> str:
    """One paper per line: id, year, first authors, title, the keys of the items holding it."""
    return "".join(
        "\t".join((meta.arxiv_id, str(meta.year), _first_authors(meta.authors), meta.title, ",".join(keys)))
        + "\n"
        for meta, keys, _ in rows
    )


def fetched_table(rows: Sequence[tuple[Any, Sequence[str], bool]]) -> Any:
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("arXiv", style="cyan", no_wrap=True)
    table.add_column("year", justify="right")
    table.add_column("authors", style="dim", max_width=32)
    table.add_column("title", overflow="fold")
    table.add_column("item", style="green")
    for meta, keys, cached in rows:
        table.add_row(
            escape(f"{meta.arxiv_id}v{meta.version}" if meta.version else meta.arxiv_id),
            str(meta.year),
            escape(_first_authors(meta.authors)),
            escape(meta.title),
            escape(", ".join(keys) or "(not in catalogue)") + (" [dim](cached)[/]" if cached else ""),
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


def metadata_rows(meta: Any) -> dict[str, Any]:
    """What `papers show` adds from the metadata cache."""
    return {
        "published": meta.published[:10],
        "updated": meta.updated[:10],
        "version": f"v{meta.version}" if meta.version else None,
        "category": ", ".join(dict.fromkeys((meta.primary_category, *meta.categories))),
        "doi": meta.doi,
        "journal ref": meta.journal_ref,
        "comment": meta.comment,
        "abs": meta.abs_url,
        "pdf": meta.pdf_url,
        "abstract": meta.abstract,
    }
