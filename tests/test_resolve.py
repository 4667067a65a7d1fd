"""`papers resolve`: ids for items that have none, by title, from Semantic Scholar and arXiv; never a weak match."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxiv_server import ArxivServer
from conftest import Run, listed
from http_server import FakeClock
from papers import render
from papers.actions import fetch as fetching
from papers.model.query import TITLE_MATCH, title_similarity, title_words
from papers.sources.http import Transport
from s2_server import S2Server, paper

SEARCHES = Path(__file__).parent / "fixtures" / "arxiv-search"
ALEXNET = "imagenet classification with deep convolutional neural networks"
CHECKERBOARD = "From stripe to checkerboard order on the square lattice in the presence of quenched disorder"


@pytest.fixture
def servers(
    arxiv_server: ArxivServer, s2_server: S2Server, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> tuple[ArxivServer, S2Server]:
    monkeypatch.setenv("PAPERS_ARXIV_URL", arxiv_server.api)
    monkeypatch.setattr(
        fetching,
        "default_transport",
        lambda notify=None: Transport(
            clock=fake_clock, sleep=fake_clock.sleep, notify=notify, read_timeout=1.0
        ),
    )
    s2_server.matches[ALEXNET] = paper(
        "ImageNet classification with deep convolutional neural networks", doi="10.1145/3065386", year=2012
    )
    # The recorded arXiv search (2016), asked as papers asks: every title word ANDed.
    query = " AND ".join(f"ti:{word}" for word in title_words(CHECKERBOARD))
    arxiv_server.searches[query] = (
        SEARCHES / "arxivpy_2016__au_del_maestro_AND_ti_checkerboard.xml"
    ).read_bytes()
    return arxiv_server, s2_server


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("ImageNet Classification with Deep Convolutional Neural Networks", ALEXNET, True),
        ("Attention Is All You Need", "Attention is all you need!", True),
        ("Recurrent neural networks", "Recurrent Neural Network Regularization", False),
        ("", "Anything", False),
    ],
)
def test_titles_compare_after_normalising(a: str, b: str, alike: bool) -> None:
    assert (title_similarity(a, b) >= TITLE_MATCH) is alike


def test_title_words_drop_punctuation_and_split_hyphens() -> None:
    assert title_words("BERT: Pre-training (of) Deep \"Transformers\"") == [
        "bert", "pre", "training", "of", "deep", "transformers"
    ]  # fmt: skip


def test_dry_run_shows_each_candidate_with_its_similarity_and_writes_nothing(
    run: Run, catalogue_file: Path, servers: tuple[ArxivServer, S2Server]
) -> None:
    before = catalogue_file.read_bytes()
    result = run("resolve", "alexnet", "rnn", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "alexnet: ImageNet Classification with Deep Convolutional Neural Networks\n"
        "  1.00  DOI:10.1145/3065386  ImageNet classification with deep convolutional neural networks (2012)"
        "  [Semantic Scholar; match]\n"
        "rnn: no paper found for 'Recurrent neural networks'\n"
    )
    assert catalogue_file.read_bytes() == before
    arxiv, s2 = servers
    assert [r.path for r in s2.requests] == ["/graph/v1/paper/search/match"] * 2
    asked = [r.query["search_query"][0] for r in arxiv.api_requests]
    assert asked[0] == "ti:imagenet AND ti:classification AND ti:with AND ti:deep AND ti:convolutional AND " \
        "ti:neural AND ti:networks"  # fmt: skip


def test_yes_writes_the_doi_and_says_to_fetch(
    run: Run, catalogue_file: Path, servers: tuple[ArxivServer, S2Server]
) -> None:
    result = run("resolve", "alexnet", "--yes")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "updated alexnet: doi 10.1145/3065386\nnow run: papers fetch alexnet\n"
    assert listed(run)["alexnet"]["doi"] == "10.1145/3065386"
    assert (
        run("resolve", "alexnet").stderr == "nothing to resolve: every item named has an arXiv id or a DOI\n"
    )


def test_arxiv_is_the_second_opinion_and_its_id_is_preferred(
    run: Run, write_catalogue, servers: tuple[ArxivServer, S2Server]
) -> None:
    write_catalogue(f"sections:\n  - name: S\n    items:\n      - key: cdw\n        title: {CHECKERBOARD}\n")
    result = run("resolve", "cdw", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "  1.00  arXiv:cond-mat/0603029  " in result.stdout
    assert listed(run)["cdw"]["arxiv"] == "cond-mat/0603029"


def test_a_weak_match_is_shown_and_never_written(
    run: Run, catalogue_file: Path, servers: tuple[ArxivServer, S2Server]
) -> None:
    _, s2 = servers
    s2.matches["recurrent neural networks"] = paper(
        "Recurrent Neural Network Regularization", arxiv="1409.2329"
    )
    before = catalogue_file.read_bytes()
    result = run("resolve", "rnn", "--yes")
    assert result.exit_code == 0
    assert "[Semantic Scholar; too different: not written]" in result.stdout
    assert catalogue_file.read_bytes() == before


def test_in_a_terminal_it_asks_before_writing(
    run: Run, catalogue_file: Path, servers: tuple[ArxivServer, S2Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "is_terminal", lambda stream: True)
    refused = run("resolve", "alexnet", input="n\n")
    assert refused.exit_code == 0
    assert "doi" not in json.dumps(listed(run)["alexnet"]).replace('"doi": null', "")
    accepted = run("resolve", "alexnet", input="y\n")
    assert "write doi: 10.1145/3065386 to alexnet?" in accepted.stderr
    assert listed(run)["alexnet"]["doi"] == "10.1145/3065386"


def test_piped_without_yes_writes_nothing_and_says_how(
    run: Run, catalogue_file: Path, servers: tuple[ArxivServer, S2Server]
) -> None:
    before = catalogue_file.read_bytes()
    result = run("resolve", "alexnet")
    assert result.stderr == (
        "nothing written: run in a terminal to be asked, or add --yes to accept the matches of 0.90 or more\n"
    )
    assert catalogue_file.read_bytes() == before


def test_json_lists_every_candidate(
    run: Run, catalogue_file: Path, servers: tuple[ArxivServer, S2Server]
) -> None:
    result = run("resolve", "alexnet", "--json")
    (entry,) = json.loads(result.stdout)
    assert entry["key"] == "alexnet"
    assert entry["candidates"] == [
        {"source": "Semantic Scholar", "title": "ImageNet classification with deep convolutional neural networks",
         "similarity": 1.0, "arxiv": None, "doi": "10.1145/3065386", "year": 2012, "confident": True}
    ]  # fmt: skip


def test_all_looks_up_only_items_with_no_id(
    run: Run, catalogue_file: Path, servers: tuple[ArxivServer, S2Server]
) -> None:
    result = run("resolve", "--all", "--dry-run")
    assert result.exit_code == 0
    keys = [line.split(":")[0] for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert "alexnet" in keys and "gpt1" in keys
    assert not {"transformer", "lstm", "sgd", "optimizers"} & set(keys)  # ids, DOIs, a grouping item


def test_a_server_failure_is_reported_per_item(
    run: Run, catalogue_file: Path, servers: tuple[ArxivServer, S2Server]
) -> None:
    from s2_server import answer

    _, s2 = servers
    s2.then(answer(400, {"error": "Unrecognized or unsupported fields: [x]"}))
    result = run("resolve", "alexnet", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: alexnet: Semantic Scholar refused the request: HTTP 400 Bad Request: "
        "Unrecognized or unsupported fields: [x].\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Error: give at least one query, or --all. See papers resolve --help.\n"),
        (
            ("--all", "--yes", "--dry-run"),
            "Error: --yes and --dry-run exclude each other. Use one of them.\n",
        ),
    ],
)
def test_usage_errors(run: Run, catalogue_file: Path, args: tuple[str, ...], message: str) -> None:
    result = run("resolve", *args)
    assert result.exit_code == 2
    assert result.stderr == message
