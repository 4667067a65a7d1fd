"""Re-reading only what a hand edit changed (store.reparse) must give exactly what a full parse gives."""

from __future__ import annotations

from pathlib import Path

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


def test_the_first_command_after_a_hand_edit_reads_only_the_changed_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "papers.yaml"
    items = "".join(f"  - key: item-{i}\n    title: Item {i}\n    status: todo\n" for i in range(50))
    path.write_text(f"sections:\n- name: A\n  items:\n{items}{SECOND}")
    storage.load_catalogue(path)  # fills the parse cache
    path.write_text(path.read_text().replace("title: Item 20\n", "title: Item 20, edited by hand\n"))
    sizes: list[int] = []
    real = storage.parse

    def counting(data: bytes | str, label: str = "papers.yaml") -> object:
        sizes.append(len(data))
        return real(data, label)

    monkeypatch.setattr(storage, "parse", counting)
    catalogue = storage.load_catalogue(path)
    assert sizes == []  # no full parse
    assert catalogue == parse(path.read_bytes()).catalogue
    assert catalogue["item-20"].title == "Item 20, edited by hand"
