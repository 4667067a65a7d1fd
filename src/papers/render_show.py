"""`papers show`: one item's fields, its cached record and its note, as (label, value) rows,
drawn as a rich table in a terminal or as aligned text piped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from papers.model.catalogue import Catalogue, Item
from papers.render import literal
from papers.text import clip, printable

if TYPE_CHECKING:
    from papers.notes import NotePreview


def item_details(
    catalogue: Catalogue,
    item: Item,
    extra: dict[str, Any] | None = None,
    note_preview: NotePreview | None = None,
) -> list[tuple[str, str]]:
    """The (label, value) pairs `papers show` prints, in reading order."""
    rows: list[tuple[str, str]] = [
        ("key", item.key),
        ("title", item.title),
        ("status", item.status + (f" on {item.done_on}" if item.done_on else "")),
        *([("started", item.started_on)] if item.started_on else []),
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
        ("doi", item.doi),
        ("year", str(item.year) if item.year else None),
        ("authors", ", ".join(item.authors) if item.authors else None),
        ("venue", item.venue),
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


def _note_row(note: str | None, preview: NotePreview | None) -> str | None:
    """The note's path, then its first lines (or why they are not shown)."""
    if not note:
        return None
    if preview is None or preview.problem:
        return f"{note} ({preview.problem if preview else 'missing'})"
    return "\n".join([note, *(f"│ {clip(printable(line), 120)}" for line in preview.lines)])


def details_text(rows: Sequence[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in rows)
    lines = []
    for label, value in rows:
        first, *rest = printable(value, keep_layout=True).split("\n") or [""]
        lines.append(f"{label.ljust(width)}  {first}")
        lines += [" " * (width + 2) + more for more in rest]
    return "\n".join(lines) + "\n"


def details_table(rows: Sequence[tuple[str, str]]) -> Any:
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in rows:
        table.add_row(literal(label), literal(value))
    return table


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
