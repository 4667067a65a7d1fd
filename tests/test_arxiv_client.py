"""ArxivClient, the transport under it and Web, against a real local HTTP server (see arxiv_server.py)."""

from __future__ import annotations

import itertools
import re
import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

import papers
from arxiv_server import (
    ArxivServer,
    answer_feed,
    atom_feed,
    body,
    corrupt_gzip,
    gzipped,
    huge,
    redirect,
    send,
    stall,
    status,
    trickle,
    trickle_headers,
)
from http_server import FakeClock
from papers.errors import ArxivRejectedError, FetchError, InvalidArxivIdError, NotOnArxivError, PapersError
from papers.model.arxiv_ids import ArxivId, parse_arxiv_id
from papers.sources.arxiv.client import DEFAULT_ENDPOINT, USER_AGENT, ArxivClient, FetchResult
from papers.sources.base import Doi, InvalidDoiError, Source, parse_doi, parse_paper_id
from papers.sources.http import Transport
from papers.sources.web import NotAPdfError, PageError, Web

FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"
ERROR_FEED = (FIXTURES / "lukasschwab_arxiv.py_tests_fixtures_id_abc_s0_m100_b79c8dcf6bc3.xml").read_bytes()


def client_for(server: ArxivServer, clock: FakeClock, **options: float) -> ArxivClient:
    settings: dict[str, float] = {"read_timeout": 2.0, "connect_timeout": 2.0} | options
    return ArxivClient(server.api, clock=clock, sleep=clock.sleep, **settings)  # type: ignore[arg-type]


def web_for(clock: FakeClock, **options: float) -> Web:
    settings: dict[str, float] = {"read_timeout": 2.0, "connect_timeout": 2.0} | options
    download = {k: settings.pop(k) for k in ("max_download_bytes",) if k in settings}
    return Web(Transport(clock=clock, sleep=clock.sleep, **settings), **download)  # type: ignore[arg-type]


class Failure:
    def __init__(self, value: PapersError) -> None:
        self.value = value


def failure(result: FetchResult, kind: type[PapersError], match: str = "") -> Failure:
    """The one error every id of the batch failed with (what pytest.raises gives for a raise)."""
    assert result.found == {} and result.missing == []
    errors = set(result.failed.values())
    assert len(errors) == 1
    (error,) = errors
    assert isinstance(error, kind)
    assert re.search(match, str(error)), str(error)
    return Failure(error)


def synthetic_ids(count: int) -> list[ArxivId]:
    return [ArxivId(f"2001.{n:05d}") for n in range(1, count + 1)]


# --- the happy path, both API generations --------------------------------------------------------


@pytest.mark.parametrize("generation", ["new", "old"])
def test_fetch_recorded_papers(arxiv_server: ArxivServer, fake_clock: FakeClock, generation: str) -> None:
    arxiv_server.generation = generation
    arxiv_server.unknown = frozenset({"2201.13455"})
    with client_for(arxiv_server, fake_clock) as client:
        result = client.fetch(["2206.06921", "arXiv:2201.13452v1", "https://arxiv.org/abs/2201.13455"])
    assert list(result.found) == [ArxivId("2206.06921"), ArxivId("2201.13452", 1)]
    assert result.missing == [ArxivId("2201.13455")]
    paper = result.found[ArxivId("2206.06921")]
    assert paper.title == "Attainable forms of Assouad spectra"
    assert paper.doi == "10.1512/iumj.2024.73.9928"
    assert paper.pdf_url == "https://arxiv.org/pdf/2206.06921v3"


def test_recorded_new_api_papers_and_old_style_ids(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    ids = ["1707.08567", "astro-ph/0601001", "quant-ph/0201082v1", "2104.12255v1", "1605.08386"]
    with client_for(arxiv_server, fake_clock) as client:
        result = client.fetch(ids)
    assert result.missing == []
    assert "Dirk Wübben" in result.found[ArxivId("1707.08567")].authors
    assert result.found[ArxivId("2104.12255", 1)].title == "0"
    assert result.found[ArxivId("quant-ph/0201082", 1)].arxiv_id == "quant-ph/0201082"
    (request,) = arxiv_server.api_requests
    assert request.query["id_list"] == [",".join(ids)]
    assert request.query["max_results"] == ["5"]
    assert request.query["start"] == ["0"]


def test_query_url_is_built_by_arxiv(fake_clock: FakeClock) -> None:
    client = ArxivClient("http://example.invalid/api/query", clock=fake_clock, sleep=fake_clock.sleep)
    url = client.query_url([ArxivId("2005.14165", 2), ArxivId("math/0309136")])
    assert url == (
        "http://example.invalid/api/query?search_query=&id_list=2005.14165v2%2Cmath%2F0309136"
        "&sortBy=relevance&sortOrder=descending&start=0&max_results=2"
    )


def test_unknown_ids_are_reported_not_found(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    arxiv_server.unknown = frozenset({"2001.00002", "0808.5394"})
    with client_for(arxiv_server, fake_clock) as client:
        result = client.fetch(["2001.00001", "2001.00002", "1605.08386v2"])
    assert list(result.found) == [ArxivId("2001.00001")]
    # The recorded 1605.08386 is v1, which is not the version asked for.
    assert result.missing == [ArxivId("2001.00002"), ArxivId("1605.08386", 2)]
    errors = result.errors()
    assert [str(e) for e in errors] == ["not found on arXiv: 2001.00002", "not found on arXiv: 1605.08386v2"]
    assert all(isinstance(e, NotOnArxivError) and e.exit_code == 1 for e in errors)


def test_invalid_id_is_refused_before_any_request(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    with client_for(arxiv_server, fake_clock) as client, pytest.raises(InvalidArxivIdError):
        client.fetch(["2005.14165", "2013.12345"])
    assert arxiv_server.requests == []


def test_empty_fetch_makes_no_request(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    with client_for(arxiv_server, fake_clock) as client:
        assert client.fetch([]) == FetchResult()
    assert arxiv_server.requests == []


# --- batching and pacing ---------------------------------------------------------------------------


def test_thousand_ids_take_ten_requests_each_with_max_results(
    arxiv_server: ArxivServer, fake_clock: FakeClock
) -> None:
    progress: list[tuple[int, int | None]] = []
    with client_for(arxiv_server, fake_clock) as client:
        result = client.fetch(
            synthetic_ids(1000), progress=lambda done, total: progress.append((done, total))
        )
    assert len(result.found) == 1000 and result.missing == []
    requests = arxiv_server.api_requests
    assert len(requests) == 10
    for request in requests:
        assert len(request.query["id_list"][0].split(",")) == 100
        assert request.query["max_results"] == ["100"]
    assert progress == [(n, 1000) for n in range(100, 1001, 100)]
    starts = [r.at for r in requests]
    assert all(later - earlier >= 3.0 for earlier, later in itertools.pairwise(starts))
    assert len(fake_clock.slept) == 9


def test_duplicates_are_asked_once(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    with client_for(arxiv_server, fake_clock) as client:
        result = client.fetch(["2001.00001", "arXiv:2001.00001", "https://arxiv.org/abs/2001.00001"])
    assert list(result.found) == [ArxivId("2001.00001")]
    assert arxiv_server.api_requests[0].query["id_list"] == ["2001.00001"]


def test_user_agent_names_papers_and_its_version(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    with client_for(arxiv_server, fake_clock) as client:
        client.fetch(["2001.00001"])
    user_agent = arxiv_server.requests[0].headers["User-Agent"]
    assert user_agent == USER_AGENT
    assert user_agent.startswith(f"papers/{papers.__version__} (")


def test_endpoint_from_environment(monkeypatch: pytest.MonkeyPatch, arxiv_server: ArxivServer) -> None:
    monkeypatch.delenv("PAPERS_ARXIV_URL")
    with ArxivClient() as client:
        assert client.endpoint == DEFAULT_ENDPOINT
    monkeypatch.setenv("PAPERS_ARXIV_URL", arxiv_server.api)
    with ArxivClient() as client:
        assert client.endpoint == arxiv_server.api
    with ArxivClient("http://explicit/api") as client:
        assert client.endpoint == "http://explicit/api"


def test_batch_size_is_capped() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        ArxivClient(batch_size=101)


# --- retries ---------------------------------------------------------------------------------------


def test_503_with_retry_after_is_honoured(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    arxiv_server.then(status(503, b"busy", {"Retry-After": "7"}), status(503, b"busy"))
    with client_for(arxiv_server, fake_clock) as client:
        result = client.fetch(["2001.00001"])
    assert list(result.found) == [ArxivId("2001.00001")]
    assert len(arxiv_server.api_requests) == 3
    assert fake_clock.slept[0] == 7.0  # Retry-After beats the first backoff step (3 s)
    assert sum(fake_clock.slept) >= 7.0 + 6.0
    starts = [r.at for r in arxiv_server.api_requests]
    assert starts[1] - starts[0] >= 7.0


def test_retry_after_as_http_date_is_read_on_the_injected_wall_clock(
    arxiv_server: ArxivServer, fake_clock: FakeClock
) -> None:
    arxiv_server.then(status(429, b"Rate exceeded.", {"Retry-After": "Wed, 21 Oct 2015 07:28:10 GMT"}))
    now = time.mktime(time.strptime("2015-10-21 07:28:00", "%Y-%m-%d %H:%M:%S")) - time.timezone
    with client_for(arxiv_server, fake_clock, now=lambda: now) as client:  # type: ignore[arg-type]
        client.fetch(["2001.00001"])
    assert fake_clock.slept[0] == 10.0


def test_too_long_retry_after_gives_up_at_once(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    arxiv_server.then(status(429, b"Rate exceeded.", {"Retry-After": "3600"}))
    with client_for(arxiv_server, fake_clock) as client:
        info = failure(client.fetch(["2001.00001"]), FetchError)
    assert str(info.value).startswith(
        "could not reach arXiv: HTTP 429 Too Many Requests; it asked to retry after 3600 s"
    )
    assert len(arxiv_server.api_requests) == 1
    assert fake_clock.slept == []


@pytest.mark.parametrize("code", [429, 500, 502, 503, 504])
def test_at_most_three_retries_then_a_clear_error(
    arxiv_server: ArxivServer, fake_clock: FakeClock, code: int
) -> None:
    arxiv_server.then(*[status(code)] * 10)
    with client_for(arxiv_server, fake_clock, give_up_after=1000) as client:
        info = failure(client.fetch(["2001.00001"]), FetchError)
    assert len(arxiv_server.api_requests) == 4
    assert f"could not reach arXiv: HTTP {code}" in str(info.value)
    assert "tried 4 times" in str(info.value)
    assert info.value.exit_code == 3
    assert fake_clock.slept == [3.0, 6.0, 12.0]  # backoff, which also keeps the 3 s gap


def test_400_is_never_retried_and_reports_arxivs_message(
    arxiv_server: ArxivServer, fake_clock: FakeClock
) -> None:
    arxiv_server.then(body(ERROR_FEED, code=400))
    with client_for(arxiv_server, fake_clock) as client:
        info = failure(client.fetch(["2001.00001"]), ArxivRejectedError)
    assert str(info.value) == "arXiv refused the request: incorrect id format for abc"
    assert len(arxiv_server.api_requests) == 1
    assert fake_clock.slept == []


def test_400_without_an_error_entry(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    arxiv_server.then(status(400, b"<html>bad</html>"))
    with client_for(arxiv_server, fake_clock) as client:
        failure(client.fetch(["2001.00001"]), ArxivRejectedError, "HTTP 400")
    assert len(arxiv_server.api_requests) == 1


def test_other_4xx_is_not_retried(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    arxiv_server.then(status(414))
    with client_for(arxiv_server, fake_clock) as client:
        failure(client.fetch(["2001.00001"]), FetchError, "HTTP 414")
    assert len(arxiv_server.api_requests) == 1


def test_connection_refused_is_retried_then_reported(fake_clock: FakeClock) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}/api/query"
    client = ArxivClient(endpoint, clock=fake_clock, sleep=fake_clock.sleep, give_up_after=1000)
    with client:
        failure(client.fetch(["2001.00001"]), FetchError, r"^could not reach arXiv: .*refused.*tried 4 times")
    # Each failed attempt still counts as a request, so the 3 s gap holds across retries.
    assert fake_clock.slept == [3.0, 6.0, 12.0]


def test_default_budget_stops_retrying_before_30_seconds(fake_clock: FakeClock) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = ArxivClient(f"http://127.0.0.1:{port}/api/query", clock=fake_clock, sleep=fake_clock.sleep)
    with client:
        failure(client.fetch(["2001.00001"]), FetchError, r"refused \(gave up after 3 tries, 30 s budget\)$")
    # A fourth try could take another 15 s of timeouts and end past the 30 s budget.
    assert fake_clock.slept == [3.0, 6.0]


# --- stalls, garbage, hostile bodies -------------------------------------------------------------


def test_a_stalled_server_times_out_and_is_retried(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    arxiv_server.then(stall, stall)
    started = time.monotonic()
    with client_for(arxiv_server, fake_clock, read_timeout=0.2) as client:
        result = client.fetch(["2001.00001"])
    assert time.monotonic() - started < 2
    assert list(result.found) == [ArxivId("2001.00001")]
    assert len(arxiv_server.api_requests) == 3


def test_a_stalled_server_makes_the_whole_fetch_give_up(
    arxiv_server: ArxivServer, fake_clock: FakeClock
) -> None:
    arxiv_server.then(*[stall] * 10)
    with client_for(arxiv_server, fake_clock, read_timeout=0.2) as client:
        info = failure(client.fetch(synthetic_ids(300)), FetchError)
    assert str(info.value).startswith("could not reach arXiv: no answer within 0.2 s (timed out)")
    assert len(arxiv_server.api_requests) == 4  # the first chunk; later chunks are not tried


def test_default_settings_give_up_on_a_silent_server_within_30_seconds() -> None:
    """Simulated: the server accepts at once, then each attempt burns the default 10 s read timeout."""
    clock = FakeClock()

    def never_answers(request: httpx.Request) -> httpx.Response:
        clock.slept.append(10.0)
        raise httpx.ReadTimeout("silent", request=request)

    http = httpx.Client(transport=httpx.MockTransport(never_answers))
    client = ArxivClient(http=http, clock=clock, sleep=clock.sleep)
    started = clock()
    result = client.fetch(synthetic_ids(1000))
    assert clock() - started < 30.0
    assert len(result.failed) == 1000
    # Tries at 0-10 s and 13-23 s; a third (29-39 s) could not finish within 30 s, so none is made.
    assert "gave up after 2 tries" in str(next(iter(result.failed.values())))
    assert clock.slept == [10.0, 3.0, 10.0]


def test_broken_xml(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    arxiv_server.then(body(b"<?xml version='1.0'?><feed><entry>"))
    with client_for(arxiv_server, fake_clock) as client:
        info = failure(client.fetch(["2001.00001"]), FetchError)
    assert str(info.value).startswith("arXiv sent a response papers cannot read: ")
    assert len(arxiv_server.api_requests) == 1


def test_external_entity_is_refused_and_never_read(
    arxiv_server: ArxivServer, fake_clock: FakeClock, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    hostile = (
        b'<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">'
        b'<!ENTITY y SYSTEM "' + secret.as_uri().encode() + b'">]>\n'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2001.00001v1</id>'
        b"<title>&x;&y;</title><published>2020-01-01T00:00:00Z</published></entry></feed>"
    )
    arxiv_server.then(body(hostile))
    with client_for(arxiv_server, fake_clock) as client:
        info = failure(client.fetch(["2001.00001"]), FetchError)
    message = str(info.value)
    assert "root:" not in message and "TOP-SECRET" not in message
    assert message.startswith("arXiv sent a response papers cannot read: it declares a DTD")


def test_huge_declared_body_is_refused_without_reading_it(
    arxiv_server: ArxivServer, fake_clock: FakeClock
) -> None:
    arxiv_server.then(huge(declared=25 * 1024 * 1024, actual=64 * 1024))
    with client_for(arxiv_server, fake_clock) as client:
        info = failure(client.fetch(["2001.00001"]), FetchError)
    assert "more than the 20 MB papers accepts" in str(info.value)
    assert len(arxiv_server.api_requests) == 1


def test_huge_undeclared_body_is_cut_off(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    arxiv_server.then(huge(declared=None, actual=50 * 1024 * 1024))
    options = {"max_response_bytes": 1024 * 1024}
    with client_for(arxiv_server, fake_clock, **options) as client:
        info = failure(client.fetch(["2001.00001"]), FetchError)
    assert "more than the 1 MB papers accepts" in str(info.value)
    assert arxiv_server.bytes_sent < 20 * 1024 * 1024


# --- downloads and page titles ---------------------------------------------------------------------


def test_download_streams_to_a_temp_file_then_renames(
    arxiv_server: ArxivServer, fake_clock: FakeClock, tmp_path: Path
) -> None:
    pdf = b"%PDF-1.5\n" + bytes(range(256)) * 2000
    arxiv_server.files["/pdf/2001.00001v1"] = pdf
    dest = tmp_path / "pdfs" / "2001.00001v1.pdf"
    seen: list[tuple[int, int | None]] = []
    web = web_for(fake_clock)
    with web.transport:
        assert (
            web.download_pdf(
                f"{arxiv_server.url}/pdf/2001.00001v1", dest, progress=lambda d, t: seen.append((d, t))
            )
            == dest
        )
    assert dest.read_bytes() == pdf
    assert seen[-1] == (len(pdf), len(pdf))
    assert [p.name for p in dest.parent.iterdir()] == [dest.name]


def test_failed_download_leaves_nothing_behind(
    arxiv_server: ArxivServer, fake_clock: FakeClock, tmp_path: Path
) -> None:
    dest = tmp_path / "pdfs" / "x.pdf"
    dest.parent.mkdir()
    with pytest.raises(PageError, match="HTTP 404") as info:
        web_for(fake_clock).download_pdf(f"{arxiv_server.url}/pdf/missing", dest)
    assert info.value.exit_code == 1  # the server answered: retrying will not help
    assert list(dest.parent.iterdir()) == []


def test_oversized_download_is_refused(
    arxiv_server: ArxivServer, fake_clock: FakeClock, tmp_path: Path
) -> None:
    arxiv_server.files["/big"] = b"%PDF-" + b"x" * 4096
    with pytest.raises(FetchError, match="too large"):
        web_for(fake_clock, max_download_bytes=1000).download_pdf(f"{arxiv_server.url}/big", tmp_path / "big")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("page", "title"),
    [
        (b"<html><head><title>Plain &amp; simple</title></head></html>", "Plain & simple"),
        (
            b"<html><head><title>Site</title>"
            b'<meta property="og:title" content="The &quot;real&quot; one"></head>',
            'The "real" one',
        ),
        (b"<head><meta content='Reversed  order' name='og:title'/></head>", "Reversed order"),
        (b"<html><TITLE>\n  Wrapped\n  title </TITLE>", "Wrapped title"),
        (b"<html><body>no title</body></html>", None),
        ("<title>Caf\u00e9</title>".encode(), "Caf\u00e9"),
    ],
)
def test_fetch_page_title(
    arxiv_server: ArxivServer, fake_clock: FakeClock, page: bytes, title: str | None
) -> None:
    arxiv_server.files["/page"] = page
    assert web_for(fake_clock).page_title(f"{arxiv_server.url}/page") == title


def test_page_title_of_a_pdf_is_none(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    arxiv_server.files["/paper.pdf"] = b"%PDF-1.5 <title>not a page</title>"
    assert web_for(fake_clock).page_title(f"{arxiv_server.url}/paper.pdf") is None


def test_page_title_of_a_missing_page_is_a_domain_error(
    arxiv_server: ArxivServer, fake_clock: FakeClock
) -> None:
    with pytest.raises(PageError, match=r"HTTP 404 Not Found\. Check the link in a browser$") as info:
        web_for(fake_clock).page_title(f"{arxiv_server.url}/gone")
    assert info.value.exit_code == 1


def test_parse_then_fetch_keys_match(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    wanted = parse_arxiv_id("https://arxiv.org/pdf/2001.00001.pdf")
    with client_for(arxiv_server, fake_clock) as client:
        assert wanted in client.fetch([wanted]).found


def test_a_batch_keeps_what_it_got(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    """Chunk 1 succeeds, chunk 2 is refused (400), chunk 3 succeeds, chunk 4 finds arXiv down."""
    arxiv_server.then(answer_feed, body(ERROR_FEED, code=400), answer_feed, *[status(503)] * 4)
    ids = synthetic_ids(400)
    with client_for(arxiv_server, fake_clock, give_up_after=1000) as client:
        result = client.fetch(ids)
    assert list(result.found) == ids[:100] + ids[200:300]
    assert result.missing == []
    assert list(result.failed) == ids[100:200] + ids[300:]
    assert isinstance(result.failed[ids[100]], ArxivRejectedError)
    assert isinstance(result.failed[ids[300]], FetchError)
    assert {e.exit_code for e in result.errors()} == {1, 3}
    assert len(arxiv_server.api_requests) == 3 + 4


# --- the transport's deadline, redirects and compression (issue: network answers are checked) ----


def test_a_trickling_body_is_cut_off_at_the_deadline(
    arxiv_server: ArxivServer, fake_clock: FakeClock
) -> None:
    feed = atom_feed(["2001.00001"])
    arxiv_server.then(trickle(feed, every=0.02))
    with client_for(arxiv_server, fake_clock, give_up_after=0.3) as client:
        info = failure(client.fetch(["2001.00001"]), FetchError)
    assert str(info.value) == "could not reach arXiv: no complete answer within the 0.3 s budget (gave up)"
    assert arxiv_server.bytes_sent < len(feed)  # no read timeout fired: every byte came in time
    assert len(arxiv_server.api_requests) == 1  # the budget is spent: no retry


def test_trickling_headers_are_cut_off_at_the_deadline(
    arxiv_server: ArxivServer, fake_clock: FakeClock
) -> None:
    """The watchdog: while headers trickle in, no read waits long enough to time out."""
    arxiv_server.then(trickle_headers(every=0.02))
    with client_for(arxiv_server, fake_clock, give_up_after=0.3) as client:
        info = failure(client.fetch(["2001.00001"]), FetchError)
    assert str(info.value) == "could not reach arXiv: no complete answer within the 0.3 s budget (gave up)"
    assert arxiv_server.bytes_sent < 100_000


def test_the_command_budget_bounds_every_request_after_it(
    arxiv_server: ArxivServer, fake_clock: FakeClock
) -> None:
    transport = Transport(clock=fake_clock, sleep=fake_clock.sleep, read_timeout=2.0, connect_timeout=2.0)
    transport.limit_command(0.3)
    arxiv_server.then(trickle(atom_feed(["2001.00001"]), every=0.02))
    with ArxivClient(arxiv_server.api, transport=transport) as client:
        info = failure(client.fetch(["2001.00001"]), FetchError)
    assert str(info.value) == (
        "could not reach arXiv: no complete answer within the command's 0.3 s budget (gave up)"
    )
    fake_clock.slept.append(1.0)
    with pytest.raises(
        FetchError, match=r"^could not reach arXiv: no time left \(the command's 0\.3 s budget is used up\)$"
    ):
        Web(transport).page_title(f"{arxiv_server.url}/page")  # the same host: called arXiv
    assert len(arxiv_server.requests) == 1


def test_a_redirect_loop_is_one_clear_error(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    arxiv_server.routes["/a"] = redirect("/b")
    arxiv_server.routes["/b"] = redirect("/a")
    with pytest.raises(FetchError, match=r"^127\.0\.0\.1 redirects in a loop \(.*/b -> .*/a\)") as info:
        web_for(fake_clock).page_title(f"{arxiv_server.url}/a")
    assert info.value.exit_code == 3
    assert len(arxiv_server.requests) == 2


def test_too_many_redirects(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    for n in range(10):
        arxiv_server.routes[f"/r{n}"] = redirect(f"/r{n + 1}")
    with pytest.raises(
        FetchError, match=r"^127\.0\.0\.1 redirected more than 5 times \(last to .*/r6\)\. Check the link"
    ):
        web_for(fake_clock).page_title(f"{arxiv_server.url}/r0")
    assert len(arxiv_server.requests) == 6


def test_the_api_never_follows_a_redirect_to_another_host(
    arxiv_server: ArxivServer, fake_clock: FakeClock
) -> None:
    elsewhere = arxiv_server.url.replace("127.0.0.1", "localhost") + "/api/query?id_list=2001.00001"
    arxiv_server.then(redirect(elsewhere))
    with client_for(arxiv_server, fake_clock) as client:
        info = failure(
            client.fetch(["2001.00001"]), FetchError, "^arXiv redirected to another host \\(localhost\\)"
        )
    assert len(arxiv_server.requests) == 1
    assert info.value.exit_code == 3


def test_a_page_follows_a_redirect_to_another_host_and_says_so(
    arxiv_server: ArxivServer, fake_clock: FakeClock
) -> None:
    real = arxiv_server.url.replace("127.0.0.1", "localhost") + "/page/real"
    arxiv_server.routes["/moved"] = redirect(real, code=301)
    arxiv_server.files["/page/real"] = b"<title>Moved here</title>"
    notes: list[str] = []
    transport = Transport(clock=fake_clock, sleep=fake_clock.sleep, notify=notes.append)
    assert Web(transport).page_title(f"{arxiv_server.url}/moved") == "Moved here"
    assert notes == [f"redirected: {arxiv_server.url}/moved -> {real}"]


def test_a_same_host_redirect_is_followed_quietly(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    arxiv_server.then(redirect("/api/query?id_list=2001.00001&max_results=1"))
    notes: list[str] = []
    transport = Transport(clock=fake_clock, sleep=fake_clock.sleep, notify=notes.append)
    with ArxivClient(arxiv_server.api, transport=transport) as client:
        assert list(client.fetch(["2001.00001"]).found) == [ArxivId("2001.00001")]
    assert notes == []
    assert fake_clock.slept == [pytest.approx(3.0, abs=0.1)]  # the second hop is a request to arXiv too


def test_a_gzipped_answer_is_read(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    arxiv_server.then(gzipped(atom_feed(["2001.00001"])))
    with client_for(arxiv_server, fake_clock) as client:
        assert list(client.fetch(["2001.00001"]).found) == [ArxivId("2001.00001")]
    assert arxiv_server.api_requests[0].headers["Accept-Encoding"] == "gzip, deflate"


@pytest.mark.parametrize(
    ("action", "problem"),
    [
        (corrupt_gzip, r"broken compressed body \(Error -3 while decompressing data: invalid"),
        (gzipped(b"<feed/>" * 100, cut=12), "its compressed body is cut short"),
    ],
    ids=["corrupt", "cut-short"],
)
def test_a_broken_gzip_body_is_one_clear_error(
    arxiv_server: ArxivServer, fake_clock: FakeClock, action: Callable[..., None], problem: str
) -> None:
    arxiv_server.then(action)
    with client_for(arxiv_server, fake_clock) as client:
        info = failure(
            client.fetch(["2001.00001"]), FetchError, "^arXiv sent a response papers cannot read: " + problem
        )
    assert info.value.exit_code == 3
    assert len(arxiv_server.api_requests) == 1


def test_a_gzip_bomb_is_refused_at_the_cap(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    bomb = b"<" + b" " * (8 * 1024 * 1024)  # 8 MB of spaces: about 8 KB compressed
    arxiv_server.then(gzipped(bomb))
    with client_for(arxiv_server, fake_clock, max_response_bytes=1024 * 1024) as client:
        failure(
            client.fetch(["2001.00001"]),
            FetchError,
            "^arXiv sent a response papers cannot read: it expands to more than the 1 MB papers accepts$",
        )
    assert arxiv_server.bytes_sent < 64 * 1024


def test_an_unknown_content_encoding_is_refused(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    arxiv_server.then(lambda handler: send(handler, 200, b"??", {"Content-Encoding": "br"}))
    with client_for(arxiv_server, fake_clock) as client:
        failure(client.fetch(["2001.00001"]), FetchError, "^arXiv sent a body encoded as 'br'")


@pytest.mark.parametrize(
    ("content_type", "payload"),
    [
        ("text/html; charset=utf-8", b"<html><form>Log in</form></html>"),
        ("application/pdf", b"<html>" + b" " * 2000 + b"</html>"),
        ("application/octet-stream", b"<html>short</html>"),
    ],
    ids=["html", "long-body-not-pdf", "short-body-not-pdf"],
)
def test_a_pdf_that_is_not_a_pdf_is_refused_and_not_kept(
    arxiv_server: ArxivServer, fake_clock: FakeClock, tmp_path: Path, content_type: str, payload: bytes
) -> None:
    arxiv_server.routes["/login.pdf"] = lambda handler: send(handler, 200, payload, content_type=content_type)
    dest = tmp_path / "pdfs" / "x.pdf"
    with pytest.raises(NotAPdfError, match=r"/login\.pdf did not send a PDF \(") as info:
        web_for(fake_clock).download_pdf(f"{arxiv_server.url}/login.pdf", dest)
    assert str(info.value).endswith("perhaps a login page), so nothing was saved. Open the link in a browser")
    assert info.value.exit_code == 1
    assert not dest.exists() and list(tmp_path.rglob("*.part")) == []


def test_a_page_title_loses_its_control_characters(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    arxiv_server.files["/page"] = "<title>Evil\x1b]0;pwned\x07 \u009b31mpage</title>".encode()
    assert web_for(fake_clock).page_title(f"{arxiv_server.url}/page") == "Evil]0;pwned 31mpage"


def test_a_bad_url_is_one_clear_error(fake_clock: FakeClock) -> None:
    for url in ("http://[nonsense", "ftp://example.org/x", "https://"):
        with pytest.raises(
            FetchError, match=f"^could not fetch {re.escape(url)}: not a web address papers can ask$"
        ):
            web_for(fake_clock).page_title(url)


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("10.1162/neco.1997.9.8.1735", "10.1162/neco.1997.9.8.1735"),
        ("doi:10.1162/NECO.1997.9.8.1735", "10.1162/neco.1997.9.8.1735"),
        ("https://doi.org/10.1038/nature14539", "10.1038/nature14539"),
        ("http://dx.doi.org/10.1038/nature14539.", "10.1038/nature14539"),
    ],
)
def test_parse_doi(text: str, doi: str) -> None:
    assert parse_doi(text) == Doi(doi)
    assert parse_paper_id(text) == Doi(doi)


@pytest.mark.parametrize("text", ["10.1162", "doi:", "https://example.org/10.1/x", "11.1234/x"])
def test_not_a_doi(text: str) -> None:
    with pytest.raises(InvalidDoiError, match=r"^not a DOI: "):
        parse_doi(text)


def test_paper_ids_prefer_arxiv() -> None:
    assert parse_paper_id("10.48550/arXiv.2005.14165") == ArxivId("2005.14165")
    with pytest.raises(InvalidArxivIdError):
        parse_paper_id("2013.12345")
    result = FetchResult(missing=[Doi("10.1/x")], source="Semantic Scholar")
    assert [str(e) for e in result.errors()] == ["not found on Semantic Scholar: 10.1/x"]


def test_the_arxiv_client_is_a_source(fake_clock: FakeClock) -> None:
    source: Source = ArxivClient("http://example.invalid/api/query", clock=fake_clock, sleep=fake_clock.sleep)
    assert source.name == "arXiv"
    assert source.handles(ArxivId("2005.14165")) and not source.handles(Doi("10.1/x"))
    with pytest.raises(ValueError, match=r"^arXiv cannot be asked for 10\.1/x$"):
        source.fetch([Doi("10.1/x")])


def test_a_pdf_sent_a_byte_every_5_s_stops_at_the_budget_on_the_injected_clock(
    arxiv_server: ArxivServer, fake_clock: FakeClock, tmp_path: Path
) -> None:
    """Each byte arrives within the read timeout; the clock says 5 s pass per byte; 120 s is the limit."""
    pdf = b"%PDF-1.5 " + b"x" * 3000
    arxiv_server.routes["/slow.pdf"] = trickle(pdf, every=0.005, content_type="application/pdf")
    dest = tmp_path / "slow.pdf"
    with pytest.raises(FetchError) as info:
        web_for(fake_clock).download_pdf(
            f"{arxiv_server.url}/slow.pdf", dest, progress=lambda done, total: fake_clock.slept.append(5.0)
        )
    assert (
        str(info.value) == "could not reach 127.0.0.1: no complete answer within the 120 s budget (gave up)"
    )
    assert 24 <= len(fake_clock.slept) <= 25  # bytes read before the clock passed 120 s
    assert not dest.exists()


def test_a_redirect_away_from_the_web_is_refused(arxiv_server: ArxivServer, fake_clock: FakeClock) -> None:
    arxiv_server.routes["/away"] = redirect("file:///etc/passwd")
    with pytest.raises(FetchError, match=r"redirected to file:///etc/passwd, which is not a web address"):
        web_for(fake_clock).page_title(f"{arxiv_server.url}/away")
