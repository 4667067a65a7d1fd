"""`papers resolve`: find the arXiv id or DOI of items that have neither, by their title.

Each title is asked of Semantic Scholar (``/paper/search/match``: its single best match) and of
arXiv (``ti:`` search, every word ANDed, punctuation dropped: arXiv's API user manual,
https://info.arxiv.org/help/api/user-manual.html) as a second opinion.
Every candidate is shown with its similarity to the item's title (model.query.title_similarity);
only one at or above ``TITLE_MATCH`` (0.9) can be written, and then only what identifies the
paper: ``arxiv:`` when it is on arXiv, else ``doi:``. `papers fetch` then fills in the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from papers.errors import PapersError
from papers.model import catalogue as core
from papers.model.catalogue import Catalogue, Item
from papers.model.query import TITLE_MATCH, find_paper, title_similarity, title_words
from papers.store import load as storage

if TYPE_CHECKING:
    from papers.sources.http import Transport


@dataclass(frozen=True)
class Candidate:
    source: str  # "Semantic Scholar" or "arXiv"
    title: str
    similarity: float
    arxiv: str | None = None
    doi: str | None = None
    year: int | None = None

    @property
    def confident(self) -> bool:
        return self.similarity >= TITLE_MATCH and bool(self.arxiv or self.doi)

    @property
    def fields(self) -> dict[str, str]:
        """What writing it sets on the item: the arXiv id if there is one, else the DOI."""
        return {"arxiv": self.arxiv} if self.arxiv else {"doi": self.doi or ""}

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source, "title": self.title, "similarity": round(self.similarity, 3),
            "arxiv": self.arxiv, "doi": self.doi, "year": self.year, "confident": self.confident,
        }  # fmt: skip


@dataclass
class Resolution:
    item: Item
    candidates: list[Candidate] = field(default_factory=list)  # best first
    errors: list[PapersError] = field(default_factory=list)

    @property
    def best(self) -> Candidate | None:
        """The candidate that may be written: the most similar confident one (arXiv's on a tie)."""
        return next((c for c in self.candidates if c.confident), None)


def unresolved(catalogue: Catalogue, targets: Sequence[str], *, every: bool) -> list[Item]:
    """The items to look up: those named (or all, with ``every``) that have no arXiv id, no DOI, and are papers."""
    from papers.actions.fetch import item_arxiv_id
    from papers.sources.base import item_doi

    named = (
        list(catalogue.items)
        if every
        else list({i.key: i for target in targets for i in find_paper(catalogue, target)}.values())
    )
    return [
        item for item in named if not item.group and item_arxiv_id(item) is None and item_doi(item) is None
    ]


def look_up(items: Sequence[Item], transport: Transport) -> list[Resolution]:
    """Ask both sources for every item's title (S2 1 s apart, arXiv 3 s apart); never raises for one item."""
    from papers.sources.arxiv.client import ArxivClient
    from papers.sources.semanticscholar import SemanticScholar

    scholar, arxiv = SemanticScholar(transport), ArxivClient(transport=transport)
    resolutions: list[Resolution] = []
    for item in items:
        found = Resolution(item)
        try:
            match = scholar.match_title(item.title)
        except PapersError as err:
            found.errors.append(err)
        else:
            if match is not None:
                found.candidates.append(
                    Candidate(
                        "Semantic Scholar",
                        match.title,
                        title_similarity(item.title, match.title),
                        match.arxiv_id,
                        match.doi,
                        match.year,
                    )
                )
        try:
            entries = arxiv.search_title(title_words(item.title))
        except PapersError as err:
            found.errors.append(err)
        else:
            scored = sorted(entries, key=lambda e: -title_similarity(item.title, e.title))
            for entry in scored[:1]:
                found.candidates.append(
                    Candidate(
                        "arXiv",
                        entry.title,
                        title_similarity(item.title, entry.title),
                        entry.arxiv_id,
                        None,
                        entry.year,
                    )
                )
        found.candidates.sort(key=lambda c: (-round(c.similarity, 3), c.source != "arXiv"))
        resolutions.append(found)
    return resolutions


def write(path: Path, accepted: dict[str, Candidate]) -> list[str]:
    """Write each accepted candidate's id onto its item, in one locked edit; the keys changed."""
    if not accepted:
        return []
    with storage.editing(path) as editor:
        changes = [
            core.Change(key, candidate.fields, ", ".join(candidate.fields))
            for key, candidate in accepted.items()
            if editor.catalogue.get(key) is not None
        ]
        editor.apply(changes)
    return [change.key for change in changes]
