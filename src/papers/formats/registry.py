"""The one registry of import and export formats.

A member of ``ExportFormat`` names the module ``papers.formats.<value>``, whose ``export(source)`` is the
exporter (``formats.types.Exporter``); a member of ``ImportFormat`` names the module whose ``parse(text,
taken_keys)`` reads a list into a catalogue dict (``formats.types.Importer``). So a new format is one
module and one line here, like doc2dash's ``parsers/__init__.py:DOCTYPES``.

Imported on every start-up (the CLI needs the enum to declare ``--format``), so this module imports no
format: each is imported when it is used.
"""

from __future__ import annotations

from enum import StrEnum
from importlib import import_module
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from papers.formats.types import Exporter, Importer


class ExportFormat(StrEnum):
    markdown = "markdown"  # a GitHub checklist that `papers import` reads back (docs/markdown.md)
    json = "json"  # title, notes and sections, every item with every schema field, children nested
    bibtex = (
        "bibtex"  # the chosen papers whose metadata was fetched: @misc (arXiv), @article/@inproceedings (S2)
    )


class ImportFormat(StrEnum):
    markdown = "markdown"  # headings, checklists, bullets, citations and tables (docs/markdown.md)
    bibtex = "bibtex"  # a .bib file, as Zotero, JabRef and Google Scholar write it
    links = "links"  # one arXiv id, link or DOI a line


def exporter(fmt: ExportFormat) -> Exporter:
    return cast("Exporter", import_module(f"papers.formats.{fmt.value}").export)


def importer(fmt: ImportFormat) -> Importer:
    return cast("Importer", import_module(f"papers.formats.{fmt.value}").parse)
