"""The days papers records: `start` writes started_on, `done --on DATE` another day than today;
`list --reading`, `list --since/--until` (by done_on), `show` prints both dates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import Run, listed

TODAY = dt.date.today().isoformat()


def ago(days: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def test_start_records_the_day_and_undo_gives_back_the_bytes(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("start", "gqa")
    assert result.exit_code == 0
    item = listed(run)["gqa"]
    assert (item["status"], item["started_on"], item["done_on"]) == ("reading", TODAY, None)
    assert f"started_on: {TODAY}" in catalogue_file.read_text()  # written as a plain date, like done_on
    assert run("undo", "gqa").exit_code == 0
    assert catalogue_file.read_bytes() == before


def test_done_keeps_the_start_and_show_prints_both(run: Run, catalogue_file: Path) -> None:
    run("start", "gqa")
    assert run("done", "gqa", "--on", ago(0)).exit_code == 0
    item = listed(run)["gqa"]
    assert (item["status"], item["started_on"], item["done_on"]) == ("done", TODAY, TODAY)
    shown = run("show", "gqa").stdout.splitlines()
    assert shown[2:4] == [f"status     done on {TODAY}", f"started    {TODAY}"]
    assert json.loads(run("show", "gqa", "--json").stdout)["started_on"] == TODAY


def test_done_on_another_day(run: Run, catalogue_file: Path) -> None:
    result = run("done", "gqa", "bert", "--on", ago(6))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0].endswith(f"(todo -> done on {ago(6)})")
    assert listed(run)["bert"]["done_on"] == ago(6)
    moved = run("done", "bert", "--on", ago(3))  # already done: the day moves
    assert moved.stderr == (
        "done bert: BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding "
        f"(done on {ago(6)} -> {ago(3)})\n"
    )
    assert listed(run)["bert"]["done_on"] == ago(3)
    same = run("done", "bert", "--on", ago(3))
    assert (same.exit_code, same.stderr) == (0, "bert is already done: nothing to do\n")
    plain = run("done", "bert")  # no day given: an already-done paper keeps its day
    assert plain.stderr == "bert is already done: nothing to do\n" and listed(run)["bert"]["done_on"] == ago(
        3
    )


def test_a_paper_ticked_without_a_day_gets_one_from_done_on(run: Run, catalogue_file: Path) -> None:
    undated = next(
        key for key, item in listed(run).items() if item["status"] == "done" and not item["done_on"]
    )
    result = run("done", undated, "--on", ago(1))
    assert result.stderr.endswith(f"(done on no day -> {ago(1)})\n")


def test_done_on_refusals(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    future = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    result = run("done", "gqa", "--on", future)
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {future} is after today ({TODAY}). Give the day the paper was read.\n",
    )
    result = run("done", "gqa", "--on", "20/11/2026")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Invalid value: '20/11/2026' is not a date. Write it as YYYY-MM-DD, like 2026-11-20. "
        "See 'papers done --help'.\n"
    )
    assert catalogue_file.read_bytes() == before


def test_done_on_a_day_before_the_paper_was_started_is_refused(run: Run, catalogue_file: Path) -> None:
    assert run("start", "gqa").exit_code == 0  # started today
    before = catalogue_file.read_bytes()
    result = run("done", "bert", "gqa", "--on", ago(2))
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {ago(2)} is before gqa was started ({TODAY}). Give a day on or after it.\n",
    )
    assert catalogue_file.read_bytes() == before  # bert is not ticked either
    assert run("done", "gqa", "--on", TODAY).exit_code == 0  # the day it was started is fine
    moved = run("done", "gqa", "--on", ago(1))  # nor can a done paper move before its start
    assert (moved.exit_code, moved.stderr) == (
        2,
        f"Error: {ago(1)} is before gqa was started ({TODAY}). Give a day on or after it.\n",
    )
    assert listed(run)["gqa"]["done_on"] == TODAY


def test_start_again_after_done_begins_a_new_reading(run: Run, catalogue_file: Path) -> None:
    run("done", "gqa", "--on", ago(10))
    assert run("start", "gqa").exit_code == 0
    item = listed(run)["gqa"]
    assert (item["status"], item["started_on"], item["done_on"]) == ("reading", TODAY, None)


def test_list_reading_since_and_until(run: Run, catalogue_file: Path) -> None:
    run("start", "mamba", "gqa")
    run("done", "bert", "--on", ago(20))
    run("done", "gpt1", "--on", ago(5))
    reading = run("list", "--reading", "--json")
    assert sorted(item["key"] for item in json.loads(reading.stdout)) == ["gqa", "mamba"]
    since = json.loads(run("list", "--since", ago(7), "--json").stdout)
    assert [item["key"] for item in since] == ["gpt1"]
    until = json.loads(run("list", "--until", ago(7), "--json").stdout)
    assert [item["key"] for item in until] == ["bert"]  # the undated done papers are on no day
    both = json.loads(run("list", "--since", ago(20), "--until", ago(5), "--json").stdout)
    assert sorted(item["key"] for item in both) == ["bert", "gpt1"]
    assert json.loads(run("list", "--since", ago(4), "--json").stdout) == []
    result = run("list", "--reading", "--todo")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: --reading and --todo exclude each other. Use one of them.\n",
    )
    result = run("list", "--reading", "--done")
    assert result.stderr == "Error: --reading and --done exclude each other. Use one of them.\n"


def test_log_and_stats_use_the_start(run: Run, catalogue_file: Path) -> None:
    run("start", "gqa")
    run("done", "bert", "--on", ago(2))
    events = json.loads(run("log", "--json").stdout)
    assert [(e["date"], e["event"], e["key"]) for e in events] == [
        (TODAY, "started", "gqa"),
        (ago(2), "done", "bert"),
    ]
    run("done", "gqa")
    data = json.loads(run("stats", "--json").stdout)
    assert (data["median_days_to_read"], data["timed"]) == (0, 1)
