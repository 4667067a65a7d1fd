"""papers open: a paper's page, abstract, cached PDF, note or link, in the browser or printed."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest

from conftest import Run


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What papers asked the browser to open (the browser says it opened it)."""
    seen: list[str] = []

    def fake_open(url: str, *args: object, **kwargs: object) -> bool:
        seen.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    return seen


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["flashattention"], "https://arxiv.org/abs/2205.14135"),  # the arXiv abstract page first
        (["flashattention", "--abs"], "https://arxiv.org/abs/2205.14135"),
        (["lstm"], "https://doi.org/10.1162/neco.1997.9.8.1735"),  # else its DOI or first link
        (["lstm", "--link", "1"], "https://doi.org/10.1162/neco.1997.9.8.1735"),
    ],
)
def test_open_print_prints_what_it_would_open(
    run: Run, catalogue_file: Path, args: list[str], expected: str
) -> None:
    result = run("open", *args, "--print")
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected + "\n", "")


def test_open_opens_the_page_in_the_browser(run: Run, catalogue_file: Path, opened: list[str]) -> None:
    result = run("open", "gqa")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        "opened https://arxiv.org/abs/2305.13245\n",
    )
    assert opened == ["https://arxiv.org/abs/2305.13245"]


def test_with_no_browser_it_says_so_and_prints_the_url(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: False)
    result = run("open", "gqa")
    assert result.exit_code == 0
    assert result.stdout == "https://arxiv.org/abs/2305.13245\n"
    assert result.stderr == "no browser is available here (set $BROWSER to choose one): the address is\n"


@pytest.mark.posix
def test_the_browser_is_pythons_webbrowser_honouring_browser(
    run: Run, catalogue_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "opened.txt"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" > {record}\n', encoding="utf-8")
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(browser))
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    assert run("open", "gqa").exit_code == 0
    assert record.read_text(encoding="utf-8") == "https://arxiv.org/abs/2305.13245\n"


def test_open_note_opens_the_note_file(run: Run, catalogue_file: Path, opened: list[str]) -> None:
    result = run("open", "flashattention", "--note")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: the note of flashattention (notes/flashattention.md) does not exist. "
        "Start one with papers note flashattention.\n",
    )
    run("note", "flashattention", "--no-edit")
    note = (catalogue_file.parent / "notes" / "flashattention.md").resolve()
    assert run("open", "flashattention", "--note", "--print").stdout == f"{note}\n"
    assert run("open", "flashattention", "--note").exit_code == 0
    assert opened == [note.as_uri()]


def test_a_note_recorded_outside_notes_is_not_opened(run: Run, write_catalogue: object) -> None:
    write_catalogue(  # type: ignore[operator]
        "sections:\n  - name: A\n    items:\n      - key: a\n        title: A\n        note: ../secret.md\n"
    )
    result = run("open", "a", "--note", "--print")
    assert result.exit_code == 1 and "is outside notes/. Start one with papers note a." in result.stderr


def test_open_pdf_opens_the_cached_pdf_only(run: Run, catalogue_file: Path, opened: list[str]) -> None:
    result = run("open", "lstm", "--pdf")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: the PDF of lstm is not in the cache yet. Download it with papers pdf lstm.\n",
    )
    pdf = Path.cwd() / "cache" / "papers" / "pdfs" / "lstm.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.4\n")
    assert run("open", "lstm", "--pdf", "--print").stdout == f"{pdf}\n"
    assert run("open", "lstm", "--pdf").exit_code == 0
    assert opened == [pdf.resolve().as_uri()]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["rnn"], 1, "rnn has no arXiv id, DOI or link to open. Add one (papers edit, or by hand)."),
        (["lstm", "--abs"], 1, "lstm has no arXiv id, so no abstract page. Open its page: papers open lstm."),
        (["lstm", "--link", "2"], 2, "lstm has 1 link: there is no link 2. Give --link 1 to 1."),
        (["rnn", "--link", "1"], 2, "rnn has no links to open."),
        (["gqa", "--pdf", "--abs"], 2, "--pdf and --abs exclude each other. Give one of them."),
        (["attn"], 1, "no paper matches 'attn'. Did you mean attention (Self-attention, multi-head attention and cross-attention), gan (Generative Adversarial Networks)?"),
    ],
)  # fmt: skip
def test_open_refusals(run: Run, catalogue_file: Path, args: list[str], code: int, message: str) -> None:
    result = run("open", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", f"Error: {message}\n")
    assert run("open", "gqa", "--link", "0").exit_code == 2
