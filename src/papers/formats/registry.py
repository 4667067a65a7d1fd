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

from papers.model.catalogue import Catalogue, Item, to_tree


class ExportFormat(StrEnum):
    markdown = "markdown"
    json = "json"
    bibtex = "bibtex"


Exporter = Callable[[Catalogue, Sequence[Item] | None], str]


def _tree(catalogue: Catalogue, selected: Sequence[Item] | None) -> dict[str, Any]:
    return to_tree(catalogue, None if selected is None else {item.key for item in selected})


def export_markdown(catalogue: Catalogue, selected: Sequence[Item] | None) -> str:
    """A GitHub checklist that `papers import` reads back to the same catalogue (see docs/markdown.md)."""
    from papers.formats.markdown import to_markdown

    tree = _tree(catalogue, selected)
    for section in tree["sections"]:
        _drop_own_arxiv_links(section["items"])
    return to_markdown(tree)


def _drop_own_arxiv_links(items: list[dict[str, Any]]) -> None:
    """Leave out links to the item's own arXiv paper (its PDF, say): the title already links there,
    and import would fold them into the id anyway. So the export of an import exports the same."""
    from papers.sources.arxiv.ids import arxiv_id_from_link

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


def bibtex_sources(catalogue: Catalogue, selected: Sequence[Item] | None) -> tuple[list[Any], list[str]]:
    """The cached arXiv records of the chosen items (each paper once, in catalogue order), and the
    keys of chosen papers that have an arXiv id but no record yet (`papers fetch` fills those)."""
    from papers.actions.fetch import cached_metadata, item_arxiv_id
    from papers.sources.cache import MetadataCache

    cache = MetadataCache()
    records: dict[str, Any] = {}
    unfetched: list[str] = []
    for item in catalogue.items if selected is None else selected:
        arxiv_id = item_arxiv_id(item)
        if arxiv_id is None or arxiv_id.id in records:
            continue
        meta = cached_metadata(item, cache)
        if meta is None:
            unfetched.append(item.key)
        else:
            records[arxiv_id.id] = meta
    return list(records.values()), unfetched


def export_bibtex(catalogue: Catalogue, selected: Sequence[Item] | None) -> str:
    """BibTeX in arXiv's preprint convention for every chosen paper whose metadata was fetched."""
    from papers.formats.bibtex import to_bibtex

    records, _ = bibtex_sources(catalogue, selected)
    return to_bibtex(records)


EXPORTERS: dict[ExportFormat, Exporter] = {
    ExportFormat.markdown: export_markdown,
    ExportFormat.json: export_json,
    ExportFormat.bibtex: export_bibtex,
}


def export(catalogue: Catalogue, fmt: ExportFormat, selected: Sequence[Item] | None = None) -> str:
    return EXPORTERS[fmt](catalogue, selected)
