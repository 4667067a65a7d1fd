"""papers: track your way through a reading list of research papers.

The small public API, for notebooks and scripts::

    from papers import load_catalogue, find_catalogue
    catalogue = load_catalogue(find_catalogue())
    todo = [item for item in catalogue.items if item.status != "done"]

What each command does is in `papers.actions` (mark, add_paper, start_note, import_file, export,
list_items, show, progress, tag, list_changes, revert, ...: its docstring lists them all), callable
the same way; see the README's "From Python".

The names are imported when first used, so `import papers` itself costs nothing: the command
line starts with it, and a Ctrl-C during its imports is reported in one line by `papers.cli`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from papers.model.catalogue import Catalogue, Item
    from papers.store.load import load_catalogue
    from papers.store.paths import find_catalogue

_HOMES = {
    "Catalogue": "papers.model.catalogue",
    "Item": "papers.model.catalogue",
    "load_catalogue": "papers.store.load",
    "find_catalogue": "papers.store.paths",
}
__all__ = ["Catalogue", "Item", "__version__", "find_catalogue", "load_catalogue"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'papers' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
