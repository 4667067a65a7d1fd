"""The one field table (model/schema.py) drives the model, the parser, the editor and the outputs.

The tests here are written over the table, so a new row is covered by them without a new test:
it must parse, be set and removed by the editor byte for byte, appear in --json and in
docs/schema.md, and keep the travel through markdown the table claims for it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from papers.formats.markdown import parse_checklist, to_markdown
from papers.model import schema
from papers.model.catalogue import Catalogue, Item, Section, item_fields, to_tree
from papers.store.parse import parse, parse_catalogue
from papers.store.yamledit.editor import Editor

REPO = Path(__file__).resolve().parents[1]
BASE = "sections:\n  - name: A\n    items:\n      - key: a  # mine\n        title: A paper\n\n  - name: B\n"
SAMPLES: dict[str, Any] = {
    schema.TEXT: "Some text: with a colon",
    schema.LIST: ("one", "two, three"),
    schema.YEAR: 2017,
    schema.DATE: "2026-11-26",
    schema.STATUS: "done",
    schema.FLAG: True,
    schema.PRIORITY: "high",
}
EDITABLE = [name for name in schema.FIELD_ORDER if name not in ("key", "title", "children")]


def test_the_table_gives_the_orders_papers_has_always_used() -> None:
    assert schema.FIELD_ORDER == (
        "key", "title", "group", "status", "started_on", "done_on", "arxiv", "doi", "year", "authors", "venue", "url",
        "links", "note", "listed_as", "remark", "tags", "priority", "children",
    )  # fmt: skip
    # doi, venue (issue 11), tags, priority (issue 9) and started_on (issue 12) come last in --json, so
    # the keys scripts already read keep their places.
    assert schema.JSON_KEYS == (
        "key", "title", "section", "status", "done_on", "arxiv", "parent", "children", "group", "year",
        "authors", "url", "links", "note", "listed_as", "remark", "doi", "venue", "tags", "priority", "started_on",
    )  # fmt: skip
    assert Item._fields == schema.ItemRecord._fields  # Item adds behaviour, never fields
    assert "line" not in Item._fields and "line" not in Section._fields  # no file positions in the model


def test_json_and_item_fields_follow_the_table() -> None:
    item = Item("a", "A", "S", None, 0, authors=("X",), year=2017)
    as_json = item.to_json()
    assert tuple(as_json) == schema.JSON_KEYS
    assert as_json["authors"] == ["X"] and as_json["children"] == [] and as_json["year"] == 2017
    fields = item_fields(item)
    assert tuple(fields) == schema.FIELD_ORDER[:-1]
    assert fields["links"] == [] and fields["status"] == "todo"


def test_docs_list_every_field_in_the_order_papers_writes_them() -> None:
    text = (REPO / "docs" / "schema.md").read_text()
    table = text.split("## Fields of an item", 1)[1].split("\n## ", 1)[0]
    assert tuple(re.findall(r"^\| `(\w+)` \|", table, re.MULTILINE)) == schema.FIELD_ORDER


@pytest.mark.parametrize("name", EDITABLE)
def test_every_field_parses_and_is_set_and_removed_byte_for_byte(name: str) -> None:
    value = SAMPLES[schema.FIELDS[name].kind]
    editor = Editor(BASE, parse(BASE))
    editor.set_fields("a", {name: value})
    written = editor.text
    assert getattr(parse_catalogue(written)["a"], name) == value
    assert "# mine" in written and written.endswith("  - name: B\n")
    editor.set_fields("a", {name: None})
    assert editor.text == BASE
    assert getattr(parse_catalogue(editor.text)["a"], name) == schema.DEFAULTS[name]


@pytest.mark.parametrize("name", EDITABLE)
def test_an_added_item_carries_every_field(name: str) -> None:
    from papers.model.catalogue import NewItem

    value = SAMPLES[schema.FIELDS[name].kind]
    editor = Editor(BASE, parse(BASE))
    editor.add_item(NewItem("B", None, {"key": "b", "title": "B paper", name: value}))
    editor.recheck()
    assert getattr(editor.catalogue["b"], name) == value
    assert editor.text.startswith(BASE)


def test_markdown_keeps_what_the_table_says_it_keeps() -> None:
    values = {name: SAMPLES[schema.FIELDS[name].kind] for name in EDITABLE}
    values |= {"arxiv": "1706.03762", "url": None, "links": ("https://example.org/code",), "status": "done"}
    values |= {"tags": ("one", "two-three")}  # a comma in a tag becomes a space, as the table says
    item = Item("a", "A paper", "S", None, 0, **values)
    back = parse_checklist(to_markdown(to_tree(Catalogue(None, (), (Section("S", (), ("a",)),), (item,)))))
    [found] = back["sections"][0]["items"]
    for name, field in schema.FIELDS.items():
        if field.markdown.startswith("kept") and field.kind != schema.PLACE and name != "children":
            expected = item_fields(item)[name]
            assert found.get(name, schema.DEFAULTS.get(name)) == expected, name
        elif field.markdown == "lost":
            assert not found.get(name), name
