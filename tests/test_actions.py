"""`papers.actions`: the use cases, called from Python as a notebook would, without the CLI."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest

import papers
from conftest import SEED
from papers import actions
from papers.errors import ChecklistError, PaperNotFoundError, UsageError


def test_mark_ticks_with_the_given_day_and_reports_what_changed(catalogue_file: Path) -> None:
    result = actions.mark(catalogue_file, ["flashattention", "bert"], "done", today=dt.date(2026, 1, 2))
    assert result.status == "done"
    assert [(m.item.key, m.item.done_on) for m in result.changed] == [
        ("flashattention", "2026-01-02"),
        ("bert", "2026-01-02"),
    ]
    again = actions.mark(str(catalogue_file), ["bert"], "done")
    assert (again.changed, [item.key for item in again.unchanged]) == ([], ["bert"])
    assert papers.load_catalogue(catalogue_file)["flashattention"].done_on == "2026-01-02"


def test_mark_changes_nothing_when_one_query_fails(catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    with pytest.raises(PaperNotFoundError, match="no paper matches 'qqqqqqqq'"):
        actions.mark(catalogue_file, ["bert", "qqqqqqqq"], "done")
    assert catalogue_file.read_bytes() == before


def test_start_note_creates_and_records_the_note(catalogue_file: Path) -> None:
    first = actions.start_note(catalogue_file, "bert")
    assert (first.created, first.item.note) == (True, "notes/bert.md")
    assert first.path == catalogue_file.parent / "notes" / "bert.md"
    second = actions.start_note(catalogue_file, "bert")
    assert (second.created, second.path) == (False, first.path)


def test_queries_read_without_writing(catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    listing = actions.list_items(catalogue_file, section="vision")
    assert listing.items and {item.section for item in listing.items} == {"Vision"}
    details = actions.show(catalogue_file, "2404.07143")
    assert [shown.item.key for shown in details.items] == ["infini-attention", "infini-attention-2"]
    assert details.items[0].metadata is None and details.items[0].note_preview is None
    rows, total = actions.progress(catalogue_file)
    assert total.total == sum(row.total for row in rows)
    assert catalogue_file.read_bytes() == before


def test_import_list_merges_text_and_import_file_a_file(isolated: Path) -> None:
    target = isolated / "new.yaml"
    assert actions.import_list(target, "## A\n- [ ] One\n", dry_run=True) is not None
    assert not target.exists()
    report = actions.import_list(target, "## A\n- [ ] One\n")
    assert report is not None and report.added == 1
    assert actions.import_list(target, "# Only a title\n") is None
    with pytest.raises(UsageError, match="is empty: there is nothing to import"):
        actions.import_list(target, "\n\n")
    report = actions.import_file(target, SEED, today=dt.date(2026, 1, 2))
    assert report is not None and report.added > 50


def test_import_file_refuses_the_catalogue_itself(catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    with pytest.raises(UsageError, match="is the catalogue itself"):
        actions.import_file(catalogue_file, catalogue_file)
    assert catalogue_file.read_bytes() == before


def test_read_list_refuses_binary_oversized_and_non_utf8_input(monkeypatch: pytest.MonkeyPatch) -> None:
    assert actions.read_list(io.BytesIO(b"## A\n"), "list.md") == "## A\n"
    with pytest.raises(ChecklistError) as binary:
        actions.read_list(io.BytesIO(b"## A\n\0\0"), "list.md")
    assert str(binary.value) == "list.md is not text (it holds NUL bytes). Give a markdown checklist"
    with pytest.raises(ChecklistError, match=r"^list\.md is not UTF-8 text"):
        actions.read_list(io.BytesIO(b"## Caf\xe9\n"), "list.md")
    from papers.actions import transfer

    monkeypatch.setattr(transfer, "MAX_LIST_BYTES", 8)
    assert actions.read_list(io.BytesIO(b"12345678"), "list.md") == "12345678"
    with pytest.raises(ChecklistError, match=r"^list\.md is larger than 0 MB"):
        actions.read_list(io.BytesIO(b"123456789"), "list.md")


def test_export_and_write_export(catalogue_file: Path, isolated: Path) -> None:
    exported = actions.export(catalogue_file, "bibtex", section="some research")
    assert exported.text == "" and "gpt3" in exported.unfetched
    markdown = actions.export(catalogue_file, todo=True)
    assert "- [x]" not in markdown.text and not markdown.unfetched
    actions.write_export(catalogue_file, isolated / "out.md", markdown.text)
    assert (isolated / "out.md").read_text() == markdown.text
    with pytest.raises(UsageError, match="is the catalogue itself"):
        actions.write_export(catalogue_file, catalogue_file, markdown.text)


def test_the_package_is_typed_and_the_wheel_carries_the_marker() -> None:
    assert (Path(papers.__file__).parent / "py.typed").is_file()
    from conftest import REPO

    assert 'papers = ["py.typed"]' in (REPO / "pyproject.toml").read_text()


def test_the_top_level_names_load_when_first_used() -> None:
    assert {"Catalogue", "Item", "find_catalogue", "load_catalogue"} <= set(dir(papers))
    assert papers.Item is __import__("papers.model.catalogue").model.catalogue.Item
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        papers.nope  # noqa: B018


def test_every_action_name_is_there_and_loads_only_its_module() -> None:
    code = (
        "import sys; from papers import actions; actions.mark; "
        "print(sorted(m for m in sys.modules if m.startswith('papers.actions.')))"
    )
    import subprocess
    import sys

    from conftest import REPO

    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    assert loaded.strip() == "['papers.actions.mark']"
    assert all(getattr(actions, name) is not None for name in actions.__all__)
    assert set(dir(actions)) >= set(actions.__all__)
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        actions.nope  # noqa: B018
