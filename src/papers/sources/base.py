"""What every metadata source shares: the ids it is asked for, what it answers, and its protocols.

A source is a module under sources/ (arXiv: sources/arxiv/source.py, Semantic Scholar:
sources/semanticscholar.py) with a class implementing ``Source``, named once in
sources/registry.py; `papers fetch` (actions/fetch.py) loops over that registry and names no
source. A ``Source`` says which items it applies to (``paper_id``), which of them `--all` asks for
(``select``), what its cache folder (``namespace``) already holds (``from_cache``), how to ask for
the rest in batches (``connect`` gives a ``Client`` over the one ``Transport``, sources/http.py),
how to cache what arrived (``store``) and what a record changes on the items holding it
(``changes``, ``new_item``, ``since_read``). Records are our own, from model/paper.py, never a
library's type: ``PaperMeta`` from arXiv, ``ScholarMeta`` (with references) from Semantic Scholar.
A batch never raises for a failed request: the ``FetchResult`` keeps what was found and says
what was not.

The ids themselves (``Doi``, ``PaperId``, ``parse_paper_id``) are model/paper_ids.py's, named here
too for the sources. Imported by commands that may not touch the network (`papers list --sort
year` reads cached records through the registry), so nothing heavy here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from papers.errors import NotOnArxivError, PaperNotFoundError, PapersError
from papers.model.arxiv_ids import ArxivId, arxiv_id_from_link, parse_arxiv_id
from papers.model.paper import NewVersion, PaperMeta
from papers.model.paper_ids import Doi, InvalidDoiError, PaperId, parse_doi, parse_paper_id

if TYPE_CHECKING:
    from papers.model.catalogue import Catalogue, Item
    from papers.sources.http import Transport

__all__ = [
    "Batch",
    "Client",
    "Doi",
    "FetchResult",
    "Found",
    "InvalidDoiError",
    "PaperId",
    "PaperMeta",
    "Progress",
    "Source",
    "cached_records",
    "item_arxiv_id",
    "item_doi",
    "parse_doi",
    "parse_paper_id",
]

Progress = Callable[[int, int | None], None]
"""Called as ``progress(done, total)``: ids fetched of ids asked, or bytes of ``total`` (None if unknown)."""

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


class Client(Protocol[R]):
    """A source's API client, handed a Transport when made: ArxivClient, SemanticScholar."""

    name: str

    def handles(self, paper_id: PaperId) -> bool:
        """Whether this source can be asked for ``paper_id`` at all."""
        ...

    def budget_for(self, count: int) -> float:
        """The longest ``count`` ids may take, spacing included (the command's deadline adds these up)."""
        ...

    def fetch(self, ids: Sequence[PaperId], progress: Progress | None = None) -> FetchResult[R]:
        """Records for many ids, batched as the API allows; never raises for a failed request."""
        ...


@dataclass
class Found(Generic[R]):
    """One record a fetch holds: from the cache or the network, and the keys of the items holding it."""

    meta: R
    from_cache: bool
    keys: list[str] = field(default_factory=list)
    news: dict[str, NewVersion] = field(default_factory=dict)  # key -> a version it was read before


@dataclass
class Batch(Generic[R]):
    """One source's part of a fetch: the records it has so far, the ids still to ask, its errors."""

    found: dict[PaperId, Found[R]] = field(default_factory=dict)
    wanted: list[PaperId] = field(default_factory=list)
    errors: list[PapersError] = field(default_factory=list)


class Source(Protocol[R]):
    """A metadata source as `papers fetch` uses it: one class per module under sources/, one line in
    sources/registry.py. Made without a transport, so that planning a fetch and reading the cache
    import nothing of the network; ``connect`` makes its Client when something must be asked."""

    name: str  # as `--source` spells it: "arxiv"
    label: str  # as a person reads it: "arXiv" (the table's heading)
    namespace: str  # its folder in papers' cache: "arxiv"
    reads: tuple[str, ...]  # the fields an item needs for it to apply, as advice words them: "`arxiv: ID`"
    versioned: bool  # whether its records carry a paper's versions: if not, ``since_read`` is always None

    def paper_id(self, item: Item) -> PaperId | None:
        """What to ask for ``item``; None if this source does not apply to it."""
        ...

    def handles(self, paper_id: PaperId) -> bool:
        """Whether an id typed on the command line can be asked of this source."""
        ...

    def select(
        self, candidates: Sequence[tuple[Item, PaperId]], directory: Path, *, refresh: bool, chosen: bool
    ) -> list[PaperId]:
        """Which of these items `--all` asks for (``chosen``: the user named this source)."""
        ...

    def from_cache(self, ids: Sequence[PaperId], directory: Path, *, refresh: bool) -> Batch[R]:
        """What ``directory`` answers for ``ids``, and what is still to ask (all of it on ``refresh``)."""
        ...

    def cached(self, items: Sequence[Item], directory: Path) -> list[tuple[Item, R]]:
        """Each of ``items`` with the record ``directory`` holds for it, in their order (never the
        network): what ``from_cache`` finds for its ``paper_id`` (``cached_records`` is that)."""
        ...

    def connect(self, transport: Transport) -> Client[R]: ...

    def store(self, batch: Batch[R], result: FetchResult[R], directory: Path) -> None:
        """Cache what ``result`` holds and move it into ``batch``, its errors too."""
        ...

    def changes(self, catalogue: Catalogue, found: Sequence[Found[R]]) -> dict[str, dict[str, Any]]:
        """Fields to write on items, by key; also fills each record's ``keys``."""
        ...

    def new_item(self, meta: R) -> dict[str, Any] | None:
        """The fields of a new item made from ``meta`` (`fetch --add`); None if this source makes none."""
        ...

    def since_read(self, item: Item, meta: R) -> NewVersion | None:
        """A version of the paper that appeared after ``item`` was read, if the record shows one."""
        ...


def cached_records(source: Source[R], items: Sequence[Item], directory: Path) -> list[tuple[Item, R]]:
    """``source.cached`` from its ``paper_id`` and ``from_cache``: one batch for all of ``items``."""
    asked = [(item, pid) for item in items if (pid := source.paper_id(item)) is not None]
    if not asked:
        return []
    found = source.from_cache([pid for _, pid in asked], directory, refresh=False).found
    records: list[tuple[Item, R]] = []
    for item, pid in asked:
        hit = found.get(pid)
        if hit is not None:
            records.append((item, hit.meta))
        elif isinstance(pid, ArxivId) and pid.version is not None:
            # A pinned version (2205.14135v1): a source may file its record under the bare id, as
            # a batch of this one id shows.
            records.extend(
                (item, f.meta) for f in source.from_cache([pid], directory, refresh=False).found.values()
            )
    return records


def item_arxiv_id(item: Item) -> ArxivId | None:
    """The item's arXiv id: its `arxiv` field, else the first arXiv link among its url and links."""
    if item.arxiv:
        try:
            return parse_arxiv_id(item.arxiv)
        except PapersError:
            return None
    for link in (item.url, *item.links):
        found = arxiv_id_from_link(link) if link else None
        if found is not None:
            return ArxivId(found.id)
    return None


def item_doi(item: Item) -> Doi | None:
    """The item's DOI: its `doi` field, else a doi.org link among its url and links (arXiv's own DOIs aside)."""
    from papers.model.query import doi_of

    for text in (item.doi, item.url, *item.links):
        found = doi_of(text) if text else None
        if found is not None and not found.startswith("10.48550/"):
            return Doi(found)
    return None
