"""Search results, the reading log, statistics and the calendar: to a terminal, TSV or JSON.

A sibling of `render.py` (which is at its size limit), by the same rules: no decisions about data,
every text from a file shown through `printable`, colour only when asked, never rich.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import Any

from papers.render import STATUS_MARK, to_json
from papers.text import cell_width, clip, one_line, printable

_START, _END = "\x02", "\x03"  # the index's snippet marks (papers.search.index.MARK_START/END)
_BOLD, _RESET = "\x1b[1;33m", "\x1b[0m"


def plain_snippet(snippet: str) -> str:
    return one_line(snippet.replace(_START, "").replace(_END, ""))


def _marked_snippet(snippet: str, colour: bool, width: int, *, keep_match: bool = True) -> str:
    """The snippet on one line, cut to `width` cells, matched words bold (colour) or in *stars*.

    With `keep_match`, words before the first match are cut rather than the match itself."""
    opened, closed = (_BOLD, _RESET) if colour else ("*", "*")
    extra = 0 if colour else 2  # the cells a pair of stars takes; colour codes take none
    text = " ".join(snippet.split()).replace(_END, _START)
    lead, mark, rest = text.partition(_START)
    too_wide = cell_width(text) - 2 * text.count(_START) > width
    if (
        keep_match and mark and too_wide and cell_width(lead) > width // 3
    ):  # keep the first match in view: cut before it
        kept = lead[-(width // 3) :]
        text = "…" + kept[kept.find(" ") :] + mark + rest if " " in kept else "…" + kept + mark + rest
    out, used, inside = [], 0, False
    for part in text.split(_START):
        shown = printable(part)
        cost = extra if inside and shown else 0
        size = cell_width(shown) + cost
        if used + size > width:
            shown = clip(shown, max(width - used - cost, 1))
        out.append(f"{opened}{shown}{closed}" if inside and shown not in ("", "…") else shown)
        used += size
        if used > width:
            break
        inside = not inside
    return "".join(out)


def search_terminal(found: Sequence[Any], *, colour: bool, width: int | None = None) -> str:
    """Each result: mark, key and title (matched words marked); then, when a field besides the
    title matched, a line with that field's name and the words around the match."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    # The key column is capped at a quarter of the width: a longer key pushes only its own row.
    key_width = min(max((len(hit.item.key) for hit in found), default=0), max(8, width // 4))
    lines = []
    for hit in found:
        head = f"{STATUS_MARK[hit.item.status]} {hit.item.key.ljust(key_width)}  "
        lines.append(head + _marked_snippet(hit.title, colour, max(width - len(head), 8), keep_match=False))
        if hit.field:
            label = f"{' ' * (key_width + 2)}{hit.field.replace('_', ' ')}: "
            lines.append(label + _marked_snippet(hit.snippet, colour, max(width - len(label), 8)))
    return "\n".join(lines) + ("\n" if lines else "")


def search_tsv(found: Sequence[Any]) -> str:
    """One result per line: key, status, title, the field the snippet is from, snippet (no marks)."""
    return "".join(
        "\t".join(
            (
                hit.item.key,
                hit.item.status,
                one_line(hit.item.title),
                hit.field or "",
                plain_snippet(hit.snippet),
            )
        )
        + "\n"
        for hit in found
    )


def search_json(found: Sequence[Any]) -> str:
    return to_json(
        [
            {
                "key": hit.item.key,
                "status": hit.item.status,
                "title": hit.item.title,
                "section": hit.item.section,
                "score": round(hit.score, 4),
                "matched": list(hit.matched),
                "field": hit.field,
                "snippet": plain_snippet(hit.snippet) if hit.field else None,
            }
            for hit in found
        ]
    )
