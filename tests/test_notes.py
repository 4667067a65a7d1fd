"""Note files: where they go, what they start with, and that papers never overwrites one."""

from __future__ import annotations

import difflib
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Run, listed
from papers.errors import NoteError
from papers.notes import create_note, note_path, render_note
from papers.sources.arxiv.atom import PaperMeta
from papers.sources.cache import MetadataCache

HOSTILE_KEYS = [
    "../x",
    "../../etc/passwd",
    "/etc/passwd",
    "a/b",
    "a\\b",
    "..",
    ".",
    "",
    "~",
    ".hidden",
    "nul\x00byte",
    "ünïcödé",
    "论文",
    "con",
    "x" * 1000,
    "-leading-hyphen",
    "trailing/",
]


def test_a_valid_key_is_its_own_file_name(tmp_path: Path) -> None:
    assert note_path(tmp_path, "flashattention") == tmp_path / "flashattention.md"


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_no_key_escapes_the_notes_directory(tmp_path: Path, key: str) -> None:
    notes_dir = tmp_path / "notes"
    path = note_path(notes_dir, key)
    assert path.parent == notes_dir
    assert path.resolve().is_relative_to(notes_dir.resolve())
    assert path.suffix == ".md"
    assert not path.name.startswith(".")
    assert len(path.name) < 255
    assert create_note(path, "# note\n")
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [path.name]


def test_different_odd_keys_get_different_notes(tmp_path: Path) -> None:
    paths = {note_path(tmp_path, key) for key in ["a/b", "a\\b", "a b", "a-b", "A-B"]}
    assert len(paths) == 5


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_as_a_key_stays_inside(key: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        notes_dir = Path(tmp) / "notes"
        path = note_path(notes_dir, key)
        assert path.parent == notes_dir
        assert path.resolve().is_relative_to(notes_dir.resolve())
        assert path.name not in {".md", "..md"}
        assert create_note(path, "x")


@pytest.mark.posix
def test_a_symlink_out_of_the_notes_directory_is_refused(tmp_path: Path) -> None:
    notes_dir = tmp_path / "notes"
    notes_dir.mkdir()
    outside = tmp_path / "outside.md"
    (notes_dir / "bert.md").symlink_to(outside)
    with pytest.raises(NoteError, match="symbolic link"):
        note_path(notes_dir, "bert")


def test_create_note_never_overwrites(tmp_path: Path) -> None:
    path = note_path(tmp_path / "notes", "bert")
    assert create_note(path, "first\n") is True
    assert create_note(path, "second\n") is False
    assert path.read_text(encoding="utf-8") == "first\n"


META = {
    "title": "Attention Is All You Need",
    "authors": ["Ashish Vaswani", "Noam Shazeer"],
    "year": 2017,
    "abstract": "The dominant sequence transduction models\nare based on recurrent networks.",
    "abs_url": "https://arxiv.org/abs/1706.03762",
    "pdf_url": "https://arxiv.org/pdf/1706.03762",
    "arxiv_id": "1706.03762",
}


def test_template_with_metadata() -> None:
    text = render_note({"key": "transformer", "title": "Transformer", "status": "todo"}, META)
    assert text == (
        "# Attention Is All You Need\n"
        "\n"
        "- Authors: Ashish Vaswani, Noam Shazeer\n"
        "- Year: 2017\n"
        "- arXiv: [1706.03762](https://arxiv.org/abs/1706.03762)\n"
        "- PDF: <https://arxiv.org/pdf/1706.03762>\n"
        "\n"
        "## Abstract\n"
        "\n"
        "The dominant sequence transduction models are based on recurrent networks.\n"
        "\n"
        "## Summary\n"
        "\n"
        "\n"
        "## Key ideas\n"
        "\n"
        "\n"
        "## Questions\n"
    )


def test_template_without_metadata_uses_the_item() -> None:
    text = render_note({"key": "rnn", "title": "RNN", "status": "todo"}, None)
    assert text.splitlines()[0] == "# RNN"
    assert "## Abstract" not in text and "arXiv" not in text
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## Summary",
        "## Key ideas",
        "## Questions",
    ]


def test_template_without_metadata_still_links_a_known_arxiv_id_and_url() -> None:
    item = {
        "key": "gpt",
        "title": "GPT",
        "status": "todo",
        "arxiv": "2005.14165",
        "year": 2020,
        "url": "https://example.org/gpt",
    }
    text = render_note(item, None)
    assert "- arXiv: [2005.14165](https://arxiv.org/abs/2005.14165)" in text
    assert "- PDF: <https://arxiv.org/pdf/2005.14165>" in text
    assert "- Year: 2020" in text
    assert "- Link: <https://example.org/gpt>" in text


# --- `papers note` through the CLI -----------------------------------------------------------------


@pytest.fixture
def no_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)


@pytest.fixture
def fake_editor(tmp_path: Path) -> Path:
    """An 'editor' that appends a line to the file it is given, as if the user had typed it."""
    script = tmp_path / "fake-editor"
    script.write_text('#!/bin/sh\nprintf "typed in the editor\\n" >> "$1"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def _bert(run: Run) -> dict[str, object]:
    return listed(run)["bert"]


def test_note_creates_records_and_prints_the_path(run: Run, catalogue_file: Path, no_editor: None) -> None:
    before = catalogue_file.read_text()
    result = run("note", "bert", "--no-edit")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "notes/bert.md\n"
    assert result.stderr == "created notes/bert.md for bert\n"
    text = (catalogue_file.parent / "notes" / "bert.md").read_text()
    assert text.startswith(
        "# BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding\n"
    )
    assert "- arXiv: [1810.04805](https://arxiv.org/abs/1810.04805)\n" in text
    assert "## Summary" in text and "## Key ideas" in text and "## Questions" in text
    assert _bert(run)["note"] == "notes/bert.md"
    after = catalogue_file.read_text()
    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    assert [line for line in diff if line.startswith(("+ ", "- "))] == ["+             note: notes/bert.md"]
    # list and show point at it.
    tsv = run("list", "--section", "development").stdout.splitlines()
    assert any(line.startswith("todo\tbert\t") and line.endswith("\tnotes/bert.md") for line in tsv)
    assert (
        "bert"
        in run("list", env={"FORCE_COLOR": "1", "COLUMNS": "200"}).stdout.split("✎")[0].splitlines()[-1]
    )
    shown = run("show", "bert").stdout.splitlines()
    assert (
        shown[shown.index("note       notes/bert.md") + 1]
        == "           │ # BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    )


def test_note_uses_the_cached_metadata(
    run: Run, catalogue_file: Path, isolated: Path, no_editor: None
) -> None:
    MetadataCache().put(
        record(
            "1810.04805",
            "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
            ("Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"),
            published="2018-10-11T00:50:01Z",
            abstract="We introduce a new language representation model called BERT.\n  It is simple.",
            version=2,
        )
    )
    assert run("note", "bert", "--no-edit").exit_code == 0
    text = (isolated / "notes" / "bert.md").read_text()
    assert "- Authors: Jacob Devlin, Ming-Wei Chang, Kenton Lee, Kristina Toutanova\n" in text
    assert "- Year: 2018\n" in text
    assert "- PDF: <https://arxiv.org/pdf/1810.04805v2>\n" in text
    assert (
        "## Abstract\n\nWe introduce a new language representation model called BERT. It is simple.\n" in text
    )


@pytest.mark.parametrize("garbage", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_an_unreadable_cache_entry_is_ignored(
    run: Run, catalogue_file: Path, isolated: Path, no_editor: None, garbage: bytes
) -> None:
    cache = isolated / "cache" / "papers" / "arxiv"
    cache.mkdir(parents=True)
    (cache / "1810.04805.json").write_bytes(garbage)
    assert run("note", "bert", "--no-edit").exit_code == 0
    assert (isolated / "notes" / "bert.md").read_text().startswith("# BERT: Pre-training")


def test_an_old_style_id_is_looked_up_with_an_underscore(isolated: Path) -> None:
    from papers.actions.notes import cached_note_meta
    from papers.model.catalogue import Item

    path = MetadataCache().put(
        record("hep-th/9711200", "Maldacena", ("Juan Maldacena",), "1997-11-27T00:00:00Z")
    )
    assert path.name == "hep-th_9711200.json"
    item = Item("ads-cft", "AdS/CFT", "S", None, 0, arxiv="hep-th/9711200")
    meta = cached_note_meta(item)
    assert meta is not None
    assert (meta["title"], meta["year"]) == ("Maldacena", 1997)
    assert cached_note_meta(item._replace(arxiv=None)) is None
    assert cached_note_meta(item._replace(arxiv="1706.03762")) is None


def record(
    arxiv_id: str,
    title: str,
    authors: tuple[str, ...],
    published: str,
    abstract: str = "An abstract.",
    version: int = 1,
) -> PaperMeta:
    """A metadata record as `papers fetch` caches it."""
    return PaperMeta(
        arxiv_id=arxiv_id, version=version, title=title, authors=authors, abstract=abstract,
        published=published, updated=published, primary_category="cs.CL", categories=("cs.CL",),
        doi=None, journal_ref=None, comment=None,
        pdf_url=f"https://arxiv.org/pdf/{arxiv_id}v{version}", abs_url=f"https://arxiv.org/abs/{arxiv_id}v{version}",
    )  # fmt: skip


def test_an_existing_note_is_never_overwritten(run: Run, catalogue_file: Path, no_editor: None) -> None:
    assert run("note", "bert", "--no-edit").exit_code == 0
    note = catalogue_file.parent / "notes" / "bert.md"
    note.write_text("my own words\n")
    before = catalogue_file.read_bytes()
    result = run("note", "bert", "--no-edit")
    assert result.exit_code == 0
    assert result.stdout == "notes/bert.md\n"
    assert result.stderr == "notes/bert.md exists: opening it as it is\n"
    assert note.read_text() == "my own words\n"
    assert catalogue_file.read_bytes() == before


def test_a_note_file_made_by_hand_is_found_and_recorded(
    run: Run, catalogue_file: Path, no_editor: None
) -> None:
    note = catalogue_file.parent / "notes" / "gqa.md"
    note.parent.mkdir()
    note.write_text("written before papers knew\n")
    result = run("note", "gqa", "--no-edit")
    assert result.stderr == "notes/gqa.md exists: opening it as it is\n"
    assert note.read_text() == "written before papers knew\n"
    assert "        note: notes/gqa.md\n" in catalogue_file.read_text()


def test_a_recorded_note_outside_the_folder_is_not_used(
    run: Run, write_catalogue: Callable[[str], Path], isolated: Path, no_editor: None
) -> None:
    outside = isolated.parent / f"{isolated.name}-outside.md"
    outside.write_text("not yours\n")
    path = write_catalogue(
        f"sections:\n  - name: S\n    items:\n      - key: k\n        title: T\n        note: ../{outside.name}\n"
    )
    result = run("note", "k", "--no-edit")
    assert result.stdout == "notes/k.md\n"
    assert outside.read_text() == "not yours\n"
    assert "        note: notes/k.md\n" in path.read_text()


@pytest.mark.posix
def test_the_editor_is_invoked_on_the_note(
    run: Run, catalogue_file: Path, fake_editor: Path, monkeypatch: pytest.MonkeyPatch, no_editor: None
) -> None:
    monkeypatch.setenv("VISUAL", str(fake_editor))
    monkeypatch.setenv("EDITOR", "false")  # VISUAL wins
    result = run("note", "bert", "--edit")
    assert result.exit_code == 0, result.stderr
    assert (
        (catalogue_file.parent / "notes" / "bert.md")
        .read_text()
        .endswith("## Questions\ntyped in the editor\n")
    )
    # EDITOR is used when VISUAL is not set, and opening again keeps what was typed.
    monkeypatch.delenv("VISUAL")
    monkeypatch.setenv("EDITOR", f"{fake_editor} ")
    assert run("note", "bert", "--edit").exit_code == 0
    assert (
        (catalogue_file.parent / "notes" / "bert.md")
        .read_text()
        .endswith("typed in the editor\ntyped in the editor\n")
    )


def test_an_editor_variable_that_is_not_a_command_is_one_line(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISUAL", "vim 'unclosed")
    result = run("note", "bert", "--edit")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        1,
        "Error: $VISUAL cannot be read as a command (No closing quotation). Fix it, or pass --no-edit.",
    )


@pytest.mark.posix
def test_without_a_terminal_or_with_no_edit_the_editor_is_not_run(
    run: Run, catalogue_file: Path, fake_editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISUAL", str(fake_editor))
    assert run("note", "bert").exit_code == 0  # CliRunner's stdin and stdout are not terminals
    assert run("note", "gqa", "--no-edit").exit_code == 0
    for key in ("bert", "gqa"):
        assert "typed in the editor" not in (catalogue_file.parent / "notes" / f"{key}.md").read_text()


def test_with_no_editor_set_the_path_is_printed(run: Run, catalogue_file: Path, no_editor: None) -> None:
    result = run("note", "bert", "--edit")
    assert result.exit_code == 0
    assert result.stdout == "notes/bert.md\n"
    assert (
        result.stderr
        == "created notes/bert.md for bert\nno $VISUAL or $EDITOR is set: open the note yourself\n"
    )


def test_a_failing_editor_is_one_line_and_the_note_is_kept(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch, no_editor: None
) -> None:
    monkeypatch.setenv("VISUAL", "false")
    result = run("note", "bert", "--edit")
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[-1]
        == "Error: the editor 'false' exited with status 1. The note is notes/bert.md."
    )
    monkeypatch.setenv("VISUAL", "no-such-editor-anywhere --wait")
    result = run("note", "bert", "--edit")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(
        "Error: could not start the editor 'no-such-editor-anywhere': No such file or directory."
    )
    assert _bert(run)["note"] == "notes/bert.md"


def test_note_needs_one_paper(run: Run, catalogue_file: Path, no_editor: None) -> None:
    result = run("note", "2404.07143", "--no-edit")  # Infini-attention is listed twice
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: '2404.07143' matches 2 papers: infini-attention, infini-attention-2. Use one of these keys.\n"
    )
    assert not (catalogue_file.parent / "notes").exists()
