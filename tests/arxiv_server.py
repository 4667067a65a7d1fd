"""A stand-in for arXiv's API, so that no test reaches the internet.

``arxiv_server`` is a real HTTP server on 127.0.0.1 that answers like arXiv's API, from the
recorded responses in fixtures/arxiv/ (both API generations), and can be scripted to stall,
fail, trickle bytes, loop redirects, or send garbage, broken gzip and gzip bombs. Paths other
than the API serve ``files`` (pages and PDFs) or scripted ``routes``. What it shares with the
Semantic Scholar stand-in (the server, the handler's base, ``fake_clock``) is in http_server.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import http_server
from http_server import FakeClock, StandIn, StandInHandler, serving
from http_server import stall as stall  # a scripted answer the tests import from here

FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"


# --- recorded entries, indexed by versionless id, per API generation ----------------------------

_ENTRY = re.compile(rb"<entry>.*?</entry>", re.DOTALL)
_ENTRY_ID = re.compile(rb"<id>http://arxiv\.org/abs/(.+?)v\d+</id>")


def _recorded_entries(generation: str) -> dict[str, bytes]:
    entries: dict[str, bytes] = {}
    for path in sorted(FIXTURES.glob("*.xml")):
        is_old = "oldapi" in path.name
        if is_old != (generation == "old"):
            continue
        for block in _ENTRY.findall(path.read_bytes()):
            found = _ENTRY_ID.search(block)
            if found:
                entries.setdefault(found[1].decode(), block)
    return entries


RECORDED = {"new": _recorded_entries("new"), "old": _recorded_entries("old")}

NEW_FEED = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" \
xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/HASH</id>
  <title>arXiv Query: test</title>
  <updated>2026-04-12T22:09:26Z</updated>
  <opensearch:itemsPerPage>%(n)d</opensearch:itemsPerPage>
  <opensearch:totalResults>%(total)d</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
%(entries)s
</feed>
"""
OLD_FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?x" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: test</title>
  <id>http://arxiv.org/api/HASH</id>
  <updated>2025-08-20T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">%(total)d</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">%(n)d</opensearch:itemsPerPage>
%(entries)s
</feed>
"""
# For ids with no recording (the 1,000-id batch): the new API's shape, as in the recordings
# newapi-2025-11_*.xml (arXiv's API after its 2025-11-11 reimplementation).
NEW_ENTRY = """<entry>
    <id>http://arxiv.org/abs/{id}v1</id>
    <title>Synthetic paper {id}</title>
    <updated>2020-05-28T17:29:03Z</updated>
    <link href="https://arxiv.org/abs/{id}v1" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/{id}v1" rel="related" type="application/pdf" title="pdf"/>
    <summary>An abstract.</summary>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <published>2020-05-28T17:29:03Z</published>
    <arxiv:primary_category term="cs.CL"/>
    <author><name>Ada Lovelace</name></author>
  </entry>"""
OLD_ENTRY = """<entry>
    <id>http://arxiv.org/abs/{id}v1</id>
    <updated>2020-05-28T17:29:03Z</updated>
    <published>2020-05-28T17:29:03Z</published>
    <title>Synthetic paper
  {id}</title>
    <summary>  An
abstract.
</summary>
    <author><name>Ada Lovelace</name></author>
    <link href="http://arxiv.org/abs/{id}v1" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{id}v1" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
  </entry>"""


def new_entry(
    arxiv_id: str, title: str, authors: list[str], published: str = "2020-05-28T17:29:03Z"
) -> bytes:
    """An entry in the new API's shape (as NEW_ENTRY) for a paper with no recording."""
    names = "".join(f"<author><name>{name}</name></author>" for name in authors)
    return (
        NEW_ENTRY.format(id=arxiv_id)
        .replace(f"Synthetic paper {arxiv_id}", title)
        .replace("<author><name>Ada Lovelace</name></author>", names)
        .replace("2020-05-28T17:29:03Z", published)
        .encode()
    )


def atom_feed(
    ids: list[str],
    generation: str = "new",
    unknown: frozenset[str] = frozenset(),
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A response as arXiv would send it for ``id_list=ids``: recorded entries where we have them."""
    blocks = []
    for versioned in ids:
        base = re.sub(r"v\d+$", "", versioned)
        if base in unknown:
            continue  # the new API drops unknown ids silently
        made = (extra or {}).get(base)
        recorded = RECORDED[generation].get(base)
        template = NEW_ENTRY if generation == "new" else OLD_ENTRY
        block = made or recorded or template.format(id=base).encode()
        if versioned != base and not recorded:
            block = block.replace(
                f"{base}v1".encode(), versioned.encode()
            )  # arXiv answers the version asked for
        blocks.append(block)
    template_feed = NEW_FEED if generation == "new" else OLD_FEED
    return template_feed % {b"n": len(ids), b"total": len(blocks), b"entries": b"\n  ".join(blocks)}


# --- the server ---------------------------------------------------------------------------------

Action = Callable[["Handler"], None]


@dataclass
class Request:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float


@dataclass
class ArxivServer(StandIn):
    generation: str = "new"
    unknown: frozenset[str] = frozenset()
    requests: list[Request] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    entries: dict[str, bytes] = field(default_factory=dict)  # id -> <entry> to answer with
    routes: dict[str, Action] = field(default_factory=dict)  # path -> what to answer, every time
    searches: dict[str, bytes] = field(default_factory=dict)  # search_query -> feed (else an empty feed)

    @property
    def api(self) -> str:
        return f"{self.url}/api/query"

    @property
    def api_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path == "/api/query"]


class Handler(StandInHandler):
    server_state: ArxivServer

    def do_GET(self) -> None:
        state = self.server_state
        split = urlsplit(self.path)
        state.requests.append(Request(split.path, parse_qs(split.query), dict(self.headers), state.clock()))
        if split.path == "/api/query" and state.script:
            state.script.pop(0)(self)
        elif split.path == "/api/query":
            answer_feed(self)
        elif split.path in state.routes:
            state.routes[split.path](self)
        elif split.path in state.files:
            kind = "text/html; charset=utf-8" if split.path.startswith("/page") else "application/pdf"
            send(self, 200, state.files[split.path], content_type=kind)
        else:
            send(self, 404, b"not here", content_type="text/plain")


def send(
    handler: Handler,
    status: int,
    body: bytes,
    headers: dict[str, str] | None = None,
    content_type: str = "application/atom+xml; charset=utf-8",
) -> None:
    http_server.send(handler, status, body, headers, content_type)


def answer_feed(handler: Handler) -> None:
    state = handler.server_state
    query = parse_qs(urlsplit(handler.path).query)
    if "search_query" in query:  # a title search (papers resolve): as recorded, or nothing found
        found = state.searches.get(query["search_query"][0])
        send(handler, 200, found or atom_feed([], state.generation))
        return
    ids = query.get("id_list", [""])[0].split(",")
    send(handler, 200, atom_feed([i for i in ids if i], state.generation, state.unknown, state.entries))


def status(code: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Action:
    return lambda handler: send(handler, code, body, headers, content_type="text/plain")


def body(payload: bytes, code: int = 200) -> Action:
    return lambda handler: send(handler, code, payload)


def huge(declared: int | None, actual: int) -> Action:
    """A 200 whose body is ``actual`` bytes, announced as ``declared`` (None: no Content-Length)."""

    def action(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/atom+xml")
        if declared is None:
            handler.close_connection = True
        else:
            handler.send_header("Content-Length", str(declared))
        handler.end_headers()
        chunk = b"<" + b"x" * 65535
        try:
            sent = 0
            while sent < actual:
                handler.wfile.write(chunk)
                sent += len(chunk)
                handler.server_state.bytes_sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            return
        handler.server_state.release.wait(5)

    return action


def trickle(payload: bytes, every: float = 0.05, content_type: str = "application/atom+xml") -> Action:
    """A 200 that announces ``payload`` and sends it one byte at a time, ``every`` seconds apart."""

    def action(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        _drip(handler, payload, every)

    return action


def trickle_headers(every: float = 0.05) -> Action:
    """A status line and then headers that never end, one byte at a time."""

    def action(handler: Handler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        _drip(handler, b"X-Slow: " + b"x" * 100_000, every)

    return action


def _drip(handler: Handler, payload: bytes, every: float) -> None:
    state = handler.server_state
    handler.close_connection = True
    try:
        for byte in payload:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            state.bytes_sent += 1
            if state.release.wait(every):  # the test is over
                return
    except (BrokenPipeError, ConnectionResetError):
        return


def redirect(location: str, code: int = 302) -> Action:
    def action(handler: Handler) -> None:
        handler.send_response(code)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return action


def gzipped(payload: bytes, content_type: str = "application/atom+xml", cut: int = 0) -> Action:
    """``payload`` gzip-compressed, as a server does with Content-Encoding; ``cut`` bytes lost at the end."""
    import gzip

    packed = gzip.compress(payload)
    packed = packed[: len(packed) - cut]

    def action(handler: Handler) -> None:
        send(handler, 200, packed, {"Content-Encoding": "gzip"}, content_type=content_type)

    return action


def corrupt_gzip(handler: Handler) -> None:
    send(handler, 200, b"\x1f\x8b\x08\x00" + b"not really gzip" * 10, {"Content-Encoding": "gzip"})


@pytest.fixture
def arxiv_server(fake_clock: FakeClock) -> Iterator[ArxivServer]:
    with serving(ArxivServer(url="", clock=fake_clock), Handler) as state:
        yield state
