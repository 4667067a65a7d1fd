"""Semantic Scholar as a second source: the batch, its faults, the cache, and `papers fetch --source`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Run, listed
from http_server import FakeClock
from papers.actions import fetch as fetching
from papers.errors import FetchError, PaperNotFoundError
from papers.model.arxiv_ids import ArxivId
from papers.sources.base import Doi
from papers.sources.http import Transport
from papers.sources.semanticscholar import FIELDS, ScholarRejectedError, SemanticScholar
from s2_server import (
    SHIPPED_DOIS,
    TOO_MANY,
    S2Server,
    answer,
    paper,
    raw,
    recorded_batch,
    stall,
)

LSTM = "DOI:10.1162/neco.1997.9.8.1735"


@pytest.fixture
def transport(fake_clock: FakeClock) -> Iterator[Transport]:
    with Transport(clock=fake_clock, sleep=fake_clock.sleep, read_timeout=1.0, connect_timeout=1.0) as made:
        yield made


@pytest.fixture
def s2(s2_server: S2Server, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> S2Server:
    """The stand-in, answering for the shipped catalogue's two DOI-only papers; `papers` on the fake clock."""
    monkeypatch.setattr(
        fetching,
        "default_transport",
        lambda notify=None: Transport(
            clock=fake_clock, sleep=fake_clock.sleep, notify=notify, read_timeout=1.0, connect_timeout=1.0
        ),
    )
    s2_server.papers.update(SHIPPED_DOIS)
    return s2_server


def test_the_recorded_batch_keeps_every_known_paper_and_reports_the_null_slot(
    s2_server: S2Server, transport: Transport
) -> None:
    _, slots = recorded_batch()  # [null, three papers], as Semantic Scholar answered
    ids = [Doi("10.9999/unknown")] + [Doi(slot["externalIds"]["DOI"].lower()) for slot in slots[1:]]
    s2_server.papers = {f"DOI:{i.doi}": slot for i, slot in zip(ids, slots, strict=True) if slot}
    result = SemanticScholar(transport).fetch(ids)
    assert result.missing == [Doi("10.9999/unknown")]
    assert [str(e) for e in result.errors()] == ["not found on Semantic Scholar: 10.9999/unknown"]
    trust = result.found[Doi("10.2139/ssrn.288970")]
    assert trust.title == "How Much Should We Trust Differences-in-Differences Estimates?"
    assert trust.authors == ("Marianne Bertrand", "E. Duflo", "S. Mullainathan")
    assert (trust.year, trust.publication_date, trust.citation_count) == (2001, "2001-10-01", 10670)
    assert trust.doi == "10.2139/ssrn.288970" and trust.arxiv_id is None
    (request,) = s2_server.batches
    assert request.method == "POST"
    assert request.body == {"ids": [f"DOI:{i.doi}" for i in ids]}
    assert request.query["fields"] == [FIELDS]
    assert "x-api-key" not in {name.lower() for name in request.headers}


def test_references_become_arxiv_ids_and_lower_case_dois(s2_server: S2Server, transport: Transport) -> None:
    s2_server.papers["ARXIV:1810.04805"] = paper(
        "BERT", arxiv="1810.04805", cites=("ARXIV:1706.03762", "DOI:10.1162/NECO.1997.9.8.1735")
    )
    meta = SemanticScholar(transport).fetch([ArxivId("1810.04805", 2)]).found[ArxivId("1810.04805")]
    assert meta.references == ("arxiv:1706.03762", "doi:10.1162/neco.1997.9.8.1735")
    assert s2_server.batches[0].body == {"ids": ["ARXIV:1810.04805"]}  # versionless


def test_a_batch_is_at_most_500_ids_and_requests_are_at_least_1_s_apart(
    s2_server: S2Server, transport: Transport, fake_clock: FakeClock
) -> None:
    ids = [ArxivId(f"2001.{n:05d}") for n in range(1200)]
    result = SemanticScholar(transport).fetch(ids)
    assert [len(r.body["ids"]) for r in s2_server.batches] == [500, 500, 200]
    assert len(result.missing) == 1200
    gaps = [b.at - a.at for a, b in zip(s2_server.batches, s2_server.batches[1:], strict=False)]
    assert all(gap >= 1.0 for gap in gaps), gaps


def test_the_api_key_is_sent_as_x_api_key(
    s2_server: S2Server, transport: Transport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEMANTIC_SCHOLAR_API_KEY", "sekret-123")
    SemanticScholar(transport).fetch([Doi("10.1/x")])
    assert s2_server.batches[0].headers["x-api-key"] == "sekret-123"


def test_429_then_success_backs_off_and_keeps_the_answer(
    s2_server: S2Server, transport: Transport, fake_clock: FakeClock
) -> None:
    s2_server.papers[LSTM] = SHIPPED_DOIS[LSTM]
    s2_server.then(TOO_MANY)
    result = SemanticScholar(transport).fetch([Doi("10.1162/neco.1997.9.8.1735")])
    assert list(result.found) == [Doi("10.1162/neco.1997.9.8.1735")]
    assert len(s2_server.batches) == 2
    assert fake_clock.slept and max(fake_clock.slept) >= transport.backoff


def test_429_forever_gives_up_naming_the_api_key_setting(
    s2_server: S2Server, transport: Transport, fake_clock: FakeClock
) -> None:
    s2_server.then(*[TOO_MANY] * 10)
    result = SemanticScholar(transport).fetch([Doi("10.1/a"), Doi("10.1/b")])
    (err,) = set(result.failed.values())
    assert isinstance(err, FetchError)
    assert str(err) == (
        "could not reach Semantic Scholar: HTTP 429 Too Many Requests: Too Many Requests (tried 4 times). "
        "Semantic Scholar limits anonymous requests: try again in a few minutes, or set "
        "SEMANTIC_SCHOLAR_API_KEY to an API key (https://www.semanticscholar.org/product/api)"
    )
    waits = [s for s in fake_clock.slept if s >= transport.backoff]
    assert waits == [transport.backoff * 2**n for n in range(3)]  # exponential


def test_a_500_is_reported_with_its_message_key(s2_server: S2Server, transport: Transport) -> None:
    s2_server.then(*[answer(500, {"message": "Internal Server Error"})] * 4)
    err = next(iter(SemanticScholar(transport).fetch([Doi("10.1/a")]).failed.values()))
    assert str(err) == (
        "could not reach Semantic Scholar: HTTP 500 Internal Server Error: Internal Server Error (tried 4 times)"
    )


def test_a_400_is_reported_with_its_error_key_and_not_retried(
    s2_server: S2Server, transport: Transport
) -> None:
    s2_server.then(answer(400, {"error": "Unrecognized or unsupported fields: [unknown]"}))
    err = next(iter(SemanticScholar(transport).fetch([Doi("10.1/a")]).failed.values()))
    assert isinstance(err, ScholarRejectedError)
    assert str(err) == (
        "Semantic Scholar refused the request: HTTP 400 Bad Request: Unrecognized or unsupported fields: [unknown]"
    )
    assert len(s2_server.batches) == 1


def test_an_oversized_answer_is_refused(s2_server: S2Server, transport: Transport) -> None:
    s2_server.then(raw(200, b"[" + b" " * 5000 + b"null]"))
    err = next(
        iter(SemanticScholar(transport, max_response_bytes=1000).fetch([Doi("10.1/a")]).failed.values())
    )
    assert str(err) == (
        "Semantic Scholar sent a response papers cannot read: 5006 bytes is more than the 1000 bytes papers accepts"
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<html>not json</html>", "Semantic Scholar sent a response papers cannot read (not JSON)"),
        (b"[null, null]", "Semantic Scholar sent a response papers cannot read: 1 papers asked, 2 answered"),
        (
            b'{"data": []}',
            "Semantic Scholar sent a response papers cannot read: 1 papers asked, no list of answered",
        ),
    ],
)
def test_garbage_fails_the_batch_with_one_line(
    s2_server: S2Server, transport: Transport, body: bytes, problem: str
) -> None:
    s2_server.then(raw(200, body))
    err = next(iter(SemanticScholar(transport).fetch([Doi("10.1/a")]).failed.values()))
    assert str(err) == problem


def test_an_unusable_record_is_not_kept(s2_server: S2Server, transport: Transport) -> None:
    s2_server.papers["DOI:10.1/a"] = {"paperId": "x", "title": "", "year": "soon"}
    result = SemanticScholar(transport).fetch([Doi("10.1/a")])
    assert result.found == {}
    assert "incomplete record for DOI:10.1/a" in str(result.failed[Doi("10.1/a")])


def test_a_stalled_server_gives_up_within_the_deadline(s2_server: S2Server, fake_clock: FakeClock) -> None:
    s2_server.then(*[stall] * 10)
    started = time.monotonic()
    with Transport(
        clock=fake_clock, sleep=fake_clock.sleep, read_timeout=0.2, connect_timeout=0.2
    ) as transport:
        err = next(iter(SemanticScholar(transport).fetch([Doi("10.1/a")]).failed.values()))
    assert time.monotonic() - started < 3
    assert str(err).startswith("could not reach Semantic Scholar: no answer within 0.2 s (timed out)")


def test_the_title_match_answers_one_paper_or_none(s2_server: S2Server, transport: Transport) -> None:
    s2_server.matches["long short-term memory"] = SHIPPED_DOIS[LSTM]
    source = SemanticScholar(transport)
    found = source.match_title("Long  Short-Term Memory")
    assert found is not None and found.doi == "10.1162/neco.1997.9.8.1735"
    assert source.match_title("RNN") is None  # 404 {"error": "Title match not found"}


# --- papers fetch ---------------------------------------------------------------------------------------


def test_fetch_a_paper_not_on_arxiv_fills_it_from_semantic_scholar_and_caches_it(
    run: Run, catalogue_file: Path, s2: S2Server, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEMANTIC_SCHOLAR_API_KEY", "sekret-123")
    result = run("fetch", "lstm")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "updated lstm: authors, venue\n"
    assert result.stdout == (f"{LSTM}\t1997\tSepp Hochreiter, J. Schmidhuber\tLong Short-Term Memory\tlstm\n")
    lstm = listed(run)["lstm"]
    assert (lstm["authors"], lstm["year"], lstm["venue"]) == (
        ["Sepp Hochreiter", "J. Schmidhuber"],
        1997,
        "Neural Computation",
    )
    cached = isolated / "cache" / "papers" / "s2" / "doi-10.1162%2Fneco.1997.9.8.1735.json"
    record = json.loads(cached.read_text())
    assert (record["source"], record["asked"], record["venue"]) == ("s2", LSTM, "Neural Computation")
    assert "sekret" not in cached.read_text() and "sekret" not in result.output
    again = run("fetch", "lstm", "--json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)[0]["from_cache"] is True
    assert len(s2.batches) == 1
    assert run("fetch", "lstm", "--refresh").exit_code == 0
    assert len(s2.batches) == 2


def test_fetch_source_s2_asks_for_every_paper_in_one_request_and_leaves_arxiv_items_alone(
    run: Run, catalogue_file: Path, s2: S2Server
) -> None:
    before = listed(run)
    s2.papers["ARXIV:1706.03762"] = paper("Attention is All you Need", arxiv="1706.03762", venue="NeurIPS")
    result = run("fetch", "--all", "--source", "s2", "--json")
    assert result.exit_code == 1  # the papers the stand-in does not know are reported
    (batch,) = s2.batches
    asked = batch.body["ids"]
    assert len(asked) == len(set(asked)) > 40 and set(SHIPPED_DOIS) <= set(asked)
    assert "ARXIV:1706.03762" in asked
    after = listed(run)
    assert after["transformer"] == before["transformer"]  # arXiv stays the source of truth
    entries = json.loads(result.stdout)
    assert {e["asked"] for e in entries} == {*SHIPPED_DOIS, "ARXIV:1706.03762"}
    assert next(e for e in entries if e["asked"] == "ARXIV:1706.03762")["items"] == ["transformer"]
    assert "Error: not found on Semantic Scholar: arXiv:1810.04805.\n" in result.stderr
    again = run("fetch", "--all", "--source", "s2")
    assert len(s2.batches) == 1  # the unknown ones are remembered as unknown: nothing is asked
    assert again.exit_code == 1


def test_fetch_source_arxiv_never_asks_semantic_scholar(run: Run, catalogue_file: Path, s2: S2Server) -> None:
    result = run("fetch", "lstm", "--source", "arxiv")
    assert result.exit_code == 1
    assert s2.requests == []


def test_a_bad_source_is_a_usage_error(run: Run, catalogue_file: Path) -> None:
    result = run("fetch", "--all", "--source", "crossref")
    assert result.exit_code == 2
    assert result.stderr == "Error: --source is arxiv, s2 or all, not 'crossref'.\n"


def test_fetch_rate_limited_is_one_line_and_exit_3(run: Run, catalogue_file: Path, s2: S2Server) -> None:
    s2.then(*[TOO_MANY] * 10)
    result = run("fetch", "lstm")
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: could not reach Semantic Scholar: HTTP 429")
    assert "SEMANTIC_SCHOLAR_API_KEY" in result.stderr


def test_a_damaged_cached_record_is_a_miss_and_is_asked_again(
    run: Run, catalogue_file: Path, s2: S2Server, isolated: Path
) -> None:
    assert run("fetch", "lstm").exit_code == 0
    cached = isolated / "cache" / "papers" / "s2" / "doi-10.1162%2Fneco.1997.9.8.1735.json"
    cached.write_text('{"source": "s2", "asked": "DOI:10.1162/neco.1997.9.8.1735", "title": 3}')
    result = run("fetch", "lstm")
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: ignoring the cached Semantic Scholar record of " + LSTM)
    assert len(s2.batches) == 2


def test_export_bibtex_writes_article_and_inproceedings_for_papers_not_on_arxiv(
    run: Run, write_catalogue, s2: S2Server
) -> None:
    write_catalogue(
        "sections:\n  - name: S\n    items:\n"
        "      - key: lstm\n        title: LSTM\n        url: https://doi.org/10.1162/neco.1997.9.8.1735\n"
        "      - key: alexnet\n        title: AlexNet\n        doi: 10.1145/3065386\n"
    )
    s2.papers["DOI:10.1145/3065386"] = paper(
        "ImageNet classification with deep convolutional neural networks", doi="10.1145/3065386", year=2012,
        authors=("A. Krizhevsky", "I. Sutskever", "Geoffrey E. Hinton"), venue="Neural Information Processing Systems",
    )  # fmt: skip
    before = run("export", "--format", "bibtex")
    assert before.stdout == ""
    assert run("fetch", "--all").exit_code == 0
    result = run("export", "--format", "bibtex")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "@article{hochreiter1997long,\n"
        "  title = {{Long Short-Term Memory}},\n"
        "  author = {Sepp Hochreiter and J. Schmidhuber},\n"
        "  journal = {Neural Computation},\n"
        "  year = {1997},\n"
        "  doi = {10.1162/neco.1997.9.8.1735},\n"
        "  url = {https://doi.org/10.1162/neco.1997.9.8.1735},\n"
        "}\n"
        "\n"
        "@article{krizhevsky2012imagenet,\n"
        "  title = {{ImageNet classification with deep convolutional neural networks}},\n"
        "  author = {A. Krizhevsky and I. Sutskever and Geoffrey E. Hinton},\n"
        "  journal = {Neural Information Processing Systems},\n"
        "  year = {2012},\n"
        "  doi = {10.1145/3065386},\n"
        "  url = {https://doi.org/10.1145/3065386},\n"
        "}\n"
    )


def test_a_conference_venue_is_inproceedings() -> None:
    from papers.formats.bibtex import to_bibtex
    from papers.model.paper import ScholarMeta

    meta = ScholarMeta(asked="DOI:10.1/x", paper_id="x", title="A & B", authors=("Ann Lee",), year=2019,
                       venue="International Conference on Machine Learning", doi="10.1/x")  # fmt: skip
    assert to_bibtex([meta]).startswith("@inproceedings{lee2019b,\n  title = {{A \\& B}},\n")
    assert "  booktitle = {International Conference on Machine Learning},\n" in to_bibtex([meta])


def test_show_and_note_use_what_semantic_scholar_gave(run: Run, catalogue_file: Path, s2: S2Server) -> None:
    assert run("fetch", "lstm").exit_code == 0
    shown = json.loads(run("show", "lstm", "--json").stdout)
    assert (shown["venue"], shown["authors"]) == ("Neural Computation", ["Sepp Hochreiter", "J. Schmidhuber"])
    text = run("show", "lstm").stdout
    assert "Neural Computation" in text and "Sepp Hochreiter" in text


def test_the_not_found_error_of_a_known_missing_id(run: Run, catalogue_file: Path, s2: S2Server) -> None:
    s2.papers.pop(LSTM)
    first = run("fetch", "lstm")
    assert first.exit_code == 1
    assert first.stderr == "Error: not found on Semantic Scholar: 10.1162/neco.1997.9.8.1735.\n"
    second = run("fetch", "lstm")
    assert second.stderr == first.stderr
    assert len(s2.batches) == 1
    assert PaperNotFoundError.exit_code == 1


def test_a_thousand_papers_are_two_requests_and_a_second_run_none(
    run: Run, write_catalogue, s2: S2Server
) -> None:
    items = "".join(
        f"      - key: p{n}\n        title: Paper {n}\n        doi: 10.5555/{n}\n" for n in range(1000)
    )
    write_catalogue(f"sections:\n  - name: S\n    items:\n{items}")
    s2.papers.update({f"DOI:10.5555/{n}": paper(f"Paper {n}", doi=f"10.5555/{n}") for n in range(1000)})
    first = run("fetch", "--all", "--source", "s2")
    assert first.exit_code == 0, first.stderr[-300:]
    assert [len(b.body["ids"]) for b in s2.batches] == [500, 500]
    assert run("fetch", "--all", "--source", "s2").exit_code == 0
    assert len(s2.batches) == 2
