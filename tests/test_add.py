"""`papers add`: a new item with a fresh key, in an existing section or a new one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from arxiv_server import ArxivServer
from conftest import Run, inserted_lines, listed
from test_fetch import arxiv  # noqa: F401  (the stand-in arXiv, as a fixture)


@pytest.fixture
def stand_in(arxiv: ArxivServer) -> ArxivServer:  # noqa: F811  (test_fetch's stand-in arXiv, renamed)
    return arxiv


def test_add_appends_to_a_section_with_a_key_from_the_title(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_text()
    result = run(
        "add",
        "FlashAttention-2: Faster Attention with Better Parallelism",
        "--section",
        "models",
        "--arxiv",
        "2307.08691",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "flashattention-2-faster-attention\n"
    item = listed(run)["flashattention-2-faster-attention"]
    assert item["section"] == "Models"
    assert item["arxiv"] == "2307.08691"
    assert item["status"] == "todo"
    after = catalogue_file.read_text()
    # Only lines were added; everything the file had is still there, in order.
    assert inserted_lines(before, after)


def test_add_under_a_parent(run: Run, catalogue_file: Path) -> None:
    result = run(
        "add",
        "Mistral 7B",
        "--section",
        "Development of language models",
        "--parent",
        "transformer",
        "--key",
        "mistral-7b",
        "--arxiv",
        "https://arxiv.org/abs/2310.06825v1",
    )
    assert result.exit_code == 0, result.stderr
    items = listed(run)
    assert items["mistral-7b"]["parent"] == "transformer"
    assert items["mistral-7b"]["arxiv"] == "2310.06825"
    assert "mistral-7b" in items["transformer"]["children"]


def test_add_refuses_an_unknown_section_without_new_section(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("add", "Some paper", "--section", "Robotics")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no section is called 'Robotics'. Add --new-section to create it")
    assert catalogue_file.read_bytes() == before


def test_add_with_new_section_creates_it_at_the_end(run: Run, catalogue_file: Path) -> None:
    result = run("add", "RT-2", "--section", "Robotics", "--new-section", "--url", "https://example.org/rt2")
    assert result.exit_code == 0, result.stderr
    progress = json.loads(run("progress", "--json").stdout)
    assert progress["sections"][-1] == {"section": "Robotics", "done": 0, "total": 1, "percent": 0.0}
    assert listed(run)["rt-2"]["url"] == "https://example.org/rt2"


def test_add_refuses_a_taken_or_malformed_key(run: Run, catalogue_file: Path) -> None:
    taken = run("add", "Another BERT", "--section", "Models", "--key", "bert")
    assert taken.exit_code == 2
    assert taken.stderr.startswith("Error: the key 'bert' is taken by 'BERT: Pre-training")
    bad = run("add", "Another BERT", "--section", "Models", "--key", "Not_A Slug")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("Error: 'Not_A Slug' is not a valid key.")


def test_add_refuses_a_malformed_arxiv_id_before_touching_anything(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("add", "X", "--section", "Models", "--arxiv", "2013.12345")
    assert result.exit_code == 2
    assert "2013.12345" in result.stderr
    assert catalogue_file.read_bytes() == before


def test_add_creates_a_catalogue_when_there_is_none(run: Run, isolated: Path) -> None:
    result = run(
        "add",
        "Attention Is All You Need",
        "--section",
        "Transformers",
        "--new-section",
        "--arxiv",
        "1706.03762",
    )
    assert result.exit_code == 0, result.stderr
    assert (isolated / "papers.yaml").is_file()
    assert listed(run)["attention-all-you-need"]["arxiv"] == "1706.03762"
    run("add", "BERT", "--section", "Transformers", "--parent", "attention-all-you-need")
    assert listed(run)["bert"]["parent"] == "attention-all-you-need"


def test_added_items_can_be_ticked_and_untouched_items_stay_byte_identical(
    run: Run, write_catalogue: Callable[[str], Path]
) -> None:
    path = write_catalogue("# mine\nsections:\n  - name: A   # first\n    items: []\n")
    run("add", "One", "--section", "a")
    run("add", "Two", "--section", "A", "--parent", "one")
    run("add", "Three", "--section", "B", "--new-section")
    assert path.read_text().startswith("# mine\nsections:\n  - name: A   # first\n")
    assert run("done", "two").exit_code == 0
    items = listed(run)
    assert [items[k]["status"] for k in ("one", "two", "three")] == ["todo", "done", "todo"]
    assert items["three"]["section"] == "B"


# --- where the new paper goes: --section is a prefix, --parent alone is enough -------------------


def test_add_takes_a_section_prefix_in_any_case(run: Run, catalogue_file: Path) -> None:
    result = run("add", "Mistral 7B", "--section", "DEV")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "added mistral-7b: Mistral 7B (in Development of language models)\n"
    assert listed(run)["mistral-7b"]["section"] == "Development of language models"


def test_add_under_a_parent_takes_the_parents_section(run: Run, catalogue_file: Path) -> None:
    result = run("add", "Mistral 7B", "--parent", "transformer")
    assert result.exit_code == 0, result.stderr
    item = listed(run)["mistral-7b"]
    assert (item["section"], item["parent"]) == ("Development of language models", "transformer")


def test_the_readme_add_runs_as_written(run: Run, catalogue_file: Path) -> None:
    result = run(
        "add", "Mistral 7B", "--section", "dev", "--parent", "transformer",
        "--arxiv", "https://arxiv.org/abs/2310.06825v1",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert (
        result.stderr
        == "added mistral-7b: Mistral 7B (in Development of language models, under transformer)\n"
    )
    assert result.stdout == "mistral-7b\n"


def test_add_refuses_a_section_the_parent_is_not_in(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("add", "Mistral 7B", "--section", "models", "--parent", "transformer")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: 'transformer' is in section 'Development of language models', not 'models'. "
        "Leave out the section or give the parent's.\n"
    )
    assert catalogue_file.read_bytes() == before


def test_add_refuses_a_prefix_of_several_sections(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("add", "A paper", "--section", "some")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 'some' starts 2 sections: Some research papers, Some resourceful repos. Give more of the name.\n"
    )
    assert catalogue_file.read_bytes() == before


def test_add_needs_a_section_or_a_parent(run: Run, catalogue_file: Path) -> None:
    result = run("add", "A paper")
    assert result.exit_code == 2
    assert result.stderr == "Error: add needs --section (or --parent) to know where the new paper goes.\n"


def test_new_section_takes_the_name_literally(run: Run, catalogue_file: Path) -> None:
    assert run("add", "One", "--section", "models", "--new-section").exit_code == 0
    assert run("add", "Two", "--section", "Mod", "--new-section").exit_code == 0
    items = listed(run)
    assert (items["one"]["section"], items["two"]["section"]) == ("Models", "Mod")


@pytest.mark.usefixtures("arxiv")
def test_fetch_add_takes_a_section_prefix(run: Run, catalogue_file: Path) -> None:
    result = run("fetch", "2307.08691", "--add", "--section", "some research")
    assert result.exit_code == 0, result.stderr
    (new,) = [item for item in listed(run).values() if item["arxiv"] == "2307.08691"]
    assert new["section"] == "Some research papers"


# --- an id as the title: fetched and added as `fetch ID --add` does ------------------------------

HEAT_BATH = (
    "added heat-bath-random-walks: Heat-bath random walks with Markov bases (in Some research papers)\n"
)


@pytest.mark.parametrize(
    "title", ["https://arxiv.org/abs/1605.08386", "arXiv:1605.08386v1", "10.48550/arXiv.1605.08386"]
)
def test_an_arxiv_id_or_link_as_the_title_adds_the_paper_from_arxiv(
    run: Run, catalogue_file: Path, stand_in: ArxivServer, title: str
) -> None:
    result = run("add", title, "--section", "some research")
    assert result.exit_code == 0, result.stderr
    assert (result.stdout, result.stderr) == ("heat-bath-random-walks\n", HEAT_BATH)
    assert len(stand_in.api_requests) == 1  # the configured endpoint (PAPERS_ARXIV_URL), not arxiv.org
    new = listed(run)["heat-bath-random-walks"]
    assert (new["arxiv"], new["year"], new["authors"]) == (
        "1605.08386",
        2016,
        ["Caprice Stanley", "Tobias Windisch"],
    )


def test_add_by_id_writes_what_fetch_add_writes(
    run: Run, catalogue_file: Path, stand_in: ArxivServer
) -> None:
    original = catalogue_file.read_bytes()
    assert run("fetch", "1605.08386", "--add", "--section", "Some research papers").exit_code == 0
    by_fetch = catalogue_file.read_bytes()
    catalogue_file.write_bytes(original)
    assert run("add", "1605.08386", "--section", "some").exit_code == 1  # two sections start with "some"
    assert catalogue_file.read_bytes() == original
    assert run("add", "1605.08386", "--section", "some research").exit_code == 0
    assert catalogue_file.read_bytes() == by_fetch


def test_add_by_id_checks_the_section_before_asking_arxiv(
    run: Run, catalogue_file: Path, stand_in: ArxivServer
) -> None:
    result = run("add", "1605.08386", "--section", "astronomy")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no section is called 'astronomy'.")
    assert stand_in.api_requests == []


def test_a_malformed_id_as_the_title_is_a_usage_error(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("add", "2013.12345", "--section", "models")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: not an arXiv id: '2013.12345' (month 13).")
    assert catalogue_file.read_bytes() == before


def test_a_doi_not_on_arxiv_as_the_title_is_refused(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("add", "doi:10.1000/xyz123", "--section", "models")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: papers fetches only arXiv papers, and 10.1000/xyz123 is not on arXiv. "
        "Give its title, with the link https://doi.org/10.1000/xyz123.\n"
    )
    assert catalogue_file.read_bytes() == before


# --- a paper already listed is refused, unless --duplicate -------------------------------------


@pytest.mark.parametrize(
    ("args", "existing"),
    [
        (
            ["1706.03762"],
            "'Attention Is All You Need' is already in the catalogue as transformer (the same arXiv id 1706.03762)",
        ),
        (
            ["https://arxiv.org/pdf/1706.03762v7"],
            "'Attention Is All You Need' is already in the catalogue as transformer (the same arXiv id 1706.03762)",
        ),
        (
            ["Another name", "--arxiv", "1706.03762v2"],
            "'Attention Is All You Need' is already in the catalogue as transformer (the same arXiv id 1706.03762)",
        ),
        (
            ["  attention is ALL you   need "],
            "'Attention Is All You Need' is already in the catalogue as transformer (the same title)",
        ),
        (
            ["LSTM", "--url", "https://doi.org/10.1162/NECO.1997.9.8.1735"],
            "'Long Short-Term Memory' is already in the catalogue as lstm (the same DOI 10.1162/neco.1997.9.8.1735)",
        ),
        (
            ["10.1162/neco.1997.9.8.1735"],
            "'Long Short-Term Memory' is already in the catalogue as lstm (the same DOI 10.1162/neco.1997.9.8.1735)",
        ),
    ],
)
def test_a_paper_already_listed_is_refused_naming_its_key(
    run: Run, catalogue_file: Path, stand_in: ArxivServer, args: list[str], existing: str
) -> None:
    before = catalogue_file.read_bytes()
    result = run("add", *args, "--section", "models")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {existing}: nothing was changed. Add --duplicate to add it anyway.\n"
    assert catalogue_file.read_bytes() == before
    assert stand_in.api_requests == []


def test_duplicate_adds_it_again(run: Run, catalogue_file: Path) -> None:
    result = run("add", "Attention Is All You Need", "--section", "models", "--duplicate")
    assert result.exit_code == 0, result.stderr
    assert listed(run)[result.stdout.strip()]["section"] == "Models"


def test_duplicate_by_id_adds_a_second_item_from_arxiv(
    run: Run, catalogue_file: Path, stand_in: ArxivServer
) -> None:
    result = run("add", "2205.14135", "--section", "models", "--duplicate")
    assert result.exit_code == 0, result.stderr
    holders = {key: item["section"] for key, item in listed(run).items() if item["arxiv"] == "2205.14135"}
    assert holders == {"flashattention": "Development of language models", result.stdout.strip(): "Models"}


def test_add_is_callable_from_python(catalogue_file: Path) -> None:
    from papers import actions
    from papers.errors import DuplicatePaperError

    added = actions.add_paper(catalogue_file, "Mistral 7B", parent="transformer", arxiv="2310.06825v1")
    assert added == actions.Added("mistral-7b", "Mistral 7B", "Development of language models", "transformer")
    with pytest.raises(DuplicatePaperError) as refused:
        actions.add_paper(catalogue_file, "mistral 7b", section="models")
    assert refused.value.existing == "mistral-7b"


def test_only_add_by_title_suggests_creating_the_section(
    run: Run, catalogue_file: Path, stand_in: ArxivServer
) -> None:
    by_title = run("add", "A paper", "--section", "Robotics")
    assert by_title.stderr.startswith(
        "Error: no section is called 'Robotics'. Add --new-section to create it, "
    )
    for args in (["add", "1605.08386"], ["fetch", "1605.08386", "--add"]):
        result = run(*args, "--section", "Robotics")
        assert result.exit_code == 1
        assert result.stderr.startswith(
            "Error: no section is called 'Robotics'. Use one of: Optimization algorithm, "
        )


def test_add_by_id_refuses_a_paper_listed_by_title_without_its_id(
    run: Run, write_catalogue: Callable[[str], Path], stand_in: ArxivServer
) -> None:
    path = write_catalogue(
        "sections:\n  - name: S\n    items:\n      - key: heat\n        title: heat-bath random walks WITH markov bases\n"
    )
    before = path.read_bytes()
    result = run("add", "1605.08386", "--section", "s")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 'heat-bath random walks WITH markov bases' is already in the catalogue as heat (the same title): "
        "nothing was changed. Add --duplicate to add it anyway.\n"
    )
    assert path.read_bytes() == before
    assert run("add", "1605.08386", "--section", "s", "--duplicate").exit_code == 0
    assert len(stand_in.api_requests) == 1  # the refused add cached the record; the second asked nothing


@pytest.mark.parametrize("title", ["T\x9bq", "T\ufffeq", "T\x7fq", "T\x1b[2Jq"])
def test_a_title_with_a_character_yaml_cannot_hold_raw_is_written_escaped(
    run: Run, catalogue_file: Path, title: str
) -> None:
    # The character came from the argument, not the file: papers must write a file it can read back,
    # not blame the catalogue ("papers.yaml: not valid YAML ... Fix the file").
    result = run("add", title, "--section", "models", "--key", "odd")
    assert result.exit_code == 0, result.stderr
    assert "\\u" in catalogue_file.read_text(encoding="utf-8").split("key: odd", 1)[1]
    assert listed(run)["odd"]["title"] == title


@pytest.mark.parametrize(
    "title",
    [
        "Attention is all you need",
        "GPT-3: language models are few-shot learners 2",
        "2005.14165",
        "arXiv:2005.14165v2",
        "https://arxiv.org/abs/2005.14165",
        "10.48550/arXiv.2005.14165",
        "hep-th/9711200",
        "10.1162/neco.1997.9.8.1735",
        "doi:10.1162/neco.1997.9.8.1735",
        "https://doi.org/10.1162/NECO.1997.9.8.1735",
        "A title citing 10.1162/neco.1997.9.8.1735 inside",
        "10.12/too-short-a-registrant",
    ],
)
def test_a_title_is_an_id_exactly_when_parse_paper_id_reads_one(title: str) -> None:
    """A title that merely mentions an id, or a near miss, stays a title."""
    from papers.actions.add import paper_id_in
    from papers.errors import UsageError
    from papers.model.paper_ids import parse_paper_id

    try:
        expected = parse_paper_id(title.strip())
    except UsageError:
        expected = None
    assert paper_id_in(title) == expected
