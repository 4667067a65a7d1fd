"""Re-reading only what a hand edit changed (store.reparse) must give exactly what a full parse gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papers.errors import CatalogueError
from papers.store import load as storage
from papers.store.parse import parse
from papers.store.reparse import reparse
from test_yamltext import catalogues

SECOND = "- name: Second\n  items:\n  - key: second-a\n    title: Second A\n    status: done\n"

edits = st.sampled_from(
    [
        ("replace", "    title: Hand edited\n"),
        ("replace", "    status: done\n"),
        ("replace", "    status: nonsense\n"),
        ("replace", "  - key: item-0\n"),
        ("replace", "  - key: brand-new\n"),
        ("replace", "    title: 'unclosed\n"),
        ("replace", "    remark: &anchor kept\n"),
        ("insert", "    remark: added by hand\n"),
        ("insert", "  - key: by-hand\n    title: By hand\n"),
        ("insert", "      - key: deep\n        title: Deep\n"),
        ("insert", "# a comment\n"),
        ("insert", "\n"),
        ("insert", "- name: Only\n  items:\n"),
        ("delete", ""),
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=catalogues(), second=st.booleans(), edit=edits, where=st.integers(0, 10_000), many=st.booleans())
def test_a_hand_edit_reparsed_alone_reads_as_the_whole_file_does(
    data: tuple[str, list[str]], second: bool, edit: tuple[str, str], where: int, many: bool
) -> None:
    old_text = data[0].replace("\r\n", "\n") + ("" if data[0].endswith("\n") else "\n")
    if second and "\n- name: Only" in old_text:  # a second section, in the same layout
        old_text += SECOND
    lines = old_text.splitlines(keepends=True)
    at = where % len(lines)
    kind, text = edit
    count = 2 if many else 1
    if kind == "replace":
        lines[at : at + count] = [text]
    elif kind == "insert":
        lines[at:at] = [text]
    else:
        del lines[at : at + count]
    new_text = "".join(lines)
    old = parse(old_text)
    result = reparse(old_text, old, new_text, "papers.yaml")
    try:
        full = parse(new_text)
    except CatalogueError:
        assert result is None  # an error is named by the full parse, never hidden by the window
        return
    if result is not None:
        assert result.catalogue == full.catalogue
        assert result.outline == full.outline


def _counting_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    sizes: list[int] = []
    real = storage.parse

    def counting(data: bytes | str, label: str = "papers.yaml") -> object:
        sizes.append(len(data))
        return real(data, label)

    monkeypatch.setattr(storage, "parse", counting)
    return sizes


def test_the_first_command_after_a_hand_edit_reads_only_the_changed_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "papers.yaml"
    items = "".join(f"  - key: item-{i}\n    title: Item {i}\n    status: todo\n" for i in range(50))
    path.write_text(f"sections:\n- name: A\n  items:\n{items}{SECOND}")
    storage.load_catalogue(path)  # fills the parse cache
    path.write_text(path.read_text().replace("title: Item 20\n", "title: Item 20, edited by hand\n"))
    sizes = _counting_parses(monkeypatch)
    catalogue = storage.load_catalogue(path)
    assert sizes == []  # no full parse
    assert catalogue == parse(path.read_bytes()).catalogue
    assert catalogue["item-20"].title == "Item 20, edited by hand"


def test_items_put_back_before_an_item_are_read_alone() -> None:
    """What a revert of `papers rm` does: whole entries inserted right before another entry (the
    text they replace is empty, so the window takes in the entry after them)."""
    items = [f"  - key: item-{i}\n    title: Item {i}\n    status: todo\n" for i in range(10)]
    new_text = f"sections:\n- name: A\n  items:\n{''.join(items)}{SECOND}"
    old_text = new_text.replace(items[4] + items[5], items[5])
    result = reparse(old_text, parse(old_text), new_text, "papers.yaml")
    assert result is not None
    full = parse(new_text)
    assert (result.catalogue, result.outline) == (full.catalogue, full.outline)
    assert [item.key for item in result.catalogue.items][3:6] == ["item-3", "item-4", "item-5"]


def test_the_command_after_reverting_an_rm_parses_no_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Any
) -> None:
    path = tmp_path / "papers.yaml"
    items = "".join(f"  - key: item-{i}\n    title: Item {i}\n    status: todo\n" for i in range(50))
    path.write_text(f"sections:\n- name: A\n  items:\n{items}{SECOND}")
    before = path.read_bytes()
    assert run("--file", str(path), "rm", "item-20").exit_code == 0
    sizes = _counting_parses(monkeypatch)
    assert run("--file", str(path), "revert").exit_code == 0
    assert path.read_bytes() == before
    assert all(size < len(before) // 4 for size in sizes), sizes  # windows, never the whole file


def test_children_put_back_at_the_end_of_an_entry_are_read_alone() -> None:
    """What a revert of `papers rm` of an only child does: `children:` and the child come back at
    the end of the entry before the next one, so the change starts where that next entry starts."""
    items = [f"  - key: item-{i}\n    title: Item {i}\n    status: todo\n" for i in range(10)]
    child = "    children:\n      - key: child\n        title: Child\n        status: todo\n"
    new_text = f"sections:\n- name: A\n  items:\n{''.join(items[:5])}{child}{''.join(items[5:])}{SECOND}"
    old_text = new_text.replace(child, "")
    result = reparse(old_text, parse(old_text), new_text, "papers.yaml")
    assert result is not None
    full = parse(new_text)
    assert (result.catalogue, result.outline) == (full.catalogue, full.outline)
    assert result.catalogue["child"].parent == "item-4"


@pytest.mark.parametrize("history", ["kept", "cleared"])
def test_a_hand_edit_after_papers_wrote_the_file_is_read_alone_while_the_journal_holds_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Any, history: str
) -> None:
    """An edit keeps no text file for its new state (the journal holds it): the first command
    after a hand edit re-reads the changed item from the journal's copy, and with the journal
    gone it parses the whole file, reading it exactly as before."""
    import shutil

    from papers.store import journal

    path = tmp_path / "papers.yaml"
    items = "".join(f"  - key: item-{i}\n    title: Item {i}\n    status: todo\n" for i in range(50))
    path.write_text(f"sections:\n- name: A\n  items:\n{items}{SECOND}")
    assert run("--file", str(path), "done", "item-3").exit_code == 0
    assert storage._text_file(path).read_bytes() != path.read_bytes()  # the text parsed, not written
    if history == "cleared":
        shutil.rmtree(journal.folder(path))
    path.write_text(path.read_text().replace("title: Item 20\n", "title: Item 20, edited by hand\n"))
    sizes = _counting_parses(monkeypatch)
    catalogue = storage.load_catalogue(path)
    assert sizes == ([] if history == "kept" else [len(path.read_bytes())])
    assert catalogue == parse(path.read_bytes()).catalogue
    assert (catalogue["item-20"].title, catalogue["item-3"].status) == ("Item 20, edited by hand", "done")
