"""The safety net: every change is journaled (papers history), and any of them is one `papers revert` away."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import SEED, SHIPPED, Run
from papers.store import journal


def changes(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run(*args, "history", "--json")
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def journal_folder(catalogue: Path) -> Path:
    (found,) = (Path.cwd() / "cache" / "papers" / "history").iterdir()
    assert found == journal.folder(catalogue)
    return found


def test_an_empty_history_says_so_and_lists_nothing(run: Run, catalogue_file: Path) -> None:
    result = run("history")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        "no changes of papers.yaml in the history yet\n",
    )
    assert changes(run) == []


def test_each_change_is_journaled_with_its_command_summary_and_digests(
    run: Run, catalogue_file: Path
) -> None:
    before = catalogue_file.read_bytes()
    assert run("done", "flashattention", "gqa").exit_code == 0
    after = catalogue_file.read_bytes()
    assert run("start", "mamba").exit_code == 0
    newest, oldest = changes(run)
    assert oldest == {
        "number": 1,
        "time": oldest["time"],
        "command": "papers done flashattention gqa",
        "summary": "changed status, done_on of flashattention, gqa",
        "before": digest(before),
        "after": digest(after),
    }
    assert oldest["time"].endswith("+00:00") and len(oldest["time"]) == 25
    assert (newest["number"], newest["command"], newest["summary"]) == (
        2,
        "papers start mamba",
        "changed status, started_on of mamba",  # start records the day (issue 12)
    )
    assert newest["before"] == oldest["after"]


def test_history_piped_is_one_tab_separated_line_per_change_newest_first(
    run: Run, catalogue_file: Path
) -> None:
    run("done", "gqa")
    run("add", "A new paper", "--section", "models")
    lines = [line.split("\t") for line in run("history").stdout.splitlines()]
    assert [(n, command, summary) for n, _, command, summary in lines] == [
        ("2", "papers add 'A new paper' --section models", "added new-paper"),
        ("1", "papers done gqa", "changed status, done_on of gqa"),
    ]


def test_history_in_a_terminal_shows_each_change_on_two_lines_fitted_to_the_width(
    run: Run, catalogue_file: Path
) -> None:
    run("done", "gqa", "rnn", "lstm", "gru")
    shown = run("history", env={"FORCE_COLOR": "1", "COLUMNS": "40"}).stdout.splitlines()
    assert shown[0].startswith("1  20") and shown[0].endswith("  papers done gqa rn…")
    assert shown[1] == " " * 21 + "changed status, do…"
    assert all(len(line) <= 40 for line in shown)


def test_revert_gives_back_the_file_byte_for_byte_and_can_itself_be_reverted(
    run: Run, catalogue_file: Path
) -> None:
    shipped = catalogue_file.read_bytes()
    run("done", "gqa")
    ticked = catalogue_file.read_bytes()
    result = run("revert")
    assert result.exit_code == 0
    assert result.stderr == (
        "reverted 1: papers done gqa (changed status, done_on of gqa)\n"
        "recorded as change 2: `papers revert` again takes it back\n"
    )
    assert catalogue_file.read_bytes() == shipped
    assert run("list", "--json").exit_code == 0  # the parse cache follows the restored file
    assert json.loads(run("show", "gqa", "--json").stdout)["status"] == "todo"
    assert run("revert").exit_code == 0
    assert catalogue_file.read_bytes() == ticked
    assert [c["summary"] for c in changes(run)] == [
        "reverted change 2 (papers revert)",
        "reverted change 1 (papers done gqa)",
        "changed status, done_on of gqa",
    ]


def test_the_command_after_a_revert_finds_the_parse_cache_warm(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papers.store import load as storage
    from papers.store import reparse

    run("done", "gqa")
    run("add", "A new paper", "--section", "models")
    assert run("revert").exit_code == 0  # the add: its item is re-read alone, inside revert
    parses: list[str] = []

    def counting(name: str, original: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            parses.append(name)
            return original(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(storage, "parse", counting("parse", storage.parse))
    monkeypatch.setattr(reparse, "reparse", counting("reparse", reparse.reparse))
    listing = run("list", "--json")
    assert listing.exit_code == 0 and "new-paper" not in listing.stdout
    assert json.loads(run("show", "gqa", "--json").stdout)["status"] == "done"
    assert parses == []  # neither the whole file nor the changed items: revert left the cache warm
    catalogue_file.write_text(catalogue_file.read_text().replace("key: gqa", "key: gqa-2"))
    assert "gqa-2" in run("list", "--json").stdout
    assert parses == ["reparse"]  # the probe can fail: a hand edit is re-read


def test_revert_n_takes_back_that_change_and_every_later_one(run: Run, catalogue_file: Path) -> None:
    shipped = catalogue_file.read_bytes()
    run("done", "gqa")
    once = catalogue_file.read_bytes()
    run("add", "A new paper", "--section", "models")
    run("start", "mamba")
    result = run("revert", "2")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[:2] == [
        "reverted 3: papers start mamba (changed status, started_on of mamba)",
        "reverted 2: papers add 'A new paper' --section models (added new-paper)",
    ]
    assert catalogue_file.read_bytes() == once
    assert (
        changes(run)[0]["summary"] == "reverted changes 2-3 (from papers add 'A new paper' --section models)"
    )
    run("revert", "1")
    assert catalogue_file.read_bytes() == shipped


def test_revert_after_import_removes_every_imported_line(run: Run, write_catalogue: Any) -> None:
    target = write_catalogue(
        "# mine\nsections:\n  - name: Models  # kept\n    items:\n      - key: rnn\n        title: RNN\n"
    )
    before = target.read_bytes()
    result = run("import", str(SEED))
    assert result.exit_code == 0 and len(target.read_bytes()) > 10 * len(before)
    assert changes(run)[0]["summary"].startswith("added ")
    assert run("revert").exit_code == 0
    assert target.read_bytes() == before


def test_revert_of_the_import_that_created_the_catalogue_removes_it_and_a_second_revert_brings_it_back(
    run: Run, isolated: Path
) -> None:
    target = isolated / "papers.yaml"
    run("import", str(SEED))
    created = target.read_bytes()
    assert run("revert").exit_code == 0
    assert not target.exists()
    assert run("revert").exit_code == 0
    assert target.read_bytes() == created


def test_a_change_made_from_python_is_journaled_as_the_call_never_as_sys_argv(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papers import actions

    assert run("done", "gqa").exit_code == 0
    monkeypatch.setattr(sys, "argv", ["notebook.py", "--port", "8888"])  # a script's own arguments
    actions.mark("papers.yaml", ["mamba", "bert"], "reading")
    actions.mark(catalogue_file, ["mamba"], "todo")
    undone, started, by_cli = changes(run)
    assert by_cli["command"] == "papers done gqa"  # the command line's words last only for its call
    assert started["command"] == (
        "python: papers.actions.mark.mark(path='papers.yaml', queries=['mamba', 'bert'], "
        "status='reading', today=None, on=None)"
    )
    assert undone["command"].startswith(f"python: papers.actions.mark.mark(path='{catalogue_file}', ")
    assert started["summary"] == "changed status, started_on of bert, mamba"


def test_revert_from_python_is_refused_in_python_words(run: Run, catalogue_file: Path) -> None:
    from papers import actions
    from papers.errors import CatalogueError, RevertRefusedError

    run("done", "gqa")
    catalogue_file.write_bytes(catalogue_file.read_bytes() + b"# by hand\n")
    with pytest.raises(RevertRefusedError) as refused:
        actions.revert(catalogue_file)
    assert isinstance(refused.value, CatalogueError)
    assert str(refused.value) == (
        f"papers.yaml was changed outside papers since change 1 ({refused.value.happened.split('(')[1]}"
        ". Check the file, or revert with force=True, which discards those edits"
    )
    assert "--" not in str(refused.value)
    assert actions.revert(catalogue_file, force=True).target.command == "papers done gqa"


def test_revert_refuses_after_a_hand_edit_and_says_where_unless_forced(
    run: Run, catalogue_file: Path
) -> None:
    shipped = catalogue_file.read_bytes()
    run("done", "gqa")
    text = catalogue_file.read_text(encoding="utf-8").replace(
        "title: Recurrent neural networks", "title: RNNs"
    )
    catalogue_file.write_text(text, encoding="utf-8")
    line = text.splitlines().index("        title: RNNs") + 1
    edited = catalogue_file.read_bytes()
    result = run("revert")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: papers.yaml was changed outside papers since change 1 (line {line} differs): nothing was changed. "
        "Check the file, or add --force to revert anyway, which discards those edits.\n"
    )
    assert catalogue_file.read_bytes() == edited
    assert run("revert", "--force").exit_code == 0
    assert catalogue_file.read_bytes() == shipped


def test_a_hand_edit_between_two_changes_is_found_too(run: Run, catalogue_file: Path) -> None:
    run("done", "gqa")
    lines = catalogue_file.read_text(encoding="utf-8").splitlines(keepends=True)
    catalogue_file.write_text("".join(lines[:-2]), encoding="utf-8")  # the last item loses two lines
    run("done", "mamba")
    result = run("revert", "1")
    assert result.exit_code == 1
    assert f"since change 1 (2 lines removed after line {len(lines) - 2})" in result.stderr
    assert run("revert").exit_code == 0  # change 2 alone was not preceded by an edit


def test_revert_of_a_removed_or_a_recreated_file_is_refused_unless_forced(
    run: Run, catalogue_file: Path
) -> None:
    run("done", "gqa")
    catalogue_file.unlink()
    result = run("revert")
    assert result.exit_code == 1 and "since change 1 (it was removed)" in result.stderr
    assert run("revert", "--force").exit_code == 0
    assert catalogue_file.read_bytes() == SHIPPED.read_bytes()
    run("import", str(SEED), "--file", "other.yaml")
    run("revert", "--file", "other.yaml")
    Path("other.yaml").write_text("sections: []\n", encoding="utf-8")
    result = run("revert", "--file", "other.yaml")
    assert result.exit_code == 1 and "since change 2 (it was created)" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["revert"],
            "Error: the history of papers.yaml is empty: papers has not changed it since the cache was cleared. Nothing was changed.\n",
        ),
        (
            ["revert", "7"],
            "Error: the history of papers.yaml is empty: papers has not changed it since the cache was cleared. Nothing was changed.\n",
        ),
    ],
)
def test_revert_with_nothing_to_revert_is_one_line(
    run: Run, catalogue_file: Path, args: list[str], message: str
) -> None:
    result = run(*args)
    assert (result.exit_code, result.stderr) == (1, message)


def test_revert_of_a_change_the_history_does_not_hold(run: Run, catalogue_file: Path) -> None:
    run("done", "gqa")
    run("undo", "gqa")
    result = run("revert", "7")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: there is no change 7 in the history of papers.yaml: it holds changes 1 to 2. See papers history.\n",
    )
    assert run("revert", "0").exit_code == 2


def stored(states: Path) -> dict[str, str]:
    """The states in a journal's folder: digest -> ".z" (whole) or ".d" (a delta)."""
    return {p.stem: p.suffix for p in states.iterdir()}


def test_the_history_is_bounded_and_keeps_only_the_states_it_needs(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal, "MAX_ENTRIES", 3)
    monkeypatch.setattr(journal, "CHAIN", 1)  # states 0, 2, 4, 6 whole; 1, 3, 5 deltas against 0, 2, 4
    for key in ("gqa", "mamba", "rnn", "lstm", "gru"):
        run("done", key)
    kept = changes(run)[::-1]
    assert [c["number"] for c in kept] == [3, 4, 5]
    two, three, four, five = [kept[0]["before"]] + [c["after"] for c in kept]
    states = journal_folder(catalogue_file) / "states"
    assert stored(states) == {two: ".z", three: ".d", four: ".z", five: ".d"}
    for state in (two, three, four, five):
        assert digest(journal.state(catalogue_file, state) or b"") == state
    monkeypatch.setattr(journal, "MAX_BYTES", 1)  # the newest change is always kept
    run("undo", "gru")
    ((six,),) = [[c["after"] for c in changes(run)]]
    assert [c["number"] for c in changes(run)] == [6]
    # change 6 starts from state 5, a delta: its base, state 4, stays though no change names it
    assert stored(states) == {four: ".z", five: ".d", six: ".z"}
    assert run("revert").exit_code == 0
    assert digest(catalogue_file.read_bytes()) == five


def test_a_damaged_journal_costs_only_history(run: Run, catalogue_file: Path) -> None:
    run("done", "gqa")
    run("done", "mamba")
    home = journal_folder(catalogue_file)
    entries = home / "entries.jsonl"
    entries.write_text("not json\n" + entries.read_text(encoding="utf-8"), encoding="utf-8")
    assert [c["number"] for c in changes(run)] == [2, 1]
    for state in (home / "states").iterdir():
        state.write_bytes(b"garbage")
    result = run("revert")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: the history no longer holds that state of the catalogue (the cache was cleared or damaged). "
        "Nothing was changed.\n",
    )
    with catalogue_file.open("a", encoding="utf-8") as handle:
        handle.write("# a hand edit\n")
    result = run("revert")  # what papers wrote is gone too, so the refusal cannot name lines
    assert result.exit_code == 1 and "since change 2 (it is not what papers wrote)" in result.stderr


def test_a_journal_that_cannot_be_written_never_stops_a_change(run: Run, catalogue_file: Path) -> None:
    cache = Path.cwd() / "cache"
    cache.mkdir()
    (cache / "papers").write_text("a file where the cache folder should be", encoding="utf-8")
    assert run("done", "gqa").exit_code == 0
    assert "status: done" in catalogue_file.read_text(encoding="utf-8")
    assert changes(run) == []


def test_a_catalogue_reached_through_a_symlink_shares_its_history(run: Run, catalogue_file: Path) -> None:
    link = Path("link.yaml")
    link.symlink_to(catalogue_file)
    run("done", "gqa", "--file", str(link))
    assert [c["command"] for c in changes(run)] == ["papers done gqa --file link.yaml"]


def test_revert_is_locked_like_every_write(run: Run, catalogue_file: Path) -> None:
    run("done", "gqa")
    catalogue_file.chmod(0o444)
    result = run("revert")
    assert result.exit_code == 1 and result.stderr.startswith("Error: papers.yaml is read-only")
