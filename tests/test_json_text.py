"""The template writer of `json_text` (list --json, export --format json) against json.dumps(indent=2):
byte for byte, on arbitrary rows and catalogues, and the general writer for what it does not know."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papers import render
from papers.formats import json as json_format
from papers.formats.types import ExportSource
from papers.json_text import NotPlain, encoded, list_texts, objects, rows_document
from papers.model.catalogue import Catalogue, Item, Section, to_tree
from papers.store.load import load_catalogue
from papers.text import indented_json, json_safe

FIXTURE = Path(__file__).parent / "fixtures" / "catalogue" / "papers.yaml"

# Text with what json escapes (quotes, backslashes, C0), what json_safe escapes (DEL, C1, bidi), what
# a `%` template must keep (`%s`, `%%`), wide and combining characters.
_AWKWARD = st.sampled_from(
    ["%", "%s", "%%", '"', "\\", "\n", "\x00", "\x1b", "\x7f", "\x9b", "\u202e", "注", "e\u0301"]
)
_TEXT = st.text() | st.lists(_AWKWARD | st.text(max_size=3), max_size=6).map("".join)
_SCALAR = st.none() | st.booleans() | st.integers() | st.floats() | _TEXT


def dumped(value: Any) -> str:
    return json_safe(json.dumps(value, indent=2, ensure_ascii=False))


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[tuple[Any, ...]], list[tuple[str, int, bool]]]:
    keys = draw(st.lists(_TEXT, min_size=1, max_size=5, unique=True))
    is_list = [draw(st.booleans()) for _ in keys]
    # A column of one value for every row is the common case (all null): drawn often on purpose.
    constant = [draw(st.booleans()) for _ in keys]
    cells = [st.lists(_SCALAR, max_size=3).map(tuple) if listed else _SCALAR for listed in is_list]
    firsts = [draw(cell) for cell in cells]
    rows = draw(
        st.lists(
            st.tuples(
                *(
                    st.just(first) if same else cell
                    for first, same, cell in zip(firsts, constant, cells, strict=True)
                )
            ),
            max_size=6,
        )
    )
    return rows, [(key, index, listed) for index, (key, listed) in enumerate(zip(keys, is_list, strict=True))]


@given(tables())
def test_rows_are_json_dumps_with_indent_2_byte_for_byte(
    table: tuple[list[tuple[Any, ...]], list[Any]],
) -> None:
    rows, columns = table
    expected = [{key: list(row[i]) if listed else row[i] for key, i, listed in columns} for row in rows]
    assert rows_document(rows, columns) == dumped(expected)


@given(tables(), st.integers(0, 5))
def test_objects_at_any_indent_are_the_objects_of_json_dumps(
    table: tuple[list[tuple[Any, ...]], list[Any]], level: int
) -> None:
    rows, columns = table
    written = objects(rows, columns, level)
    for row, text in zip(rows, written, strict=True):
        value = {key: list(row[i]) if listed else row[i] for key, i, listed in columns}
        assert text == "\n".join(
            line if n == 0 else "  " * level + line for n, line in enumerate(dumped(value).split("\n"))
        )


def test_empty_rows_and_shapes() -> None:
    assert rows_document([], [("a", 0, False)]) == "[]"
    assert objects([(1,), (2,)], [], 1) == ["{}", "{}"]
    assert encoded([]) == []
    assert list_texts([(), []], 1) == ["[]", "[]"]


@pytest.mark.parametrize(
    "values",
    [[{"a": 1}], [[1]], ["a", ("b",)], [b"bytes"]],
)
def test_a_value_that_is_no_scalar_is_refused(values: list[Any]) -> None:
    with pytest.raises(NotPlain):
        encoded(values)


@pytest.mark.parametrize("values", [["ab", "c"], [("a",), [{"nested": 1}]]])
def test_a_list_field_of_anything_but_lists_of_scalars_is_refused(values: list[Any]) -> None:
    with pytest.raises(NotPlain):
        list_texts(values, 1)


# --- items and catalogues ---------------------------------------------------------------------------

_KEYS = st.integers(0, 10**6).map(lambda n: f"k{n}")


@st.composite
def catalogues(draw: st.DrawFn) -> Catalogue:
    """Sections of items nested at random, every field of an item drawn (texts awkward)."""
    keys = draw(st.lists(_KEYS, max_size=12, unique=True))
    names = draw(st.lists(_TEXT, min_size=1, max_size=3, unique_by=str.casefold))
    parents: list[int | None] = []
    homes: list[int] = []
    for index in range(len(keys)):
        parent = draw(st.none() | st.integers(0, index - 1)) if index else None
        parents.append(parent)
        homes.append(homes[parent] if parent is not None else draw(st.integers(0, len(names) - 1)))
    items = []
    for index, key in enumerate(keys):
        parent = parents[index]
        depth = 0
        at = parent
        while at is not None:
            depth, at = depth + 1, parents[at]
        items.append(
            Item(
                key=key,
                title=draw(_TEXT),
                section=names[homes[index]],
                parent=None if parent is None else keys[parent],
                depth=depth,
                group=draw(st.booleans()),
                status=draw(st.sampled_from(["todo", "reading", "done"])),
                done_on=draw(st.none() | st.just("2026-11-20")),
                arxiv=draw(st.none() | _TEXT),
                year=draw(st.none() | st.integers(1900, 2030)),
                authors=tuple(draw(st.lists(_TEXT, max_size=2))),
                links=tuple(draw(st.lists(_TEXT, max_size=2))),
                note=draw(st.none() | _TEXT),
                tags=tuple(draw(st.lists(_TEXT, max_size=2))),
                children=tuple(keys[i] for i, p in enumerate(parents) if p == index),
            )
        )
    sections = tuple(
        Section(
            name,
            tuple(draw(st.lists(_TEXT, max_size=2))),
            tuple(k for k, h in zip(keys, homes, strict=True) if h == n),
        )
        for n, name in enumerate(names)
    )
    return Catalogue(
        draw(st.none() | _TEXT), tuple(draw(st.lists(_TEXT, max_size=2))), sections, tuple(items)
    )


@settings(max_examples=200)
@given(catalogues(), st.data())
def test_the_catalogue_export_is_json_dumps_of_its_tree(catalogue: Catalogue, data: st.DataObject) -> None:
    keep = data.draw(
        st.none() | st.sets(st.sampled_from(sorted(catalogue.keys))) if catalogue.keys else st.none()
    )
    assert json_format.catalogue_json(catalogue, keep) == dumped(to_tree(catalogue, keep))


@given(catalogues())
def test_list_json_is_json_dumps_of_the_items(catalogue: Catalogue) -> None:
    items = list(catalogue.items)
    assert render.render_list_json(items) == dumped([item.to_json() for item in items])


def test_a_value_the_templates_do_not_know_goes_to_the_general_writer() -> None:
    odd = Item(key="odd", title="Odd", section="S", parent=None, depth=0, year=2.5)  # type: ignore[arg-type]
    odd = odd._replace(authors=({"name": "Ada"},))  # type: ignore[arg-type]
    catalogue = Catalogue("T", (), (Section("S", (), ("odd",)),), (odd,))
    assert render.render_list_json([odd]) == dumped([odd.to_json()])
    assert json_format.export(ExportSource(catalogue)).text == dumped(to_tree(catalogue)) + "\n"


def test_the_fixture_catalogue_exports_as_the_general_writer_writes_it() -> None:
    catalogue = load_catalogue(FIXTURE)
    todo = [item for item in catalogue.items if item.status == "todo"]
    assert todo and len(todo) < len(catalogue.items)
    for selected in (None, todo):
        source = ExportSource(catalogue, selected)
        assert json_format.export(source).text == json_safe(indented_json(source.tree())) + "\n"
    assert render.render_list_json(todo) == render.to_json([item.to_json() for item in todo])
