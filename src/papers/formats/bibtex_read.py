"""Reading a BibTeX file (as Zotero, JabRef or Google Scholar export it) into a catalogue dict.

Every entry becomes an item of one section (``section``, else the file's name): its title and authors
without LaTeX braces, its year, its DOI, its arXiv id (from ``eprint`` with ``archivePrefix = arXiv``,
an arXiv URL, or an ``arXiv preprint arXiv:...`` journal or note), its URL as a link, and its cite key
as the item's key when that key is valid and free. bibtexparser does the parsing, imported here only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set
from pathlib import PurePath

from papers.errors import ChecklistError
from papers.formats.citation import arxiv_in_text, arxiv_of_url
from papers.formats.markdown import Pending, assign_keys
from papers.formats.shapes import CatalogueDict, ItemDict, one_line
from papers.model.paper import strip_controls

_ENTRY = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "c": "\u0327"}
_ACCENT = re.compile(r"\\([\"'`^~c])\s*\{?\s*([A-Za-z])\}?")
_COMMAND = re.compile(r"\\[A-Za-z]+\s*")


def looks_like_bibtex(text: str) -> bool:
    return _ENTRY.search(text) is not None


def check_bibtex(text: str, label: str = "the list") -> None:
    if not looks_like_bibtex(text):
        raise ChecklistError(f"{label} has no BibTeX entries (@article{{...}}). Give a .bib file")


def section_for(label: str, into: str | None) -> str:
    if into:
        return into
    stem = PurePath(label).stem if label not in ("the list", "standard input") else ""
    return stem or "Imported"


def parse(
    text: str,
    taken_keys: Set[str] = frozenset(),
    *,
    label: str = "the list",
    only_checkboxes: bool = False,
    into: str | None = None,
) -> CatalogueDict:
    """The BibTeX ``text`` as a catalogue dict of one section; see the module."""
    import bibtexparser

    check_bibtex(text, label)
    # As in a markdown list: control characters (ESC, C0 but tab and newline, C1) are stripped, so
    # nothing imported can drive a terminal.
    library = bibtexparser.parse_string(strip_controls(text))  # type: ignore[attr-defined]
    pending: list[Pending] = []
    items: list[ItemDict] = []
    for entry in library.entries:
        fields = {name: _latex_free(field.value) for name, field in entry.fields_dict.items()}
        fields = {name.casefold(): value for name, value in fields.items()}
        item = _item(fields)
        if item is None:
            continue
        items.append(item)
        pending.append(Pending(item, entry.key))
    if not items:
        raise ChecklistError(f"{label} has no BibTeX entry with a title. Give a .bib file")
    assign_keys(pending, taken_keys)
    sections = [{"name": section_for(label, into), "notes": [], "items": items}]
    return {"title": None, "notes": [], "sections": sections}


def _item(fields: dict[str, str]) -> ItemDict | None:
    title = fields.get("title", "").rstrip(".")
    if not title:
        return None
    item: ItemDict = {"key": "", "title": title, "status": "todo"}
    authors = [_name(part) for part in re.split(r"\s+and\s+", fields.get("author", "")) if part.strip()]
    if authors:
        item["authors"] = authors
    if re.fullmatch(r"\d{4}", fields.get("year", "").strip()):
        item["year"] = int(fields["year"])
    arxiv = None
    eprint = fields.get("eprint", "").strip()
    if eprint and fields.get("archiveprefix", "arxiv").casefold() == "arxiv":
        arxiv = arxiv_in_text(f"arXiv:{eprint}")
    url = fields.get("url", "").strip()
    arxiv = arxiv or (arxiv_of_url(url) if url else None)
    for name in ("journal", "note", "howpublished", "booktitle", "volume"):
        arxiv = arxiv or arxiv_in_text(fields.get(name, ""))
    if arxiv:
        item["arxiv"] = arxiv
    doi = fields.get("doi", "").strip()
    if doi:
        item["doi"] = re.sub(r"^https?://(?:dx\.)?doi\.org/", "", doi)
    if url and arxiv_of_url(url) is None:
        item["links"] = [url]
    return item


def _name(author: str) -> str:
    """``Hinton, Geoffrey E`` -> ``Geoffrey E Hinton``."""
    last, comma, first = author.partition(",")
    return one_line(f"{first} {last}" if comma else author)


def _latex_free(value: str) -> str:
    """The field without braces and the common accent commands (``Schmidhuber, J{\\"u}rgen`` -> Jürgen)."""
    value = _ACCENT.sub(lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)]), value)
    value = _COMMAND.sub("", value).replace("{", "").replace("}", "")
    return one_line(value)
