"""`papers log` and `papers stats` (with `--calendar`) through the command line."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run

TODAY = dt.date(2026, 11, 26)  # a Thursday; the command's today, injected by `today_is` below


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def catalogue(*items: tuple[str, str, str | None]) -> str:
    """A catalogue of (key, status, done_on) items in sections A and B (keys starting b-)."""
    lines = ["sections:"]
    for name in ("A", "B"):
        lines += [f"  - name: {name}", "    items:"]
        for key, status, day in items:
            if key.startswith("b-") == (name == "B"):
                lines += [f"      - key: {key}", f"        title: Paper {key}", f"        status: {status}"]
                lines += [f'        done_on: "{day}"'] if day else []
    return "\n".join(lines) + "\n"


@pytest.fixture(autouse=True)
def today_is(monkeypatch: pytest.MonkeyPatch) -> None:
    from papers.actions import history as actions_history

    monkeypatch.setattr(actions_history, "current_day", lambda: TODAY)


@pytest.fixture
def dated(write_catalogue: Callable[[str], Path]) -> Path:
    return write_catalogue(
        catalogue(
            ("a1", "done", TODAY.isoformat()),
            ("a2", "done", ago(1)),
            ("a3", "done", ago(40)),
            ("a4", "done", None),
            ("a5", "todo", None),
            ("b-1", "done", ago(8)),
            ("b-2", "todo", None),
            ("b-3", "reading", None),
        )
    )


def test_log_by_day_newest_first(run: Run, dated: Path) -> None:
    result = run("log")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{TODAY.isoformat()}\tdone\ta1\tPaper a1\tA",
        f"{ago(1)}\tdone\ta2\tPaper a2\tA",
        f"{ago(8)}\tdone\tb-1\tPaper b-1\tB",
        f"{ago(40)}\tdone\ta3\tPaper a3\tA",
    ]
    terminal = run("log", "--since", ago(8), env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "60"})
    assert terminal.stdout == (
        f"{TODAY.isoformat()}\n  ✓ done     a1   Paper a1\n{ago(1)}\n  ✓ done     a2   Paper a2\n"
        f"{ago(8)}\n  ✓ done     b-1  Paper b-1\n"
    )


def test_log_since_until_and_json(run: Run, dated: Path) -> None:
    result = run("log", "--since", ago(8), "--until", ago(1), "--json")
    assert [(e["date"], e["event"], e["key"]) for e in json.loads(result.stdout)] == [
        (ago(1), "done", "a2"),
        (ago(8), "done", "b-1"),
    ]
    empty = run("log", "--until", ago(100))
    assert (empty.exit_code, empty.stdout, empty.stderr) == (
        0,
        "",
        "nothing was started or done in these days\n",
    )


def test_log_refuses_a_date_that_is_not_one(run: Run, dated: Path) -> None:
    result = run("log", "--since", "yesterday")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Invalid value: 'yesterday' is not a date. Write it as YYYY-MM-DD, like 2026-11-20. "
        "See 'papers log --help'.\n"
    )
    assert run("log", "--until", "today").exit_code == 0


def test_log_of_a_catalogue_without_dates(run: Run, write_catalogue: Callable[[str], Path]) -> None:
    write_catalogue(catalogue(("a1", "done", None)))
    result = run("log")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        "nothing was started or done on a recorded day yet\n",
    )


def test_stats_json(run: Run, dated: Path) -> None:
    result = run("stats", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data == data | {"section": None, "papers": 8, "done": 5, "undated": 1, "today": TODAY.isoformat()}
    assert len(data["weeks"]) == 12
    assert data["weeks"][-1] == {"week": "2026-11-23", "done": 2}
    assert data["weeks"][-2] == {"week": "2026-11-16", "done": 1}
    assert data["months"][-2:] == [{"month": "2026-10", "done": 1}, {"month": "2026-11", "done": 3}]
    assert data["streak"] == {"current": 2, "longest": 2, "longest_ended": "2026-11-23"}
    assert data["pace"]["weeks_4"] == 0.75  # a1, a2, b-1 in the last 28 days
    assert [f["name"] for f in data["forecast"]] == ["Total", "A", "B"]
    assert [f["left"] for f in data["forecast"]] == [3, 1, 2]


def test_stats_of_one_section(run: Run, dated: Path) -> None:
    data = json.loads(run("stats", "--section", "b", "--json").stdout)
    assert (data["section"], data["papers"], data["done"]) == ("B", 3, 1)
    assert [f["name"] for f in data["forecast"]] == ["Total"]
    result = run("stats", "--section", "nope")
    assert result.exit_code == 1 and result.stderr.startswith("Error: no section starts with 'nope'.")


def test_stats_in_a_terminal_says_what_is_undated(run: Run, dated: Path) -> None:
    result = run("stats", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    lines = result.stdout.splitlines()
    assert lines[0] == "5 of 8 papers done (1 without a date: counted as done, in no week or month)"
    # a1 and a2 this week (Mon 23 to Thu 26), b-1 on Wed 18, a3 on 2026-10-17
    assert lines[1] == "This week 2, this month 3, this year 4"
    assert lines[2] == "Streak: 2 weeks now, the longest 2 weeks (weeks with at least one paper done)"
    assert lines[3] == "Pace: 0.75 a week over the last 4 weeks, 0.33 over the last 12"
    assert "Left at the 12-week pace" in lines
    assert lines[lines.index("Left at the 12-week pace") + 1 :][:3] == [
        "  Total  3 left, about 9 weeks at 0.33 a week",  # 4 dated papers in the last 12 weeks
        "  A      1 left, about 3 weeks at 0.33 a week",
        "  B      2 left, about 6 weeks at 0.33 a week",
    ]
    assert "Last 12 weeks (from Monday)" in lines and "Last 12 months" in lines


def test_stats_piped_is_one_figure_a_line(run: Run, dated: Path) -> None:
    rows = dict(line.split("\t") for line in run("stats").stdout.splitlines())
    assert (rows["papers"], rows["done"], rows["undated"], rows["left:Total"]) == ("8", "5", "1", "3")
    assert rows["median_days"] == ""


def test_stats_of_an_empty_catalogue(run: Run, write_catalogue: Callable[[str], Path]) -> None:
    write_catalogue("sections: []\n")
    result = run("stats", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:5] == [
        "0 of 0 papers done",
        "This week 0, this month 0, this year 0",
        "Streak: 0 weeks now, the longest 0 weeks (weeks with at least one paper done)",
        "Pace: 0.0 a week over the last 4 weeks, 0.0 over the last 12",
        "Time to read: no paper has both a start and a done date yet",
    ]
    assert "  Total  nothing left" in result.stdout


def test_stats_without_pace_gives_no_estimate(run: Run, write_catalogue: Callable[[str], Path]) -> None:
    write_catalogue(catalogue(("a1", "done", ago(200)), ("a2", "todo", None)))
    result = run("stats", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "  Total  1 left, no estimate (nothing done in the last 12 weeks)" in result.stdout


def test_calendar_in_a_terminal_reads_without_colour(run: Run, dated: Path) -> None:
    result = run("stats", "--calendar", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    lines = result.stdout.splitlines()
    assert "\x1b" not in result.stdout
    assert [line[:4] for line in lines[1:8]] == ["Mon ", "    ", "Wed ", "    ", "Fri ", "    ", "    "]
    row = lines[1 + TODAY.weekday()]
    assert row[4:].rstrip()[-1] == "░"  # today: one paper
    assert all(len(line[4:]) <= 52 for line in lines[1:8])
    assert lines[-1] == "    4 papers done in the last 52 weeks    less · ░ ▒ ▓ █ more (4+)"
    coloured = run("stats", "--calendar", env={"FORCE_COLOR": "1"})
    assert "\x1b[38;5;114m░\x1b[0m" in coloured.stdout


def test_calendar_piped_and_json(run: Run, dated: Path) -> None:
    days = [line.split("\t") for line in run("stats", "--calendar").stdout.splitlines()]
    assert len(days) == 51 * 7 + TODAY.weekday() + 1
    assert days[-1] == [TODAY.isoformat(), "1"]
    data = json.loads(run("stats", "--calendar", "--json").stdout)
    assert data["total"] == 4 and data["days"][ago(8)] == 1


def test_calendar_svg_parses_and_shows_52_weeks(run: Run, dated: Path, tmp_path: Path) -> None:
    result = run("stats", "--calendar", "--svg", "calendar.svg", "--html", "calendar.html")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "wrote calendar.svg\nwrote calendar.html\n"
    root = ET.fromstring((tmp_path / "calendar.svg").read_text())
    ns = {"svg": "http://www.w3.org/2000/svg"}
    weeks = root.findall("svg:g[@class='week']", ns)
    assert len(weeks) == 52
    days = [rect for week in weeks for rect in week.findall("svg:rect", ns)]
    assert len(days) == 51 * 7 + TODAY.weekday() + 1
    counts = {rect.get("data-date"): int(rect.get("data-count") or 0) for rect in days}
    assert counts[TODAY.isoformat()] == 1 and counts[ago(40)] == 1 and sum(counts.values()) == 4
    assert days[-1].findtext("svg:title", namespaces=ns) == f"{TODAY.isoformat()}: 1 paper done"
    html = (tmp_path / "calendar.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html


def test_svg_needs_calendar(run: Run, dated: Path) -> None:
    result = run("stats", "--svg", "x.svg")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: --svg and --html save the calendar. Add --calendar.\n",
    )


@pytest.mark.parametrize("columns", [40, 60])
def test_stats_in_a_narrow_terminal_fit_it(
    run: Run, write_catalogue: Callable[[str], Path], columns: int
) -> None:
    write_catalogue(
        "sections:\n  - name: A section with a rather long name for a narrow terminal\n    items:\n"
        f'      - key: a1\n        title: Paper a1\n        status: done\n        done_on: "{ago(1)}"\n'
        "      - key: a2\n        title: Paper a2\n        status: todo\n"
    )
    result = run("stats", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": str(columns)})
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= columns
    assert lines[:2] == ["1 of 2 papers done", "This week 1, this month 1, this year 1"]
    streak = "Streak: 1 week now, the longest 1 week (weeks with at least one paper done)"
    assert streak not in lines and streak in " ".join(line.strip() for line in lines)  # wrapped
    heading = lines.index("Left at the 12-week pace (0.08 a week)")  # the pace said once
    total, section = lines[heading + 1 : heading + 3]
    assert total.startswith("  Total ") and total.endswith("  1 left, about 12 weeks")
    assert section.startswith("  A section") and section.endswith("…  1 left, about 12 weeks")
    assert total.index("1 left") == section.index("1 left")


def test_stats_in_a_wide_terminal_say_the_pace_on_every_estimate(run: Run, dated: Path) -> None:
    result = run("stats", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "150"})
    assert "  Total  3 left, about 9 weeks at 0.33 a week" in result.stdout.splitlines()


@pytest.mark.parametrize(("columns", "weeks"), [(40, 36), (56, 52), (150, 52)])
def test_a_calendar_in_a_narrow_terminal_shows_the_latest_weeks_that_fit(
    run: Run, dated: Path, columns: int, weeks: int
) -> None:
    result = run("stats", "--calendar", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": str(columns)})
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= columns
    assert max(len(line) - 4 for line in lines[1:8]) == weeks
    assert lines[1 + TODAY.weekday()][4:].rstrip()[-1] == "░"  # today is still the last column
    total, key = "    4 papers done in the last 52 weeks", "less · ░ ▒ ▓ █ more (4+)"
    if columns >= 4 + len(total) + 4 + len(key):
        assert lines[-1] == f"{total}    {key}"
    else:
        assert lines[lines.index(total) + 1] == f"    {key}"
    assert (lines[-1] == f"    (the last {weeks} weeks shown)") == (weeks < 52)
