"""The ids a paper is known by besides its key: an arXiv id (model/arxiv_ids.py) or a DOI.

Pure, like the arXiv grammar: `papers add` tells a title from an id with it without importing the
metadata sources, which name these too (sources/base.py).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from papers.errors import UsageError
from papers.model.arxiv_ids import ArxivId, parse_arxiv_id

# https://www.doi.org/the-identifier/resources/handbook/2_numbering: "10." + registrant, "/", suffix.
_DOI = re.compile(r"(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*)?(?P<doi>10\.\d{4,9}/\S+)", re.IGNORECASE)


class InvalidDoiError(UsageError):
    """Text that is not a DOI in any form papers accepts."""


class Doi(NamedTuple):
    """A DOI, lower case (DOIs are case-insensitive): ``10.1162/neco.1997.9.8.1735``. A NamedTuple,
    as ArxivId is."""

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
