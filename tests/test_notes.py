"""Note files: where they go, what they start with, and that papers never overwrites one."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papers.notes import create_note, note_path, render_note

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


def test_a_symlink_out_of_the_notes_directory_is_refused(tmp_path: Path) -> None:
    notes_dir = tmp_path / "notes"
    notes_dir.mkdir()
    outside = tmp_path / "outside.md"
    (notes_dir / "bert.md").symlink_to(outside)
    with pytest.raises(ValueError, match="escape"):
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
