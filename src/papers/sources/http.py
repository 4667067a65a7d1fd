"""The one polite HTTP transport every source uses; httpx is imported here and nowhere else.

What every request gets, whoever makes it:

* our User-Agent (arXiv asks API clients to name themselves);
* pacing per host: at least ``pace(host, seconds)`` from the end of one request to a host to
  the start of the next, retries included, on the injected clock so tests never sleep (the
  bookkeeping of pacing and deadlines is in ``sources/pacing.py``);
* retries only where they help: connection errors, timeouts, 5xx and 429, at most
  ``max_retries``, backing off ``backoff`` * 1, 2, 4 ... s and never less than ``Retry-After``
  says (read against the injected wall clock ``now``); never on another 4xx (these rules, and
  those for redirects, are in ``sources/retries.py``);
* an overall deadline: ``give_up_after`` per request (retries included) and, if set with
  ``limit_command``, one for the whole command. It holds against a server that trickles a
  byte at a time: each read checks the clock, and a watchdog shuts the socket at the deadline,
  so a read that would wait longer ends too;
* redirects followed by hand, at most 5, a loop reported as a loop; a redirect to another
  host only where the caller allows it (``cross_host=True``: page titles, PDFs), and then
  never silently (``notify`` is told);
* bodies streamed and capped, and decompressed here, in bounded steps, so a 10 KB gzip bomb
  is refused at the cap like any other oversized body, and a broken gzip body is an error;
* every failure an ``FetchError`` (exit 3) with one line saying what happened.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TypeVar

import httpx

import papers
from papers.errors import FetchError
from papers.sources.limits import Watchdog, decoder, inflate
from papers.sources.pacing import Deadlines, Pacing
from papers.sources.retries import (
    MAX_REDIRECTS,
    REDIRECT_STATUS,
    RETRYABLE_STATUS,
    Retryable,
    check_redirect,
    host,
    join,
    retry_after,
    wait_or_give_up,
)

USER_AGENT = f"papers/{papers.__version__} (reading-list tracker; httpx/{httpx.__version__})"
MB = 1024 * 1024

_T = TypeVar("_T")


class BodyTooLargeError(FetchError):
    """A body larger than the caller accepts (a FetchError, exit 3, unless the caller words it)."""


class Response:
    """What a source sees of an answer: status, headers, and a body read within the limits."""

    def __init__(self, raw: httpx.Response, site: str, check: Callable[[], None]) -> None:
        self._raw = raw
        self.site = site
        self._check = check
        self.status = raw.status_code
        self.reason = raw.reason_phrase
        self.url = str(raw.url)
        self.headers: dict[str, str] = {k.lower(): v for k, v in raw.headers.items()}

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def status_line(self) -> str:
        return f"HTTP {self.status} {self.reason}".strip()

    @property
    def content_type(self) -> str:
        """The media type, lower case, without parameters ("" if not given)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        return self._raw.charset_encoding

    @property
    def content_length(self) -> int | None:
        value = self.headers.get("content-length", "")
        return int(value) if value.isdigit() else None

    def iter_bytes(self, limit: int) -> Iterator[bytes]:
        """The body, decompressed, in pieces; FetchError once it passes ``limit`` bytes."""
        inflater = decoder(self.headers.get("content-encoding", ""), self.site)
        size = 0
        for raw in self._raw.iter_raw():  # as it arrives: a chunk size would buffer a trickle
            self._check()
            pieces = [raw] if inflater is None else inflate(inflater, raw, limit - size, self.site)
            for piece in pieces:
                size += len(piece)
                if size > limit:
                    what = "expands to" if inflater is not None else "is"
                    raise BodyTooLargeError(
                        f"{self.site} sent a response papers cannot read: it {what} more than "
                        f"the {_size(limit)} papers accepts"
                    )
                yield piece
        if inflater is not None and not inflater.eof:
            raise FetchError(
                f"{self.site} sent a response papers cannot read: its compressed body is cut short"
            )

    def read(self, limit: int, *, truncate: bool = False) -> bytes:
        """The body, at most ``limit`` bytes: refused above it, or with ``truncate`` cut there."""
        length = self.content_length
        if length is not None and length > limit and not truncate:
            raise BodyTooLargeError(
                f"{self.site} sent a response papers cannot read: "
                f"{length} bytes is more than the {_size(limit)} papers accepts"
            )
        parts: list[bytes] = []
        size = 0
        try:
            for piece in self.iter_bytes(limit):
                parts.append(piece)
                size += len(piece)
        except FetchError:
            if not truncate:
                raise
        return b"".join(parts)[:limit]


def _size(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB else f"{limit} bytes"


class Transport:
    """One HTTP client with one set of rules for every request papers makes (see the module docstring)."""

    def __init__(
        self,
        *,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], float] = time.time,
        notify: Callable[[str], None] | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        give_up_after: float = 30.0,
        max_retries: int = 3,
        backoff: float = 3.0,
    ) -> None:
        self._own_http = http is None
        # No keep-alive: every request gets its own connection, so the watchdog always knows its socket.
        self._http = (
            http if http is not None else httpx.Client(limits=httpx.Limits(max_keepalive_connections=0))
        )
        self._clock = clock
        self._sleep = sleep
        self._now = now
        self._notify = notify
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.give_up_after = give_up_after
        self.max_retries = max_retries
        self.backoff = backoff
        self._pacing = Pacing(clock, sleep)
        self._deadlines = Deadlines(clock)

    def close(self) -> None:
        if self._own_http:
            self._http.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def pace(self, host: str, seconds: float, name: str | None = None) -> None:
        """Keep ``seconds`` between requests to ``host``; call it ``name`` in messages."""
        self._pacing.pace(host, seconds, name)

    def limit_command(self, seconds: float) -> None:
        """From now on, every request must end within ``seconds`` in total."""
        self._deadlines.limit_command(seconds)

    def site(self, url: str) -> str:
        """What messages call the server behind ``url``: its name if it was given one, else its host."""
        return self._pacing.name(host(url) or url)

    def get(
        self,
        url: str,
        handle: Callable[[Response], _T],
        *,
        cross_host: bool = False,
        budget: float | None = None,
    ) -> _T:
        """GET ``url`` and return ``handle(response)``, retrying where that helps, within the deadline.

        ``budget`` replaces ``give_up_after`` for this request (a PDF may take longer than a query).
        """
        return self._request(_Call("GET", url), handle, cross_host=cross_host, budget=budget)

    def post(
        self,
        url: str,
        content: bytes,
        handle: Callable[[Response], _T],
        *,
        headers: dict[str, str] | None = None,
        explain: Callable[[Response], str] | None = None,
        too_many: str = "",
        budget: float | None = None,
    ) -> _T:
        """POST ``content`` (JSON) to ``url``, with the same pacing, retries and deadlines as ``get``.

        ``headers`` are sent and never shown (an API key); ``explain`` words a retryable answer
        from its body (a 5xx with a message); ``too_many`` is added to the error when the last
        try was refused with 429 (what to do about a rate limit).
        """
        call = _Call("POST", url, content, headers or {}, explain, too_many)
        return self._request(call, handle, cross_host=False, budget=budget)

    def _request(
        self, call: _Call, handle: Callable[[Response], _T], *, cross_host: bool, budget: float | None
    ) -> _T:
        url = call.url
        if not host(url):
            raise FetchError(f"could not fetch {url}: not a web address papers can ask")
        budget = self.give_up_after if budget is None else budget
        deadline = self._deadlines.deadline(budget)
        attempt_budget = self.connect_timeout + self.read_timeout
        attempt = 0
        while True:
            try:
                return self._follow(call, handle, deadline, budget, cross_host)
            except Retryable as err:
                failure = err
            attempt += 1
            wait = wait_or_give_up(
                failure,
                attempt,
                site=self.site(url),
                max_retries=self.max_retries,
                backoff=self.backoff,
                clock=self._clock,
                deadline=deadline,
                attempt_budget=attempt_budget,
                spent=lambda: self._deadlines.words(deadline, budget),
                too_many=call.too_many,
            )
            self._sleep(wait)

    def _follow(
        self, call: _Call, handle: Callable[[Response], _T], deadline: float, budget: float, cross_host: bool
    ) -> _T:
        url = call.url
        seen = [url]
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            with self._send(call, current, deadline, budget) as response:
                location = response.headers.get("location")
                if response.status in REDIRECT_STATUS and location:
                    target = join(current, location)
                    check_redirect(
                        self.site(url), current, target, seen, cross_host=cross_host, notify=self._notify
                    )
                    seen.append(target)
                    current = target
                    continue
                if response.status in RETRYABLE_STATUS:
                    problem = response.status_line
                    if call.explain is not None:
                        with suppress(FetchError):
                            problem = call.explain(response) or problem
                    raise Retryable(
                        problem, retry_after(response.headers.get("retry-after"), self._now), response.status
                    )
                return handle(response)
        raise FetchError(
            f"{self.site(url)} redirected more than {MAX_REDIRECTS} times (last to {current}). "
            "Check the link in a browser"
        )

    @contextmanager
    def _send(self, call: _Call, url: str, deadline: float, budget: float) -> Iterator[Response]:
        to = host(url)
        self._pacing.wait_for_turn(to)
        remaining = deadline - self._clock()
        site = self.site(url)
        if remaining <= 0:
            raise FetchError(
                f"could not reach {site}: no time left ({self._deadlines.the_budget(deadline, budget)} is used up)"
            )
        timeout = httpx.Timeout(
            connect=min(self.connect_timeout, remaining),
            read=min(self.read_timeout, remaining),
            write=min(self.read_timeout, remaining),
            pool=min(self.connect_timeout, remaining),
        )
        watchdog = Watchdog(remaining)

        def check() -> None:
            if watchdog.fired or self._clock() > deadline:
                raise _OutOfTime

        try:
            with (
                watchdog,
                self._http.stream(
                    call.method,
                    url,
                    content=call.content,
                    headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", **call.headers},
                    timeout=timeout,
                    follow_redirects=False,
                    extensions={"trace": watchdog.trace},
                ) as raw,
            ):
                yield Response(raw, site, check)
        except _OutOfTime:
            raise self._out_of_time(site, deadline, budget) from None
        except httpx.TimeoutException:
            if watchdog.fired:
                raise self._out_of_time(site, deadline, budget) from None
            raise Retryable(f"no answer within {self.read_timeout:g} s (timed out)") from None
        except httpx.TransportError as err:
            if watchdog.fired:
                raise self._out_of_time(site, deadline, budget) from None
            raise Retryable(" ".join(str(err).split()) or type(err).__name__) from None
        except (httpx.HTTPError, httpx.InvalidURL) as err:
            raise FetchError(
                f"could not fetch {url}: {' '.join(str(err).split()) or type(err).__name__}"
            ) from None
        finally:
            self._pacing.done(to)

    def _out_of_time(self, site: str, deadline: float, budget: float) -> FetchError:
        return FetchError(
            f"could not reach {site}: no complete answer within {self._deadlines.the_budget(deadline, budget)} (gave up)"
        )


class _OutOfTime(Exception):
    pass


@dataclass(frozen=True)
class _Call:
    """One request as asked: what is sent again on every retry."""

    method: str
    url: str
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    explain: Callable[[Response], str] | None = None
    too_many: str = ""
