"""`papers export`: the catalogue as a markdown checklist that imports back, or as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import SEED, Run, listed
from papers.model.arxiv_ids import arxiv_id_from_link

# What markdown carries (docs/markdown.md); authors, remark, note and listed_as do not.
TRAVELS = (
    *("key", "title", "group", "section", "parent", "children", "arxiv", "year", "links"),
    *("status", "started_on", "done_on", "tags", "priority"),
)


def travelling(run: Run, catalogue: Path) -> list[dict[str, Any]]:
    view = []
    for item in listed(run, "--file", str(catalogue)).values():
        kept = {name: item[name] for name in TRAVELS}
        # A url is exported as the title's link and comes back as the first link; a link to the
        # item's own arXiv paper comes back folded into its arXiv id.
        links = ([item["url"]] if item["url"] else []) + item["links"]
        own = [link for link in links if (found := arxiv_id_from_link(link)) and found.id == item["arxiv"]]
        kept["links"] = [link for link in links if link not in own]
        view.append(kept)
    return view


def test_seed_round_trip_import_export_import(run: Run, isolated: Path) -> None:
    first, second = isolated / "first.yaml", isolated / "second.yaml"
    assert run("--file", str(first), "import", str(SEED)).exit_code == 0
    exported = run("--file", str(first), "export")
    assert exported.exit_code == 0
    (isolated / "exported.md").write_text(exported.stdout)
    result = run("--file", str(second), "import", "exported.md")
    assert result.stderr == "added 63 items, matched 0 existing items, kept 2 lines as notes\n"
    assert travelling(run, second) == travelling(run, first)
    assert run("--file", str(second), "export").stdout == exported.stdout
    for command in (["progress", "--json"], ["export", "--format", "json"]):
        a = json.loads(run("--file", str(first), *command).stdout)
        b = json.loads(run("--file", str(second), *command).stdout)
        if command[0] == "export":
            a, b = _without(a, "listed_as"), _without(b, "listed_as")
        assert a == b


def _without(tree: Any, field: str) -> Any:
    if isinstance(tree, dict):
        return {k: _without(v, field) for k, v in tree.items() if k != field}
    if isinstance(tree, list):
        return [_without(v, field) for v in tree]
    return tree


def test_the_shipped_catalogue_round_trips(run: Run, catalogue_file: Path, isolated: Path) -> None:
    exported = run("export").stdout
    (isolated / "shipped.md").write_text(exported)
    copy = isolated / "copy.yaml"
    assert run("--file", str(copy), "import", "shipped.md").exit_code == 0
    assert travelling(run, copy) == travelling(run, catalogue_file)
    assert run("--file", str(copy), "export").stdout == exported
    # Importing the export into the catalogue it came from finds every item.
    before = catalogue_file.read_bytes()
    assert run("import", "shipped.md").stderr.startswith("added 0 items, matched 77 existing items,")
    assert catalogue_file.read_bytes() == before


def test_days_status_tags_and_priority_travel_through_markdown(
    run: Run, catalogue_file: Path, isolated: Path
) -> None:
    # t5 was started on 2026-11-25 (papers start records only today, so the day is written as it
    # would have been then) and read by 2026-11-27: done --on refuses a day before the start.
    text = catalogue_file.read_text()
    t5 = "          - key: t5\n            title: Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer\n            status: todo\n"
    assert t5 in text
    catalogue_file.write_text(
        text.replace(
            t5, t5.replace("status: todo\n", "status: reading\n            started_on: 2026-11-25\n")
        )
    )
    for command in (
        ["done", "flashattention"],
        ["done", "vgg", "--on", "2026-11-20"],
        ["start", "mamba"],
        ["done", "t5", "--on", "2026-11-27"],
        ["tag", "gqa", "rope", "+attention", "+later"],
        ["prioritize", "seq2seq", "high"],
        ["prioritize", "rnn", "low"],
    ):
        assert run(*command).exit_code == 0
    exported = run("export").stdout
    assert "(started 2026-11-25, done 2026-11-27) <!-- key: t5 -->" in exported
    started = listed(run)["mamba"]["started_on"]
    assert f"(started {started}) <!-- key: mamba -->" in exported
    assert "(done 2026-11-20) <!-- key: vgg -->" in exported
    assert "<!-- key: gqa; tags: attention, later -->" in exported
    assert "<!-- key: seq2seq; priority: high -->" in exported
    (isolated / "list.md").write_text(exported)
    copy = isolated / "copy.yaml"
    assert run("--file", str(copy), "import", "list.md").exit_code == 0
    again = travelling(run, copy)
    assert again == travelling(run, catalogue_file)
    by_key = {item["key"]: item for item in again}
    assert (by_key["vgg"]["status"], by_key["vgg"]["done_on"]) == ("done", "2026-11-20")
    assert (by_key["mamba"]["status"], by_key["mamba"]["done_on"]) == ("reading", None)
    assert (by_key["mamba"]["started_on"], by_key["t5"]["started_on"]) == (started, "2026-11-25")
    assert (by_key["t5"]["status"], by_key["t5"]["done_on"]) == ("done", "2026-11-27")
    assert (by_key["gqa"]["tags"], by_key["seq2seq"]["priority"], by_key["rnn"]["priority"]) == (
        ["attention", "later"],
        "high",
        "low",
    )
    assert run("--file", str(copy), "export").stdout == exported


def test_an_import_ticks_an_existing_item_on_the_day_its_line_says(
    run: Run, catalogue_file: Path, isolated: Path
) -> None:
    (isolated / "done.md").write_text(
        "## Vision\n\n- [x] [VGG](https://arxiv.org/abs/1409.1556) (done 2026-11-20)\n"
        "- [x] [ZFNet](https://arxiv.org/abs/1311.2901)\n"
    )
    result = run("import", "done.md")
    assert result.exit_code == 0, result.stderr
    items = listed(run)
    assert items["vgg"]["done_on"] == "2026-11-20"
    assert items["zfnet"]["status"] == "done" and items["zfnet"]["done_on"] not in (None, "2026-11-20")


def test_markdown_export_is_a_github_checklist(run: Run, catalogue_file: Path) -> None:
    assert run("start", "bert").exit_code == 0
    lines = run("export").stdout.splitlines()
    assert lines[:3] == [
        "# Self notes for some research papers list",
        "",
        "protip, use  perplexity.ai as a resource scrapper",
    ]
    assert "## Development of language models" in lines
    assert (
        "- [x] [Attention Is All You Need](https://arxiv.org/abs/1706.03762) (2017) <!-- key: transformer -->"
        in lines
    )
    # `reading` is not done: it exports unticked, with the day it was started.
    started = listed(run)["bert"]["started_on"]
    assert (
        "  - [ ] [BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding]"
        f"(https://arxiv.org/abs/1810.04805) (2018) (started {started}) <!-- key: bert -->"
    ) in lines


def test_json_export_nests_the_whole_catalogue(run: Run, catalogue_file: Path) -> None:
    result = run("export", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["title"] == "Self notes for some research papers list"
    assert data["notes"] == ["protip, use  perplexity.ai as a resource scrapper"]
    assert len(data["sections"]) == 11
    section = data["sections"][1]
    assert section["name"] == "Development of language models"
    (transformer,) = section["items"]
    assert list(transformer) == [
        "key", "title", "group", "status", "started_on", "done_on", "arxiv", "doi", "year", "authors", "venue",
        "url", "links", "note", "listed_as", "remark", "tags", "priority", "children",
    ]  # fmt: skip
    assert transformer["key"] == "transformer"
    assert transformer["children"][1]["key"] == "gpt1"
    mamba = next(child for child in transformer["children"] if child["key"] == "mamba-s4-ssm")
    assert [child["key"] for child in mamba["children"]] == ["mamba", "s4", "ssm"]
    normalization = data["sections"][6]
    assert normalization["notes"][0].startswith("(TODO: add more recently used normalization layers")


def test_filters_keep_items_in_their_sections_and_nesting(run: Run, catalogue_file: Path) -> None:
    done = json.loads(run("export", "--format", "json", "--done").stdout)
    assert [s["name"] for s in done["sections"]] == [
        "Optimization algorithm",
        "Development of language models",
        "Some research papers",
    ]
    assert [child["key"] for child in done["sections"][1]["items"][0]["children"]] == ["attention"]

    todo = run("export", "--todo", "--section", "development").stdout
    assert "<!-- key: transformer -->" not in todo
    # The children of a left-out parent move up to the top level of their section.
    assert "\n- [ ] [BERT: Pre-training" in todo
    assert "## Models" not in todo
    assert run("export", "--todo", "--done").exit_code == 2


def test_output_writes_the_file_and_prints_nothing(run: Run, catalogue_file: Path, isolated: Path) -> None:
    result = run("export", "--output", "out.md")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "wrote out.md\n"
    assert (isolated / "out.md").read_text() == run("export").stdout
    result = run("export", "--format", "json", "-o", "out.json")
    assert json.loads((isolated / "out.json").read_text())["title"].startswith("Self notes")
    assert [p.name for p in isolated.iterdir() if p.name.endswith(".tmp")] == []


def test_output_refuses_to_overwrite_the_catalogue(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("export", "--output", str(catalogue_file))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --output {catalogue_file} is the catalogue itself. Write the export to another file.\n"
    )
    assert catalogue_file.read_bytes() == before


def test_output_into_a_missing_folder_is_one_line(run: Run, catalogue_file: Path) -> None:
    result = run("export", "--output", "no/such/dir/out.md")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "Error: could not write no/such/dir/out.md: No such file or directory. Nothing was changed.\n"
    )


def test_an_unknown_format_is_a_usage_error(run: Run, catalogue_file: Path) -> None:
    result = run("export", "--format", "docx")
    assert result.exit_code == 2
    assert "docx" in result.stderr


def test_every_registered_format_has_its_module(run: Run, catalogue_file: Path) -> None:
    """A format is one module plus one registry line: the line alone must be enough for the CLI."""
    from papers.formats.registry import ExportFormat, ImportFormat, exporter, importer

    assert [fmt.value for fmt in ExportFormat] == ["markdown", "json", "bibtex"]
    for fmt in ExportFormat:
        assert callable(exporter(fmt))
        result = run("export", "--format", fmt.value)
        assert result.exit_code == 0, result.stderr
    assert [fmt.value for fmt in ImportFormat] == ["markdown", "bibtex", "links"]
    parsed = importer(ImportFormat.markdown)("## S\n- [ ] One\n", taken_keys={"one"})
    assert [item["key"] for item in parsed["sections"][0]["items"]] == ["one-2"]
    parsed = importer(ImportFormat.bibtex)("@misc{one, title={One}}\n", taken_keys={"one"})
    assert [item["key"] for item in parsed["sections"][0]["items"]] == ["one-2"]
    parsed = importer(ImportFormat.links)("1706.03762\n", taken_keys=set())
    assert parsed["sections"][0]["items"][0]["arxiv"] == "1706.03762"
