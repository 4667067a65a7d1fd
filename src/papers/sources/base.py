"""What every metadata source shares: the ids it is asked for, what it answers, and its protocol.

A source (arXiv in sources/arxiv/, Semantic Scholar in sources/semanticscholar.py) is a module
under sources/ with a class that implements ``Source``: it says which ids it can answer
(``handles``) and fetches many at once (``fetch``), over the one ``Transport`` (sources/http.py),
returning our own records from model/paper.py, never a library's type: ``PaperMeta`` from arXiv,
``ScholarMeta`` (with references) from Semantic Scholar. A batch never raises for a failed
request: the ``FetchResult`` keeps what was found and says what was not.

Imported by commands that may not touch the network (`papers add` parses an id with it, and
actions/scholar.py names PaperId and Doi), so nothing heavy here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from papers.errors import NotOnArxivError, PaperNotFoundError, PapersError, UsageError
from papers.model.arxiv_ids import ArxivId, parse_arxiv_id
from papers.model.paper import PaperMeta

__all__ = ["Doi", "FetchResult", "PaperId", "PaperMeta", "Progress", "Source", "parse_doi", "parse_paper_id"]

Progress = Callable[[int, int | None], None]
"""Called as ``progress(done, total)``: ids fetched of ids asked, or bytes of ``total`` (None if unknown)."""

# https://www.doi.org/the-identifier/resources/handbook/2_numbering: "10." + registrant, "/", suffix.
_DOI = re.compile(r"(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*)?(?P<doi>10\.\d{4,9}/\S+)", re.IGNORECASE)


class InvalidDoiError(UsageError):
    """Text that is not a DOI in any form papers accepts."""


@dataclass(frozen=True, order=True)
class Doi:
    """A DOI, lower case (DOIs are case-insensitive): ``10.1162/neco.1997.9.8.1735``."""

    doi: str

    def __str__(self) -> str:
        return self.doi


PaperId = ArxivId | Doi
"""What a source is asked for. An arXiv DOI (10.48550/arXiv.X) is an ArxivId, not a Doi."""


def parse_doi(text: str) -> Doi:
    """A bare DOI, ``doi:`` form or doi.org link; raise InvalidDoiError."""
    match = _DOI.fullmatch(text.strip())
    if match is None:
        raise InvalidDoiError(f"not a DOI: {text.strip()!r}. Give one like 10.1162/neco.1997.9.8.1735")
    return Doi(match["doi"].rstrip(".").lower())


def parse_paper_id(text: str) -> PaperId:
    """An arXiv id in any form (its DOI included), else a DOI; raise UsageError for neither."""
    try:
        return parse_arxiv_id(text)
    except UsageError as not_arxiv:
        if _DOI.fullmatch(text.strip()) is None:
            raise not_arxiv from None
    return parse_doi(text)


R = TypeVar("R")


@dataclass(frozen=True)
class FetchResult(Generic[R]):
    """What a batch came to: records found, ids the source does not have, ids whose request failed.

    ``R`` is the source's record: PaperMeta for arXiv, ScholarMeta for Semantic Scholar."""

    found: dict[PaperId, R] = field(default_factory=dict)
    missing: list[PaperId] = field(default_factory=list)
    failed: dict[PaperId, PapersError] = field(default_factory=dict)
    source: str = "arXiv"

    def errors(self) -> list[PapersError]:
        """One error per id not found or not fetched, in the order asked; exit with the worst code."""
        not_found: list[PapersError] = [
            NotOnArxivError(f"not found on arXiv: {i.versioned}")
            if isinstance(i, ArxivId) and self.source == "arXiv"
            else PaperNotFoundError(
                f"not found on {self.source}: {f'arXiv:{i.versioned}' if isinstance(i, ArxivId) else i}"
            )
            for i in self.missing
        ]
        return not_found + list(self.failed.values())


class Source(Protocol[R]):
    """A metadata source: one class per module under sources/, handed a Transport when made."""

    name: str

    def handles(self, paper_id: PaperId) -> bool:
        """Whether this source can be asked for ``paper_id`` at all."""
        ...

    def fetch(self, ids: Sequence[PaperId], progress: Progress | None = None) -> FetchResult[R]:
        """Records for many ids, batched as the API allows; never raises for a failed request."""
        ...
