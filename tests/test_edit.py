"""`papers edit`, through the command line, with tests/fake_editor.py as the user's editor."""

from __future__ import annotations

import json
import re
import shlex
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Run, inserted_lines, listed
from papers import actions
from papers.errors import EditConflictError, InvalidEditError
from papers.store.parse import parse_catalogue
from test_cli import NETWORK, modules_loaded_by
from test_reshape_layouts import SETTINGS, catalogues

FAKE_EDITOR = Path(__file__).with_name("fake_editor.py")
FLASH = """\
key: flashattention
title: "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness"
status: todo
arxiv: "2205.14135"
year: 2022
listed_as: FlashAttention
"""
HEADER = (
    "# papers edit flashattention (papers.yaml): save and quit to apply, or save the file empty to give up.\n"
    "# Comment lines above the first field are papers' own and are dropped.\n"
)
FLASH_TITLE = "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness"


class Editor:
    """The fake editor's folder: what it answers on each run, and what it was shown."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir()

    def answer(self, *texts: str | None) -> None:
        for run, text in enumerate(texts, 1):
            if text is not None:
                (self.folder / f"answer-{run}.yaml").write_text(text, encoding="utf-8")

    def during(self, run: int, path: Path, old: str, new: str) -> None:
        (self.folder / f"during-{run}.json").write_text(
            json.dumps({"path": str(path), "old": old, "new": new})
        )

    def exit_with(self, run: int, status: int) -> None:
        (self.folder / f"exit-{run}").write_text(str(status))

    def seen(self, run: int) -> str:
        return (self.folder / f"seen-{run}.yaml").read_text(encoding="utf-8")

    @property
    def runs(self) -> int:
        counter = self.folder / "runs"
        return int(counter.read_text()) if counter.exists() else 0


@pytest.fixture
def editor(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Editor:
    fake = Editor(isolated / "editor")
    monkeypatch.setenv("VISUAL", shlex.join([sys.executable, str(FAKE_EDITOR), str(fake.folder)]))
    monkeypatch.delenv("EDITOR", raising=False)
    (isolated / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(isolated / "tmp"))
    return fake


def temp_files(isolated: Path) -> list[Path]:
    return sorted((isolated / "tmp").iterdir())


# --- a valid edit ------------------------------------------------------------------------------------


def test_edit_shows_the_item_own_lines_and_writes_only_what_changed(
    run: Run, catalogue_file: Path, editor: Editor, isolated: Path
) -> None:
    before = catalogue_file.read_text()
    editor.answer(
        FLASH.replace("year: 2022\n", "year: 2022\nremark: read twice\n").replace("todo", "reading")
    )
    result = run("edit", "flashattention")
    assert (result.exit_code, result.stderr) == (
        0,
        f"edited flashattention: {FLASH_TITLE} (changed status; added remark)\n",
    )
    assert editor.seen(1) == HEADER + FLASH
    after = catalogue_file.read_text()
    assert after == before.replace(
        '            status: todo\n            arxiv: "2205.14135"\n            year: 2022\n',
        '            status: reading\n            arxiv: "2205.14135"\n            year: 2022\n'
        "            remark: read twice\n",
    )
    assert after != before
    item = listed(run)["flashattention"]
    assert (item["status"], item["remark"], item["parent"]) == ("reading", "read twice", "transformer")
    assert temp_files(isolated) == []


def test_an_edit_is_journaled_and_revert_takes_it_back(
    run: Run, catalogue_file: Path, editor: Editor
) -> None:
    before = catalogue_file.read_bytes()
    editor.answer(FLASH.replace("year: 2022", "year: 2021"))
    assert run("edit", "flashattention").exit_code == 0
    history = json.loads(run("history", "--json").stdout)
    assert history[0]["command"] == "papers edit flashattention"
    assert history[0]["summary"] == "changed year of flashattention"
    assert run("revert").exit_code == 0
    assert catalogue_file.read_bytes() == before


def test_an_unchanged_text_writes_nothing_and_says_so(
    run: Run, catalogue_file: Path, editor: Editor, isolated: Path
) -> None:
    before = catalogue_file.read_bytes()
    result = run("edit", "flashattention")  # no answer: the editor quits without a change
    assert (result.exit_code, result.stderr) == (0, "flashattention: unchanged, nothing was written\n")
    assert catalogue_file.read_bytes() == before
    assert json.loads(run("history", "--json").stdout) == []
    assert temp_files(isolated) == []


def test_papers_own_comments_and_trailing_blank_lines_do_not_count_as_a_change(
    run: Run, catalogue_file: Path, editor: Editor
) -> None:
    before = catalogue_file.read_bytes()
    editor.answer("# my own note above\n\n" + FLASH + "\n\n")
    result = run("edit", "flashattention")
    assert (result.exit_code, result.stderr) == (0, "flashattention: unchanged, nothing was written\n")
    assert catalogue_file.read_bytes() == before


def test_the_query_is_resolved_as_done_does_before_any_editor_opens(
    run: Run, catalogue_file: Path, editor: Editor
) -> None:
    result = run("edit", "convolution")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 'convolution' matches 6 papers: conformer, ssm, alexnet")
    result = run("edit", "attn")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no paper matches 'attn'. Did you mean attention")
    assert editor.runs == 0


# --- comments, children, layouts -------------------------------------------------------------------

COMMENTED = """\
# my list
sections:
  - name: A
    items:
      # about a
      - key: a   # the first
        title: A
        # between a's fields
        year: 2020
        children:
          - key: a-child
            title: Under A
        # a's last word
      - key: b
        title: B   # mine
"""


def test_comments_inside_the_block_are_shown_and_kept_those_around_it_untouched(
    run: Run, write_catalogue, editor: Editor
) -> None:
    path = write_catalogue(COMMENTED)
    editor.answer("key: a   # the first\ntitle: A, renamed\n# between a's fields\nyear: 2021   # fixed\n")
    result = run("edit", "a")
    assert (result.exit_code, result.stderr) == (0, "edited a: A, renamed (changed title, year)\n")
    seen = editor.seen(1)
    assert seen.endswith("key: a   # the first\ntitle: A\n# between a's fields\nyear: 2020\n")
    assert "# Its children (a-child) are not here and stay as they are.\n" in seen
    assert path.read_text() == COMMENTED.replace("title: A\n", "title: A, renamed\n").replace(
        "year: 2020\n", "year: 2021   # fixed\n"
    )


def test_children_stay_as_they_are_and_cannot_be_added_here(
    run: Run, catalogue_file: Path, editor: Editor
) -> None:
    before = catalogue_file.read_text()
    seen_block = (
        "key: optimizers\ntitle: SGD, AdamW and Schedule-Free\ngroup: true\nstatus: done\nlinks:\n"
        "  - https://akash5100.github.io/blog/2024/04/12/Optimization_techniques.html\n"
        "listed_as: SGD - AdamW / AdamScheduleFree (cs231n) [see blog]"
        "(https://akash5100.github.io/blog/2024/04/12/Optimization_techniques.html)\n"
        "remark: cs231n\n"
    )
    editor.answer(seen_block + "children:\n  - key: new\n    title: New\n", None)
    result = run("edit", "optimizers", input="n\n")
    assert result.exit_code == 1
    assert editor.seen(1).endswith(seen_block)
    assert "children are not edited here" in result.stderr
    assert catalogue_file.read_text() == before


def test_fields_below_children_come_back_above_them(run: Run, write_catalogue, editor: Editor) -> None:
    text = (
        "sections:\n- name: A\n  items:\n  - key: a\n    title: A\n    children:\n    - key: c\n"
        "      title: C\n\n    remark: below\n  - key: b\n    title: B\n"
    )
    path = write_catalogue(text)
    editor.answer("key: a\ntitle: A2\n\nremark: below\n")
    assert run("edit", "a").exit_code == 0
    assert editor.seen(1).endswith("key: a\ntitle: A\n\nremark: below\n")
    assert path.read_text() == (
        "sections:\n- name: A\n  items:\n  - key: a\n    title: A2\n\n    remark: below\n    children:\n"
        "    - key: c\n      title: C\n  - key: b\n    title: B\n"
    )
    assert listed(run)["c"]["parent"] == "a"


def test_a_comment_at_the_margin_inside_the_block_and_blank_lines_above_children_stay(
    run: Run, write_catalogue, editor: Editor
) -> None:
    text = (
        "sections:\n- name: A\n  items:\n  - key: a\n# at the margin\n    title: A\n\n\n    children:\n"
        "    - key: c\n      title: C\n"
    )
    path = write_catalogue(text)
    editor.answer("key: a\n# at the margin\ntitle: A2\n")
    assert run("edit", "a").exit_code == 0
    assert editor.seen(1).endswith("key: a\n# at the margin\ntitle: A\n")
    assert path.read_text() == text.replace("title: A\n", "title: A2\n")


def test_a_change_of_comments_only_is_written_and_said(
    run: Run, catalogue_file: Path, editor: Editor
) -> None:
    editor.answer(FLASH.replace("year: 2022", "year: 2022   # the NeurIPS one"))
    result = run("edit", "flashattention")
    assert (result.exit_code, result.stderr) == (
        0,
        f"edited flashattention: {FLASH_TITLE} (comments or layout only)\n",
    )
    assert "            year: 2022   # the NeurIPS one\n" in catalogue_file.read_text()


def test_an_item_written_in_flow_style_is_refused_before_the_editor_opens(
    run: Run, write_catalogue, editor: Editor
) -> None:
    write_catalogue("sections:\n- name: A\n  items:\n  - {key: a, title: A}\n")
    result = run("edit", "a")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: papers.yaml:4: papers cannot edit 'a' in this layout (it needs `- ` and its first field on one "
        "line, one field per line). Edit it by hand.\n",
    )
    assert editor.runs == 0


def test_a_crlf_file_stays_crlf(run: Run, write_catalogue, editor: Editor, isolated: Path) -> None:
    path = isolated / "papers.yaml"
    path.write_bytes(
        b"sections:\r\n- name: A\r\n  items:\r\n  - key: a\r\n    title: A\r\n  - key: b\r\n    title: B\r\n"
    )
    editor.answer("key: a\r\ntitle: A2\r\n")
    assert run("edit", "a").exit_code == 0
    assert editor.seen(1).endswith("key: a\ntitle: A\n")
    assert path.read_bytes() == (
        b"sections:\r\n- name: A\r\n  items:\r\n  - key: a\r\n    title: A2\r\n  - key: b\r\n    title: B\r\n"
    )


# --- invalid texts -----------------------------------------------------------------------------------


def test_invalid_yaml_reopens_the_editor_with_the_error_at_the_top(
    run: Run, catalogue_file: Path, editor: Editor, isolated: Path
) -> None:
    broken = HEADER + FLASH.replace("year: 2022", "year: [2022")
    editor.answer(broken, FLASH.replace("year: 2022", "year: 2023"))
    result = run("edit", "flashattention", input="\n")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert re.fullmatch(r"the edit of flashattention is not valid: line 8: .+", lines[0]), lines[0]
    assert lines[1].startswith("Edit it again? [Y/n]")
    assert lines[-1] == f"edited flashattention: {FLASH_TITLE} (changed year)"
    second = editor.seen(2)
    assert re.match(r"# error: line 9: .+\n", second), second
    assert second.endswith(HEADER + FLASH.replace("year: 2022", "year: [2022"))
    assert listed(run)["flashattention"]["year"] == 2023
    assert temp_files(isolated) == []


def test_a_schema_error_names_its_line_and_no_answer_gives_up_keeping_the_text(
    run: Run, catalogue_file: Path, editor: Editor, isolated: Path
) -> None:
    before = catalogue_file.read_bytes()
    text = FLASH.replace("status: todo", "status: finished")
    editor.answer(text)
    result = run("edit", "flashattention")  # no input: nobody to answer the question
    assert result.exit_code == 1
    (kept,) = temp_files(isolated)
    assert result.stderr.splitlines()[0] == (
        "the edit of flashattention is not valid: line 3: unknown status 'finished'. Use todo, reading or done"
    )
    assert (
        result.stderr.splitlines()[-1]
        == f"Error: flashattention was not changed. Your text is kept in {kept}."
    )
    assert kept.read_text() == text
    assert catalogue_file.read_bytes() == before
    assert editor.runs == 1


def test_answering_no_gives_up(run: Run, catalogue_file: Path, editor: Editor) -> None:
    before = catalogue_file.read_bytes()
    editor.answer(FLASH.replace("year: 2022", "year: twenty"))
    result = run("edit", "flashattention", input="n\n")
    assert result.exit_code == 1
    assert "line 5: year 'twenty' is not a number. Write it like 2017" in result.stderr
    assert (editor.runs, catalogue_file.read_bytes()) == (1, before)


def test_a_file_saved_empty_gives_up(run: Run, catalogue_file: Path, editor: Editor, isolated: Path) -> None:
    before = catalogue_file.read_bytes()
    editor.answer(HEADER)
    result = run("edit", "flashattention")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: the file was saved empty: flashattention was not changed.\n",
    )
    assert catalogue_file.read_bytes() == before
    assert temp_files(isolated) == []


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (
            FLASH.replace("key: flashattention", "key: flash"),
            "line 1: the key cannot change here ('flashattention' became 'flash'). Put back 'flashattention', "
            "and give it the new key with `papers rename flashattention flash`",
        ),
        (
            FLASH + "titel: typo\n",
            "line 7: 'titel' is not a field papers knows. Fix its name (see docs/schema.md for the fields)",
        ),
        (
            FLASH + "section: Models\n",
            "line 7: 'section' is where the item sits in the file, not a field written in it. Remove it, and "
            "move the item with `papers mv flashattention` instead",
        ),
        (
            "{key: flashattention, title: F}\n",
            "line 1: the item is written in flow style {...}. Write one `field: value` per line",
        ),
        (FLASH.replace('title: "Flash', 'title: "Flash\\x'), "line 2: "),
        ("key: flashattention\n", "line 1: an item has no title. Add `title: ...`"),
        (FLASH + "year: 2021\n", "line 7: duplicate key 'year' (first at line 5). Keep only one of them"),
        (
            "- key: flashattention\n",
            "line 1: an item should be a mapping of `field: value` lines. Fix its layout",
        ),
    ],
)
def test_what_edit_refuses(run: Run, catalogue_file: Path, editor: Editor, answer: str, problem: str) -> None:
    before = catalogue_file.read_bytes()
    editor.answer(answer, FLASH)  # the second opening puts the text back as it was
    result = run("edit", "flashattention", input="y\n")
    assert result.stderr.startswith(f"the edit of flashattention is not valid: {problem}"), result.stderr
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        0,
        "flashattention: unchanged, nothing was written",
    )
    assert catalogue_file.read_bytes() == before


def test_a_field_papers_does_not_know_is_kept_when_it_was_there(
    run: Run, write_catalogue, editor: Editor
) -> None:
    path = write_catalogue("sections:\n- name: A\n  items:\n  - key: a\n    title: A\n    mine: 1\n")
    editor.answer("key: a\ntitle: A2\nmine: 2\n")
    assert run("edit", "a").exit_code == 0
    assert path.read_text() == "sections:\n- name: A\n  items:\n  - key: a\n    title: A2\n    mine: 2\n"


def test_text_that_is_not_utf8_is_an_error_to_fix(run: Run, catalogue_file: Path, editor: Editor) -> None:
    (editor.folder / "answer-1.yaml").write_bytes(
        FLASH.encode().replace(b"FlashAttention\n", b"Flash\xffAttention\n")
    )
    editor.answer(None, FLASH.replace("2022", "2024"))
    result = run("edit", "flashattention", input="y\n")
    assert result.exit_code == 0
    assert (
        "the edit of flashattention is not valid: the file is not UTF-8 text. Save it as UTF-8"
        in result.stderr
    )
    assert editor.seen(2).startswith("# error: the file is not UTF-8 text. Save it as UTF-8\n")
    assert "listed_as: Flash\ufffdAttention\n" in editor.seen(2)


def test_a_control_character_is_an_error_on_one_line_naming_its_line_in_the_text(
    run: Run, catalogue_file: Path, editor: Editor
) -> None:
    editor.answer(FLASH.replace("FlashAttention: Fast", "Flash\x00Attention: Fast"))
    result = run("edit", "flashattention")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "the edit of flashattention is not valid: line 2: not valid YAML (unacceptable character #x0000: "
        "control characters are not allowed). Fix the file"
    )


def test_a_byte_order_mark_from_the_editor_is_not_part_of_the_text(
    run: Run, catalogue_file: Path, editor: Editor, isolated: Path
) -> None:
    (editor.folder / "answer-1.yaml").write_bytes(b"\xef\xbb\xbf" + FLASH.replace("2022", "2024").encode())
    result = run("edit", "flashattention")
    assert (result.exit_code, result.stderr) == (0, f"edited flashattention: {FLASH_TITLE} (changed year)\n")
    assert listed(run)["flashattention"]["year"] == 2024
    assert "\ufeff" not in catalogue_file.read_text(encoding="utf-8")
    assert temp_files(isolated) == []


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("os.remove(sys.argv[1])", "the editor removed {file}: flashattention was not changed"),
        (
            "os.remove(sys.argv[1]); os.mkdir(sys.argv[1])",
            "cannot read {file} after the editor: Is a directory. flashattention was not changed",
        ),
    ],
)
def test_an_editor_that_removes_its_file_changes_nothing_and_is_one_line(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch, isolated: Path, script: str, message: str
) -> None:
    before = catalogue_file.read_bytes()
    (isolated / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(isolated / "tmp"))
    monkeypatch.setenv("VISUAL", shlex.join([sys.executable, "-c", f"import os, sys; {script}"]))
    result = run("edit", "flashattention")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert re.fullmatch(
        re.escape("Error: " + message.format(file="@@")).replace("@@", r"\S+papers-edit-flashattention-\S+")
        + r"\.?",
        line,
    ), line
    assert catalogue_file.read_bytes() == before


def test_an_editor_output_too_large_for_an_item_is_refused_and_kept(
    run: Run, catalogue_file: Path, editor: Editor, isolated: Path
) -> None:
    before = catalogue_file.read_bytes()
    editor.answer(FLASH + "remark: " + "x" * (21 * 1024 * 1024) + "\n")
    result = run("edit", "flashattention")
    assert result.exit_code == 1
    (kept,) = temp_files(isolated)
    assert result.stderr == (
        f"Error: the file is larger than 20 MB: not one paper's fields. flashattention was not changed. "
        f"Your text is kept in {kept}.\n"
    )
    assert catalogue_file.read_bytes() == before


# --- another program saves the catalogue meanwhile ---------------------------------------------------


def test_a_hand_edit_of_another_item_meanwhile_is_kept_and_the_edit_goes_in(
    run: Run, catalogue_file: Path, editor: Editor
) -> None:
    editor.during(1, catalogue_file, "remark: cs231n", "remark: cs231n, by hand")
    editor.answer(FLASH.replace("year: 2022", "year: 2021"))
    result = run("edit", "flashattention")
    assert (result.exit_code, result.stderr) == (0, f"edited flashattention: {FLASH_TITLE} (changed year)\n")
    items = listed(run)
    assert (items["optimizers"]["remark"], items["flashattention"]["year"]) == ("cs231n, by hand", 2021)


def test_a_hand_edit_of_the_same_item_meanwhile_is_refused_and_the_text_kept(
    run: Run, catalogue_file: Path, editor: Editor, isolated: Path
) -> None:
    editor.during(1, catalogue_file, "listed_as: FlashAttention\n", "listed_as: FlashAttention (by hand)\n")
    editor.answer(FLASH.replace("year: 2022", "year: 2021"))
    handed = catalogue_file.read_text().replace(
        "listed_as: FlashAttention\n", "listed_as: FlashAttention (by hand)\n", 1
    )
    result = run("edit", "flashattention")
    (kept,) = temp_files(isolated)
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: papers.yaml was saved by another program meanwhile, and 'flashattention' was changed there: "
        f"nothing was written. Your text is kept in {kept}: paste it into `papers edit flashattention`.\n",
    )
    assert kept.read_text() == FLASH.replace("year: 2022", "year: 2021")
    assert catalogue_file.read_text() == handed


# --- the editor itself -------------------------------------------------------------------------------


@pytest.mark.posix
def test_editor_is_visual_then_editor_then_vi(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} -c pass")
    assert run("edit", "flashattention").stderr == "flashattention: unchanged, nothing was written\n"
    monkeypatch.delenv("EDITOR")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    vi = bin_dir / "vi"
    vi.write_text(f'#!/bin/sh\necho "$1" > {tmp_path / "vi-ran"}\n')
    vi.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert run("edit", "flashattention").exit_code == 0
    assert (tmp_path / "vi-ran").read_text().startswith(str(Path(tempfile.gettempdir())))
    vi.unlink()
    result = run("edit", "flashattention")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: no editor to open: set $VISUAL or $EDITOR (for example `export EDITOR=nano`).\n",
    )


@pytest.mark.parametrize(
    ("visual", "message"),
    [
        (
            "/nowhere/editor --wait",
            "Error: cannot run the editor '/nowhere/editor' (from $VISUAL): No such file or directory. Set $VISUAL or $EDITOR to an editor that is installed.\n",
        ),
        ("vim 'unclosed", "Error: $VISUAL cannot be read as a command (No closing quotation). Fix it.\n"),
        (
            f"{shlex.quote(sys.executable)} -c 'raise SystemExit(3)'",
            "Error: the editor exited with status 3: nothing was changed.\n",
        ),
        pytest.param(
            f"{shlex.quote(sys.executable)} -c 'import os, signal; os.kill(os.getpid(), signal.SIGTERM)'",
            "Error: the editor was stopped by signal 15: nothing was changed.\n",
            marks=pytest.mark.posix,
        ),
    ],
)
def test_an_editor_that_cannot_run_or_fails_changes_nothing(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch, visual: str, message: str
) -> None:
    before = catalogue_file.read_bytes()
    monkeypatch.setenv("VISUAL", visual)
    result = run("edit", "flashattention")
    assert (result.exit_code, result.stderr) == (1, message)
    assert catalogue_file.read_bytes() == before


# --- from Python, with no editor ---------------------------------------------------------------------


def test_item_text_and_replace_item_text_need_no_editor(catalogue_file: Path) -> None:
    before = catalogue_file.read_text()
    opened = actions.item_text(catalogue_file, "flashattention")
    assert (opened.key, opened.text) == ("flashattention", FLASH)
    edited = actions.replace_item_text(catalogue_file, opened, opened.text + "tags: [attention]\n")
    assert (edited.changed, edited.item.tags, edited.written) == (("tags",), ("attention",), True)
    assert inserted_lines(before, catalogue_file.read_text()) == ["            tags: [attention]"]
    with pytest.raises(EditConflictError):  # the text it was given is no longer what the file says
        actions.replace_item_text(catalogue_file, opened, opened.text + "remark: x\n")
    with pytest.raises(InvalidEditError) as raised:
        actions.replace_item_text(catalogue_file, actions.item_text(catalogue_file, "flashattention"), "\n")
    assert raised.value.line is None


# --- any hand-written layout -------------------------------------------------------------------------


@SETTINGS
@given(text=catalogues(), picks=st.data())
def test_an_edit_changes_only_the_item_own_lines_in_any_layout(
    text: str, picks: st.DataObject, tmp_path: Path
) -> None:
    path = tmp_path / "papers.yaml"
    path.write_bytes(text.encode())
    before = {item.key: item for item in parse_catalogue(text).items}
    key = picks.draw(st.sampled_from(sorted(before)))
    opened = actions.item_text(path, key)

    edited = actions.replace_item_text(path, opened, opened.text + "venue: Edited Venue   # by edit\n")

    after_text = path.read_bytes().decode()
    after = {item.key: item for item in parse_catalogue(after_text).items}
    assert after == {**before, key: before[key]._replace(venue="Edited Venue")}
    assert edited.changed == ("venue",)
    (added,) = inserted_lines(text, after_text)
    assert added.strip() == "venue: Edited Venue   # by edit"
    # The text as it was, put back: the file's own bytes again.
    actions.replace_item_text(path, actions.item_text(path, key), opened.text)
    assert path.read_bytes() == text.encode()


def test_an_unchanged_edit_from_the_parse_cache_needs_neither_yaml_nor_rich_nor_the_network(
    catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISUAL", f"{shlex.quote(sys.executable)} -c pass")
    modules_loaded_by(["list"], catalogue_file)  # fills the parse cache
    assert modules_loaded_by(["edit", "flashattention"], catalogue_file) & {"yaml", "rich", *NETWORK} == set()


def test_ctrl_c_at_the_question_keeps_the_text_and_says_where(
    run: Run, catalogue_file: Path, editor: Editor, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer

    def interrupted(*args: object, **kwargs: object) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(typer, "confirm", interrupted)
    before = catalogue_file.read_bytes()
    editor.answer(FLASH.replace("year: 2022", "year: soon"))
    result = run("edit", "flashattention")
    (kept,) = temp_files(isolated)
    assert result.exit_code == 130
    assert result.stderr.splitlines()[-2:] == [
        f"your text is kept in {kept}",
        "Error: interrupted. Nothing was changed unless a message above says so.",
    ]
    assert catalogue_file.read_bytes() == before


def test_ctrl_c_before_any_change_leaves_no_file(
    run: Run, catalogue_file: Path, editor: Editor, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papers.cli import edit_session as cli_editing

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_editing, "_run", interrupted)
    result = run("edit", "flashattention")
    assert result.exit_code == 130
    assert temp_files(isolated) == []
