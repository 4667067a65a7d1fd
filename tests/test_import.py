"""`papers import LIST.md`: a markdown checklist merged into papers.yaml, never duplicating or unticking."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SEED, SEED_LINES, SEED_SECTIONS, SEED_TICKED, SHIPPED, Run, inserted_lines, listed


def test_importing_the_seed_creates_the_catalogue(run: Run, isolated: Path) -> None:
    result = run("import", str(SEED))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == "added 63 items, matched 0 existing items, kept 2 lines as notes\n"
    text = (isolated / "papers.yaml").read_text()
    assert text.startswith("# papers.yaml")
    assert "\nsections:\n  - name: Optimization algorithm\n    items:\n      - key: " in text

    items = list(listed(run).values())
    assert len(items) == SEED_LINES
    progress = json.loads(run("progress", "--json").stdout)
    assert [row["section"] for row in progress["sections"]] == SEED_SECTIONS
    ticked = sorted(str(item["listed_as"]) for item in items if item["status"] == "done")
    assert ticked == sorted(SEED_TICKED)
    by_listing = {item["listed_as"]: item for item in items}
    transformer = by_listing["Transformer (Attention is all you need)"]
    assert len(transformer["children"]) == 20  # type: ignore[arg-type]
    assert by_listing["BERT (2018)"]["parent"] == transformer["key"]
    assert by_listing["BERT (2018)"]["year"] == 2018
    assert by_listing["LM are Few Shot learners (https://arxiv.org/pdf/2005.14165)"]["arxiv"] == "2005.14165"
    assert by_listing["https://arxiv.org/pdf/2207.14255.pdf"]["arxiv"] == "2207.14255"
    assert by_listing["https://arxiv.org/pdf/2304.08467.pdf"]["arxiv"] == "2304.08467"
    assert by_listing["DeepDream"]["parent"] == by_listing["Visualizing CNN techniques"]["key"]

    shown = run("show", str(transformer["key"])).stdout
    assert "Transformer (Attention is all you need)" in shown
    # The remark lines are kept: the protip on the list, the TODO on its section.
    assert '\nnotes:\n  - "protip, use  perplexity.ai as a resource scrapper"\n' in text
    assert (
        "  - name: Normalization and Regularization\n    notes:\n"
        '      - "(TODO: add more recently used normalization layers in chronological order, to know how one improved other for eg)"\n'
    ) in text
    assert "title: Self notes for some research papers list\n" in text


def test_importing_the_same_list_twice_adds_nothing_and_changes_no_byte(run: Run, isolated: Path) -> None:
    run("import", str(SEED))
    before = (isolated / "papers.yaml").read_bytes()
    result = run("import", str(SEED))
    assert result.exit_code == 0
    assert (
        result.stderr == "added 0 items, matched 63 existing items, kept 0 lines as notes (2 already there)\n"
    )
    assert (isolated / "papers.yaml").read_bytes() == before


def test_a_ticked_item_stays_ticked_and_an_imported_tick_ticks(run: Run, isolated: Path) -> None:
    run("import", str(SEED))
    assert run("done", "bert").exit_code == 0
    result = run("import", str(SEED))  # the seed has BERT unticked
    assert "ticked" not in result.stderr
    statuses = {key: item["status"] for key, item in listed(run).items()}
    assert statuses["bert"] == "done"

    ticked_list = isolated / "ticked.md"
    ticked_list.write_text("## Models\n- [x] LSTM\n- [ ] GRU\n")
    result = run("import", str(ticked_list))
    assert result.stderr == (
        "added 0 items, matched 2 existing items, kept 0 lines as notes, ticked 1 existing item\n"
    )
    items = listed(run)
    assert (items["lstm"]["status"], items["gru"]["status"]) == ("done", "todo")
    assert items["lstm"]["done_on"] is not None


def test_the_seed_into_the_shipped_catalogue_adds_nothing(run: Run, catalogue_file: Path) -> None:
    """The shipped items keep the seed's lines in `listed_as`, so every line finds its item."""
    before = catalogue_file.read_bytes()
    result = run("import", str(SEED))
    assert result.exit_code == 0
    assert (
        result.stderr == "added 0 items, matched 63 existing items, kept 0 lines as notes (2 already there)\n"
    )
    assert catalogue_file.read_bytes() == before


def test_new_items_notes_and_sections_are_inserted_without_touching_other_bytes(
    run: Run, catalogue_file: Path, isolated: Path
) -> None:
    before = catalogue_file.read_text()
    extra = isolated / "more.md"
    extra.write_text(
        "# Self notes for some research papers list\n"
        "a new remark on the whole list\n\n"
        "## development of LANGUAGE models\n"
        "- [ ] Transformer (Attention is all you need)\n"
        "  - [ ] Mistral 7B [paper](https://arxiv.org/abs/2310.06825v1)\n"
        "    - [ ] Mixtral of Experts https://arxiv.org/abs/2401.04088\n"
        "- [ ] LLaMA (2023) https://arxiv.org/abs/2302.13971\n\n"
        "## Models\n"
        "a remark on models\n\n"
        "## Robotics\n"
        "- [ ] RT-2 https://arxiv.org/abs/2307.15818\n"
        "  - [ ] RT-1\n"
    )
    result = run("import", str(extra))
    assert result.exit_code == 0, result.stderr
    # Transformer and Mixtral (by its arXiv id, in Vision) are matched; the rest is new.
    assert result.stderr == "added 4 items, matched 2 existing items, kept 2 lines as notes\n"
    assert inserted_lines(before, catalogue_file.read_text())
    items = listed(run)
    mistral = next(item for item in items.values() if item["arxiv"] == "2310.06825")
    assert (mistral["parent"], mistral["section"], mistral["year"]) == (
        "transformer",
        "Development of language models",
        None,
    )
    assert (items["mixtral"]["section"], items["mixtral"]["parent"]) == ("Vision", None)
    assert items["transformer"]["status"] == "done"  # unticked in the list, still ticked
    llama = next(item for item in items.values() if item["arxiv"] == "2302.13971")
    assert (llama["parent"], llama["year"]) == (None, 2023)
    rt2 = next(item for item in items.values() if item["arxiv"] == "2307.15818")
    assert rt2["section"] == "Robotics"
    assert [items[key]["title"] for key in rt2["children"]] == ["RT-1"]  # type: ignore[union-attr]
    text = catalogue_file.read_text()
    assert (
        "notes:\n  - protip, use  perplexity.ai as a resource scrapper\n  - a new remark on the whole list\n"
        in text
    )
    assert "  - name: Models\n    notes:\n      - a remark on models\n    items:\n" in text


def test_an_item_listed_twice_in_one_list_stays_twice(run: Run, isolated: Path) -> None:
    twice = isolated / "twice.md"
    twice.write_text("## Reading\n- [ ] Attention Is All You Need\n- [x] Attention Is All You Need\n")
    assert run("import", str(twice)).stderr.startswith("added 2 items,")
    items = list(listed(run).values())
    assert [(item["key"], item["status"]) for item in items] == [
        ("attention-all-you-need", "todo"),
        ("attention-all-you-need-2", "done"),
    ]
    assert run("import", str(twice)).stderr.startswith("added 0 items, matched 2 existing items")


def test_other_markdown_dialects(run: Run, isolated: Path) -> None:
    dialect = isolated / "dialect.md"
    dialect.write_text(
        "Some intro text before any heading.\n\n"
        "### Deep *learning*\n"
        "* [X] Star bullet, capital X (2015)\n"
        "\t+ [ ] Tab-indented plus bullet <https://example.org/plus>\n"
        "1. [ ] Numbered item [abs](https://arxiv.org/abs/1512.03385v1) (He et al., 2015)\n"
        "   2) [x] Numbered child\n"
        "- plain bullet, kept as a note\n"
        "```\n- [ ] not an item inside a fence\n```\n"
    )
    result = run("import", str(dialect))
    assert result.exit_code == 0, result.stderr
    # The fence's closing line repeats its opening one: both are kept, so the code block stays whole.
    assert result.stderr == "added 4 items, matched 0 existing items, kept 5 lines as notes\n"
    items = {item["title"]: item for item in listed(run).values()}
    star = items["Star bullet, capital X"]
    assert (star["status"], star["year"], star["section"]) == ("done", 2015, "Deep *learning*")
    assert items["Tab-indented plus bullet"]["parent"] == star["key"]
    assert items["Tab-indented plus bullet"]["links"] == ["https://example.org/plus"]
    numbered = items["Numbered item (He et al., 2015)"]  # "abs" labels a link: not the title
    assert (numbered["arxiv"], numbered["year"], numbered["parent"]) == ("1512.03385", 2015, None)
    assert items["Numbered child"]["parent"] == numbered["key"]
    text = (isolated / "papers.yaml").read_text()
    assert "notes:\n  - Some intro text before any heading.\n" in text
    assert '      - "```\\n- [ ] not an item inside a fence\\n```"\n' in text  # one note, verbatim
    again = run("import", str(dialect))
    assert (
        again.stderr == "added 0 items, matched 4 existing items, kept 0 lines as notes (5 already there)\n"
    )
    assert (isolated / "papers.yaml").read_text() == text


def test_dry_run_prints_the_plan_and_writes_nothing(run: Run, catalogue_file: Path, isolated: Path) -> None:
    before = catalogue_file.read_bytes()
    extra = isolated / "more.md"
    extra.write_text("## Models\n- [x] LSTM\n- [ ] Mamba-2 https://arxiv.org/abs/2405.21060\n  - [ ] SSD\n")
    result = run("import", "--dry-run", str(extra))
    assert result.exit_code == 0
    assert result.stdout == (
        "add: [ ] mamba-2: Mamba-2 (in Models)\nadd:   [ ] ssd: SSD\ntick: lstm (todo -> done)\n"
    )
    assert result.stderr == (
        "would have added 2 items, matched 1 existing item, kept 0 lines as notes, ticked 1 existing item; "
        "nothing was written\n"
    )
    assert catalogue_file.read_bytes() == before


def test_dry_run_does_not_create_a_catalogue(run: Run, isolated: Path) -> None:
    result = run("import", "-n", str(SEED))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:3] == [
        "title: Self notes for some research papers list",
        "note: protip, use  perplexity.ai as a resource scrapper",
        "section: Optimization algorithm",
    ]
    assert not (isolated / "papers.yaml").exists()
    assert [p.name for p in isolated.iterdir() if p.name.startswith(".")] == []


def test_import_reads_standard_input_and_honours_file(run: Run, isolated: Path) -> None:
    target = isolated / "elsewhere.yaml"
    result = run("--file", str(target), "import", "-", input="## A\n- [ ] One\n")
    assert result.exit_code == 0, result.stderr
    assert list(listed(run, "--file", str(target))) == ["one"]


def test_import_of_a_missing_file_is_a_usage_error(run: Run, isolated: Path) -> None:
    result = run("import", "nope.md")
    assert result.exit_code == 2
    assert result.stderr == "Error: cannot read nope.md: No such file or directory. Check the path.\n"
    assert not (isolated / "papers.yaml").exists()


def test_import_of_a_file_with_no_list_changes_nothing(
    run: Run, catalogue_file: Path, isolated: Path
) -> None:
    before = catalogue_file.read_bytes()
    (isolated / "empty.md").write_text("\n\n")
    result = run("import", "empty.md")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: empty.md is empty: there is nothing to import. Give it a checklist (docs/markdown.md).\n"
    )
    assert catalogue_file.read_bytes() == before
    (isolated / "title.md").write_text("# Only a title\n")
    result = run("import", "title.md")
    assert result.exit_code == 0
    assert result.stderr == "title.md holds no section, item or note: nothing to import\n"
    assert catalogue_file.read_bytes() == before


def test_import_into_an_invalid_catalogue_reports_it(
    run: Run, write_catalogue: Callable[[str], Path]
) -> None:
    write_catalogue("sections:\n  - name: A\n    items:\n      - title: no key\n")
    result = run("import", str(SEED))
    assert result.exit_code == 1
    assert result.stderr == "Error: papers.yaml:4: an item has no key. Add `key: a-short-slug`.\n"


def test_a_list_that_cannot_be_read_is_refused(run: Run, catalogue_file: Path, tmp_path: Path) -> None:
    """A path that names no file is a usage error (2); a file that is not UTF-8 is bad content (1)."""
    before = catalogue_file.read_bytes()
    missing = run("import", "no-such-list.md")
    assert missing.exit_code == 2
    assert (
        missing.stderr == "Error: cannot read no-such-list.md: No such file or directory. Check the path.\n"
    )
    latin1 = tmp_path / "latin1.md"
    latin1.write_bytes(b"## Caf\xe9\n- [ ] one\n")
    garbled = run("import", str(latin1))
    assert garbled.exit_code == 1
    assert garbled.stderr == f"Error: {latin1} is not UTF-8 text. Save it as UTF-8.\n"
    assert catalogue_file.read_bytes() == before


def files_under(root: Path) -> dict[str, bytes]:
    """Every file below `root` (dotfiles, lock files and the cache included) and its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "other.yaml",
            SHIPPED.read_bytes(),
            "other.yaml is a papers catalogue (YAML), not a markdown checklist. "
            "Import a checklist, such as one `papers export` wrote.",
        ),
        (
            "notes.txt",
            b"Some prose.\nMore prose, and a - plain bullet.\n",
            "notes.txt has no headings and no checklist items. "
            "Give a markdown checklist: `## Section` headings over `- [ ] paper` lines.",
        ),
        (
            "export.json",
            b'{\n  "title": "Mine",\n  "sections": []\n}\n',
            "export.json has no headings and no checklist items. "
            "Give a markdown checklist: `## Section` headings over `- [ ] paper` lines.",
        ),
        (
            "picture.png",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "picture.png is not text (it holds NUL bytes). Give a markdown checklist.",
        ),
    ],
)
@pytest.mark.parametrize("catalogue_exists", [True, False])
def test_a_list_that_is_not_a_checklist_is_refused_and_changes_no_file(
    run: Run, isolated: Path, name: str, content: bytes, message: str, catalogue_exists: bool
) -> None:
    if catalogue_exists:
        shutil.copyfile(SHIPPED, isolated / "papers.yaml")
    (isolated / name).write_bytes(content)
    before = files_under(isolated)
    result = run("import", name)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")
    assert files_under(isolated) == before


def test_a_list_nested_600_levels_deep_is_one_line_error(run: Run, isolated: Path) -> None:
    deep = isolated / "deep.md"
    deep.write_text("## S\n" + "".join(f"{'  ' * depth}- [ ] level {depth}\n" for depth in range(600)))
    result = run("import", "deep.md")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: deep.md:66: an item is nested more than 64 levels deep. Indent it less.\n",
    )
    assert not (isolated / "papers.yaml").exists()
    # As deep as allowed imports, and every command still walks it.
    deep.write_text("## S\n" + "".join(f"{'  ' * depth}- [ ] level {depth}\n" for depth in range(64)))
    assert run("import", "deep.md").exit_code == 0
    assert len(listed(run)) == 64
    assert run("export").stdout.count("- [ ] level") == 64


def test_control_characters_are_stripped_from_an_imported_list(run: Run, isolated: Path) -> None:
    hostile = isolated / "hostile.md"
    hostile.write_text(
        "# List\x1b]0;owned\x07\n"
        "a note \x1b[2J that clears the screen\n"
        "## Section\x9b31m red\n"
        "- [ ] Title \x1b[8mhidden\x1b[0m and a bell\x07 <!-- key: safe -->\n"
        "  - [x] \x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\ text\n"
    )
    result = run("import", "hostile.md")
    assert result.exit_code == 0, result.stderr
    stored = (isolated / "papers.yaml").read_text()
    assert not any(ch in stored for ch in "\x1b\x07\x9b")
    (parent, child) = listed(run).values()
    assert (parent["key"], parent["title"], parent["section"]) == (
        "safe",
        "Title [8mhidden[0m and a bell",
        "Section31m red",
    )
    assert child["title"] == "]8;; text"  # the hidden link's address went to its links
    assert not any(ch in run("list", "--json").stdout for ch in "\x1b\x07\x9b")
    assert 'title: "List]0;owned"\n' in stored and '  - "a note [2J that clears the screen"\n' in stored


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "hostile.bib",
            "@article{a, title={\x1b[2JFoo\x9b bar}, author={B\x07ob and Al\x1b]0;x\x07ice}, year={2020}}\n",
        ),
        (
            "hostile.txt",
            "https://arxiv.org/abs/1706.03762\nhttps://example.com/pa\x1b[2Jper.pdf\n10.1145/30\x9b65386\n",
        ),
    ],
    ids=["bibtex", "links"],
)
def test_control_characters_are_stripped_from_an_imported_bibtex_file_or_list_of_links(
    run: Run, isolated: Path, name: str, text: str
) -> None:
    (isolated / name).write_text(text, encoding="utf-8")
    result = run("import", name)
    assert result.exit_code == 0, result.stderr
    stored = (isolated / "papers.yaml").read_text(encoding="utf-8")
    assert not any(code in stored for code in ("\\u001b", "\\u0007", "\\u009b", "\\e", "\\a", "\x1b"))
    items = list(listed(run).values())
    assert not any(ch in json.dumps(items, ensure_ascii=False) for ch in "\x1b\x07\x9b")
    if name.endswith(".bib"):
        assert (items[0]["title"], items[0]["authors"]) == ("[2JFoo bar", ["Bob", "Al]0;xice"])
    else:
        assert [item.get("links") or item.get("doi") for item in items[1:]] == [
            ["https://example.com/pa[2Jper.pdf"],
            "10.1145/3065386",
        ]


@pytest.mark.parametrize("markdown", [True, False], ids=["markdown", "bibtex"])
def test_a_1_mb_line_is_one_line_error_and_changes_no_file(markdown: bool, run: Run, isolated: Path) -> None:
    huge = "x" * 1_000_000
    text = (
        f"## S\n- [ ] A paper\n- [ ] {huge}\n" if markdown else f"@article{{a,\n  title = {{{huge}}},\n}}\n"
    )
    (isolated / "huge.md").write_text(text)
    shutil.copyfile(SHIPPED, isolated / "papers.yaml")
    before = files_under(isolated)
    result = run("import", "huge.md")
    line = 3 if markdown else 2
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"Error: huge.md:{line}: a line of {len(huge) + (6 if markdown else 13):,} characters; papers reads "
        "lines of up to 100,000. Break it into shorter lines.\n",
    )
    assert files_under(isolated) == before


def test_very_long_lines_import_in_linear_time(isolated: Path) -> None:
    """Each line below, just under the longest line import reads, took the old patterns quadratic
    time or worse: hours, not a second."""
    long = isolated / "long.md"
    long.write_text(
        "## Heading" + " " * 90_000 + "end #\n"
        "- [ ] A paper <!-- key: " + " " * 90_000 + "k -->\n"
        "- [ ] https://example.org/" + ")." * 45_000 + "\n"
        "- [ ] " + "[x](" * 22_000 + "\n" + "note " * 18_000 + "\n"
    )
    env = {**os.environ, "PAPERS_FILE": str(isolated / "papers.yaml")}
    done = subprocess.run(
        [sys.executable, "-m", "papers", "import", "long.md"],
        capture_output=True, text=True, env=env, cwd=isolated, timeout=120, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (
        0,
        "added 3 items, matched 0 existing items, kept 1 line as notes\n",
    )
    stored = (isolated / "papers.yaml").read_text()
    assert "  - name: Heading" + " " * 90_000 + "end\n" not in stored  # whitespace runs become one space
    assert "  - name: Heading end\n" in stored and "      - key: k\n" in stored
