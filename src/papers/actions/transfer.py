"""Moving lists in and out: import a markdown checklist, export markdown, JSON or BibTeX.

The use cases behind `papers import` and `papers export`. Reading a list is bounded: at most
`MAX_LIST_BYTES`, UTF-8 text only, so a binary file or `/dev/zero` is refused in one line
instead of being merged as junk or eating memory.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import BinaryIO

from papers.actions.importing import ImportReport, check_list, detect_format, import_checklist
from papers.errors import UsageError
from papers.formats.registry import ExportFormat, ImportFormat
from papers.formats.types import Exported
from papers.model.query import select
from papers.store import fileio
from papers.store import load as storage

# A reading list is a few hundred kilobytes; the bound is the one arXiv responses get.
MAX_LIST_BYTES = 20 * 1024 * 1024
_CHUNK = 1024 * 1024

__all__ = [
    "MAX_LIST_BYTES",
    "ExportFormat",
    "Exported",
    "ImportReport",
    "export",
    "import_file",
    "import_list",
    "read_list",
    "write_export",
]


def read_list(source: BinaryIO, name: str) -> str:
    """The text of a list read from `source` (`name` is how messages call it): at most
    MAX_LIST_BYTES, refused if it holds a NUL byte (not text) or is not UTF-8."""
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_LIST_BYTES:
        chunk = source.read(min(_CHUNK, MAX_LIST_BYTES + 1 - size))
        if not chunk:
            break
        if b"\0" in chunk:
            raise UsageError(f"{name} is not text (it holds NUL bytes). Give a markdown checklist")
        chunks.append(chunk)
        size += len(chunk)
    if size > MAX_LIST_BYTES:
        raise UsageError(
            f"{name} is larger than {MAX_LIST_BYTES // (1024 * 1024)} MB: too big for a reading list. "
            "Give a markdown checklist"
        )
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{name} is not UTF-8 text. Save it as UTF-8") from None


def import_list(
    path: str | os.PathLike[str],
    text: str,
    *,
    dry_run: bool = False,
    today: dt.date | None = None,
    name: str = "the list",
    only_checkboxes: bool = False,
    fmt: ImportFormat | None = None,
    section: str | None = None,
) -> ImportReport | None:
    """Merge the markdown checklist `text` into the catalogue at `path` (created if missing).

    Headings become sections, checkbox lines items, other lines notes; an item already there is
    matched, never added twice, and a ticked item is never unticked. With `dry_run` nothing is
    written. None if the list holds no section, item or note (only a title). Blank text
    is refused (UsageError). List items that cite a paper are items too, unless
    `only_checkboxes` (docs/markdown.md). Text that is not a checklist (a catalogue, prose with no
    heading or item) is refused with a `ChecklistError` naming `name`, and no file is touched.
    """
    if not text.strip():  # an empty file is as much "no headings and no items" as prose is
        raise UsageError(
            f"{name} is empty: there is nothing to import. Give it a checklist (docs/markdown.md)"
        )
    day = (today or dt.date.today()).isoformat()
    fmt = fmt or detect_format(text)
    check_list(text, name, fmt)
    # storage.edit runs the merge again on the new file if another program saves it meanwhile.
    return storage.edit(
        Path(path),
        lambda editor: import_checklist(
            editor, text, day, label=name, only_checkboxes=only_checkboxes, fmt=fmt, into=section
        ),
        create=True,
        dry_run=dry_run,
    )


def import_file(
    path: str | os.PathLike[str],
    source: str | os.PathLike[str],
    *,
    dry_run: bool = False,
    today: dt.date | None = None,
    only_checkboxes: bool = False,
    fmt: ImportFormat | None = None,
    section: str | None = None,
) -> ImportReport | None:
    """`import_list` of the file `source`, read with `read_list`'s bounds."""
    source_path = Path(source)
    if source_path.exists() and Path(path).exists() and source_path.samefile(path):
        raise UsageError(
            f"{source} is the catalogue itself. Import a markdown checklist, such as one `papers export` wrote"
        )
    try:
        with open(source_path, "rb") as handle:
            text = read_list(handle, str(source))
    except OSError as err:
        raise UsageError(f"cannot read {source}: {err.strerror or err}. Check the path") from None
    return import_list(
        path,
        text,
        dry_run=dry_run,
        today=today,
        name=str(source),
        only_checkboxes=only_checkboxes,
        fmt=fmt,
        section=section,
    )


def export(
    path: str | os.PathLike[str],
    format_: ExportFormat | str = ExportFormat.markdown,
    *,
    todo: bool = False,
    done: bool = False,
    section: str | None = None,
) -> Exported:
    """The catalogue at `path` as a markdown checklist, JSON or BibTeX (`Exported.text`), optionally
    only the items not done (`todo`), the done ones (`done`) or some sections (a name prefix): kept
    items stay in their sections, and a left-out item hands its kept children to the nearest kept
    parent. `Exported.unfetched` names the chosen papers BibTeX left out for want of fetched metadata."""
    from papers.actions.exporting import export_catalogue

    cat = storage.load_catalogue(Path(path))
    selected = select(cat, todo=todo, done=done, section=section) if todo or done or section else None
    return export_catalogue(cat, ExportFormat(format_), selected)


def write_export(path: str | os.PathLike[str], output: str | os.PathLike[str], text: str) -> None:
    """Write an export to `output` (atomically, or into a pipe or terminal); never over the
    catalogue at `path` itself. OutputError if it cannot be written."""
    target = Path(output)
    if target.resolve() == Path(path).resolve():
        raise UsageError(f"{output} is the catalogue itself. Write the export to another file")
    if fileio.is_stream(target):  # a terminal or a pipe, as `-o /dev/fd/1`: shown like stdout is
        from papers.text import printable

        text = printable(text, keep_layout=True)
    fileio.write_output(target, text)
