"""The local proof of insertions (store.yamledit.inserts) must agree with a full parse, always.

After `add` or `import` the editor re-reads only the inserted lines and their anchors instead of
the whole file. Whatever it concludes must be what a full parse of the new text says: the same
catalogue and the same item positions; and what it cannot prove must go to the full parse.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papers.errors import CatalogueError
from papers.model.catalogue import NewItem
from papers.store import load as storage
from papers.store.parse import parse
from papers.store.yamledit import editor as editor_module
from papers.store.yamledit.editor import Editor
from test_yamltext import catalogues, titles


@pytest.fixture
def proofs(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each recheck's outcome: True when the insertions were proved locally, False for a full parse."""
    outcomes: list[bool] = []
    real = editor_module.verify

    def recording(*args: Any) -> Any:
        result = real(*args)
        outcomes.append(result is not None)
        return result

    monkeypatch.setattr(editor_module, "verify", recording)
    return outcomes


def agrees_with_a_full_parse(editor: Editor) -> None:
    full = parse(editor.text.encode("utf-8"))
    assert editor.catalogue == full.catalogue
    assert editor.outline.lines == full.outline.lines
    assert editor.outline.columns == full.outline.columns
    assert editor.outline.sections == full.outline.sections


Edit = tuple[str, int, str, bool]  # where ("section", "parent", "new section"), pick, title, with a child


edits = st.lists(
    st.tuples(
        st.sampled_from(["section", "parent", "new section"]), st.integers(0, 99), titles, st.booleans()
    ),
    min_size=1,
    max_size=6,
)


def make(editor: Editor, edit: Edit, n: int) -> None:
    where, pick, title, with_child = edit
    fields: dict[str, Any] = {"key": f"new-{n}", "title": title}
    if with_child:
        fields["children"] = [{"key": f"new-{n}-child", "title": f"{title} (2)"}]
    sections = editor.catalogue.sections
    if where == "new section":
        editor.add_item(NewItem(f"Added {n}", None, fields, new_section=True))
    elif where == "parent":
        parent = editor.catalogue.items[pick % len(editor.catalogue.items)]
        editor.add_item(NewItem(parent.section, parent.key, fields))
    else:
        editor.add_item(NewItem(sections[pick % len(sections)].name, None, fields))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=catalogues(), chosen=edits)
def test_insertions_proved_locally_read_back_as_a_full_parse_reads_them(
    data: tuple[str, list[str]], chosen: list[Edit], tmp_path: Path, proofs: list[bool]
) -> None:
    text, _ = data
    path = tmp_path / "papers.yaml"
    path.write_bytes(text.encode())
    try:
        with storage.editing(path, dry_run=True) as editor:
            for n, edit in enumerate(chosen):
                make(editor, edit, n)
    except CatalogueError:
        # Refused: then the full parse refuses too (the local proof never refuses on its own).
        assert proofs[-1:] in ([], [False])
        return
    agrees_with_a_full_parse(editor)


def test_additions_to_a_plain_catalogue_are_proved_without_a_full_parse(
    tmp_path: Path, proofs: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "title: T\nsections:\n  - name: A\n    items:\n      - key: a\n        title: A\n"
        "        children:\n          - key: a1\n            title: A1\n      - key: b\n        title: B\n"
        "  # between sections\n\n  - name: B\n    items:\n      - key: c\n        title: C\n"
    )
    path = tmp_path / "papers.yaml"
    path.write_text(text)
    with storage.editing(path) as editor:
        editor.add_item(NewItem("A", None, {"key": "n1", "title": "N1"}))
        editor.add_item(NewItem("A", "a", {"key": "n2", "title": "N2"}))
        editor.add_item(NewItem("B", "c", {"key": "n3", "title": "N3"}))
        editor.add_item(NewItem("New", None, {"key": "n4", "title": "N4"}, new_section=True))
        editor.add_item(NewItem("New", None, {"key": "n5", "title": "N5"}))
    assert proofs == [True]
    agrees_with_a_full_parse(editor)
    assert storage.load_catalogue(path) == parse(path.read_bytes()).catalogue


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (
            "sections:\n- name: A\n  items:\n  - key: a\n    title: A\n    remark: |\n      kept\n"
            "      # a line of the remark, not a comment\n",
            "the anchor's block scalar has a line that looks like a comment, where the item would go",
        ),
        (
            "sections:\n- name: A\n  items:\n  - key: a\n    title: A\n    children:\n    - key: a1\n"
            "      title: A1\n    unknown: after the children\n",
            "a line of the anchor's own mapping follows its children",
        ),
        (
            "sections:\n- name: A\n  items:\n  - key: a\n    title: A",
            "the file ends without a newline, so the insertion changes the last line too",
        ),
    ],
)
def test_what_the_local_proof_cannot_follow_goes_to_the_full_parse(
    text: str, why: str, tmp_path: Path, proofs: list[bool]
) -> None:
    path = tmp_path / "papers.yaml"
    path.write_text(text)
    try:
        with storage.editing(path, dry_run=True) as editor:
            editor.add_item(NewItem("A", None, {"key": "n", "title": "N"}))
    except CatalogueError:
        pass
    else:
        agrees_with_a_full_parse(editor)
    assert proofs in ([], [False]), why


def test_a_line_changed_outside_the_insertions_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An insertion bug that touches a far-away line fails the local proof, and the full parse
    then refuses the edit."""
    text = "sections:\n  - name: A\n    items:\n      - key: a\n        title: Far\n      - key: b\n        title: B\n"
    path = tmp_path / "papers.yaml"
    path.write_text(text)
    real = Editor._insert_item

    def clumsy(self: Editor, at: int, column: int, new: NewItem, depth: int) -> list[str]:
        self.buffer.lines[4] = self.buffer.lines[4].replace("Far", "Changed")
        return real(self, at, column, new, depth)

    monkeypatch.setattr(Editor, "_insert_item", clumsy)
    with pytest.raises(CatalogueError, match=r"it would change 'a'"), storage.editing(path) as editor:
        editor.add_item(NewItem("A", None, {"key": "n", "title": "N"}))
    assert path.read_text() == text
