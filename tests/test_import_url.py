"""`papers import URL` (issue 10): a list fetched through the polite transport, a GitHub file's page
read as its raw file, every failure one line with nothing written. The web is tests/arxiv_server.py's
local server, standing in for raw.githubusercontent.com and gist.githubusercontent.com
($PAPERS_GITHUB_RAW_URL, $PAPERS_GIST_RAW_URL)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from arxiv_server import ArxivServer, Handler, huge, send, stall, status
from conftest import REPO
from papers import actions
from papers.errors import FetchError
from papers.sources.http import Transport
from papers.sources.web import NotAListError, PageError, raw_address

LISTS = Path(__file__).parent / "fixtures" / "lists"
COMMIT = "40727e5d205549c403b632f10928354cb92291f6"  # sumust/mlreadinggroup, as in fixtures/lists/SOURCES.md
PAGE = f"https://github.com/sumust/mlreadinggroup/blob/{COMMIT}/recommended-papers.md"
RAW = f"/raw/sumust/mlreadinggroup/{COMMIT}/recommended-papers.md"


def text(body: bytes, kind: str = "text/plain; charset=utf-8") -> Any:
    return lambda handler: send(handler, 200, body, content_type=kind)


@pytest.fixture
def web(arxiv_server: ArxivServer, isolated: Path, monkeypatch: pytest.MonkeyPatch) -> ArxivServer:
    monkeypatch.setenv("PAPERS_GITHUB_RAW_URL", f"{arxiv_server.url}/raw")
    monkeypatch.setenv("PAPERS_GIST_RAW_URL", f"{arxiv_server.url}/gist")
    arxiv_server.routes[RAW] = text((LISTS / "mlreadinggroup.md").read_bytes())
    return arxiv_server


@pytest.mark.parametrize(
    ("page", "raw"),
    [
        (
            "https://github.com/o/r/blob/main/README.md",
            "https://raw.githubusercontent.com/o/r/main/README.md",
        ),
        (
            "https://github.com/o/r/raw/v1/docs/a.md?plain=1#top",
            "https://raw.githubusercontent.com/o/r/v1/docs/a.md",
        ),
        ("https://github.com/o/r", "https://raw.githubusercontent.com/o/r/HEAD/README.md"),
        ("https://github.com/o/r.git", "https://raw.githubusercontent.com/o/r/HEAD/README.md"),
        (
            "https://github.com/o/r/tree/dev/lists",
            "https://raw.githubusercontent.com/o/r/dev/lists/README.md",
        ),
        ("https://gist.github.com/u/0123abcd", "https://gist.githubusercontent.com/u/0123abcd/raw"),
        (
            "https://gist.github.com/u/0123abcd/rev",
            "https://gist.github.com/u/0123abcd/rev",
        ),  # a page: refused
        ("https://github.com/o/r/issues", "https://github.com/o/r/issues"),
        ("https://example.org/list.md", "https://example.org/list.md"),
        ("https://[broken/list.md", "https://[broken/list.md"),
    ],
)
def test_a_github_page_is_read_as_its_raw_file(page: str, raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPERS_GITHUB_RAW_URL", raising=False)
    monkeypatch.delenv("PAPERS_GIST_RAW_URL", raising=False)
    assert raw_address(page) == raw


def test_a_github_file_imports_from_its_raw_address(run: Any, web: ArxivServer, isolated: Path) -> None:
    result = run("import", PAGE)
    assert (result.exit_code, result.stderr) == (
        0,
        "added 9 items, matched 0 existing items, kept 11 lines as notes\n",
    )
    (request,) = web.requests
    assert request.path == RAW
    assert request.headers["User-Agent"].startswith("papers/")
    items = json.loads(run("list", "--json").stdout)
    assert [item["arxiv"] for item in items].count(None) == 1  # the paper that links nature.com only
    again = run("import", PAGE)
    assert again.stderr.startswith("added 0 items, matched 9 existing items")


def test_the_documented_example_is_what_the_stand_in_gives(run: Any, web: ArxivServer) -> None:
    """docs/markdown.md and the README show `papers import` of a pinned GitHub page, not run by
    test_readme.py (it needs the network): the same run against the stand-in gives what they show."""
    shown = []
    for document in (REPO / "docs" / "markdown.md", REPO / "README.md"):
        found = re.search(
            rf"\$ papers (import [^\n]*{COMMIT}[^\n]*)\n(.*?)\n```", document.read_text(), re.DOTALL
        )
        assert found is not None, document
        shown.append(found.groups())
    (argv, expected), other = shown
    assert other[0] == argv
    result = run(*argv.split())
    assert result.exit_code == 0
    assert result.stdout + result.stderr == expected + "\n"
    assert other[1] == result.stderr.rstrip("\n")


def test_a_gist_and_a_plain_address_import(run: Any, web: ArxivServer) -> None:
    web.routes["/gist/u/0123abcd/raw"] = text(
        b"## Queue\n- [ ] [Attention](https://arxiv.org/abs/1706.03762)\n"
    )
    web.routes["/lists/refs.bib"] = text(
        b"@misc{vaswani2017attention, title={Attention Is All You Need}, eprint={1706.03762}, archivePrefix={arXiv}}\n"
        b"@article{lstm, title={Long Short-Term Memory}, year={1997}}\n",
        kind="application/octet-stream",
    )
    assert run("--file", "a.yaml", "import", "https://gist.github.com/u/0123abcd").exit_code == 0
    assert [i["section"] for i in json.loads(run("--file", "a.yaml", "list", "--json").stdout)] == ["Queue"]
    result = run("--file", "b.yaml", "import", f"{web.url}/lists/refs.bib")
    assert (result.exit_code, result.stderr) == (
        0,
        "added 2 items, matched 0 existing items, kept 0 lines as notes\n",
    )
    items = json.loads(run("--file", "b.yaml", "list", "--json").stdout)
    assert [(i["key"], i["section"]) for i in items] == [("vaswani2017attention", "refs"), ("lstm", "refs")]


def test_the_address_and_the_media_type_break_a_tie(run: Any, web: ArxivServer) -> None:
    readme = b"# A model\n\n## Papers\n- [ ] One\n\n## Citation\n```bibtex\n@article{us, title={Us}}\n```\n"
    web.routes["/README.md"] = text(readme)
    web.routes["/readme"] = text(readme, kind="text/markdown")
    web.routes["/cite"] = text(
        b"see @article{us, title={Us}}\n@misc{them, title={Them}}\n", kind="text/x-bibtex"
    )
    for path in ("/README.md", "/readme"):
        result = run("--file", f"{path[1:]}.yaml", "import", f"{web.url}{path}")
        assert result.stderr == "added 1 item, matched 0 existing items, kept 3 lines as notes\n"
    assert run("--file", "cite.yaml", "import", f"{web.url}/cite").stderr.startswith("added 2 items")


@pytest.mark.parametrize(
    ("route", "code", "message"),
    [
        (status(404, b"no"), 1, "could not fetch {url}: HTTP 404 Not Found. Check the link in a browser"),
        (status(403, b"no"), 1, "could not fetch {url}: HTTP 403 Forbidden. Check the link in a browser"),
        (
            text(b"<html><title>x</title></html>", kind="text/html; charset=utf-8"),
            1,
            "{url} is a web page (text/html), not a list. Give the address of the raw file",
        ),
        (
            text(b"%PDF-1.4", kind="application/pdf"),
            1,
            "{url} is not text (application/pdf). Give the address of a markdown list",
        ),
        (
            text(b"## S\n\0\0\0", kind="application/octet-stream"),
            1,
            "{url} is not text (it holds NUL bytes). Give the address of a markdown list",
        ),
        (text(b"## S\n- [ ] caf\xe9\n"), 1, "{url} is not UTF-8 text. Give the address of a markdown list"),
        (text(b"  \n\n"), 1, "{url} is empty: there is nothing to import. Give the address of a list"),
        (
            text(b"sections:\n  - name: A\n    items: []\n"),
            1,
            "{url} is a papers catalogue (YAML), not a markdown checklist. Import a checklist, such as one "
            "`papers export` wrote",
        ),
        (
            huge(declared=30 * 1024 * 1024, actual=65536),
            1,
            "{url} is larger than 20 MB: too big for a reading list. Give the address of a markdown list",
        ),
    ],
    ids=["404", "403", "html", "pdf", "nul", "latin-1", "blank", "catalogue", "declared too big"],
)
def test_an_answer_that_is_no_list_is_one_line_and_writes_nothing(
    route: Any, code: int, message: str, run: Any, web: ArxivServer, isolated: Path
) -> None:
    web.routes["/list.md"] = route
    url = f"{web.url}/list.md"
    result = run("import", url)
    assert (result.exit_code, result.stderr) == (code, f"Error: {message.format(url=url)}.\n")
    assert not (isolated / "papers.yaml").exists()
    assert not list(isolated.glob("*.lock"))


def test_a_body_past_the_cap_is_refused_as_it_streams(
    web: ArxivServer, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("papers.actions.transfer.MAX_LIST_BYTES", 100_000)
    web.routes["/big.md"] = huge(declared=None, actual=300_000)
    with pytest.raises(NotAListError, match="is larger than 100000 bytes: too big for a reading list"):
        actions.import_url(isolated / "papers.yaml", f"{web.url}/big.md")
    assert not (isolated / "papers.yaml").exists()


def test_network_failures_are_fetch_errors_exit_3_and_write_nothing(
    web: ArxivServer, isolated: Path, fake_clock: Any
) -> None:
    def transport() -> Transport:
        return Transport(
            clock=fake_clock, sleep=fake_clock.sleep, read_timeout=0.3, give_up_after=2, max_retries=1
        )

    web.routes["/slow.md"] = stall
    with pytest.raises(FetchError) as slow:
        actions.import_url(isolated / "papers.yaml", f"{web.url}/slow.md", transport=transport())
    assert slow.value.exit_code == 3
    web.routes["/down.md"] = status(503)
    with pytest.raises(FetchError, match=r"could not reach 127\.0\.0\.1: HTTP 503 Service Unavailable"):
        actions.import_url(isolated / "papers.yaml", f"{web.url}/down.md", transport=transport())
    with pytest.raises(FetchError, match="Connection refused"):
        actions.import_url(isolated / "papers.yaml", "http://127.0.0.1:9/list.md", transport=transport())
    assert not (isolated / "papers.yaml").exists()
    with pytest.raises(PageError):
        actions.import_url(isolated / "papers.yaml", f"{web.url}/missing.md", transport=transport())


def test_a_redirect_to_another_host_is_followed_and_said(run: Any, web: ArxivServer) -> None:
    def moved(handler: Handler) -> None:
        handler.send_response(302)
        handler.send_header("Location", f"http://localhost:{web.url.rsplit(':', 1)[1]}{RAW}")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    web.routes["/moved.md"] = moved
    result = run("import", "--dry-run", f"{web.url}/moved.md")
    assert result.exit_code == 0
    assert result.stderr.startswith(f"redirected: {web.url}/moved.md -> http://localhost:")
    assert (
        "add: [ ] playing-atari-deep-reinforcement: Playing Atari with Deep Reinforcement Learning"
        in result.stdout
    )
