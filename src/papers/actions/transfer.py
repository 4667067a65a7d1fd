"""Moving lists in and out: import a markdown checklist, export markdown, JSON or BibTeX.

The use cases behind `papers import` and `papers export`. Reading a list is bounded: at most
`MAX_LIST_BYTES`, UTF-8 text only, so a binary file or `/dev/zero` is refused in one line
instead of being merged as junk or eating memory.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urlsplit

from papers.actions.importing import ImportReport, check_list, detect_format, import_checklist
from papers.errors import ChecklistError, UsageError
from papers.formats.registry import ExportFormat, ImportFormat
from papers.formats.types import Exported
from papers.model.query import select
from papers.store import fileio
from papers.store import load as storage

if TYPE_CHECKING:
    from papers.sources.http import Transport

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
    "import_url",
    "is_url",
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
            raise ChecklistError(f"{name} is not text (it holds NUL bytes). Give a markdown checklist")
        chunks.append(chunk)
        size += len(chunk)
    if size > MAX_LIST_BYTES:
        raise ChecklistError(
            f"{name} is larger than {MAX_LIST_BYTES // (1024 * 1024)} MB: too big for a reading list. "
            "Give a markdown checklist"
        )
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        raise ChecklistError(f"{name} is not UTF-8 text. Save it as UTF-8") from None


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


def is_url(source: str) -> bool:
    """Whether `papers import` is given a web address rather than a file."""
    return source[:8].casefold().startswith(("http://", "https://"))


def import_url(
    path: str | os.PathLike[str],
    url: str,
    *,
    dry_run: bool = False,
    today: dt.date | None = None,
    only_checkboxes: bool = False,
    fmt: ImportFormat | None = None,
    section: str | None = None,
    notify: Callable[[str], None] | None = None,
    transport: Transport | None = None,
) -> ImportReport | None:
    """`import_list` of the list at `url`, fetched through the polite transport (its deadline, its
    size cap: MAX_LIST_BYTES): a GitHub file's or gist's page is read as its raw file. Nothing is
    written unless the whole list arrived and reads as a list: a server that cannot be reached is a
    `FetchError` (exit 3); a refusal (404) a `PageError`, an answer that is no list (a web page,
    binary, not UTF-8, too big, a catalogue) a `NotAListError` (both exit 1). The format comes from
    the content, the address (`.bib`, `.md`) or the Content-Type breaking a tie."""
    from papers.sources.http import Transport
    from papers.sources.web import NotAListError, Web

    own = transport is None
    http = Transport(notify=notify) if transport is None else transport
    try:
        fetched = Web(http).list_text(url, MAX_LIST_BYTES)
    finally:
        if own:
            http.close()
    text = fetched.text
    if not text.strip():
        raise NotAListError(f"{url} is empty: there is nothing to import. Give the address of a list")
    fmt = fmt or _format_hint(fetched.url, fetched.content_type) or detect_format(text)
    try:
        check_list(text, url, fmt)
    except ChecklistError as err:
        raise NotAListError(str(err)) from None
    name = PurePosixPath(urlsplit(fetched.url).path).stem or "Imported"
    return import_list(
        path,
        text,
        dry_run=dry_run,
        today=today,
        name=url,
        only_checkboxes=only_checkboxes,
        fmt=fmt,
        section=section or (name if fmt is not ImportFormat.markdown else None),
    )


def _format_hint(url: str, content_type: str) -> ImportFormat | None:
    """The format an address or a media type names: `.bib` or BibTeX's types, `.md` or markdown's."""
    suffix = PurePosixPath(urlsplit(url).path).suffix.casefold()
    if suffix == ".bib" or content_type in ("application/x-bibtex", "text/x-bibtex"):
        return ImportFormat.bibtex
    if suffix in (".md", ".markdown") or content_type == "text/markdown":
        return ImportFormat.markdown
    return None


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
