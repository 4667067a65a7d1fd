"""The catalogue as one JSON value: title, notes and sections, each item with every schema field (unset
ones as null, [] or false) and its children nested."""

from __future__ import annotations

from papers.formats.types import Exported, ExportSource
from papers.text import indented_json, json_safe


def export(source: ExportSource) -> Exported:
    return Exported(json_safe(indented_json(source.tree())) + "\n")
