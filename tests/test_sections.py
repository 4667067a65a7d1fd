"""`papers section add|mv|rename|rm`, through the command line: what moves, what stays, what is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import SHIPPED, Run, at_once, inserted_lines, listed
from papers.store.parse import parse_catalogue

SHIPPED_SECTIONS = [s.name for s in parse_catalogue(SHIPPED.read_bytes()).sections]

COMMENTED = """\
# my list
sections:
  # the basics
  - name: A   # first
    items:
      - key: a
        title: A
      # a's last word

  # --- part two ---

  # about B
  # (two lines)
  - name: B
    notes:
      - a note on B
    items: []

  - name: C
    items:
      - key: c
        title: C
        # c's last word
# the end
"""


def error_line(message: str) -> str:
    return f"Error: {message}{'' if message.endswith('?') else '.'}\n"


def sections(path: Path) -> list[str]:
    return [s.name for s in parse_catalogue(path.read_bytes()).sections]


def summaries(run: Run) -> list[str]:
    result = run("history", "--json")
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return [change["summary"] for change in found]


# --- add -------------------------------------------------------------------------------------------


def test_add_puts_an_empty_section_at_the_end(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_text()
    result = run("section", "add", "Robotics")
    assert (result.exit_code, result.stderr) == (
        0,
        "added section Robotics (last, after New (saw somewhere in twitter))\n",
    )
    assert inserted_lines(before, catalogue_file.read_text()) == ["", "  - name: Robotics", "    items: []"]
    assert sections(catalogue_file) == [*SHIPPED_SECTIONS, "Robotics"]
    assert run("add", "A robot paper", "--section", "robotics").exit_code == 0
    assert listed(run)["robot-paper"]["section"] == "Robotics"


def test_add_before_or_after_a_section_named_by_its_start(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_text()
    result = run("section", "add", "Robotics", "--after", "vision")
    assert (result.exit_code, result.stderr) == (
        0,
        "added section Robotics (between Vision and Image Generation)\n",
    )
    text = catalogue_file.read_text()
    assert inserted_lines(before, text) == ["  - name: Robotics", "    items: []", ""]
    assert "\n\n  - name: Robotics\n    items: []\n\n  - name: Image Generation\n" in text
    assert run("section", "add", "Audio", "--before", "optim").exit_code == 0
    assert sections(catalogue_file)[:2] == ["Audio", "Optimization algorithm"]
    assert catalogue_file.read_text().startswith(
        before[: before.index("  - name: Optimization")] + "  - name: Audio\n"
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["models"], 2, "there is a section called 'Models' already. Choose another name"),
        (["  "], 2, "the section name is empty. Give a section's name"),
        (
            ["Robotics", "--before", "models", "--after", "vision"],
            2,
            "--before and --after exclude each other. Use one of them",
        ),
        (
            ["Robotics", "--after", "some"],
            1,
            "'some' starts 2 sections: Some research papers, Some resourceful repos. Give more of the name",
        ),
        (["Robotics", "--after", "visoin"], 1, "no section is called 'visoin'. Did you mean Vision?"),
    ],
)
def test_add_refusals_change_nothing(
    run: Run, catalogue_file: Path, args: list[str], code: int, message: str
) -> None:
    before = catalogue_file.read_bytes()
    result = run("section", "add", *args)
    assert (result.exit_code, result.stderr) == (code, error_line(message))
    assert catalogue_file.read_bytes() == before


def test_add_the_first_section_of_a_catalogue_without_any(run: Run, write_catalogue: Any) -> None:
    path = write_catalogue("# nothing yet\nsections: []\n")
    assert run("section", "add", "Reading").exit_code == 0
    assert sections(path) == ["Reading"]
    assert run("section", "add", "Later", "--before", "reading").exit_code == 0
    assert sections(path) == ["Later", "Reading"]


# --- mv --------------------------------------------------------------------------------------------


def test_mv_moves_a_section_with_its_items_and_back_gives_the_same_bytes(
    run: Run, catalogue_file: Path
) -> None:
    before = catalogue_file.read_bytes()
    items = listed(run)
    result = run("section", "mv", "tokenization", "--before", "models")
    assert (result.exit_code, result.stderr) == (
        0,
        "moved section Tokenization (between Development of language models and Models)\n",
    )
    assert sections(catalogue_file)[1:4] == ["Development of language models", "Tokenization", "Models"]
    moved = listed(run)
    assert moved == {key: items[key] for key in moved} and set(moved) == set(items)  # items unchanged
    assert list(moved).index("gpt2") < list(moved).index("rnn")
    assert sorted(catalogue_file.read_text().splitlines()) == sorted(before.decode().splitlines())
    assert run("section", "mv", "tokenization", "--after", "some resourceful").exit_code == 0
    assert catalogue_file.read_bytes() == before


def test_mv_first_and_last_there_and_back(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    assert run("section", "mv", "optim", "--after", "new").exit_code == 0
    assert sections(catalogue_file) == [*SHIPPED_SECTIONS[1:], SHIPPED_SECTIONS[0]]
    assert run("section", "mv", "optim", "--before", "development").exit_code == 0
    assert catalogue_file.read_bytes() == before


def test_mv_takes_the_comments_above_a_section_and_below_its_items(run: Run, write_catalogue: Any) -> None:
    path = write_catalogue(COMMENTED)
    assert run("section", "mv", "b", "--before", "a").exit_code == 0
    assert path.read_text() == (
        "# my list\n"
        "sections:\n"
        "  # --- part two ---\n\n  # about B\n  # (two lines)\n"
        "  - name: B\n    notes:\n      - a note on B\n    items: []\n\n"
        "  # the basics\n  - name: A   # first\n    items:\n      - key: a\n        title: A\n"
        "      # a's last word\n\n"
        "  - name: C\n    items:\n      - key: c\n        title: C\n        # c's last word\n# the end\n"
    )
    assert run("section", "mv", "b", "--after", "a").exit_code == 0
    assert path.read_text() == COMMENTED
    assert run("section", "mv", "c", "--before", "a").exit_code == 0
    text = path.read_text()
    assert text.startswith(
        "# my list\nsections:\n  - name: C\n    items:\n      - key: c\n        title: C\n        # c's last word\n\n  # the basics\n"
    )
    assert text.endswith("    items: []\n# the end\n")
    assert [key for key in listed(run)] == ["c", "a"]
    assert run("section", "mv", "c", "--after", "b").exit_code == 0
    assert path.read_text() == COMMENTED


def test_mv_to_where_it_is_changes_nothing(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.stat().st_mtime_ns, catalogue_file.read_bytes()
    result = run("section", "mv", "models", "--after", "development")
    assert (result.exit_code, result.stderr) == (
        0,
        "section Models is there already (between Development of language models and Vision): nothing changed\n",
    )
    assert (catalogue_file.stat().st_mtime_ns, catalogue_file.read_bytes()) == before
    assert summaries(run) == []


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["models"], 2, "say where to: --before S or --after S"),
        (
            ["models", "--before", "vision", "--after", "vision"],
            2,
            "--before and --after exclude each other. Use one of them",
        ),
        (
            ["models", "--before", "mod"],
            2,
            "'Models' is the section that moves. Give another section as the position",
        ),
        (
            ["robotics", "--before", "models"],
            1,
            "no section is called 'robotics'. Sections: " + ", ".join(SHIPPED_SECTIONS),
        ),
        (
            ["models", "--before", "robotics"],
            1,
            "no section is called 'robotics'. Sections: " + ", ".join(SHIPPED_SECTIONS),
        ),
        (
            ["some", "--before", "models"],
            1,
            "'some' starts 2 sections: Some research papers, Some resourceful repos. Give more of the name",
        ),
    ],
)
def test_mv_refusals_change_nothing(
    run: Run, catalogue_file: Path, args: list[str], code: int, message: str
) -> None:
    before = catalogue_file.read_bytes()
    result = run("section", "mv", *args)
    assert (result.exit_code, result.stderr) == (code, error_line(message))
    assert catalogue_file.read_bytes() == before


def test_mv_refuses_a_section_layout_it_cannot_cut(run: Run, write_catalogue: Any) -> None:
    path = write_catalogue("sections:\n  - {name: A, items: []}\n  - name: B\n    items: []\n")
    before = path.read_bytes()
    result = run("section", "mv", "a", "--after", "b")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: papers.yaml:2: papers cannot move section 'A' in this layout")
    assert path.read_bytes() == before


# --- rename ----------------------------------------------------------------------------------------


def test_rename_changes_only_the_name_line(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_text()
    result = run("section", "rename", "new (saw", "Seen on Twitter")
    assert (result.exit_code, result.stderr) == (
        0,
        "renamed section New (saw somewhere in twitter) to Seen on Twitter (2 items)\n",
    )
    assert catalogue_file.read_text() == before.replace(
        "  - name: New (saw somewhere in twitter)\n", "  - name: Seen on Twitter\n"
    )
    assert {
        item["section"]
        for key, item in listed(run).items()
        if key in ("byte-level-tokenization", "lm-without-tokens")
    } == {"Seen on Twitter"}
    assert summaries(run) == ["renamed section New (saw somewhere in twitter) to Seen on Twitter"]


def test_rename_keeps_a_comment_on_the_line_and_quotes_what_needs_it(run: Run, write_catalogue: Any) -> None:
    path = write_catalogue(COMMENTED)
    assert run("section", "rename", "a", "Basics: the first").exit_code == 0
    assert path.read_text() == COMMENTED.replace(
        "  - name: A   # first\n", '  - name: "Basics: the first"   # first\n'
    )
    assert listed(run)["a"]["section"] == "Basics: the first"


def test_rename_to_another_case_is_a_rename(run: Run, catalogue_file: Path) -> None:
    assert run("section", "rename", "vision", "VISION").exit_code == 0
    assert "VISION" in sections(catalogue_file)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["models", "vision"], 2, "there is a section called 'Vision' already. Choose another name"),
        (["models", " "], 2, "the section name is empty. Give a section's name"),
        (["modles", "Sequence models"], 1, "no section is called 'modles'. Did you mean Models?"),
    ],
)
def test_rename_refusals_change_nothing(
    run: Run, catalogue_file: Path, args: list[str], code: int, message: str
) -> None:
    before = catalogue_file.read_bytes()
    result = run("section", "rename", *args)
    assert (result.exit_code, result.stderr) == (code, error_line(message))
    assert catalogue_file.read_bytes() == before


# --- rm --------------------------------------------------------------------------------------------


def test_rm_removes_an_empty_section_with_the_comments_that_head_it(run: Run, write_catalogue: Any) -> None:
    path = write_catalogue(COMMENTED)
    result = run("section", "rm", "b")
    assert (result.exit_code, result.stderr) == (0, "removed section B\n")
    assert path.read_text() == COMMENTED.replace(
        "\n  # --- part two ---\n\n  # about B\n  # (two lines)\n  - name: B\n    notes:\n      - a note on B\n    items: []\n",
        "",
    )


def test_rm_refuses_a_section_with_items_and_changes_nothing(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("section", "rm", "models")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: section 'Models' holds 4 items (rnn, lstm, gru, seq2seq): nothing was removed. "
        "Add --move-items-to S to move them to another section first.\n",
    )
    assert catalogue_file.read_bytes() == before


def test_rm_with_move_items_to_moves_them_to_its_end_then_removes_it(run: Run, catalogue_file: Path) -> None:
    items = listed(run)
    result = run("section", "rm", "models", "--move-items-to", "vision")
    assert (result.exit_code, result.stderr) == (
        0,
        "moved 4 items to Vision: rnn, lstm, gru, seq2seq\nremoved section Models\n",
    )
    after = listed(run)
    assert set(after) == set(items)
    assert [key for key, item in after.items() if item["section"] == "Vision"][-4:] == [
        "rnn",
        "lstm",
        "gru",
        "seq2seq",
    ]
    assert {key: {**item, "section": None} for key, item in after.items()} == {
        key: {**item, "section": None} for key, item in items.items()
    }
    assert "Models" not in sections(catalogue_file)
    assert run("revert").exit_code == 0
    assert catalogue_file.read_bytes() == SHIPPED.read_bytes()


def test_rm_moves_items_with_children_and_comments(run: Run, write_catalogue: Any) -> None:
    path = write_catalogue(COMMENTED)
    assert run("section", "rm", "a", "--move-items-to", "b").exit_code == 0
    text = path.read_text()
    assert "      - key: a\n        title: A\n      # a's last word\n" in text
    assert sections(path) == ["B", "C"] and listed(run)["a"]["section"] == "B"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["models", "--move-items-to", "models"],
            2,
            "'Models' is the section that goes. Move its items to another section",
        ),
        (
            ["models", "--move-items-to", "robot"],
            1,
            "no section is called 'robot'. Sections: " + ", ".join(SHIPPED_SECTIONS),
        ),
        (["robot"], 1, "no section is called 'robot'. Sections: " + ", ".join(SHIPPED_SECTIONS)),
    ],
)
def test_rm_refusals_change_nothing(
    run: Run, catalogue_file: Path, args: list[str], code: int, message: str
) -> None:
    before = catalogue_file.read_bytes()
    result = run("section", "rm", *args)
    assert (result.exit_code, result.stderr) == (code, error_line(message))
    assert catalogue_file.read_bytes() == before


def test_rm_of_the_last_section_leaves_an_empty_list(run: Run, write_catalogue: Any) -> None:
    path = write_catalogue("title: T\nsections:\n  - name: Only\n    items: []\n")
    assert run("section", "rm", "only").exit_code == 0
    assert path.read_text() == "title: T\nsections: []\n"
    assert run("section", "add", "Again").exit_code == 0
    assert sections(path) == ["Again"]


# --- the safety net, and many at once ----------------------------------------------------------


def test_revert_takes_back_each_section_command(run: Run, catalogue_file: Path) -> None:
    commands = [
        ["section", "add", "Robotics", "--after", "models"],
        ["section", "mv", "tokenization", "--before", "optim"],
        ["section", "rename", "vision", "Computer vision"],
        ["section", "rm", "some resourceful", "--move-items-to", "some research"],
    ]
    states = [catalogue_file.read_bytes()]
    for command in commands:
        assert run(*command).exit_code == 0
        states.append(catalogue_file.read_bytes())
    assert summaries(run) == [
        "changed section of coqui-tts; removed section Some resourceful repos",
        "renamed section Vision to Computer vision",
        "reordered sections",
        "added section Robotics",
    ]
    for number in (4, 3, 2, 1):  # revert N takes back change N and every later one, reverts included
        result = run("revert", str(number))
        assert result.exit_code == 0, result.stderr
        assert catalogue_file.read_bytes() == states[number - 1]


def test_several_processes_changing_different_sections_keep_every_change(catalogue_file: Path) -> None:
    items = at_once(
        ["section", "rename", "vision", "Computer vision"],
        ["section", "rename", "models", "Sequence models"],
        ["section", "add", "Robotics"],
        ["section", "add", "Audio", "--before", "optim"],
        ["section", "mv", "tokenization", "--after", "development"],
        ["section", "rm", "some resourceful", "--move-items-to", "some research"],
        ["mv", "rope", "--section", "normalization"],
    )
    names = sections(catalogue_file)
    assert {"Computer vision", "Sequence models", "Robotics", "Audio"} <= set(names)
    assert not {"Vision", "Models", "Some resourceful repos"} & set(names)
    assert names[0] == "Audio"
    assert names[names.index("Development of language models") + 1] == "Tokenization"
    assert len(items) == len(parse_catalogue(SHIPPED.read_bytes()).items)
    assert items["coqui-tts"]["section"] == "Some research papers"
    assert items["rope"]["section"] == "Normalization and Regularization"
    assert items["lenet"]["section"] == "Computer vision"


def test_section_without_a_subcommand_shows_its_help(run: Run) -> None:
    result = run("section")
    assert result.exit_code == 2
    assert "Usage: papers section [OPTIONS] COMMAND" in result.stderr and "rename" in result.stderr


@pytest.mark.parametrize("name", ["add", "mv", "rename", "rm"])
def test_every_section_command_has_help_with_an_example(run: Run, name: str) -> None:
    result = run("section", name, "--help")
    assert result.exit_code == 0
    assert "Example: papers section " + name in " ".join(result.stdout.split())


def test_a_listing_does_not_import_the_section_commands_use_case(catalogue_file: Path) -> None:
    """Like every command's, the sub-app's module is imported only when it runs, and its use case
    and the editor under it only when a section command runs."""
    import os
    import subprocess
    import sys

    from conftest import REPO

    code = (
        "import sys; sys.argv = ['papers', 'list', '--todo']\n"
        "from papers.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "sys.stderr.write(' '.join(sorted(m for m in sys.modules if m.startswith('papers.'))))\n"
    )
    env = {**os.environ, "PAPERS_FILE": str(catalogue_file), "PYTHONPATH": str(REPO / "src")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    loaded = set(result.stderr.split("\n")[-1].split())
    assert "papers.cli.listing" in loaded  # the listing ran (by the quick path: cli/quick.py)
    assert (
        not {
            "papers.cli.sections",
            "papers.actions.sections",
            "papers.store.yamledit.sections",
            "papers.store.yamledit.editor",
        }
        & loaded
    )


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        (
            "sections:\n  - {name: A, items: []}\n",
            ["rename", "a", "B"],
            "papers.yaml:2: papers cannot move section 'A' in this layout",
        ),
        (
            "sections:\n  - name: >-\n      A\n    items: []\n",
            ["rename", "a", "B"],
            "papers.yaml:2: papers cannot rewrite a section `name` written over several lines",
        ),
    ],
)
def test_a_section_layout_papers_cannot_edit_is_refused(
    run: Run, write_catalogue: Any, text: str, args: list[str], message: str
) -> None:
    path = write_catalogue(text)
    result = run("section", *args)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {message}")
    assert path.read_text() == text
