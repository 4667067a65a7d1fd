"""What a format module implements, and what it is handed (like doc2dash's ``parsers/types.py``).

An export format is a module in ``papers.formats`` with ``export(source: ExportSource) -> Exported``;
an import format one with ``parse(text, taken_keys, label=...) -> CatalogueDict``. ``formats.registry`` names them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, Protocol

from papers.formats.shapes import CatalogueDict
from papers.model.catalogue import Catalogue, Item, to_tree

if TYPE_CHECKING:
    from papers.model.paper import PaperMeta, ScholarMeta


class Record(NamedTuple):
    """The paper an item names, as the metadata cache knows it: its id, and its record (None: not fetched).

    A tuple, not a frozen dataclass: an export of 50,000 items makes one per item."""

    paper_id: str
    meta: PaperMeta | ScholarMeta | None


def _no_records(item: Item) -> Record | None:
    return None


@dataclass(frozen=True)
class ExportSource:
    """What an exporter gets: the catalogue, the items the user chose (None: no filter), and the
    cached record of each item's paper (``record`` returns None for an item that names no paper)."""

    catalogue: Catalogue
    selected: Sequence[Item] | None = None
    record: Callable[[Item], Record | None] = _no_records

    @property
    def items(self) -> Sequence[Item]:
        """The chosen items as a flat list, in catalogue order: for a flat format (bibtex, say)."""
        return self.catalogue.items if self.selected is None else self.selected

    def tree(self) -> CatalogueDict:
        """The chosen items in their sections and nesting (see ``model.catalogue.to_tree``)."""
        return to_tree(self.catalogue, None if self.selected is None else {i.key for i in self.selected})


@dataclass(frozen=True)
class Exported:
    """An export's text, and the keys of chosen papers it left out because their metadata is not fetched."""

    text: str
    unfetched: tuple[str, ...] = ()


class Exporter(Protocol):
    def __call__(self, source: ExportSource, /) -> Exported: ...


class Importer(Protocol):
    """Reads ``text`` into a catalogue dict whose keys avoid ``taken_keys``; refuses text that is not
    in its format with a ``ChecklistError`` naming ``label`` (a file name, say)."""

    def __call__(
        self,
        text: str,
        /,
        taken_keys: Set[str] = ...,
        *,
        label: str = ...,
        only_checkboxes: bool = ...,
        into: str | None = ...,
    ) -> CatalogueDict: ...
