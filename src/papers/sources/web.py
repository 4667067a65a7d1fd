"""Web pages and files that are not an API: a page's title, a paper's PDF.

Both follow a redirect to another host (a DOI resolver, a CDN), saying so through the
transport's ``notify``. What a server answers is checked: a "PDF" that is an HTML page (a
login wall) is refused and not kept, and a title loses any control characters it carried.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

from papers.errors import FetchError, PapersError
from papers.model.paper import strip_controls
from papers.sources.http import MB, Response, Transport
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


class PageError(PapersError):
    """The server answered, but not with the page or file: 404, 403, ... (exit 1, retrying will not help)."""


class NotAPdfError(PapersError):
    """What was downloaded is not a PDF, typically a login page (exit 1: asking again gets the same page)."""


class Web:
    """Page titles and file downloads over the shared transport."""

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
