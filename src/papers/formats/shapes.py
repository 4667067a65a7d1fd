"""The plain-dict shape in which formats exchange a catalogue: the shape of ``papers.yaml`` (docs/schema.md).

These are dicts, not the model's ``Catalogue`` and ``Item``: an import builds them before any item exists,
storage writes them without knowing which format they came from, and ``model.catalogue.to_tree`` gives
one back for export::

    CatalogueDict = {"title": str | None, "notes": [str], "sections": [SectionDict, ...]}
    SectionDict   = {"name": str, "notes": [str], "items": [ItemDict, ...]}
    ItemDict      = {"key": str, "title": str, "status": str, ...schema fields..., "children": [ItemDict, ...]}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

ItemDict = dict[str, Any]
SectionDict = dict[str, Any]
CatalogueDict = dict[str, Any]


def one_line(text: str) -> str:
    """The text with every run of whitespace, line breaks included, turned into one space."""
    return " ".join(text.split())


def unique(values: Iterable[str]) -> list[str]:
    """The values in their first order, each once."""
    return list(dict.fromkeys(values))
