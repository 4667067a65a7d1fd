"""`papers fetch` and `papers pdf` through the CLI, against a stand-in arXiv on 127.0.0.1.

The client is the real one, pointed at the local server by PAPERS_ARXIV_URL; only its clock is
injected, so arXiv's 3 s spacing and the retry back-off are recorded instead of slept.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from arxiv_server import (
    ArxivServer,
    body,
    corrupt_gzip,
    gzipped,
    new_entry,
    redirect,
    send,
    stall,
    status,
)
from conftest import Run, listed
from http_server import FakeClock
from papers.actions import fetch as fetching
from papers.sources.http import Transport
from s2_server import SHIPPED_DOIS, S2Server

GPT3_AUTHORS = ["Tom B. Brown", "Benjamin Mann", "Nick Ryder", "Melanie Subbiah"]


@pytest.fixture
def arxiv(arxiv_server: ArxivServer, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> ArxivServer:
    """The stand-in arXiv, answering GPT-3 and FlashAttention with their real titles."""
    monkeypatch.setenv("PAPERS_ARXIV_URL", arxiv_server.api)
    monkeypatch.setattr(
        fetching,
        "default_transport",
        lambda notify=None: Transport(
            clock=fake_clock,
            sleep=fake_clock.sleep,
            notify=notify,
            read_timeout=1.0,
            connect_timeout=1.0,
            give_up_after=30,
        ),
    )
    arxiv_server.entries["2005.14165"] = new_entry(
        "2005.14165", "Language Models are Few-Shot Learners", GPT3_AUTHORS, "2020-05-28T17:29:03Z"
    )
    arxiv_server.entries["2205.14135"] = new_entry(
        "2205.14135",
        "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
        ["Tri Dao", "Daniel Y. Fu"],
        "2022-05-27T17:53:09Z",
    )
    return arxiv_server


def item(run: Run, key: str) -> dict[str, object]:
    result = run("show", key, "--json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_fetch_an_id_fills_authors_and_year_and_caches_the_record(
    run: Run, catalogue_file: Path, arxiv
) -> None:
    result = run("fetch", "2005.14165")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "updated gpt3: authors\n"  # title and year were already right
    assert result.stdout == (
        "2005.14165\t2020\tTom B. Brown, Benjamin Mann, Nick Ryder et al.\tLanguage Models are Few-Shot Learners\tgpt3\n"
    )
    gpt3 = item(run, "gpt3")
    assert gpt3["authors"] == GPT3_AUTHORS
    assert gpt3["year"] == 2020
    assert gpt3["metadata"]["abstract"] == "An abstract."  # type: ignore[index]
    assert listed(run)["gpt3"]["authors"] == GPT3_AUTHORS
    assert "authors:\n          - Tom B. Brown\n" in catalogue_file.read_text()


def test_a_second_fetch_answers_from_the_cache_and_refresh_asks_again(
    run: Run, catalogue_file: Path, arxiv
) -> None:
    run("fetch", "gpt3")
    assert len(arxiv.api_requests) == 1
    before = catalogue_file.read_bytes()
    assert run("fetch", "2005.14165").exit_code == 0
    assert len(arxiv.api_requests) == 1
    assert catalogue_file.read_bytes() == before
    assert run("fetch", "--refresh", "2005.14165").exit_code == 0
    assert len(arxiv.api_requests) == 2


def test_fetch_all_on_the_shipped_catalogue_is_one_request_then_none(
    run: Run, catalogue_file: Path, arxiv, s2_server: S2Server
) -> None:
    s2_server.papers = SHIPPED_DOIS
    result = run("fetch", "--all", "--json")
    assert result.exit_code == 0, result.stderr
    assert len(arxiv.api_requests) == 1
    # The two papers with only a DOI (LSTM, Robbins & Monro) are asked of Semantic Scholar, in one request.
    assert [sorted(r.body["ids"]) for r in s2_server.batches] == [sorted(SHIPPED_DOIS)]
    asked = arxiv.api_requests[0].query
    ids = asked["id_list"][0].split(",")
    assert len(ids) == len(set(ids)) > 40
    assert asked["max_results"] == [str(len(ids))]
    answered = json.loads(result.stdout)
    fetched = [entry for entry in answered if entry.get("source") != "s2"]
    assert {entry["asked"] for entry in answered if entry.get("source") == "s2"} == set(SHIPPED_DOIS)
    assert {entry["arxiv_id"] for entry in fetched} == set(ids)
    infini = next(entry for entry in fetched if entry["arxiv_id"] == "2404.07143")
    assert infini["items"] == [
        "infini-attention",
        "infini-attention-2",
    ]  # the paper listed twice, both enriched
    again = run("fetch", "--all")
    assert again.exit_code == 0
    assert len(arxiv.api_requests) == 1
    assert len(s2_server.batches) == 1


@pytest.mark.parametrize(
    "form",
    [
        "2005.14165",
        "2005.14165v2",
        "arXiv:2005.14165",
        "https://arxiv.org/abs/2005.14165",
        "https://arxiv.org/pdf/2005.14165.pdf",
        "https://www.arxiv.org/pdf/2005.14165v1",
        "http://export.arxiv.org/abs/2005.14165",
        "https://arxiv.org/html/2005.14165v3",
        "10.48550/arXiv.2005.14165",
        "gpt3",
        "Few-Shot Learners",
    ],
)
def test_every_form_a_reader_pastes_names_the_same_paper(
    run: Run, catalogue_file: Path, arxiv, form: str
) -> None:
    result = run("fetch", form)
    assert result.exit_code == 0, result.stderr
    (request,) = arxiv.api_requests
    assert request.query["id_list"][0].split("v")[0] == "2005.14165"
    assert item(run, "gpt3")["authors"] == GPT3_AUTHORS


@pytest.mark.parametrize(
    "bad", ["2013.12345", "1412.12345", "1234.567", "hep-th/99", "arxiv.org/abs/nonsense"]
)
def test_a_malformed_id_is_refused_before_any_request(
    run: Run, catalogue_file: Path, arxiv, bad: str
) -> None:
    before = catalogue_file.read_bytes()
    result = run("fetch", bad)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: not an arXiv id: '{bad}'")
    assert result.stderr.count("\n") == 1
    assert arxiv.requests == []
    assert catalogue_file.read_bytes() == before


def test_an_id_arxiv_does_not_have(run: Run, catalogue_file: Path, arxiv) -> None:
    arxiv.unknown = frozenset({"2401.99999"})
    before = catalogue_file.read_bytes()
    result = run("fetch", "2401.99999")
    assert result.exit_code == 1
    assert result.stderr == "Error: not found on arXiv: 2401.99999.\n"
    assert catalogue_file.read_bytes() == before


def test_a_batch_stores_the_good_and_reports_the_bad(run: Run, catalogue_file: Path, arxiv) -> None:
    arxiv.unknown = frozenset({"2401.99999"})
    result = run("fetch", "2005.14165", "2401.99999", "flashattention")
    assert result.exit_code == 1
    assert "Error: not found on arXiv: 2401.99999.\n" in result.stderr
    assert "updated gpt3: authors" in result.stderr
    assert item(run, "flashattention")["authors"] == ["Tri Dao", "Daniel Y. Fu"]
    assert len(arxiv.api_requests) == 1


def test_arxiv_error_entry_is_reported_as_arxiv_worded_it(run: Run, catalogue_file: Path, arxiv) -> None:
    error_feed = (Path(__file__).parent / "fixtures" / "arxiv").glob("*id_abc*.xml")
    arxiv.then(body(next(error_feed).read_bytes(), code=400))
    before = catalogue_file.read_bytes()
    result = run("fetch", "2005.14165")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: arXiv refused the request: incorrect id format for abc")
    assert len(arxiv.api_requests) == 1  # a 400 is never retried
    assert catalogue_file.read_bytes() == before


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (status(503, headers={"Retry-After": "5"}), "Error: could not reach arXiv: HTTP 503"),
        (status(429), "Error: could not reach arXiv: HTTP 429"),
        (body(b"<feed><entry>"), "Error: arXiv sent a response papers cannot read"),
        (
            body(
                b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
                b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&secret;</title></feed>'
            ),
            "Error: arXiv sent a response papers cannot read",
        ),
        (corrupt_gzip, "Error: arXiv sent a response papers cannot read: broken compressed body"),
        (
            gzipped(b"<" + b" " * (21 * 1024 * 1024)),
            "Error: arXiv sent a response papers cannot read: it expands",
        ),
        (redirect("/api/query?id_list=2005.14165"), "Error: arXiv redirects in a loop"),
        (redirect("http://localhost:9/api/query"), "Error: arXiv redirected to another host (localhost)"),
    ],
    ids=["503", "429", "broken-xml", "entity", "broken-gzip", "gzip-bomb", "redirect-loop", "cross-host"],
)
def test_network_faults_exit_3_and_change_nothing(
    run: Run, catalogue_file: Path, arxiv, action, message: str
) -> None:
    arxiv.then(*[action] * 4)
    before = catalogue_file.read_bytes()
    result = run("fetch", "2005.14165")
    assert result.exit_code == 3
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert catalogue_file.read_bytes() == before
    hostname = Path("/etc/hostname")
    if hostname.is_file() and hostname.read_text().strip():
        assert hostname.read_text().strip() not in result.stdout + result.stderr


def test_a_server_that_never_answers_gives_up(
    run: Run, catalogue_file: Path, arxiv, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Four real read timeouts (one try and three retries): 0.2 s each is enough to time out, 1 s took 4 s.
    monkeypatch.setattr(
        fetching,
        "default_transport",
        lambda notify=None: Transport(
            clock=fake_clock, sleep=fake_clock.sleep, notify=notify, read_timeout=0.2, connect_timeout=1.0
        ),
    )
    arxiv.then(stall, stall, stall, stall)
    result = run("fetch", "2005.14165")
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: could not reach arXiv: no answer within 0.2 s (timed out)")
    assert len(arxiv.api_requests) == 4


def test_connection_refused(run: Run, catalogue_file: Path, arxiv, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERS_ARXIV_URL", "http://127.0.0.1:9/api/query")
    result = run("fetch", "2005.14165")
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: could not reach arXiv: ")


def test_requests_to_arxiv_are_spaced_three_seconds_apart(
    run: Run, catalogue_file: Path, arxiv, fake_clock: FakeClock
) -> None:
    arxiv.then(status(500), status(500))
    assert run("fetch", "2005.14165").exit_code == 0
    times = [request.at for request in arxiv.api_requests]
    assert len(times) == 3
    assert all(later - earlier >= 3.0 for earlier, later in itertools.pairwise(times))


def test_an_id_no_item_holds_is_printed_and_changes_nothing(run: Run, catalogue_file: Path, arxiv) -> None:
    arxiv.entries["2307.08691"] = new_entry(
        "2307.08691",
        "FlashAttention-2: Faster Attention with Better Parallelism and Work Partitioning",
        ["Tri Dao"],
    )
    before = catalogue_file.read_bytes()
    result = run("fetch", "2307.08691", "--json")
    assert result.exit_code == 0
    (entry,) = json.loads(result.stdout)
    assert entry["title"].startswith("FlashAttention-2")
    assert entry["items"] == []
    assert catalogue_file.read_bytes() == before


def test_fetch_add_puts_a_new_paper_in_a_section(run: Run, catalogue_file: Path, arxiv) -> None:
    arxiv.entries["2307.08691"] = new_entry(
        "2307.08691",
        "FlashAttention-2: Faster Attention with Better Parallelism and Work Partitioning",
        ["Tri Dao"],
    )
    result = run("fetch", "2307.08691", "--add", "--parent", "transformer")
    assert result.exit_code == 0, result.stderr
    assert "added flashattention-2-faster-attention" in result.stderr
    new = item(run, "flashattention-2-faster-attention")
    assert new["parent"] == "transformer"
    assert new["arxiv"] == "2307.08691"
    assert new["authors"] == ["Tri Dao"]


def test_fetch_add_of_several_papers_adds_them_all_in_order_with_their_own_keys(
    run: Run, catalogue_file: Path, arxiv
) -> None:
    for arxiv_id in ("2401.00001", "2401.00002", "2401.00003"):  # the same title thrice
        arxiv.entries[arxiv_id] = new_entry(arxiv_id, "A Survey of Surveys", ["A. Author"])
    result = run("fetch", "2401.00001", "2401.00002", "2401.00003", "--add", "--parent", "transformer")
    assert result.exit_code == 0, result.stderr
    keys = ["survey-surveys", "survey-surveys-2", "survey-surveys-3"]
    assert [line for line in result.stderr.splitlines() if line.startswith("added")] == [
        f"added {key}" for key in keys
    ]
    assert [(item(run, key)["arxiv"], item(run, key)["parent"]) for key in keys] == [
        ("2401.00001", "transformer"),
        ("2401.00002", "transformer"),
        ("2401.00003", "transformer"),
    ]
    children = [
        i["key"] for i in json.loads(run("list", "--json").stdout) if i.get("parent") == "transformer"
    ]
    assert children[-3:] == keys  # appended under the parent in the order asked
    assert len(json.loads(run("history", "--json").stdout)) == 1  # one change to the catalogue


def test_fetch_add_needs_a_section(run: Run, catalogue_file: Path, arxiv) -> None:
    result = run("fetch", "2307.08691", "--add")
    assert result.exit_code == 2
    assert "--add needs --section" in result.stderr


def test_a_canonical_title_keeps_the_readers_wording(run: Run, write_catalogue, arxiv) -> None:
    path = write_catalogue(
        "sections:\n  - name: S\n    items:\n      - key: fa\n        title: flash attn paper\n"
        "        links: [https://arxiv.org/pdf/2205.14135.pdf]\n"
    )
    assert run("fetch", "fa").exit_code == 0
    fa = item(run, "fa")
    assert fa["title"] == "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness"
    assert fa["listed_as"] == "flash attn paper"
    assert fa["arxiv"] == "2205.14135"
    assert "links: [https://arxiv.org/pdf/2205.14135.pdf]\n" in path.read_text()


def test_show_displays_the_fetched_record_offline(
    run: Run, catalogue_file: Path, arxiv, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("fetch", "flashattention")
    monkeypatch.setenv("PAPERS_ARXIV_URL", "http://127.0.0.1:9/api/query")
    result = run("show", "flashattention")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "published  2022-05-27" in lines
    assert "abstract   An abstract." in lines
    assert "pdf        https://arxiv.org/pdf/2205.14135v1" in lines


def test_fetch_a_page_title_for_an_item_titled_by_its_url(run: Run, write_catalogue, arxiv) -> None:
    page = f"{arxiv.url}/page/microscope"
    arxiv.files["/page/microscope"] = (
        b'<html><head><meta property="og:title" content="OpenAI Microscope"></head></html>'
    )
    write_catalogue(f"sections:\n  - name: S\n    items:\n      - key: microscope\n        title: {page}\n")
    result = run("fetch", "microscope")
    assert result.exit_code == 0, result.stderr
    assert item(run, "microscope")["title"] == "OpenAI Microscope"
    assert item(run, "microscope")["listed_as"] == page


def test_fetch_an_item_without_arxiv_says_so(run: Run, catalogue_file: Path, arxiv) -> None:
    result = run("fetch", "lstm", "--source", "arxiv")  # LSTM has only a DOI: arXiv has nothing for it
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: lstm has no arXiv id or arXiv link, so there is nothing to fetch. "
        "Add `arxiv: ID` to it in papers.yaml.\n"
    )
    assert arxiv.requests == []


def test_pdf_downloads_once_into_the_cache(run: Run, catalogue_file: Path, arxiv, isolated: Path) -> None:
    arxiv.entries["2205.14135"] = arxiv.entries["2205.14135"].replace(
        b"https://arxiv.org/pdf/2205.14135v1", f"{arxiv.url}/pdf/2205.14135v1".encode()
    )
    arxiv.files["/pdf/2205.14135v1"] = b"%PDF-1.5 flash"
    result = run("pdf", "flashattention")
    assert result.exit_code == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path == isolated / "cache" / "papers" / "pdfs" / "2205.14135v1.pdf"
    assert path.read_bytes() == b"%PDF-1.5 flash"
    served = len(arxiv.requests)
    assert run("pdf", "2205.14135").stdout.strip() == str(path)
    assert len(arxiv.requests) == served


def test_pdf_of_an_item_with_no_pdf(run: Run, catalogue_file: Path, arxiv) -> None:
    result = run("pdf", "microscope")
    assert result.exit_code == 1  # the catalogue lacks something; the command was well formed
    assert result.stderr.startswith("Error: papers knows no PDF for microscope.")


def test_fetch_needs_something_to_fetch(run: Run, catalogue_file: Path) -> None:
    result = run("fetch")
    assert result.exit_code == 2
    assert "give at least one id or query, or --all" in result.stderr


def test_export_bibtex_after_fetch_loads_in_bibtexparser(run: Run, catalogue_file: Path, arxiv) -> None:
    import bibtexparser

    run("fetch", "gpt3", "flashattention")
    result = run("export", "--format", "bibtex")
    assert result.exit_code == 0, result.stderr
    library = bibtexparser.parse_string(result.stdout)
    assert library.failed_blocks == []
    by_key = {entry.key: entry for entry in library.entries}
    assert set(by_key) == {"brown2020language", "dao2022flashattention"}
    gpt3 = by_key["brown2020language"]
    assert gpt3.entry_type == "misc"
    assert gpt3.fields_dict["eprint"].value == "2005.14165"
    assert gpt3.fields_dict["archivePrefix"].value == "arXiv"
    assert (
        gpt3.fields_dict["author"].value
        == "Tom B. Brown and Benjamin Mann and Nick Ryder and Melanie Subbiah"
    )
    assert result.stderr.startswith("left out ")  # the papers not fetched yet are named, not silently dropped


def test_export_bibtex_filters_by_status(run: Run, catalogue_file: Path, arxiv) -> None:
    run("fetch", "gpt3", "flashattention")
    run("done", "gpt3")
    result = run("export", "--format", "bibtex", "--done")
    assert "@misc{brown2020language," in result.stdout
    assert "dao2022" not in result.stdout


def test_a_pasted_web_link_no_item_carries(run: Run, catalogue_file: Path, arxiv) -> None:
    result = run("fetch", "https://example.org/unknown-paper")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no item links to https://example.org/unknown-paper. Add it first: papers add TITLE "
        "--section S --url https://example.org/unknown-paper.\n"
    )
    assert arxiv.requests == []


def test_a_page_that_cannot_be_read_leaves_the_title(run: Run, write_catalogue, arxiv) -> None:
    page = f"{arxiv.url}/page/gone"  # the stand-in answers 404
    path = write_catalogue(f"sections:\n  - name: S\n    items:\n      - key: gone\n        title: {page}\n")
    before = path.read_bytes()
    result = run("fetch", "gone")
    assert result.exit_code == 1  # the page answered: a domain error, retrying will not help
    assert (
        result.stderr == f"Error: could not fetch {page}: HTTP 404 Not Found. Check the link in a browser.\n"
    )
    assert path.read_bytes() == before


# --- what arXiv and the web send is checked before it is kept ------------------------------------


def test_an_incomplete_record_is_reported_and_never_cached(
    run: Run, catalogue_file: Path, arxiv, isolated: Path
) -> None:
    arxiv.entries["2005.14165"] = arxiv.entries["2005.14165"].replace(
        b"<published>2020-05-28T17:29:03Z</published>", b""
    )
    before = catalogue_file.read_bytes()
    result = run("fetch", "2005.14165", "flashattention")
    assert result.exit_code == 3
    assert result.stderr.endswith(
        "Error: arXiv sent an incomplete record for 2005.14165 (no published), so it was not stored. "
        "Try again later.\n"
    )
    assert "updated flashattention" in result.stderr  # the rest of the batch is kept
    assert not (isolated / "cache" / "papers" / "arxiv" / "2005.14165.json").exists()
    assert catalogue_file.read_bytes() != before


@pytest.mark.parametrize(
    "command",
    [("show", "gpt3"), ("export", "--format", "bibtex"), ("note", "gpt3", "--no-edit"), ("fetch", "gpt3")],
    ids=["show", "bibtex", "note", "fetch"],
)
def test_a_bad_cache_record_is_a_miss_with_a_warning(
    run: Run, catalogue_file: Path, arxiv, isolated: Path, command: tuple[str, ...]
) -> None:
    record = isolated / "cache" / "papers" / "arxiv" / "2005.14165.json"
    record.parent.mkdir(parents=True)
    record.write_text(json.dumps({"arxiv_id": "2005.14165", "title": "T", "published": ""}))
    result = run(*command)
    assert result.exit_code == 0, result.stderr
    assert f"warning: ignoring the cached record of 2005.14165 ({record}: no " in result.stderr
    assert "Traceback" not in result.stderr
    if command[0] == "fetch":
        assert len(arxiv.api_requests) == 1  # asked again, and the record replaced
        assert json.loads(record.read_text())["published"] == "2020-05-28T17:29:03Z"


def test_control_characters_in_a_title_are_stripped_before_storing(
    run: Run, write_catalogue, arxiv, isolated: Path
) -> None:
    path = write_catalogue(
        "sections:\n  - name: S\n    items:\n      - key: gpt3\n        arxiv: 2005.14165\n        title: gpt3\n"
    )
    arxiv.entries["2005.14165"] = arxiv.entries["2005.14165"].replace(
        b"Language Models are Few-Shot Learners",
        "Language\x1b]0;pwned\x07 Models \u009b2Jare\x1b[31m Few-Shot Learners".encode(),
    )
    result = run("fetch", "gpt3")
    assert result.exit_code == 0, result.stderr
    assert item(run, "gpt3")["title"] == "Language]0;pwned Models 2Jare[31m Few-Shot Learners"
    text = path.read_text()
    assert "\x1b" not in text and "\u009b" not in text and "\\e" not in text
    cached = (isolated / "cache" / "papers" / "arxiv" / "2005.14165.json").read_text()
    assert "\\u001b" not in cached and "\x1b" not in cached


def test_an_id_no_item_holds_says_how_to_add_it(run: Run, catalogue_file: Path, arxiv) -> None:
    result = run("fetch", "2307.08691")
    assert result.exit_code == 0
    assert result.stderr == (
        "not in the catalogue: 2307.08691. To add it: papers fetch 2307.08691 --add --section SECTION\n"
    )


def test_a_second_fetch_all_says_there_is_nothing_to_fetch(
    run: Run, catalogue_file: Path, arxiv, s2_server: S2Server
) -> None:
    s2_server.papers = SHIPPED_DOIS
    assert run("fetch", "--all").exit_code == 0
    again = run("fetch", "--all")
    assert again.exit_code == 0
    assert again.stderr == (
        "nothing to fetch: every item with an arXiv id has its metadata (--refresh asks arXiv again)\n"
    )
    assert again.stdout == ""
    assert len(arxiv.api_requests) == 1
    assert len(s2_server.batches) == 1


def test_a_page_moved_to_another_host_is_followed_and_said(run: Run, write_catalogue, arxiv) -> None:
    moved = f"{arxiv.url}/page/old"
    real = arxiv.url.replace("127.0.0.1", "localhost") + "/page/new"
    arxiv.routes["/page/old"] = redirect(real, code=301)
    arxiv.files["/page/new"] = b"<title>Moved page</title>"
    write_catalogue(f"sections:\n  - name: S\n    items:\n      - key: moved\n        title: {moved}\n")
    result = run("fetch", "moved")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"redirected: {moved} -> {real}\ntitled moved: Moved page\n"


def test_a_pdf_link_on_arxiv_goes_to_the_configured_server(
    run: Run, catalogue_file: Path, arxiv, isolated: Path
) -> None:
    arxiv.files["/pdf/2205.14135v1"] = (
        b"%PDF-1.5 flash"  # the record links https://arxiv.org/pdf/2205.14135v1
    )
    result = run("pdf", "flashattention")
    assert result.exit_code == 0, result.stderr
    assert [r.path for r in arxiv.requests] == ["/api/query", "/pdf/2205.14135v1"]


def test_a_pdf_that_is_a_login_page_is_an_error_and_not_kept(
    run: Run, catalogue_file: Path, arxiv, isolated: Path
) -> None:
    arxiv.routes["/pdf/2205.14135v1"] = lambda handler: send(
        handler, 200, b"<html>Please log in</html>", content_type="text/html"
    )
    result = run("pdf", "flashattention")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {arxiv.url}/pdf/2205.14135v1 did not send a PDF (text/html; perhaps a login page), "
        "so nothing was saved. Open the link in a browser.\n"
    )
    assert result.stdout == ""
    assert list((isolated / "cache" / "papers").glob("pdfs/*")) == []
    asked = [r.path for r in arxiv.requests].count("/pdf/2205.14135v1")
    assert run("pdf", "flashattention").exit_code == 1
    assert [r.path for r in arxiv.requests].count("/pdf/2205.14135v1") > asked  # not cached: asked again


def test_pdf_open_with_no_viewer_says_so(
    run: Run, catalogue_file: Path, arxiv, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arxiv.files["/pdf/2205.14135v1"] = b"%PDF-1.5 flash"
    monkeypatch.setenv("PATH", str(isolated / "no-programs-here"))
    result = run("pdf", "flashattention", "--open")
    assert result.exit_code == 1
    dest = isolated / "cache" / "papers" / "pdfs" / "2205.14135v1.pdf"
    assert result.stdout == f"{dest}\n"
    assert result.stderr == f"Error: no PDF viewer could be started for {dest}. Open the file yourself.\n"


def test_fetch_and_add_is_the_add_by_id_use_case(catalogue_file: Path, arxiv) -> None:
    arxiv.entries["2307.08691"] = new_entry("2307.08691", "FlashAttention-2: Faster Attention", ["Tri Dao"])
    notes: list[str] = []
    report = fetching.fetch_and_add(
        catalogue_file,
        ["arXiv:2307.08691", "2005.14165"],
        section="Some research papers",
        notify=notes.append,
    )
    assert report.added == ["flashattention-2-faster-attention"]
    assert [f.keys for f in report.fetched] == [["flashattention-2-faster-attention"], ["gpt3"]]
    assert report.errors == [] and notes == []
    again = fetching.fetch_and_add(catalogue_file, ["2307.08691"], section="Some research papers")
    assert again.added == []  # already there: enriched, never duplicated
    assert len(arxiv.api_requests) == 1  # and answered from the cache


def test_a_server_that_hangs_up_is_one_line_exit_3(run: Run, write_catalogue, arxiv) -> None:
    def hang_up(handler: object) -> None:
        raise BrokenPipeError  # as a write to a client that went away does

    arxiv.routes["/page/hangup"] = hang_up
    page = f"{arxiv.url}/page/hangup"
    write_catalogue(f"sections:\n  - name: S\n    items:\n      - key: hangup\n        title: {page}\n")
    result = run("fetch", "hangup")
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: could not reach arXiv: Server disconnected")  # its host
    assert result.stderr.endswith("(tried 4 times).\n")
    assert result.stderr.count("\n") == 1  # and no server traceback in it


def revised(arxiv_id: str, title: str, published: str, version: int, updated: str) -> bytes:
    """An entry for a paper at a later version, as arXiv sends it: the number in <id>, its date in <updated>."""
    entry = new_entry(arxiv_id, title, ["Tri Dao", "Daniel Y. Fu"], published)
    entry = entry.replace(f"<updated>{published}<".encode(), f"<updated>{updated}<".encode())
    return entry.replace(f"{arxiv_id}v1".encode(), f"{arxiv_id}v{version}".encode())


FLASH = "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness"
FLASH_V2 = "2205.14135: v2 appeared 2022-06-23, after you read it on 2022-06-01 (flashattention)\n"


def test_refresh_reports_a_version_that_appeared_after_the_paper_was_read(
    run: Run, catalogue_file: Path, arxiv: ArxivServer
) -> None:
    arxiv.entries["2205.14135"] = revised(
        "2205.14135", FLASH, "2022-05-27T17:53:09Z", 2, "2022-06-23T17:20:55Z"
    )
    assert run("done", "flashattention", "--on", "2022-06-01").exit_code == 0
    result = run("fetch", "flashattention", "--refresh", "--json")
    assert result.exit_code == 0, result.stderr
    assert FLASH_V2 in result.stderr
    (row,) = json.loads(result.stdout)
    assert row["version"] == 2
    assert row["since_read"] == [
        {"item": "flashattention", "paper": "2205.14135", "version": 2, "appeared": "2022-06-23", "read_on": "2022-06-01"}
    ]  # fmt: skip
    # Read on the day v2 appeared (or later): nothing to say.
    assert run("done", "flashattention", "--on", "2022-06-23").exit_code == 0
    again = run("fetch", "flashattention", "--refresh", "--json")
    assert "appeared" not in again.stderr
    assert json.loads(again.stdout)[0]["since_read"] == []
    assert len(arxiv.api_requests) == 2


def test_a_first_version_dated_after_the_reading_is_not_a_new_version(
    run: Run, catalogue_file: Path, arxiv: ArxivServer
) -> None:
    # arXiv's new API sometimes sends a v1 whose <updated> is later than <published> (FACTS.md §1.3).
    arxiv.entries["2205.14135"] = revised(
        "2205.14135", FLASH, "2022-05-27T17:53:09Z", 1, "2022-06-23T17:20:55Z"
    )
    assert run("done", "flashattention", "--on", "2022-06-01").exit_code == 0
    result = run("fetch", "flashattention", "--refresh")
    assert result.exit_code == 0
    assert "appeared" not in result.stderr
    assert run("list", "--updated", "--json").stdout == "[]\n"


def test_list_updated_reads_only_records_that_carry_versions(run: Run, catalogue_file: Path) -> None:
    from papers.sources.cache import ScholarCache

    # A damaged Semantic Scholar record of a paper done on a day: a reader of it would warn. Semantic
    # Scholar keeps no versions, so list --updated has no reason to open it.
    assert run("done", "flashattention", "--on", "2022-06-01").exit_code == 0
    damaged = ScholarCache().path("ARXIV:2205.14135")
    damaged.parent.mkdir(parents=True, exist_ok=True)
    damaged.write_text("{not json")
    result = run("list", "--updated")
    assert (result.exit_code, result.stderr) == (0, "nothing to list with these filters\n")


def test_list_updated_lists_done_papers_read_before_their_latest_version(
    run: Run, catalogue_file: Path, arxiv: ArxivServer
) -> None:
    arxiv.entries["2205.14135"] = revised(
        "2205.14135", FLASH, "2022-05-27T17:53:09Z", 2, "2022-06-23T17:20:55Z"
    )
    arxiv.entries["1711.05101"] = revised(
        "1711.05101",
        "Decoupled Weight Decay Regularization",
        "2017-11-14T12:00:00Z",
        3,
        "2019-01-04T21:15:51Z",
    )  # adamw: done in the shipped list, but on no day
    assert run("list", "--updated").stderr == "nothing to list with these filters\n"  # nothing cached yet
    assert run("done", "flashattention", "gpt3", "--on", "2022-06-01").exit_code == 0
    assert run("fetch", "flashattention", "gpt3", "adamw").exit_code == 0
    assert len(arxiv.api_requests) == 1
    result = run("list", "--updated", "--json")
    assert result.exit_code == 0
    (row,) = json.loads(result.stdout)  # gpt3's record is v1; adamw has no day
    assert (row["key"], row["status"], row["done_on"]) == ("flashattention", "done", "2022-06-01")
    assert row["since_read"] == {
        "paper": "2205.14135",
        "version": 2,
        "appeared": "2022-06-23",
        "read_on": "2022-06-01",
    }
    piped = run("list", "--updated")
    assert [line.split("\t")[1] for line in piped.stdout.splitlines()] == ["flashattention"]
    assert piped.stderr == FLASH_V2
    assert run("list", "--updated", "--section", "models").stderr == "nothing to list with these filters\n"
    assert len(arxiv.api_requests) == 1  # the cache only
    assert run("undo", "flashattention").exit_code == 0
    assert run("list", "--updated", "--json").stdout == "[]\n"


def test_an_unreachable_arxiv_is_said_once_for_a_batch_of_ids(
    run: Run, catalogue_file: Path, arxiv: ArxivServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERS_ARXIV_URL", "http://127.0.0.1:9/api/query")  # nothing listens there
    result = run("fetch", "flashattention", "gpt3")
    assert result.exit_code == 3
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("Error: could not reach arXiv: ")
