"""`papers done`, `undo` and `start`: resolve every query first, then change exactly what was named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import Run, listed


def status_of(run: Run) -> dict[str, tuple[str, str | None]]:
    return {key: (i["status"], i["done_on"]) for key, i in listed(run).items()}


def test_done_ticks_one_paper_and_records_the_date(run: Run, catalogue_file: Path) -> None:
    result = run("done", "flashattention")
    assert result.exit_code == 0
    assert result.stderr == (
        "done flashattention: FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness "
        "(todo -> done)\n"
    )
    assert status_of(run)["flashattention"] == ("done", dt.date.today().isoformat())


def test_done_twice_is_not_an_error(run: Run, catalogue_file: Path) -> None:
    run("done", "bert")
    before = catalogue_file.read_bytes()
    result = run("done", "bert")
    assert result.exit_code == 0
    assert result.stderr == "bert is already done: nothing to do\n"
    assert catalogue_file.read_bytes() == before


def test_several_queries_are_each_resolved(run: Run, catalogue_file: Path) -> None:
    assert run("done", "bert", "2005.14165", "Whisper").exit_code == 0
    statuses = status_of(run)
    assert statuses["bert"][0] == statuses["gpt3"][0] == statuses["whisper"][0] == "done"


def test_an_arxiv_id_ticks_every_item_holding_it(run: Run, catalogue_file: Path) -> None:
    assert run("done", "2404.07143").exit_code == 0
    statuses = status_of(run)
    assert statuses["infini-attention"][0] == statuses["infini-attention-2"][0] == "done"


def test_an_arxiv_id_with_version_or_prefix_still_matches(run: Run, catalogue_file: Path) -> None:
    assert run("done", "arXiv:1810.04805v2").exit_code == 0
    assert status_of(run)["bert"][0] == "done"


def test_a_pasted_arxiv_link_finds_the_paper(run: Run, catalogue_file: Path) -> None:
    assert run("done", "https://arxiv.org/pdf/2205.14135v2.pdf").exit_code == 0
    assert status_of(run)["flashattention"][0] == "done"


def test_an_ambiguous_query_lists_the_matches_and_changes_nothing(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("done", "bert", "transformer")
    # "transformer" is a key: exact match wins over the many titles containing it.
    assert result.exit_code == 0
    catalogue_file.write_bytes(before)
    result = run("done", "bert", "convolutional")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 'convolutional' matches ")
    assert "zfnet" in result.stderr and "vgg" in result.stderr
    assert catalogue_file.read_bytes() == before


def test_no_match_suggests_the_closest_and_changes_nothing(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("done", "bert", "flash-attn")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no paper matches 'flash-attn'. Did you mean flashattention (")
    assert catalogue_file.read_bytes() == before


def test_every_failing_query_is_named(run: Run, catalogue_file: Path) -> None:
    result = run("done", "qqqqqqqq", "zzzzzzzz")
    assert result.exit_code == 1
    assert "'qqqqqqqq'" in result.stderr and "'zzzzzzzz'" in result.stderr
    assert result.stderr.rstrip().endswith("Nothing was changed.")
    assert result.stderr.count("\n") == 1


def test_ticking_a_parent_does_not_tick_its_children(run: Run, catalogue_file: Path) -> None:
    run("undo", "transformer")
    run("done", "transformer")
    statuses = status_of(run)
    assert statuses["transformer"][0] == "done"
    assert statuses["bert"][0] == "todo"


def test_undo_forgets_the_date(run: Run, catalogue_file: Path) -> None:
    run("done", "gqa")
    result = run("undo", "gqa")
    assert result.exit_code == 0
    assert result.stderr.startswith("undone gqa: ")
    assert status_of(run)["gqa"] == ("todo", None)


def test_start_marks_reading_and_done_then_finishes_it(run: Run, catalogue_file: Path) -> None:
    assert run("start", "vit").exit_code == 0
    assert status_of(run)["vit"] == ("reading", None)
    run("done", "vit")
    assert status_of(run)["vit"][0] == "done"


def test_done_needs_a_query(run: Run, catalogue_file: Path) -> None:
    result = run("done")
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr
