"""Tags and priorities through the CLI: tag, tags, list --tag, prioritize, list --sort priority, add --priority."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import SHIPPED, Run, at_once, inserted_lines, listed

MODELS = ["rnn", "lstm", "gru", "seq2seq"]


def test_tag_adds_and_removes_only_the_tags_lines(run: Run, catalogue_file: Path) -> None:
    shipped = catalogue_file.read_text(encoding="utf-8")
    result = run("tag", "flashattention", "gqa", "+attention", "+Fast")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "tagged flashattention: +attention +fast\ntagged gqa: +attention +fast\n"
    tagged = catalogue_file.read_text(encoding="utf-8")
    assert (
        inserted_lines(shipped, tagged)
        == ["            tags:", "              - attention", "              - fast"] * 2
    )
    items = listed(run)
    assert items["gqa"]["tags"] == ["attention", "fast"] and items["rnn"]["tags"] == []
    result = run("tag", "gqa", "-fast", "+later")
    assert result.stderr == "tagged gqa: +later -fast\n"
    assert listed(run)["gqa"]["tags"] == ["attention", "later"]
    run("tag", "gqa", "flashattention", "-attention", "-LATER", "-fast")
    assert catalogue_file.read_text(encoding="utf-8") == shipped  # the last tag gone, the tags: line goes


def test_a_tag_already_there_changes_nothing(run: Run, catalogue_file: Path) -> None:
    run("tag", "gqa", "+attention")
    before = catalogue_file.read_bytes()
    result = run("tag", "gqa", "+Attention", "-absent")
    assert (result.exit_code, result.stderr) == (0, "gqa already has these tags: nothing to do\n")
    assert catalogue_file.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gqa"], "tag needs at least one +TAG to add or -TAG to remove, as in: papers tag rope +position."),
        (["+x"], "tag needs at least one paper (a key, an arXiv id or part of a title) before its tags."),
        (["gqa", "+a,b"], "'a,b' is not a tag: a tag is one word, without spaces, commas or semicolons, and not starting with + or -."),
        (["gqa", "+"], "'' is not a tag: a tag is one word, without spaces, commas or semicolons, and not starting with + or -."),
        (["gqa", "++x"], "'+x' is not a tag: a tag is one word, without spaces, commas or semicolons, and not starting with + or -."),
        (["gqa", "+x", "-X"], "'x' is both added and removed. Give it once."),
    ],
)  # fmt: skip
def test_tag_refusals_are_usage_errors_and_change_nothing(
    run: Run, catalogue_file: Path, args: list[str], message: str
) -> None:
    result = run("tag", *args)
    assert (result.exit_code, result.stderr) == (2, f"Error: {message}\n")
    assert catalogue_file.read_bytes() == SHIPPED.read_bytes()


def test_tag_resolves_every_query_first(run: Run, catalogue_file: Path) -> None:
    result = run("tag", "gqa", "attn", "+x")
    assert result.exit_code == 1 and result.stderr.startswith("Error: no paper matches 'attn'.")
    assert catalogue_file.read_bytes() == SHIPPED.read_bytes()


def test_list_tag_keeps_papers_with_every_tag_in_any_case(run: Run, catalogue_file: Path) -> None:
    run("tag", "flashattention", "gqa", "+attention")
    run("tag", "gqa", "rnn", "+later")
    assert [i["key"] for i in json.loads(run("list", "--tag", "ATTENTION", "--json").stdout)] == [
        "flashattention",
        "gqa",
    ]
    result = run("list", "--tag", "attention", "-t", "later", "--json")
    assert [item["key"] for item in json.loads(result.stdout)] == ["gqa"]
    result = run("list", "--tag", "nothing")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "nothing to list with these filters\n")


def listed_keys(run: Run, *args: str) -> list[str]:
    result = run(*args, "list", "--json")
    assert result.exit_code == 0, result.stderr
    return [item["key"] for item in json.loads(result.stdout)]


def test_list_tag_filters_every_view(run: Run, catalogue_file: Path) -> None:
    run("tag", "gqa", "+later")
    assert run("list", "--tag", "later").stdout.split("\t")[:2] == ["todo", "gqa"]
    assert listed_keys(run, "--file", str(catalogue_file))[:2] == ["optimizers", "sgd"]


def tags_json(run: Run) -> list[dict[str, Any]]:
    result = run("tags", "--json")
    assert result.exit_code == 0
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def test_tags_counts_each_tag_and_its_done_papers(run: Run, catalogue_file: Path) -> None:
    assert tags_json(run) == []
    result = run("tags")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        "no paper has a tag yet: add one with papers tag QUERY +TAG\n",
    )
    run("tag", "flashattention", "gqa", "rnn", "+attention")
    run("tag", "rnn", "+classic")
    run("done", "gqa")
    assert tags_json(run) == [
        {"tag": "attention", "count": 3, "done": 1},
        {"tag": "classic", "count": 1, "done": 0},
    ]
    assert run("tags").stdout == "attention\t3\t1\nclassic\t1\t0\n"
    assert run("tags", env={"FORCE_COLOR": "1"}).stdout == (
        "tag        papers  done\nattention       3  1\nclassic         1  0\n"
    )


def test_hand_written_tags_in_two_cases_count_as_one(run: Run, write_catalogue: Any) -> None:
    write_catalogue(
        "sections:\n  - name: A\n    items:\n      - key: a\n        title: A\n        tags: [ML, x]\n"
        "      - key: b\n        title: B\n        tags: ml\n"
    )
    assert tags_json(run) == [{"tag": "ML", "count": 2, "done": 0}, {"tag": "x", "count": 1, "done": 0}]
    assert listed_keys(run) == ["a", "b"]
    assert [i["key"] for i in json.loads(run("list", "--tag", "ml", "--json").stdout)] == ["a", "b"]


def test_prioritize_sets_and_normal_removes_the_line(run: Run, catalogue_file: Path) -> None:
    shipped = catalogue_file.read_text(encoding="utf-8")
    result = run("prioritize", "gru", "seq2seq", "high")
    assert (result.exit_code, result.stderr) == (
        0,
        "prioritized gru: normal -> high\nprioritized seq2seq: normal -> high\n",
    )
    assert (
        inserted_lines(shipped, catalogue_file.read_text(encoding="utf-8")) == ["        priority: high"] * 2
    )
    assert listed(run)["gru"]["priority"] == "high" and listed(run)["rnn"]["priority"] == "normal"
    result = run("prioritize", "gru", "high")
    assert result.stderr == "gru is already high: nothing to do\n"
    run("prioritize", "gru", "seq2seq", "normal")
    assert catalogue_file.read_text(encoding="utf-8") == shipped


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gru", "urgent"], "prioritize ends with the priority, one of high, normal, low, as in: papers prioritize rope high."),
        (["high"], "prioritize needs at least one paper (a key, an arXiv id or part of a title)."),
    ],
)  # fmt: skip
def test_prioritize_refusals(run: Run, catalogue_file: Path, args: list[str], message: str) -> None:
    result = run("prioritize", *args)
    assert (result.exit_code, result.stderr) == (2, f"Error: {message}\n")
    assert catalogue_file.read_bytes() == SHIPPED.read_bytes()


def test_list_sort_priority_orders_within_each_section(run: Run, catalogue_file: Path) -> None:
    run("prioritize", "rnn", "low")
    run("prioritize", "seq2seq", "gru", "high")
    run("prioritize", "gpt1", "low")
    result = run("list", "--todo", "--section", "models", "--sort", "priority", "--json")
    assert [item["key"] for item in json.loads(result.stdout)] == ["gru", "seq2seq", "lstm", "rnn"]
    result = run("list", "--todo", "--sort", "priority", "--json")
    keys = [item["key"] for item in json.loads(result.stdout)]
    sections = [item["section"] for item in json.loads(result.stdout)]
    assert sections == sorted(sections, key=sections.index)  # sections stay in the file's order
    assert keys.index("bert") < keys.index("gpt1") < keys.index("gru")
    result = run("list", "--sort", "colour")
    assert (result.exit_code, result.stderr) == (
        2, "Error: cannot sort by 'colour'. Use --sort priority, year, added or title.\n"
    )  # fmt: skip


def test_add_priority(run: Run, catalogue_file: Path) -> None:
    assert run("add", "Low paper", "-s", "models", "--priority", "low").exit_code == 0
    assert run("add", "Normal paper", "-s", "models", "--priority", "normal").exit_code == 0
    items = listed(run)
    assert (items["low-paper"]["priority"], items["normal-paper"]["priority"]) == ("low", "normal")
    assert "priority: normal" not in catalogue_file.read_text(encoding="utf-8")
    result = run("add", "Other paper", "-s", "models", "--priority", "urgent")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: unknown priority 'urgent'. Use one of: high, normal, low.\n",
    )


def test_a_hand_written_unknown_priority_names_its_line(run: Run, write_catalogue: Any) -> None:
    write_catalogue(
        "sections:\n  - name: A\n    items:\n      - key: a\n        title: A\n        priority: soon\n"
    )
    result = run("list")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: papers.yaml:6: unknown priority 'soon'. Use high, normal or low.\n",
    )


def test_tags_and_priority_travel_through_markdown_and_json(run: Run, catalogue_file: Path) -> None:
    run("tag", "gru", "+rnn", "+classic")
    run("prioritize", "gru", "high")
    run("prioritize", "rnn", "low")
    markdown = run("export", "--section", "models").stdout
    assert "<!-- key: gru; tags: rnn, classic; priority: high -->" in markdown
    assert "<!-- key: rnn; priority: low -->" in markdown
    Path("models.md").write_text(markdown, encoding="utf-8")
    assert run("import", "models.md", "--file", "copy.yaml").exit_code == 0
    copy = listed(run, "--file", "copy.yaml")
    assert (copy["gru"]["tags"], copy["gru"]["priority"], copy["rnn"]["priority"]) == (
        ["rnn", "classic"],
        "high",
        "low",
    )
    exported = json.loads(run("export", "--format", "json").stdout)
    gru = next(item for item in exported["sections"][2]["items"] if item["key"] == "gru")
    assert (gru["tags"], gru["priority"]) == (["rnn", "classic"], "high")


def test_revert_takes_back_a_tag(run: Run, catalogue_file: Path) -> None:
    run("tag", "gqa", "+x")
    result = run("history", "--json")
    assert json.loads(result.stdout)[0]["summary"] == "changed tags of gqa"
    assert run("revert").exit_code == 0
    assert catalogue_file.read_bytes() == SHIPPED.read_bytes()


def test_ten_processes_tagging_different_items_keep_every_change(catalogue_file: Path) -> None:
    keys = ["rnn", "lstm", "gru", "seq2seq", "gqa", "mamba", "bert", "gpt1", "alexnet", "vgg"]
    items = at_once(*(["tag", key, f"+t{n}"] for n, key in enumerate(keys)))
    assert [items[key]["tags"] for key in keys] == [[f"t{n}"] for n in range(10)]
