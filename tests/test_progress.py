"""`papers progress`: done/total per section, a bar, a total; grouping items do not count."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SEED_SECTIONS, Run


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
    assert "█" in result.stdout
    assert "Total" in result.stdout


def test_progress_piped_is_tab_separated(run: Run, catalogue_file: Path) -> None:
    lines = run("progress").stdout.splitlines()
    assert lines[0] == "Optimization algorithm\t3\t4\t75.0"
    assert lines[-1].startswith("Total\t")


SECTIONS = SEED_SECTIONS


def test_progress_svg_is_a_picture_with_every_section_and_its_bar(run: Run, catalogue_file: Path) -> None:
    import xml.etree.ElementTree as ET

    result = run("progress", "--svg", "progress.svg")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == "wrote progress.svg\n"
    root = ET.parse(catalogue_file.parent / "progress.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [
        (el.get("y"), (el.text or "").replace("\xa0", " ").strip())
        for el in root.iter("{http://www.w3.org/2000/svg}text")
    ]
    words = {text for _, text in texts}
    for name in [*SECTIONS, "Total", "3/4", "Reading progress"]:
        assert name in words, name
    # One bar (a run of █ and ░, green and/or grey) on every section's row and on the total's.
    rows_with_bars = {y for y, text in texts if "█" in text or "░" in text}
    assert len(rows_with_bars) == len(SECTIONS) + 1


def test_progress_html_names_every_section(run: Run, catalogue_file: Path) -> None:
    result = run("progress", "--html", "progress.html", "--svg", "p.svg")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "wrote p.svg\nwrote progress.html\n"
    page = (catalogue_file.parent / "progress.html").read_text()
    assert page.lstrip().lower().startswith("<!doctype html>")
    for name in SECTIONS:
        assert name in page, name
    assert "█" in page


def test_progress_picture_into_a_missing_folder_is_one_line(run: Run, catalogue_file: Path) -> None:
    result = run("progress", "--svg", "nowhere/p.svg")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "Error: could not write nowhere/p.svg: No such file or directory. Nothing was changed.\n"
    )
