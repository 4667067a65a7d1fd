"""Limits on one request that need no HTTP library: the deadline watchdog and bounded decompression.

Kept apart from sources/http.py (the only module that imports httpx) so each stays short.
"""

from __future__ import annotations

import socket
import threading
import zlib
from collections.abc import Iterator
from contextlib import suppress
from typing import Any

from papers.errors import FetchError


class Watchdog:
    """Shuts the request's socket when its deadline passes, so no single read can outlast it."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: the socket is known as soon as the connection is made."""
        if event == "connection.connect_tcp.complete" and info.get("return_value") is not None:
            sock = info["return_value"].get_extra_info("socket")
            with self._lock:
                self._socket = sock
                if self.fired:
                    self._shut()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shut()

    def _shut(self) -> None:
        if self._socket is not None:
            with suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()


def decoder(content_encoding: str, site: str) -> Any:
    """A zlib decompressor for the body's Content-Encoding, or None for none; FetchError if unknown."""
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS)
    raise FetchError(f"{site} sent a body encoded as {encoding!r}, which papers cannot read")


def inflate(inflater: Any, data: bytes, room: int, site: str) -> Iterator[bytes]:
    """Decompress in steps of at most ``room + 1`` bytes, so a bomb never fills memory."""
    try:
        while data and not inflater.eof:
            piece = inflater.decompress(data, max(room, 0) + 1)
            room -= len(piece)
            yield piece
            data = inflater.unconsumed_tail
    except zlib.error as err:
        raise FetchError(
            f"{site} sent a response papers cannot read: broken compressed body ({err})"
        ) from None
