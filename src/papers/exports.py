"""`papers export`: the catalogue in other formats, one function per format.

To add a format, add a member to `ExportFormat` and a function to `EXPORTERS`. Every exporter gets the
whole catalogue and the items the user selected (`--todo`, `--done`, `--section`), or None when
nothing was filtered; a tree format keeps the selected items in their sections and nesting (see
`catalogue.to_tree`), a flat one (bibtex, say) can just walk the list.

Imported on every start-up (the CLI needs the enum to declare `--format`), so the formats'
own modules are imported inside their functions.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

from papers.catalogue import Catalogue, Item, to_tree


class ExportFormat(StrEnum):
    markdown = "markdown"
    json = "json"


Exporter = Callable[[Catalogue, Sequence[Item] | None], str]


def _tree(catalogue: Catalogue, selected: Sequence[Item] | None) -> dict[str, Any]:
    return to_tree(catalogue, None if selected is None else {item.key for item in selected})


def export_markdown(catalogue: Catalogue, selected: Sequence[Item] | None) -> str:
    """A GitHub checklist that `papers import` reads back to the same catalogue (see docs/markdown.md)."""
    from papers.checklist import to_markdown

    tree = _tree(catalogue, selected)
    for section in tree["sections"]:
        _drop_own_arxiv_links(section["items"])
    return to_markdown(tree)


def _drop_own_arxiv_links(items: list[dict[str, Any]]) -> None:
    """Leave out links to the item's own arXiv paper (its PDF, say): the title already links there,
    and import would fold them into the id anyway. So the export of an import exports the same."""
    from papers.arxiv_ids import arxiv_id_from_link

    for item in items:
        if item["arxiv"]:
            own = [
                link
                for link in item["links"]
                if (found := arxiv_id_from_link(link)) and found.id == item["arxiv"]
            ]
            item["links"] = [link for link in item["links"] if link not in own]
        _drop_own_arxiv_links(item["children"])


def export_json(catalogue: Catalogue, selected: Sequence[Item] | None) -> str:
    """Title, notes and sections, each item with every schema field and its children nested."""
    return json.dumps(_tree(catalogue, selected), indent=2, ensure_ascii=False) + "\n"


EXPORTERS: dict[ExportFormat, Exporter] = {
    ExportFormat.markdown: export_markdown,
    ExportFormat.json: export_json,
}


def export(catalogue: Catalogue, fmt: ExportFormat, selected: Sequence[Item] | None = None) -> str:
    return EXPORTERS[fmt](catalogue, selected)
