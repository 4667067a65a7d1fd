"""`papers list`: the catalogue by section, filtered, as a table, TSV or JSON."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Run


def items_of(result_stdout: str) -> list[dict[str, object]]:
    data = json.loads(result_stdout)
    assert isinstance(data, list)
    return data


def test_list_json_has_every_item_with_the_documented_fields(run: Run, catalogue_file: Path) -> None:
    result = run("list", "--json")
    assert result.exit_code == 0
    items = items_of(result.stdout)
    assert len(items) == 77
    for field in ("key", "title", "section", "status", "done_on", "arxiv", "parent", "links"):
        assert all(field in item for item in items), field
    by_key = {item["key"]: item for item in items}
    assert by_key["flashattention"]["arxiv"] == "2205.14135"
    assert by_key["flashattention"]["parent"] == "transformer"
    assert by_key["flashattention"]["status"] == "todo"
    assert by_key["transformer"]["status"] == "done"
    assert by_key["transformer"]["parent"] is None


def test_list_todo_leaves_out_done_items_and_keeps_reading_ones(run: Run, catalogue_file: Path) -> None:
    assert run("start", "bert").exit_code == 0
    keys = {item["key"]: item["status"] for item in items_of(run("list", "--todo", "--json").stdout)}
    assert "transformer" not in keys
    assert "flashattention" in keys
    assert keys["bert"] == "reading"
    assert set(keys.values()) <= {"todo", "reading"}


def test_list_done_shows_only_the_ticked_items(run: Run, catalogue_file: Path) -> None:
    done = {item["key"] for item in items_of(run("list", "--done", "--json").stdout)}
    assert done == {
        "optimizers",
        "sgd",
        "adamw",
        "schedule-free",
        "transformer",
        "attention",
        "rethinking-generalization",
    }


def test_todo_and_done_together_is_a_usage_error(run: Run, catalogue_file: Path) -> None:
    result = run("list", "--todo", "--done")
    assert result.exit_code == 2
    assert result.stderr == "Error: --todo and --done exclude each other. Use one of them.\n"


def test_section_filter_is_a_case_insensitive_prefix(run: Run, catalogue_file: Path) -> None:
    items = items_of(run("list", "--section", "dev", "--json").stdout)
    assert {item["section"] for item in items} == {"Development of language models"}
    assert len(items) == 24


def test_unknown_section_names_the_sections(run: Run, catalogue_file: Path) -> None:
    result = run("list", "--section", "astronomy")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: no section starts with 'astronomy'. Sections: Optimization algorithm, "
    )


def test_piped_output_is_plain_tab_separated_text(run: Run, catalogue_file: Path) -> None:
    result = run("list", "--todo")
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout
    lines = result.stdout.splitlines()
    assert (
        "todo\tflashattention\tFlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness"
        "\t2205.14135\tDevelopment of language models\t" in lines  # the last column: the note, none yet
    )
    assert all(len(line.split("\t")) == 6 for line in lines)


def test_a_terminal_gets_colour_and_section_headings(run: Run, catalogue_file: Path) -> None:
    result = run("list", env={"FORCE_COLOR": "1", "COLUMNS": "120"})
    assert "\x1b[" in result.stdout
    assert "Development of language models" in result.stdout
    assert "✓" in result.stdout


def test_no_color_keeps_the_layout_but_drops_escape_codes(run: Run, catalogue_file: Path) -> None:
    result = run("list", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "120"})
    assert "\x1b[" not in result.stdout
    assert "Development of language models\n" in result.stdout
    assert "  ✓ transformer" in result.stdout
    assert "    · flashattention" in result.stdout  # children indented under their parent


def test_list_without_a_catalogue_says_how_to_make_one(run: Run, isolated: Path, monkeypatch) -> None:
    monkeypatch.delenv("PAPERS_FILE")
    result = run("list")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: no papers.yaml in {isolated} or any parent folder.")
    assert "papers import LIST.md" in result.stderr


def test_an_empty_listing_says_so_on_stderr(run: Run, catalogue_file: Path) -> None:
    for key in ("rnn", "lstm", "gru", "seq2seq"):
        run("done", key)
    result = run("list", "--todo", "--section", "models")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "nothing to list with these filters\n"
    assert json.loads(run("list", "--todo", "--section", "models", "--json").stdout) == []


# --- sections: a name or a case-insensitive prefix of exactly one -------------------------------


def test_a_prefix_of_several_sections_is_an_error_naming_them(run: Run, catalogue_file: Path) -> None:
    result = run("list", "--section", "SOME")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: 'SOME' starts 2 sections: Some research papers, Some resourceful repos. Give more of the name.\n"
    )
    assert run("export", "--section", "some").exit_code == 1


def test_a_whole_section_name_wins_over_longer_names_it_starts(run: Run, write_catalogue) -> None:
    write_catalogue(
        "sections:\n"
        "  - name: Models\n    items:\n      - {key: rnn, title: RNN}\n"
        "  - name: Models of vision\n    items:\n      - {key: vit, title: ViT}\n"
    )
    assert [item["key"] for item in items_of(run("list", "--section", "models", "--json").stdout)] == ["rnn"]
    assert [item["key"] for item in items_of(run("list", "--section", "models o", "--json").stdout)] == [
        "vit"
    ]


SORTABLE = """sections:
  - name: First
    items:
      - key: zeta
        title: zeta, the parent
        year: 2020
        children:
          - key: omega
            title: Omega child
            year: 2021
          - key: alpha-child
            title: alpha child
            year: 2019
      - key: beta
        title: Beta paper
        arxiv: "1502.03167"
      - key: gamma
        title: gamma paper
        year: 2018
      - key: delta
        title: Delta, no year
  - name: Second
    items:
      - key: early
        title: Early
        year: 1990
"""


def keys_sorted(run: Run, *args: str) -> list[str]:
    result = run("list", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return [str(item["key"]) for item in items_of(result.stdout)]


def test_sort_year_title_and_added_order_each_section_and_keep_children_under_their_parent(
    run: Run, write_catalogue
) -> None:
    from papers.model.paper import PaperMeta
    from papers.sources.cache import MetadataCache

    write_catalogue(SORTABLE)
    published = "2015-02-11T01:44:18Z"  # beta has no year of its own: its cached record's counts
    MetadataCache().put(
        PaperMeta(
            arxiv_id="1502.03167", version=3, title="Batch Normalization", authors=("A. Author",), abstract="",
            published=published, updated="2015-03-02T20:44:12Z", primary_category="cs.LG", categories=("cs.LG",),
            doi=None, journal_ref=None, comment=None,
            pdf_url="https://arxiv.org/pdf/1502.03167v3", abs_url="https://arxiv.org/abs/1502.03167v3",
        )
    )  # fmt: skip
    file_order = ["zeta", "omega", "alpha-child", "beta", "gamma", "delta", "early"]
    assert keys_sorted(run) == file_order
    assert keys_sorted(run, "--sort", "added") == file_order
    # Sections stay in the file's order; zeta's children stay under it, oldest first; no year last.
    assert keys_sorted(run, "--sort", "year") == [
        "beta",
        "gamma",
        "zeta",
        "alpha-child",
        "omega",
        "delta",
        "early",
    ]
    assert keys_sorted(run, "--sort", "title") == [
        "beta",
        "delta",
        "gamma",
        "zeta",
        "alpha-child",
        "omega",
        "early",
    ]
    # A child whose parent is filtered out is ordered among the papers shown.
    write_catalogue(SORTABLE.replace("        year: 2020\n", "        year: 2020\n        status: done\n", 1))
    assert keys_sorted(run, "--todo", "--sort", "year") == [
        "beta",
        "gamma",
        "alpha-child",
        "omega",
        "delta",
        "early",
    ]


def test_sort_year_reads_a_pinned_versions_year_from_semantic_scholar_when_arxiv_has_no_record(
    run: Run, write_catalogue
) -> None:
    from papers.model.paper import ScholarMeta
    from papers.sources.cache import ScholarCache

    # Semantic Scholar files a record under the bare id, whatever version the item pins.
    write_catalogue(SORTABLE.replace('arxiv: "1502.03167"', 'arxiv: "1502.03167v1"'))
    ScholarCache().put(
        ScholarMeta(asked="ARXIV:1502.03167", paper_id="1", title="Batch Normalization", year=2015)
    )
    assert keys_sorted(run, "--sort", "year")[:2] == ["beta", "gamma"]


def test_sort_year_reads_records_the_same_for_plain_ids_and_every_other_form_in_a_big_catalogue(
    run: Run, write_catalogue
) -> None:
    from papers.model.paper import PaperMeta
    from papers.sources.cache import PRELOAD_FROM, MetadataCache

    def record(arxiv_id: str, version: int, year: int) -> PaperMeta:
        return PaperMeta(
            arxiv_id=arxiv_id, version=version, title=arxiv_id, authors=(), abstract="",
            published=f"{year}-01-01T00:00:00Z", updated=f"{year}-01-01T00:00:00Z", primary_category="cs.LG",
            categories=("cs.LG",), doi=None, journal_ref=None, comment=None,
            pdf_url=f"https://arxiv.org/pdf/{arxiv_id}", abs_url=f"https://arxiv.org/abs/{arxiv_id}",
        )  # fmt: skip

    # Enough items that the records are preloaded, and an `arxiv: ID` as papers writes it is taken
    # from them unparsed (sources/arxiv/source.py `cached`); the other forms are parsed, as ever.
    plain = [(f"plain-{i}", f"2001.{10000 + i}", 2010 + i % 7) for i in range(PRELOAD_FROM)]
    lines = ["sections:", "  - name: All", "    items:"]
    for key, arxiv_id, _ in plain:
        lines += [f"      - key: {key}", f"        title: {key}", f'        arxiv: "{arxiv_id}"']
    lines += [
        "      - key: pinned-other",  # its record is of another version: no year
        "        title: pinned other",
        '        arxiv: "2001.19996v1"',
        "      - key: prefixed",
        "        title: prefixed",
        '        arxiv: "arXiv:2001.19995"',
        "      - key: pinned",
        "        title: pinned",
        '        arxiv: "2001.19997v2"',
        "      - key: linked",
        "        title: linked",
        "        url: https://arxiv.org/abs/2001.19998v3",
        "      - key: invalid",  # not an id (month 13): no record, however one is filed
        "        title: invalid",
        '        arxiv: "2013.19994"',
    ]
    write_catalogue("\n".join(lines) + "\n")
    cache = MetadataCache()
    for _, arxiv_id, year in plain:
        cache.put(record(arxiv_id, 1, year))
    for arxiv_id, version, year in [
        ("2001.19996", 2, 2000),
        ("2001.19995", 1, 2003),
        ("2001.19997", 2, 2002),
        ("2001.19998", 1, 2001),
        ("2013.19994", 1, 1999),
    ]:
        cache.put(record(arxiv_id, version, year))
    by_year = [key for key, _, _ in sorted(plain, key=lambda p: p[2])]  # stable: file order within a year
    assert keys_sorted(run, "--sort", "year") == [
        "linked",
        "pinned",
        "prefixed",
        *by_year,
        "pinned-other",
        "invalid",
    ]


def test_an_unknown_sort_is_a_usage_error_naming_the_choices(run: Run, catalogue_file: Path) -> None:
    result = run("list", "--sort", "newest")
    assert result.exit_code == 2
    assert result.stderr == "Error: cannot sort by 'newest'. Use --sort priority, year, added or title.\n"
    assert result.stdout == ""
