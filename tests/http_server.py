"""What the local stand-ins for remote APIs share, so that each says only how its API answers.

arxiv_server.py (arXiv) and s2_server.py (Semantic Scholar) each have a state (a `StandIn`: its
address, the fake clock, a script of answers, what it was asked) and a handler (`StandInHandler`)
bound to it; `serving` starts one on 127.0.0.1 in a thread and stops it, releasing any stalled
answer first. ``fake_clock`` replaces sleeping: it is the real monotonic clock plus every second
the code under test asked to sleep, so gaps can be asserted without waiting.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self, TypeVar

import pytest


class FakeClock:
    def __init__(self) -> None:
        self.slept: list[float] = []

    def __call__(self) -> float:
        return time.monotonic() + sum(self.slept)

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.slept.append(seconds)


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@dataclass
class StandIn:
    """A stand-in's state: ``script`` answers the next requests in order (one action each), then
    the stand-in answers as its API does; ``release`` ends a stalled or trickling answer."""

    url: str
    clock: FakeClock
    script: list[Callable[[Any], None]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    bytes_sent: int = 0

    def then(self, *actions: Callable[[Any], None]) -> Self:
        self.script.extend(actions)
        return self


class StandInHandler(BaseHTTPRequestHandler):
    server_state: StandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep pytest output clean


def send(
    handler: StandInHandler, status: int, body: bytes, headers: dict[str, str] | None, content_type: str
) -> None:
    """One whole answer with its length, counted in ``bytes_sent``."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)
    handler.server_state.bytes_sent += len(body)


def stall(handler: StandInHandler) -> None:
    """Accept, read the request, and never answer (until the test ends)."""
    handler.server_state.release.wait(10)
    handler.close_connection = True


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-answer (papers refusing a body does) is normal, not news; anything
        else goes to the real stderr, never into the stderr a CliRunner test is asserting."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        traceback.print_exc(file=sys.__stderr__)


_State = TypeVar("_State", bound=StandIn)


@contextmanager
def serving(state: _State, handler: type[StandInHandler]) -> Iterator[_State]:
    """``state`` answering on a free port of 127.0.0.1 (its ``url`` set) until the block ends."""
    bound = type(f"Bound{handler.__name__}", (handler,), {"server_state": state})
    httpd = QuietServer(("127.0.0.1", 0), bound)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)
