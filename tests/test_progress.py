"""`papers progress`: done/total per section, a bar, a total; grouping items do not count."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Run


def test_progress_json_counts_papers_per_section(run: Run, catalogue_file: Path) -> None:
    result = run("progress", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    sections = {row["section"]: row for row in data["sections"]}
    assert next(iter(sections)) == "Optimization algorithm"
    assert list(sections)[-1] == "New (saw somewhere in twitter)"
    # The "SGD, AdamW and Schedule-Free" bundle is a grouping item: its three papers count, it does not.
    assert sections["Optimization algorithm"] == {
        "section": "Optimization algorithm",
        "done": 3,
        "total": 4,
        "percent": 75.0,
    }
    assert data["total"]["done"] == sum(row["done"] for row in data["sections"])
    assert data["total"]["total"] == sum(row["total"] for row in data["sections"])
    assert set(data["total"]) == {"done", "total", "percent"}


def test_progress_moves_when_a_paper_is_ticked(run: Run, catalogue_file: Path) -> None:
    before = json.loads(run("progress", "--json").stdout)["total"]
    run("done", "flashattention")
    after = json.loads(run("progress", "--json").stdout)["total"]
    assert after["done"] == before["done"] + 1
    assert after["total"] == before["total"]
    assert after["percent"] == round(100 * after["done"] / after["total"], 1)


def test_progress_in_a_terminal_is_a_table_with_bars(run: Run, catalogue_file: Path) -> None:
    result = run("progress", env={"FORCE_COLOR": "1", "COLUMNS": "120"})
    assert result.exit_code == 0
    assert "Reading progress" in result.stdout
    assert "Optimization algorithm" in result.stdout
    assert "━" in result.stdout
    assert "Total" in result.stdout


def test_progress_piped_is_tab_separated(run: Run, catalogue_file: Path) -> None:
    lines = run("progress").stdout.splitlines()
    assert lines[0] == "Optimization algorithm\t3\t4\t75.0"
    assert lines[-1].startswith("Total\t")
