"""Web pages and files that are not an API: a page's title, a paper's PDF, a reading list's text.

All follow a redirect to another host (a DOI resolver, a CDN), saying so through the
transport's ``notify``. What a server answers is checked: a "PDF" that is an HTML page (a
login wall) is refused and not kept, a title loses any control characters it carried, and a
list must be UTF-8 text within the size given (``Web.list_text``). A GitHub page's address is
read as its raw file's (``raw_address``): the hosts are ``$PAPERS_GITHUB_RAW_URL`` and
``$PAPERS_GIST_RAW_URL`` when set (tests, a mirror).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from papers.errors import FetchError, PapersError
from papers.model.paper import strip_controls
from papers.sources.http import MB, BodyTooLargeError, Response, Transport
from papers.store.fileio import atomic_writer

Progress = Callable[[int, int | None], None]
"""Called as ``progress(done, total)``: ids fetched of ids asked, or bytes of ``total`` (None if unknown)."""

_OG_TITLE = re.compile(
    rb"""<meta\s[^>]*?(?:property|name)\s*=\s*["']og:title["'][^>]*?content\s*=\s*(["'])(.*?)\1"""
    rb"""|<meta\s[^>]*?content\s*=\s*(["'])(.*?)\3[^>]*?(?:property|name)\s*=\s*["']og:title["']""",
    re.IGNORECASE | re.DOTALL,
)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
# A PDF starts with its header; the format allows it anywhere in the first 1,024 bytes.
_PDF_HEADER_WITHIN = 1024


GITHUB_RAW_ENV = "PAPERS_GITHUB_RAW_URL"
GIST_RAW_ENV = "PAPERS_GIST_RAW_URL"
_GITHUB_RAW = "https://raw.githubusercontent.com"
_GIST_RAW = "https://gist.githubusercontent.com"
# Media types no reading list comes as: refused before their body is read.
_BINARY_TYPES = (
    "image/",
    "audio/",
    "video/",
    "font/",
    "application/pdf",
    "application/zip",
    "application/gzip",
)


class PageError(PapersError):
    """The server answered, but not with the page or file: 404, 403, ... (exit 1, retrying will not help)."""


class NotAPdfError(PapersError):
    """What was downloaded is not a PDF, typically a login page (exit 1: asking again gets the same page)."""


class NotAListError(PapersError):
    """What an address sent is not a list papers can import: a web page, binary data, not UTF-8, too
    big (exit 1: asking again gets the same answer)."""


@dataclass(frozen=True)
class FetchedList:
    """A list's text as fetched, and what the answer says of its format (for ``formats`` to weigh)."""

    text: str
    url: str  # the address it was fetched from at last (raw, after redirects)
    content_type: str


def raw_address(url: str) -> str:
    """Where a list's own text is: a GitHub file's page (``github.com/O/R/blob/REF/PATH``, also ``raw/``)
    -> its raw file; a repository (``github.com/O/R``, ``.../tree/REF``) -> its README.md; a gist's page
    -> its raw text (its latest revision). Any other address is itself. The query and the fragment of a GitHub page go."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    path = [part for part in parts.path.split("/") if part]
    if host in ("github.com", "www.github.com") and len(path) >= 2:
        owner, repo = path[0], path[1].removesuffix(".git")
        base = (os.environ.get(GITHUB_RAW_ENV) or _GITHUB_RAW).rstrip("/")
        if len(path) >= 5 and path[2] in ("blob", "raw"):
            return f"{base}/{owner}/{repo}/{'/'.join(path[3:])}"
        if len(path) == 2:
            return f"{base}/{owner}/{repo}/HEAD/README.md"
        if len(path) >= 4 and path[2] == "tree":
            return f"{base}/{owner}/{repo}/{'/'.join(path[3:])}/README.md"
    if host == "gist.github.com" and len(path) == 2:  # a revision's page is asked as it is (HTML: refused)
        base = (os.environ.get(GIST_RAW_ENV) or _GIST_RAW).rstrip("/")
        return f"{base}/{path[0]}/{path[1]}/raw"
    return url


class Web:
    """Page titles, file downloads and lists' text over the shared transport."""

    def __init__(
        self, transport: Transport, *, max_download_bytes: int = 500 * MB, download_budget: float = 120.0
    ) -> None:
        self.transport = transport
        self.max_download_bytes = max_download_bytes
        # A PDF is bigger than an API answer; 120 s still bounds a server that trickles it.
        self.download_budget = download_budget

    def page_title(self, url: str) -> str | None:
        """A web page's ``og:title``, else its ``<title>``; None if it has neither or is not HTML."""

        def title(response: Response) -> str | None:
            _raise_for_status(response, url)
            if "html" not in (response.content_type or "text/html"):
                return None
            # The head comes first; 1 MB is plenty and bounds what a hostile page can make us hold.
            head = response.read(MB, truncate=True)
            for og in _OG_TITLE.finditer(head):
                text = _clean_html_text(og[2] if og[2] is not None else og[4], response)
                if text:
                    return text
            match = _TITLE.search(head)
            return (_clean_html_text(match[1], response) or None) if match else None

        return self.transport.get(url, title, cross_host=True)

    def download_pdf(self, url: str, dest: Path, progress: Progress | None = None) -> Path:
        """Stream a PDF into ``dest`` through a temporary file, so ``dest`` is never half-written or not a PDF."""

        def save(response: Response) -> Path:
            _raise_for_status(response, url)
            if "html" in response.content_type:
                raise _not_a_pdf(url, response)
            total = response.content_length
            if total is not None and total > self.max_download_bytes:
                raise FetchError(f"{response.site} sent a file too large to download: {total} bytes")
            dest.parent.mkdir(parents=True, exist_ok=True)
            with atomic_writer(dest, suffix=".part") as out:
                done = 0
                head = b""
                for chunk in response.iter_bytes(self.max_download_bytes + 1):
                    if len(head) < _PDF_HEADER_WITHIN:
                        head += chunk[:_PDF_HEADER_WITHIN]
                        if b"%PDF-" not in head and len(head) >= _PDF_HEADER_WITHIN:
                            raise _not_a_pdf(url, response)
                    done += len(chunk)
                    if done > self.max_download_bytes:
                        raise FetchError(f"{response.site} sent a file too large to download: {done}+ bytes")
                    out.write(chunk)
                    if progress is not None:
                        progress(done, total)
                if b"%PDF-" not in head:
                    raise _not_a_pdf(url, response)
            return dest

        return self.transport.get(url, save, cross_host=True, budget=self.download_budget)

    def list_text(self, url: str, limit: int) -> FetchedList:
        """The text at ``url`` (a GitHub page's raw file, see ``raw_address``): UTF-8, at most
        ``limit`` bytes, not a web page or binary data (else ``NotAListError``); ``PageError`` if
        the server answers 404 or another refusal, ``FetchError`` if it cannot be reached."""
        address = raw_address(url)

        def text(response: Response) -> FetchedList:
            _raise_for_status(response, url)
            kind = response.content_type
            if "html" in kind:
                raise NotAListError(
                    f"{url} is a web page ({kind}), not a list. Give the address of the raw file"
                )
            if kind.startswith(_BINARY_TYPES):
                raise NotAListError(f"{url} is not text ({kind}). Give the address of a markdown list")
            try:
                body = response.read(limit)
            except BodyTooLargeError:
                raise NotAListError(
                    f"{url} is larger than {f'{limit // MB} MB' if limit >= MB else f'{limit} bytes'}: "
                    "too big for a reading list. "
                    "Give the address of a markdown list"
                ) from None
            if b"\0" in body:
                raise NotAListError(
                    f"{url} is not text (it holds NUL bytes). Give the address of a markdown list"
                )
            try:
                decoded = body.decode("utf-8")
            except UnicodeDecodeError:
                raise NotAListError(f"{url} is not UTF-8 text. Give the address of a markdown list") from None
            return FetchedList(decoded.removeprefix("\ufeff"), response.url, kind)

        return self.transport.get(address, text, cross_host=True)


def _raise_for_status(response: Response, url: str) -> None:
    if not response.ok:
        raise PageError(f"could not fetch {url}: {response.status_line}. Check the link in a browser")


def _not_a_pdf(url: str, response: Response) -> NotAPdfError:
    kind = response.content_type or "no content type"
    return NotAPdfError(
        f"{url} did not send a PDF ({kind}; perhaps a login page), so nothing was saved. "
        "Open the link in a browser"
    )


def _clean_html_text(raw: bytes, response: Response) -> str:
    try:
        text = raw.decode(response.charset or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        text = raw.decode("utf-8", errors="replace")
    return " ".join(strip_controls(html.unescape(text)).split())
