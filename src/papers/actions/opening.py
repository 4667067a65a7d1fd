"""What `papers open` opens: a paper's page, its arXiv abstract, its cached PDF, its note or a link.

Offline: the PDF must be in the cache already (`papers pdf` downloads it), and nothing here asks
the network. The command line hands the result to the browser (or prints it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from papers.errors import NoSuchLinkError, PapersError
from papers.model.catalogue import Item
from papers.model.query import find_paper
from papers.store import load as storage
from papers.store.paths import display_path

TARGETS = ("page", "abs", "pdf", "note", "link")


@dataclass(frozen=True)
class Target:
    """What to open for an item: a URL, or a file (`is_file`)."""

    item: Item
    location: str
    is_file: bool


def open_target(
    path: str | os.PathLike[str], query: str, what: str = "page", link: int | None = None
) -> Target:
    """Where `papers open QUERY` goes: `page` (the arXiv abstract page, else the DOI, else the url,
    else the first link), `abs`, `pdf` (the cached PDF), `note` (the note file) or `link` (the
    `link`-th of the item's links, from 1). PapersError when the item has no such thing."""
    catalogue_file = Path(path)
    item = find_paper(storage.load_catalogue(catalogue_file), query)[0]
    if what == "page":
        return Target(item, _page(item), False)
    if what == "abs":
        if not item.arxiv:
            raise PapersError(
                f"{item.key} has no arXiv id, so no abstract page. Open its page: papers open {item.key}"
            )
        return Target(item, f"https://arxiv.org/abs/{item.arxiv}", False)
    if what == "pdf":
        return Target(item, str(_cached_pdf(item)), True)
    if what == "note":
        return Target(item, str(_note(catalogue_file, item)), True)
    if what == "link":
        links = [*([item.url] if item.url else []), *item.links]
        if link is None or not 1 <= link <= len(links):
            raise NoSuchLinkError(item.key, len(links), link)
        return Target(item, links[link - 1], False)
    raise ValueError(f"unknown target {what!r}: one of {', '.join(TARGETS)}")


def _page(item: Item) -> str:
    if item.arxiv:
        return f"https://arxiv.org/abs/{item.arxiv}"
    if item.doi:
        return f"https://doi.org/{item.doi}"
    for link in (item.url, *item.links):
        if link:
            return link
    raise PapersError(f"{item.key} has no arXiv id, DOI or link to open. Add one (papers edit, or by hand)")


def _cached_pdf(item: Item) -> Path:
    from papers.actions.fetch import cached_metadata, pdf_path

    dest = pdf_path(item, cached_metadata(item))
    if not dest.is_file():
        raise PapersError(
            f"the PDF of {item.key} is not in the cache yet. Download it with papers pdf {item.key}"
        )
    return dest


def _note(catalogue_file: Path, item: Item) -> Path:
    from papers import notes

    folder = catalogue_file.resolve().parent
    recorded = folder / item.note if item.note else notes.note_path(folder / "notes", item.key)
    inside = recorded.resolve().is_relative_to((folder / "notes").resolve())
    if not inside or not recorded.is_file():
        why = "is outside notes/" if not inside else "does not exist"
        raise PapersError(
            f"the note of {item.key} ({display_path(recorded)}) {why}. Start one with papers note {item.key}"
        )
    return recorded
