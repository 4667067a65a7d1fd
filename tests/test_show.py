"""`papers show`: everything known about one paper."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Run


def test_show_prints_every_known_field(run: Run, catalogue_file: Path) -> None:
    result = run("show", "flashattention")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "key        flashattention" in lines
    assert "arxiv      2205.14135" in lines
    assert "parent     transformer (Attention Is All You Need)" in lines
    assert "listed as  FlashAttention" in lines


def test_show_json(run: Run, catalogue_file: Path) -> None:
    data = json.loads(run("show", "gpt3", "--json").stdout)
    assert data["arxiv"] == "2005.14165"
    assert data["title"] == "Language Models are Few-Shot Learners"


def test_show_json_of_a_paper_listed_twice_is_one_array(run: Run, catalogue_file: Path) -> None:
    result = run("show", "2404.07143", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)  # one document: two back to back would not parse
    assert [item["key"] for item in data] == ["infini-attention", "infini-attention-2"]
    assert {item["arxiv"] for item in data} == {"2404.07143"}


def test_show_of_a_paper_listed_twice_prints_both(run: Run, catalogue_file: Path) -> None:
    lines = run("show", "2404.07143").stdout.splitlines()
    assert [line.split()[1] for line in lines if line.startswith("key ")] == [
        "infini-attention",
        "infini-attention-2",
    ]


def test_show_lists_links_of_an_item(run: Run, catalogue_file: Path) -> None:
    result = run("show", "optimizers")
    assert "https://akash5100.github.io/blog/2024/04/12/Optimization_techniques.html" in result.stdout
    assert "group" in result.stdout


def test_show_in_a_terminal_escapes_brackets(run: Run, catalogue_file: Path) -> None:
    result = run("show", "gpt1", env={"FORCE_COLOR": "1", "COLUMNS": "200"})
    assert result.exit_code == 0
    assert "[LLMs are multitask learners (Ilya)]" in result.stdout


def test_show_unknown(run: Run, catalogue_file: Path) -> None:
    result = run("show", "nothing-like-this")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no paper matches 'nothing-like-this'.")
