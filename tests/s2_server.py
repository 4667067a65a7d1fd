"""A stand-in for Semantic Scholar's Graph API (batch, title match, errors), so no test reaches it.

``s2_server`` is a real HTTP server on 127.0.0.1, built like arxiv_server.py on http_server.py. It answers
``POST /graph/v1/paper/batch`` from ``papers`` (id asked -> record in the shape of the recorded
responses in fixtures/semanticscholar/; ``null`` for any other id, as S2 does), ``GET
/graph/v1/paper/search/match`` from ``matches`` (404 ``{"error": "Title match not found"}`` else),
and can be scripted (``then``) to send 429s, 5xx with ``message``, garbage, a stall or a huge body.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

import http_server
from http_server import FakeClock, StandIn, StandInHandler, serving
from http_server import stall as stall  # a scripted answer the tests import from here

FIXTURES = Path(__file__).parent / "fixtures" / "semanticscholar"


def recorded_batch() -> tuple[list[str], list[Any]]:
    """The recorded batch with an unknown id (test_get_papers_not_found_warning.yaml): ids asked, answer."""
    import yaml

    cassette = yaml.safe_load((FIXTURES / "danielnsilva__test_get_papers_not_found_warning.yaml").read_text())
    interaction = cassette["interactions"][0]
    ids = json.loads(interaction["request"]["body"])["ids"]
    return ids, json.loads(interaction["response"]["body"]["string"])


def recorded_match() -> dict[str, Any]:
    import yaml

    cassette = yaml.safe_load((FIXTURES / "danielnsilva__test_search_paper_match_title.yaml").read_text())
    answer: dict[str, Any] = json.loads(cassette["interactions"][0]["response"]["body"]["string"])
    return answer


def paper(
    title: str,
    *,
    arxiv: str | None = None,
    doi: str | None = None,
    year: int | None = 2017,
    authors: tuple[str, ...] = ("A. Author",),
    venue: str = "",
    cites: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A record in the recorded shape; ``cites`` are ids (``ARXIV:x`` / ``DOI:y``) of its references."""
    digest = hashlib.sha1(title.encode()).hexdigest()
    external: dict[str, Any] = {"CorpusId": int(digest[:7], 16)}
    if arxiv:
        external["ArXiv"] = arxiv
    if doi:
        external["DOI"] = doi
    references = []
    for cited in cites:
        kind, _, value = cited.partition(":")
        references.append({"paperId": None, "externalIds": {"ArXiv" if kind == "ARXIV" else "DOI": value}})
    return {
        "paperId": digest,
        "externalIds": external,
        "title": title,
        "year": year,
        "authors": [{"authorId": str(i), "name": name} for i, name in enumerate(authors)],
        "venue": venue,
        "publicationDate": f"{year}-01-01" if year else None,
        "abstract": None,
        "citationCount": 10,
        "references": references,
    }


# The shipped catalogue's two papers that are only a DOI, as Semantic Scholar answers for them.
SHIPPED_DOIS = {
    "DOI:10.1162/neco.1997.9.8.1735": paper(
        "Long Short-Term Memory", doi="10.1162/neco.1997.9.8.1735", year=1997,
        authors=("Sepp Hochreiter", "J. Schmidhuber"), venue="Neural Computation",
    ),
    "DOI:10.1214/aoms/1177729586": paper(
        "A Stochastic Approximation Method", doi="10.1214/AOMS/1177729586", year=1951,
        authors=("H. Robbins", "S. Monro"), venue="Annals of Mathematical Statistics",
    ),
}  # fmt: skip

Action = Callable[["Handler"], None]


@dataclass
class S2Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    at: float


@dataclass
class S2Server(StandIn):
    papers: dict[str, Any] = field(default_factory=dict)
    matches: dict[str, Any] = field(default_factory=dict)  # normalised query -> one record
    requests: list[S2Request] = field(default_factory=list)

    @property
    def api(self) -> str:
        return f"{self.url}/graph/v1"

    @property
    def batches(self) -> list[S2Request]:
        return [r for r in self.requests if r.path == "/graph/v1/paper/batch"]


class Handler(StandInHandler):
    server_state: S2Server

    def _record(self, method: str) -> Any:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        state = self.server_state
        state.requests.append(
            S2Request(method, split.path, parse_qs(split.query), dict(self.headers), body, state.clock())
        )
        return split

    def do_POST(self) -> None:
        split = self._record("POST")
        state = self.server_state
        if state.script:
            state.script.pop(0)(self)
        elif split.path == "/graph/v1/paper/batch":
            ids = state.requests[-1].body["ids"]
            reply(self, 200, [state.papers.get(i) for i in ids])
        else:
            reply(self, 404, {"error": "Not found"})

    def do_GET(self) -> None:
        split = self._record("GET")
        state = self.server_state
        if state.script:
            state.script.pop(0)(self)
        elif split.path == "/graph/v1/paper/search/match":
            query = " ".join(parse_qs(split.query).get("query", [""])[0].lower().split())
            found = state.matches.get(query)
            if found is None:
                reply(self, 404, {"error": "Title match not found"})
            else:
                reply(self, 200, {"data": [found]})
        else:
            reply(self, 404, {"error": "Not found"})


def send(handler: Handler, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    http_server.send(handler, code, body, headers, "application/json")


def reply(handler: Handler, code: int, data: Any, headers: dict[str, str] | None = None) -> None:
    send(handler, code, json.dumps(data).encode(), headers)


def answer(code: int, data: Any, headers: dict[str, str] | None = None) -> Action:
    return lambda handler: reply(handler, code, data, headers)


TOO_MANY = answer(429, {"message": "Too Many Requests"}, {"x-amzn-ErrorType": "TooManyRequestsException"})


def raw(code: int, body: bytes) -> Action:
    return lambda handler: send(handler, code, body)


@pytest.fixture
def s2_server(fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[S2Server]:
    with serving(S2Server(url="", clock=fake_clock), Handler) as state:
        monkeypatch.setenv("PAPERS_S2_URL", state.api)
        yield state


def shipped_papers() -> dict[str, Any]:
    """Semantic Scholar's answer for every paper of the frozen catalogue, in the recorded shape.

    fixtures/semanticscholar/shipped.json: titles and years as the catalogue holds them, the two
    DOI-only papers as SHIPPED_DOIS, and references among the catalogue's papers chosen by hand
    (who cites whom, as the papers do), so the graph and `papers next` have a known answer."""
    papers: dict[str, Any] = json.loads((FIXTURES / "shipped.json").read_text())
    return papers
