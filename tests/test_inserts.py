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
from papers.store.yamledit import additions, inserts
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
@given(data=catalogues(), chosen=edits, chunk=st.sampled_from([inserts.CHUNK_LINES, 1, 4]))
def test_insertions_proved_locally_read_back_as_a_full_parse_reads_them(
    data: tuple[str, list[str]],
    chosen: list[Edit],
    chunk: int,
    tmp_path: Path,
    proofs: list[bool],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Also with long runs re-read in windows of a few lines (`inserts._chunks`)."""
    text, _ = data
    path = tmp_path / "papers.yaml"
    path.write_bytes(text.encode())
    monkeypatch.setattr(inserts, "CHUNK_LINES", chunk)
    try:
        with storage.editing(path, dry_run=True) as editor:
            for n, edit in enumerate(chosen):
                make(editor, edit, n)
    except CatalogueError:
        # Refused: then the full parse refuses too (the local proof never refuses on its own).
        assert proofs[-1:] in ([], [False])
        return
    agrees_with_a_full_parse(editor)


@pytest.mark.parametrize("chunk", [2000, 1, 2, 3])
def test_additions_to_a_plain_catalogue_are_proved_without_a_full_parse(
    tmp_path: Path, proofs: list[bool], monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(inserts, "CHUNK_LINES", chunk)
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
    real = additions._insert_item

    def clumsy(editor: Editor, at: int, group: Any, new: NewItem) -> int:
        editor.buffer.lines[4] = editor.buffer.lines[4].replace("Far", "Changed")
        return real(editor, at, group, new)

    monkeypatch.setattr(additions, "_insert_item", clumsy)
    with pytest.raises(CatalogueError, match=r"it would change 'a'"), storage.editing(path) as editor:
        editor.add_item(NewItem("A", None, {"key": "n", "title": "N"}))
    assert path.read_text() == text


def planned(text: str, chosen: list[Edit]) -> list[NewItem]:
    """The additions `make` would make, planned on the catalogue before any of them."""
    catalogue = parse(text.encode()).catalogue
    news = []
    for n, (where, pick, title, with_child) in enumerate(chosen):
        fields: dict[str, Any] = {"key": f"new-{n}", "title": title}
        if with_child:
            fields["children"] = [{"key": f"new-{n}-child", "title": f"{title} (2)"}]
        if where == "new section":
            news.append(NewItem(f"Added {n}", None, fields, new_section=True))
        elif where == "parent":
            parent = catalogue.items[pick % len(catalogue.items)]
            news.append(NewItem(parent.section, parent.key, fields))
        else:
            sections = catalogue.sections
            news.append(NewItem(sections[pick % len(sections)].name, None, fields))
    return news


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=catalogues(), chosen=edits)
def test_a_batch_of_additions_writes_what_one_by_one_additions_write(
    data: tuple[str, list[str]], chosen: list[Edit], tmp_path: Path
) -> None:
    """`add_items` writes bottom of the file first and renumbers once: the text, the catalogue and
    the positions must be what adding the same items one by one, top to bottom, gives."""
    text, _ = data
    path = tmp_path / "papers.yaml"
    path.write_bytes(text.encode())
    news = planned(text, chosen)
    results: list[Any] = []
    for batch in (False, True):
        try:
            with storage.editing(path, dry_run=True) as editor:
                if batch:
                    editor.add_items(news)
                else:
                    for new in news:
                        editor.add_item(new)
        except CatalogueError:
            results.append("refused")
            continue
        results.append((editor.text, editor.catalogue, editor.outline))
        agrees_with_a_full_parse(editor)
    assert results[0] == results[1]


class CountingLines(dict[str, int]):
    """An outline's item lines that count how often a line is (re)written."""

    writes = 0

    def __setitem__(self, key: str, value: int) -> None:
        self.writes += 1
        super().__setitem__(key, value)

    def update(self, *args: Any, **kwargs: int) -> None:  # a run of items renumbered at once
        pairs = dict(*args, **kwargs)
        self.writes += len(pairs)
        super().update(pairs)


def test_a_batch_of_additions_renumbers_each_item_below_them_once(tmp_path: Path) -> None:
    """k additions spread over n items: O(n + k) line updates (and a sort of the k), not one
    renumbering of every item below each addition, O(k n), as adding them one by one does."""
    lines = ["sections:"]
    for s in range(10):
        lines += [f"  - name: S{s}", "    items:"]
        for i in range(100):
            lines += [f"      - key: p-{s}-{i}", f"        title: Paper {s} {i}"]
    path = tmp_path / "papers.yaml"
    path.write_text("\n".join(lines) + "\n")
    n = 1000
    news = [
        NewItem(f"S{s}", f"p-{s}-{i}" if i % 2 else None, {"key": f"new-{s}-{i}", "title": f"New {s} {i}"})
        for i in range(0, 100, 5)
        for s in range(10)
    ]
    k = len(news)
    writes = {}
    for batch in (True, False):
        with storage.editing(path, dry_run=True) as editor:
            editor.outline.lines = counting = CountingLines(editor.outline.lines)
            if batch:
                editor.add_items(news)
            else:
                for new in news:
                    editor.add_item(new)
            writes[batch] = counting.writes
        agrees_with_a_full_parse(editor)
    assert writes[True] <= n + 3 * k  # each old item once; each new one placed, renumbered, placed
    assert writes[False] > 20 * (n + 3 * k)  # the probe can fail: one by one renumbers O(k n) times
