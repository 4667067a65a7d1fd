"""papers: track your way through a reading list of research papers.

The small public API, for notebooks and scripts::

    from papers import load_catalogue, find_catalogue
    catalogue = load_catalogue(find_catalogue())
    todo = [item for item in catalogue.items if item.status != "done"]

What each command does is in `papers.actions` (mark, start_note, import_file, export,
list_items, show, progress), callable the same way; see the README's "From Python".
"""

__version__ = "0.1.0"

# Imported after __version__, which submodules read.
from papers.model.catalogue import Catalogue, Item
from papers.store.load import load_catalogue
from papers.store.paths import find_catalogue

__all__ = ["Catalogue", "Item", "__version__", "find_catalogue", "load_catalogue"]
