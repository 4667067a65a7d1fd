"""Reading a plain list of papers, one arXiv id, link or DOI a line, into a catalogue dict.

Blank lines and lines starting with ``#`` are skipped. Each other line is one item of one section
(``section``, else the file's name), titled by what the line gives until `papers fetch` fills it in.
"""

from __future__ import annotations

import re
from collections.abc import Set

from papers.errors import ChecklistError
from papers.formats.bibtex_read import section_for
from papers.formats.citation import arxiv_in_text, arxiv_of_url, doi_in_text
from papers.formats.markdown import Pending, assign_keys
from papers.formats.shapes import CatalogueDict, ItemDict
from papers.model.paper import strip_controls

_BARE_ID = re.compile(r"(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")


def _entry(line: str) -> ItemDict | None:
    """The item one line names, or None if it names no paper."""
    if re.search(r"\s", line):
        return None
    arxiv = arxiv_of_url(line) if "://" in line else None
    if arxiv is None and _BARE_ID.fullmatch(line):
        arxiv = arxiv_in_text(f"arXiv:{line}")
    arxiv = arxiv or (arxiv_in_text(line) if line.casefold().startswith("arxiv:") else None)
    item: ItemDict = {"key": "", "title": line, "status": "todo"}
    if arxiv:
        item["arxiv"] = arxiv
        return item
    doi = doi_in_text(line)
    if doi and (line.startswith(("10.", "doi:")) or "doi.org/" in line):
        item["doi"] = doi
        return item
    if re.match(r"https?://\S+$", line):
        item["links"] = [line]
        return item
    return None


def looks_like_links(text: str) -> bool:
    lines = [
        line.strip()
        for line in strip_controls(text).splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return bool(lines) and all(_entry(line) is not None for line in lines)


def parse(
    text: str,
    taken_keys: Set[str] = frozenset(),
    *,
    label: str = "the list",
    only_checkboxes: bool = False,
    into: str | None = None,
) -> CatalogueDict:
    """The list of ids, links or DOIs in ``text`` as a catalogue dict of one section."""
    items: list[ItemDict] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = strip_controls(raw).strip()  # as in a markdown list: nothing imported drives a terminal
        if not line or line.startswith("#"):
            continue
        item = _entry(line)
        if item is None:
            raise ChecklistError(
                f"{label}:{number}: not an arXiv id, a link or a DOI. Give one a line, or a markdown list"
            )
        items.append(item)
    pending = [Pending(item, None) for item in items]
    assign_keys(pending, taken_keys)
    sections = [{"name": section_for(label, into), "notes": [], "items": items}] if items else []
    return {"title": None, "notes": [], "sections": sections}
