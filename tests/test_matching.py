"""Queries: a command changes only what the query names exactly or contains; a near miss is a suggestion."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Run, listed
from papers.model.catalogue import Catalogue, Item
from papers.model.query import find_duplicate
from strategies import TEXT, catalogues
from test_cli import modules_loaded_by

CATALOGUE = """\
sections:
  - name: Vision
    items:
      - key: lenet
        title: Gradient-based learning applied to document recognition
      - key: resnet
        title: Deep Residual Learning for Image Recognition
        arxiv: "1512.03385"
  - name: Sequences
    items:
      - key: mamba
        title: "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"
        arxiv: "2312.00752"
      - key: lstm
        title: Long Short-Term Memory
        url: https://doi.org/10.1162/neco.1997.9.8.1735
      - key: fuyu
        title: Fuyu-8B, a multimodal architecture for AI agents
        url: https://www.adept.ai/blog/fuyu-8b
      - key: gpt2
        title: Language Models are Unsupervised Multitask Learners
        listed_as: GPT-2 (LLMs are multitask learners)
"""


@pytest.fixture
def small(write_catalogue: Callable[[str], Path]) -> Path:
    return write_catalogue(CATALOGUE)


def statuses(run: Run) -> dict[str, str]:
    return {key: item["status"] for key, item in listed(run).items()}


@pytest.mark.parametrize(
    ("query", "suggested"),
    [
        ("xlnet", "lenet (Gradient-based learning applied to document recognition)"),
        ("mamba2", "mamba (Mamba: Linear-Time Sequence Modeling with Selective State Spaces)"),
        ("resnet101", "resnet (Deep Residual Learning for Image Recognition)"),
        ("flashatention", None),
    ],
)
def test_a_similar_key_is_only_suggested_and_ticks_nothing(
    run: Run, small: Path, query: str, suggested: str | None
) -> None:
    before = small.read_bytes()
    result = run("done", query)
    assert result.exit_code == 1
    if suggested is None:
        assert result.stderr == f"Error: no paper matches '{query}'. See `papers list` for the keys.\n"
    else:
        assert result.stderr.startswith(f"Error: no paper matches '{query}'. Did you mean {suggested}")
    assert small.read_bytes() == before


def test_a_misspelt_key_suggests_the_paper_and_ticks_nothing(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("done", "flashatention")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no paper matches 'flashatention'. Did you mean flashattention (")
    assert catalogue_file.read_bytes() == before


def test_one_near_miss_in_a_batch_ticks_none_of_it(run: Run, small: Path) -> None:
    before = small.read_bytes()
    result = run("done", "lstm", "xlnet")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no paper matches 'xlnet'. Did you mean lenet (")
    assert small.read_bytes() == before


@pytest.mark.parametrize(
    "query",
    [
        "10.1162/neco.1997.9.8.1735",
        "doi:10.1162/NECO.1997.9.8.1735",
        "https://dx.doi.org/10.1162/neco.1997.9.8.1735",
    ],
)
def test_a_doi_in_any_form_names_the_item_linking_to_it(run: Run, small: Path, query: str) -> None:
    result = run("done", query)
    assert result.exit_code == 0, result.stderr
    assert statuses(run)["lstm"] == "done"


@pytest.mark.parametrize("query", ["https://www.adept.ai/blog/fuyu-8b", "http://adept.ai/blog/fuyu-8b/"])
def test_a_link_names_the_item_carrying_it(run: Run, small: Path, query: str) -> None:
    result = run("start", query)
    assert result.exit_code == 0, result.stderr
    assert statuses(run)["fuyu"] == "reading"


def test_the_original_wording_is_searched_too(run: Run, small: Path) -> None:
    result = run("done", "gpt-2 (llms")
    assert result.exit_code == 0, result.stderr
    assert statuses(run)["gpt2"] == "done"


def test_show_follows_the_same_rule(run: Run, small: Path) -> None:
    result = run("show", "xlnet")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: no paper matches 'xlnet'. Did you mean lenet (")


def test_a_query_that_matches_needs_no_fuzzy_matcher(catalogue_file: Path) -> None:
    assert "rapidfuzz" not in modules_loaded_by(["done", "bert"], catalogue_file)


# Characters whose casefold is longer, or another character, or that str.split takes for spaces.
_FOLDING = st.sampled_from(
    ["ß", "SS", "ΐ", "\u212a", "k", "\u0345", "ι", "ﬁ", "FI", "\u2003", "\xa0", " ", "İ", "i̇"]
)
_TITLES = TEXT | st.lists(_FOLDING | TEXT, max_size=6).map("".join)


def _first_same_title(catalogue: Catalogue, title: str) -> Item | None:
    """The duplicate rule as written: every title normalised and compared, the first that equals."""
    wanted = " ".join(title.split()).casefold()
    return next((i for i in catalogue.items if " ".join(i.title.split()).casefold() == wanted), None)


@settings(max_examples=300, deadline=None)
@given(catalogues(), st.lists(_TITLES, max_size=4), st.data())
def test_the_quick_title_check_finds_what_normalising_every_title_finds(
    catalogue: Catalogue, titles: list[str], data: st.DataObject
) -> None:
    items = [item._replace(title=title) for item, title in zip(catalogue.items, titles, strict=False)]
    catalogue = Catalogue(
        catalogue.title, catalogue.notes, catalogue.sections, (*items, *catalogue.items[len(items) :])
    )
    pool = [item.title for item in catalogue.items]
    asked = data.draw(_TITLES | st.sampled_from(pool).map(str.swapcase) if pool else _TITLES)
    if not asked:
        return
    found = find_duplicate(catalogue, asked)
    expected = _first_same_title(catalogue, asked)
    assert (found and found[0]) == expected
    assert found is None or found[1] == "the same title"
