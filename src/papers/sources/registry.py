"""The metadata sources `papers fetch` asks, in the order it asks them: adding one is a line here.

The order matters: with no ``--source``, an item is asked of the first source that applies to
it (arXiv for an arXiv paper, Semantic Scholar for a paper with only a DOI); ``--source NAME``
asks only that source, for every item it applies to, and ``--source all`` every source.
"""

from __future__ import annotations

from typing import Any

from papers.errors import UsageError
from papers.sources.arxiv.source import Arxiv
from papers.sources.base import Source
from papers.sources.semanticscholar import Scholar

SOURCES: tuple[Source[Any], ...] = (Arxiv(), Scholar())

ALL = "all"


class UnknownSourceError(UsageError):
    """A source name that is not in the registry (exit 2); ``choices`` are the names that are."""

    def __init__(self, name: str) -> None:
        self.name, self.choices, self.either = name, names(), either()
        super().__init__(f"there is no source called {name!r}: use {self.either}")


def names() -> tuple[str, ...]:
    """What can be chosen: every source's name, then ``all``."""
    return (*(source.name for source in SOURCES), ALL)


def either() -> str:
    """The choices as advice words them: ``arxiv, s2 or all``."""
    return _either(names())


def _either(choices: tuple[str, ...]) -> str:
    return f"{', '.join(choices[:-1])} or {choices[-1]}" if len(choices) > 1 else choices[0]


def choose(name: str | None) -> tuple[tuple[Source[Any], ...], bool]:
    """The sources a fetch may ask, and whether they were chosen (``False``: the default, in which
    an item is asked of the first that applies). Raise UnknownSourceError for a name not here."""
    if name is None:
        return SOURCES, False
    if name == ALL:
        return SOURCES, True
    chosen = tuple(source for source in SOURCES if source.name == name)
    if not chosen:
        raise UnknownSourceError(name)
    return chosen, True
