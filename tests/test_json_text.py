"""The template writer of `json_text` (list --json, export --format json) against json.dumps(indent=2):
byte for byte, on arbitrary rows and catalogues, and the general writer for what it does not know."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papers import json_text, render
from papers.formats import json as json_format
from papers.formats.types import ExportSource
from papers.json_text import NotPlain, encoded, list_texts, objects, rows_document
from papers.model.catalogue import Catalogue, Item, Section, to_tree
from papers.store.load import load_catalogue
from papers.text import indented_json, json_safe
from strategies import TEXT, catalogues, selections

FIXTURE = Path(__file__).parent / "fixtures" / "catalogue" / "papers.yaml"

_SCALAR = st.none() | st.booleans() | st.integers() | st.floats() | TEXT


def dumped(value: Any) -> str:
    return json_safe(json.dumps(value, indent=2, ensure_ascii=False))


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[tuple[Any, ...]], list[tuple[str, int, bool]]]:
    keys = draw(st.lists(TEXT, min_size=1, max_size=5, unique=True))
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


@pytest.mark.parametrize("block", [1, 2, 3])
def test_rows_are_written_the_same_a_block_at_a_time(monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    monkeypatch.setattr(json_text, "BLOCK", block)
    rows = [(f"k{i}", None if i % 2 else "x", (f"l{i}",) * (i % 3), i % 2 == 0) for i in range(7)]
    columns = [("key", 0, False), ("maybe", 1, False), ("links", 2, True), ("flag", 3, False)]
    expected = [{"key": k, "maybe": m, "links": list(links), "flag": f} for k, m, links, f in rows]
    assert rows_document(rows, columns) == dumped(expected)
    catalogue = load_catalogue(FIXTURE)
    assert json_format.catalogue_json(catalogue) == dumped(to_tree(catalogue))


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


# Drawing a catalogue is slow on a busy machine; no timing is asserted.
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogues(), st.data())
def test_the_catalogue_export_is_json_dumps_of_its_tree(catalogue: Catalogue, data: st.DataObject) -> None:
    keep = data.draw(selections(catalogue))
    assert json_format.catalogue_json(catalogue, keep) == dumped(to_tree(catalogue, keep))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
