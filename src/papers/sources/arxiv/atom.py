"""arXiv API responses (Atom XML) -> our own ``PaperMeta`` records.

The API was reimplemented on 2025-11-11 and the XML changed shape: element order,
``xmlns`` placement, whitespace and link attributes all differ between the two
generations (compare the recordings in tests/fixtures/arxiv/, listed with their sources in
its SOURCES file, and arXiv's API manual, https://info.arxiv.org/help/api/user-manual.html).
So everything here is found by namespace + element name,
never by position, and the PDF link is recognised in three ways.

The body comes from the network, so it is hostile until proven otherwise: any DOCTYPE
or ENTITY declaration is refused before it takes effect (no DTD, no entity, internal or
external, is ever expanded or loaded), and anything that is not well-formed XML becomes
a ``FetchError`` instead of a silently empty result. Control characters XML forbids (an
ESC in a title) are dropped before parsing, so one bad title cannot fail a whole batch with
a message about XML; and an entry without a field papers needs (``<published>``, ``<title>``)
is listed in ``Feed.rejected`` rather than made into a record that would crash a later command. We drive ``xml.parsers.expat``
ourselves rather than using ``ElementTree.fromstring`` because that gives no hook to
refuse a DOCTYPE; doing it here avoids a dependency on defusedxml for one check.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.parsers import expat

from papers.errors import ArxivRejectedError, FetchError
from papers.model.paper import InvalidRecordError, PaperMeta

__all__ = ["Feed", "PaperMeta", "normalise_abstract", "parse_feed"]

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"

_ABS_PREFIX = re.compile(r"^https?://(?:www\.|export\.)?arxiv\.org/abs/")
_HTTP_ARXIV = re.compile(r"^http://(?:www\.)?arxiv\.org/")
_VERSIONED = re.compile(r"(?P<id>.+?)v(?P<v>\d+)")
# Paragraph breaks survive as a blank line or as a newline followed by indentation
# ("\n  "); a bare newline is the old API's hard wrap at 80 columns.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*|\n[ \t]+")


# Characters XML 1.0 forbids even as references: C0 controls other than tab, newline, return.
_XML_FORBIDDEN = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f]|&#(?:0*(?:[0-8]|1[1-24-9]|2\d|3[01])|x0*(?:[0-8bcef]|1[0-9a-f]));",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Feed:
    """One API response: its records, and the ids of entries too incomplete to be one (id -> why)."""

    entries: tuple[PaperMeta, ...]
    rejected: dict[str, str] = field(default_factory=dict)


def parse_feed(body: bytes) -> Feed:
    """Parse an API response; raise ArxivRejectedError for arXiv's error entry, FetchError if unreadable."""
    root = _parse_xml(body)
    if root.tag != f"{ATOM}feed":
        raise FetchError(f"arXiv sent a response papers cannot read: expected an Atom feed, got <{root.tag}>")
    raw_entries = root.findall(f"{ATOM}entry")
    for entry in raw_entries:
        _raise_if_error_entry(entry)
    entries: list[PaperMeta] = []
    rejected: dict[str, str] = {}
    # The old API sent empty <entry> shells (no <id>) for ids it did not have: skip them.
    for raw in raw_entries:
        if not _text(raw, f"{ATOM}id"):
            continue
        try:
            entries.append(_paper(raw))
        except InvalidRecordError as err:
            rejected[_entry_id(raw)[0]] = str(err)
    return Feed(entries=tuple(entries), rejected=rejected)


def normalise_abstract(text: str) -> str:
    """Strip, keep paragraphs (joined by a blank line), collapse whitespace within each one."""
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text.strip()))
    return "\n\n".join(p for p in paragraphs if p)


def _parse_xml(body: bytes) -> ET.Element:
    # arXiv sends UTF-8; a stray invalid byte becomes U+FFFD instead of failing the whole batch.
    text = _XML_FORBIDDEN.sub("", body.decode("utf-8", errors="replace"))
    builder = ET.TreeBuilder()
    # "}" as separator turns "{uri}local" into "uri}local"; we add the "{" back.
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_: object) -> None:
        raise FetchError(
            "arXiv sent a response papers cannot read: it declares a DTD or entities, which papers refuses"
        )

    def qualify(name: str) -> str:
        return "{" + name if "}" in name else name

    def start(name: str, attrs: dict[str, str]) -> None:
        builder.start(qualify(name), {qualify(k): v for k, v in attrs.items()})

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: builder.end(qualify(name))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(text, True)
        return builder.close()
    except expat.ExpatError as err:
        raise FetchError(f"arXiv sent a response papers cannot read: {err}") from None
    except AssertionError:  # TreeBuilder.close() on a document with no element
        raise FetchError("arXiv sent a response papers cannot read: no XML element") from None


def _raise_if_error_entry(entry: ET.Element) -> None:
    entry_id = _text(entry, f"{ATOM}id") or ""
    title = _text(entry, f"{ATOM}title")
    authors = [_text(a, f"{ATOM}name") for a in entry.findall(f"{ATOM}author")]
    if "/api/errors" in entry_id or (title == "Error" and authors == ["arXiv api core"]):
        summary = " ".join((_text(entry, f"{ATOM}summary") or "").split())
        raise ArxivRejectedError(summary or entry_id)


def _entry_id(entry: ET.Element) -> tuple[str, int | None]:
    return _split_version(_ABS_PREFIX.sub("", (_text(entry, f"{ATOM}id") or "").strip()))


def _paper(entry: ET.Element) -> PaperMeta:
    """The entry as a record; InvalidRecordError if it lacks what papers needs."""
    arxiv_id, version = _entry_id(entry)
    versioned = arxiv_id if version is None else f"{arxiv_id}v{version}"
    categories = tuple(term for c in entry.findall(f"{ATOM}category") if (term := c.get("term", "").strip()))
    primary = entry.find(f"{ARXIV}primary_category")
    primary_term = (primary.get("term", "") if primary is not None else "").strip()
    return PaperMeta(
        arxiv_id=arxiv_id,
        version=version,
        title=" ".join((_text(entry, f"{ATOM}title") or "").split()),
        authors=tuple(
            " ".join(name.split())
            for a in entry.findall(f"{ATOM}author")
            if (name := _text(a, f"{ATOM}name"))
        ),
        abstract=normalise_abstract(_text(entry, f"{ATOM}summary") or ""),
        published=(published := _iso(_text(entry, f"{ATOM}published"))),
        updated=_iso(_text(entry, f"{ATOM}updated")) or published,
        primary_category=primary_term or (categories[0] if categories else ""),
        categories=categories,
        doi=_optional(entry, f"{ARXIV}doi"),
        journal_ref=_optional(entry, f"{ARXIV}journal_ref"),
        comment=_optional(entry, f"{ARXIV}comment"),
        pdf_url=_pdf_url(entry) or f"https://arxiv.org/pdf/{versioned}",
        abs_url=f"https://arxiv.org/abs/{versioned}",
    )


def _pdf_url(entry: ET.Element) -> str | None:
    links = entry.findall(f"{ATOM}link")
    # Nov 2025: for a few days links came with no title/rel/type at all, hence the href test.
    for test in (
        lambda link: link.get("title") == "pdf",
        lambda link: link.get("type") == "application/pdf",
        lambda link: "/pdf/" in link.get("href", ""),
    ):
        for link in links:
            href = link.get("href")
            if test(link) and href:
                # The old API linked over plain http; arxiv.org only redirects that to https.
                return _HTTP_ARXIV.sub("https://arxiv.org/", href)
    return None


def _split_version(versioned: str) -> tuple[str, int | None]:
    match = _VERSIONED.fullmatch(versioned)
    if match is None:
        return versioned, None
    return match["id"], int(match["v"])


def _text(element: ET.Element, tag: str) -> str | None:
    child = element.find(tag)
    return None if child is None else (child.text or "")


def _optional(element: ET.Element, tag: str) -> str | None:
    text = " ".join((_text(element, tag) or "").split())
    return text or None


def _iso(text: str | None) -> str:
    """UTC ``YYYY-MM-DDTHH:MM:SSZ``; the manual's examples carry offsets like -05:00."""
    if not text or not text.strip():
        return ""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRecordError(f"bad date {text.strip()!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
