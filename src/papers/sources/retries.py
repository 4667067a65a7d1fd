"""The transport's rules that need no socket: what is worth another try, how long to wait before
it, when to give up, and which redirects to follow. `sources/http.py` applies them to each request;
nothing here imports httpx.

A retry waits ``backoff`` * 1, 2, 4 ... s, and never less than the server's ``Retry-After``
(seconds, or an HTTP date read against the injected wall clock); it is not tried when the wait
and one more attempt would not fit before the deadline.
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from papers.errors import FetchError
from papers.model.paper import strip_controls

MAX_REDIRECTS = 5
RETRYABLE_STATUS = frozenset({429}) | frozenset(range(500, 600))
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})


class Retryable(Exception):
    """A failure that another try may not have: a connection error, a timeout, a 5xx or a 429."""

    def __init__(self, problem: str, retry_after: float | None = None, status: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.retry_after = retry_after
        self.status = status


def wait_or_give_up(
    failure: Retryable,
    attempt: int,
    *,
    site: str,
    max_retries: int,
    backoff: float,
    clock: Callable[[], float],
    deadline: float,
    attempt_budget: float,
    spent: Callable[[], str],
    too_many: str = "",
) -> float:
    """The seconds to wait before try ``attempt + 1``; FetchError when there is to be none.

    ``spent`` words the time used up; ``too_many`` is added when the last answer was a 429.
    """
    advice = f". {too_many}" if too_many and failure.status == 429 else ""
    if attempt > max_retries:
        raise FetchError(f"could not reach {site}: {failure.problem} (tried {attempt} times){advice}")
    wait: float = max(backoff * 2 ** (attempt - 1), failure.retry_after or 0.0)
    if clock() + wait + attempt_budget > deadline:
        asked = f"; it asked to retry after {failure.retry_after:g} s" if failure.retry_after else ""
        raise FetchError(
            f"could not reach {site}: {failure.problem}{asked} "
            f"(gave up after {attempt} tries, {spent()}){advice}"
        )
    return wait


def retry_after(value: str | None, now: Callable[[], float]) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


def check_redirect(
    site: str,
    current: str,
    target: str,
    seen: list[str],
    *,
    cross_host: bool,
    notify: Callable[[str], None] | None,
) -> None:
    """Refuse a loop, a target that is no web address, and (unless ``cross_host``) another host;
    a redirect to another host that is followed is never silent (``notify`` is told)."""
    if target in seen:
        raise FetchError(f"{site} redirects in a loop ({current} -> {target}). Check the link in a browser")
    old, new = host(current), host(target)
    if not new:
        raise FetchError(f"{site} redirected to {target}, which is not a web address papers can ask")
    if old == new:
        return
    if not cross_host:
        raise FetchError(
            f"{site} redirected to another host ({new}), which papers does not follow for this request. "
            "Check the configured address"
        )
    if notify is not None:
        notify(f"redirected: {current} -> {target}")


def join(base: str, location: str) -> str:
    """Where a Location header points, from the page that sent it."""
    try:
        return urljoin(base, strip_controls(location).strip())
    except ValueError:
        return location


def host(url: str) -> str:
    """The host of an http(s) URL; "" if it has none, is not http(s), or is not a URL at all."""
    try:
        parts = urlsplit(url)
        return (parts.hostname or "") if parts.scheme in ("http", "https") else ""
    except ValueError:  # "http://[nonsense"
        return ""
