"""The catalogue as one JSON value: title, notes and sections, each item with every schema field (unset
ones as null, [] or false) and its children nested.

The text is ``json.dumps(source.tree(), indent=2, ensure_ascii=False)`` through ``text.json_safe``, byte
for byte, but written level by level from templates (``json_text``) without a dict per item: the
deepest items first, so that each item's children are written before it is.
"""

from __future__ import annotations

from papers.formats.types import Exported, ExportSource
from papers.json_text import NotPlain, joined, objects
from papers.model.catalogue import FILE_COLUMNS, Catalogue, tree_levels
from papers.text import indented_json, json_safe

_NAMED_WITH_NOTES = (("name", 0, False), ("notes", 1, True))
_TITLED_WITH_NOTES = (("title", 0, False), ("notes", 1, True))
_ITEMS_LEVEL = 4  # the document, "sections", a section, its "items": an item is 4 levels in


def export(source: ExportSource) -> Exported:
    keep = None if source.selected is None else {item.key for item in source.selected}
    try:
        return Exported(catalogue_json(source.catalogue, keep) + "\n")
    except NotPlain:  # a value the templates do not know: the general writer takes it all
        return Exported(json_safe(indented_json(source.tree())) + "\n")


def catalogue_json(catalogue: Catalogue, keep: set[str] | None = None) -> str:
    """``to_tree(catalogue, keep)`` as indented JSON (see the module's docstring).

    Each level's texts are dropped once the level above holds them: at 50,000 items the document
    is 32 MB, and no more than two copies of it are alive at once."""
    sections, levels, counts = tree_levels(catalogue, keep)
    below: list[str] = []  # the items of the level under the one being written
    for depth in reversed(range(len(levels))):
        level = _ITEMS_LEVEL + 2 * depth
        children: list[str] = []
        at = 0
        for count in counts[depth]:
            children.append(joined(below[at : at + count], level + 1) if count else "[]")
            at += count
        below = []  # held in `children` now: not alive while this level is written
        below = objects(levels[depth], FILE_COLUMNS, level, (("children", children),))
    items: list[str] = []
    at = 0
    for _, count in sections:
        items.append(joined(below[at : at + count], _ITEMS_LEVEL - 1))
        at += count
    below = []
    rows = [(section.name, section.notes) for section, _ in sections]
    written = objects(rows, _NAMED_WITH_NOTES, 2, (("items", items),))
    items = []
    every_section = joined(written, 1)
    written = []
    return objects(
        [(catalogue.title, catalogue.notes)], _TITLED_WITH_NOTES, 0, (("sections", [every_section]),)
    )[0]
