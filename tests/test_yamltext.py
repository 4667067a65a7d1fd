"""Surgical edits hold for any hand-written layout, not just ours: a property-based check.

Catalogues are generated in many styles a person might write (indentation, list style, key
order, quoting, comments on lines and between items, optional status lines, CRLF), then items
are ticked and unticked. Every edit must leave a valid file whose parse changes exactly the
fields edited, and `done` followed by `undo` must give the original bytes back.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from papers.errors import CatalogueError
from papers.model.catalogue import set_status
from papers.store import load as storage
from papers.store.parse import parse, parse_catalogue
from papers.store.yamledit.editor import Editor

TITLE_ALPHABET = st.characters(
    codec="utf-8", categories=("L", "N", "P", "Zs", "S"), exclude_characters="\x85\u2028\u2029"
)
titles = st.text(TITLE_ALPHABET, min_size=1, max_size=30).filter(lambda t: t.strip() != "")


@st.composite
def item_lines(
    draw: st.DrawFn, key: str, dash: str, indent: int, indented_lists: bool, depth: int
) -> list[str]:
    """One item as a person might write it, maybe with children of its own."""
    title = json.dumps(draw(titles), ensure_ascii=False)
    fields: list[str] = [f"key: {key}", f"title: {title}"]
    if draw(st.booleans()):
        fields.reverse()  # a person may put the title first
    status = draw(st.sampled_from([None, "todo", "reading", "done"]))
    if status is not None:
        fields.append(f"status: {status}" + ("   # mine" if draw(st.booleans()) else ""))
    if draw(st.booleans()):
        fields.append("links: [https://example.org/a]")
    if draw(st.booleans()):
        fields.append("authors:")
        fields.append(("  " if indented_lists else "") + "- Ada Lovelace")
    if draw(st.booleans()):
        fields.append("remark: |")
        fields.append("  status: done, in a block scalar: text, not a field")
    field = dash + "  "
    first, *rest = fields
    lines = [f"{dash}- {first}", *(f"{field}{line}" for line in rest)]
    n_children = draw(st.integers(0, 2)) if depth == 0 else 0
    if n_children:
        lines.append(f"{field}children:")
        child_dash = field + (" " * indent if indented_lists else "")
        for c in range(n_children):
            lines += draw(item_lines(f"{key}-{c}", child_dash, indent, indented_lists, depth + 1))
    if draw(st.booleans()):
        lines.append(f"{dash}# a comment between items")
    if draw(st.booleans()):
        lines.append("")
    return lines


@st.composite
def catalogues(draw: st.DrawFn) -> tuple[str, list[str]]:
    indent = draw(st.sampled_from([2, 4]))
    indented_lists = draw(st.booleans())
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = ["# a hand-written list"] if draw(st.booleans()) else []
    lines.append("sections:")
    dash = " " * indent if indented_lists else ""
    lines.append(f"{dash}- name: Only")
    field = dash + " " * 2
    lines.append(f"{field}items:")
    item_dash = field + (" " * indent if indented_lists else "")
    for i in range(draw(st.integers(1, 5))):
        lines += draw(item_lines(f"item-{i}", item_dash, indent, indented_lists, 0))
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    return text, [item.key for item in parse_catalogue(text).items]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=catalogues(), picks=st.data())
def test_ticking_changes_exactly_the_ticked_items_in_any_layout(
    data: tuple[str, list[str]], picks: st.DataObject, tmp_path: Path
) -> None:
    text, keys = data
    chosen = picks.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True))
    path = tmp_path / "papers.yaml"
    path.write_bytes(text.encode())
    before = fields_of(text)

    tick(path, chosen, "done")

    after = fields_of(path.read_bytes().decode())
    for key, (title, status, _done_on, links, authors) in before.items():
        if key in chosen and status != "done":
            assert after[key] == (title, "done", "2026-11-26", links, authors)
        else:
            assert after[key] == before[key]
    # The parse cache papers refreshed after the edit agrees with a fresh parse, positions included.
    assert storage.load_catalogue(path).items == parse_catalogue(path.read_bytes()).items


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=catalogues(), picks=st.data())
def test_done_then_undo_gives_back_the_same_bytes_in_any_layout(
    data: tuple[str, list[str]], picks: st.DataObject, tmp_path: Path
) -> None:
    text, keys = data
    before = fields_of(text)
    todo = [key for key in keys if before[key][1] == "todo"]
    assume(todo)
    chosen = picks.draw(st.lists(st.sampled_from(todo), min_size=1, max_size=3, unique=True))
    path = tmp_path / "papers.yaml"
    path.write_bytes(text.encode())

    tick(path, chosen, "done")
    tick(path, chosen, "todo")

    assert fields_of(path.read_bytes().decode()) == before
    assert path.read_bytes().decode() == text


def tick(path: Path, keys: list[str], status: str) -> None:
    with storage.editing(path) as editor:
        changes, _ = set_status([editor.catalogue[key] for key in keys], status, "2026-11-26")
        editor.apply(changes)


def fields_of(text: str) -> dict[str, Any]:
    cat = parse_catalogue(text)
    return {item.key: (item.title, item.status, item.done_on, item.links, item.authors) for item in cat.items}


def test_an_edit_the_field_finder_gets_wrong_is_refused_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second line of defence: if finding a field's lines ever went wrong, nothing is lost."""
    text = (
        "sections:\n  - name: A\n    items:\n      - key: a\n        title: A\n        status: todo\n"
        "        links:\n          - https://example.org/keep-me\n"
    )
    path = tmp_path / "papers.yaml"
    path.write_text(text)
    real = Editor._item_fields

    def swallowing(self: Editor, key: str) -> tuple[dict[str, tuple[int, int]], int]:
        fields, end = real(self, key)
        if "status" in fields:  # pretend `status` runs on over the links below it
            fields["status"] = (fields["status"][0], end)
            fields.pop("links", None)
        return fields, end

    monkeypatch.setattr(Editor, "_item_fields", swallowing)
    with pytest.raises(CatalogueError, match=r"papers.yaml:4: papers could not edit 'a' safely"):
        tick(path, ["a"], "done")
    assert path.read_text() == text


def test_an_addition_that_would_change_another_item_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papers.model.catalogue import NewItem

    text = "sections:\n  - name: A\n    items:\n      - key: a\n        title: Mine\n"
    path = tmp_path / "papers.yaml"
    path.write_text(text)
    from papers.store.yamledit import additions

    real = additions._insert_item

    def clumsy(editor: Editor, at: int, group: Any, new: NewItem) -> int:
        editor.buffer.lines[4] = editor.buffer.lines[4].replace(
            "Mine", "Not mine"
        )  # a bug that touches a neighbour
        return real(editor, at, group, new)

    monkeypatch.setattr(additions, "_insert_item", clumsy)
    with (
        pytest.raises(CatalogueError, match=r"could not add to this layout safely \(it would change 'a'\)"),
        storage.editing(path) as editor,
    ):
        editor.add_item(NewItem("A", None, {"key": "b", "title": "B", "status": "todo"}))
    assert path.read_text() == text


@pytest.mark.parametrize(
    "text",
    ["a\r\nb\r\n", "a\nb\r\n", "a\r\nb", "a\rb\r\n", "", "only\n", "\r\n\r\n", "a\r\r\nb\r\n"],
)
def test_the_buffer_gives_back_the_bytes_it_was_given(text: str) -> None:
    from papers.store.yamledit.buffer import Buffer

    buffer = Buffer(text)
    assert buffer.text == text
    if text.count("\r\n") == text.count("\n") > 0:  # CRLF throughout: edited as LF, like tomlkit's TOMLFile
        assert buffer.crlf and "".join(buffer.lines) == text.replace("\r\n", "\n")
        buffer.replace(1, 1, ["new\n"])
        assert buffer.text.count("\r\n") == text.count("\r\n") + 1
    else:
        assert not buffer.crlf


def test_an_edit_of_a_crlf_file_writes_crlf_only() -> None:
    text = "sections:\r\n  - name: A\r\n    items:\r\n      - key: a\r\n        title: A\r\n"
    editor = Editor(text, parse(text))
    editor.set_fields("a", {"status": "done", "authors": ["X", "Y"]})
    assert "\n" not in editor.text.replace("\r\n", "")
    assert editor.text.startswith(text)
    editor.set_fields("a", {"status": None, "authors": None})
    assert editor.text == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789+-._eEiInNfFaAxXob ١２:#,'\"é", max_size=8))
def test_a_scalar_reads_back_as_the_same_text_in_any_yaml_reader(text: str) -> None:
    """What yaml_scalar writes plain is never a number, a boolean or null to another reader: the fast
    path that decides most titles without float() (issue 10's import speed) must agree with it."""
    import yaml

    from papers.store.yamledit.emit import yaml_scalar

    assume(text == text.strip() and text)
    assert yaml.safe_load(f"k: {yaml_scalar(text)}") == {"k": text}


@pytest.mark.parametrize(
    "text", ["Night", "Attention", "1_000", "_1", "١٢", "inf", ".NaN", "+.5", "0x1f", "-", "1:30", "-1:0.5"]
)
def test_numbers_in_any_form_are_quoted_and_words_are_not(text: str) -> None:
    from papers.store.yamledit.emit import yaml_scalar

    assert yaml_scalar(text) == (text if text[0] in "NA" else json.dumps(text, ensure_ascii=False))


def test_the_characters_escaped_are_exactly_those_outside_the_yaml_printable_set() -> None:
    from papers.store.yamledit.emit import _NOT_YAML_PRINTABLE

    printable = re.compile("[\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # 1.1 §5.1
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    escaped = [m.start() for m in _NOT_YAML_PRINTABLE.finditer(every)]
    assert escaped == [i for i, c in enumerate(every) if not printable.fullmatch(c)]


@pytest.mark.parametrize("spelt", [True, False])
def test_an_editor_that_let_go_of_the_text_it_read_still_follows_its_todo_convention(spelt: bool) -> None:
    """The text as read is dropped before the new text is encoded (an import's peak of memory): the
    file's todo convention is then found from its lines as read, and is the same."""
    todo = "        status: todo\n" if spelt else ""
    text = (
        "sections:\n  - name: A\n    items:\n"
        f"      - key: a\n        title: A\n{todo}      - key: b\n        title: B\n{todo}"
    )
    editor = Editor(text, parse(text))
    editor.set_fields("a", {"status": "done"})
    editor.let_go_of_read_text()
    editor.set_fields("a", {"status": "todo"})
    assert editor.text == text


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_the_encoded_text_is_the_text_in_utf8_however_many_lines(ending: str) -> None:
    """`Buffer.encoded` encodes a few thousand lines at a time; its bytes are the whole text's, in
    the file's own line endings, across those pieces and with a last line left unterminated."""
    from papers.store.yamledit import buffer as lines_module

    text = ending.join(f"line {n} é" for n in range(2 * lines_module._ENCODED_LINES + 7))
    buffer = lines_module.Buffer(text)
    assert buffer.encoded() == buffer.text.encode("utf-8") == text.encode("utf-8")
