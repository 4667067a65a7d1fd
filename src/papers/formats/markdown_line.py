"""One checklist item's line: reading its text into fields, and writing fields back as such a line.

``- [x] [Title](https://arxiv.org/abs/1706.03762) (2017) [link](https://x.org) (started 2026-11-02, done
2026-11-20) <!-- key: k; group -->``: the title (link text stays in it), its links (an arXiv one becomes
``arxiv``), a parenthesised year, the days it was started and done, and the closing comment that
carries the key and the grouping mark. ``formats.markdown`` does the
structure around the lines (headings, nesting, notes, keys).
"""

from __future__ import annotations

import datetime as dt
import re

from papers.formats.citation import (
    arxiv_in_text,
    arxiv_of_url,
    citation_fields,
    cites_paper,
    doi_in_text,
    is_label,
)
from papers.formats.shapes import ItemDict, one_line, unique
from papers.model.keys import is_valid_key
from papers.model.schema import PRIORITIES

# The text to_markdown gives every link after the title's own. It is a marker rather than a word of the
# title, so on import it adds nothing to the title: that is what keeps export/import idempotent.
EXTRA_LINK_TEXT = "link"
# What marks a grouping item (``group: true``) in the comment that closes its line.
GROUP_MARK = "group"

_LINK_TEXT = r"(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*"
_LINK_DEST = r"<[^<>\n]+>|(?:[^\s()<>]|\([^\s()<>]*\))+"
_LINK_TITLE = r"\"[^\"]*\"|'[^']*'|\([^()]*\)"
_MD_LINK = rf"\[(?P<text>{_LINK_TEXT})\]\((?P<dest>{_LINK_DEST})(?:[ \t]+(?:{_LINK_TITLE}))?[ \t]*\)"
_AUTOLINK = r"<(?P<auto>https?://[^\s<>]+)>"
_BARE_URL = r"(?P<bare>https?://[^\s<>]+)"
# An image (``![alt](src)``, or by reference, ``![image][paper]``: a badge): never words of a title, nor a link.
_IMAGE = r"(?P<image>!\[[^\[\]\n]*\](?:\([^()\s]*\)|\[[^\[\]\n]*\]))"
_TOKEN = re.compile(f"{_IMAGE}|{_MD_LINK}|{_AUTOLINK}|{_BARE_URL}", re.IGNORECASE)
_LONE_LINK = re.compile(_MD_LINK)
# What a link destination cannot hold unless it is written in angle brackets.
_NOT_BARE = re.compile(r"[\s()<>]")

_YEAR_ALONE = re.compile(r"\(\s*((?:1[89]|20)\d\d)\s*\)")
_YEAR_LAST_IN_GROUP = re.compile(r"\([^()]*?,\s*((?:1[89]|20)\d\d)\s*\)")
_EMPTY_GROUP = re.compile(r"\(\s*\)|\[\s*\]")
# The days, last before the closing comment: (done D), (started D), (started D, done D), (reading).
_DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DAYS = re.compile(
    rf"\((?:(?P<reading>reading)|started (?P<started>{_DAY})(?:, done (?P<done>{_DAY}))?|done (?P<done_alone>{_DAY}))\)[ \t]*$"
)


def parse_item(
    text: str, *, ticked: bool, cited: bool = False, title_text: str | None = None
) -> tuple[ItemDict, str | None]:
    """The item a line's text (after ``- [ ]``, or a whole cited line) describes, without its key
    yet, and the key its closing comment asks for (None: none). A ``cited`` line (one that is not a
    checkbox but cites a paper) also gives authors, and its title is cleaned of markdown; a table
    row's ``title_text`` is the cell its title comes from."""
    text, explicit_key, marks = _split_comment(text)
    text, days = _split_days(text, ticked=ticked)
    marks.update(days)
    listed_as = one_line(text) if cited else text.strip()
    words, urls = _split_links(listed_as)
    if not one_line(_EMPTY_GROUP.sub(" ", words)):  # only labels: then they are the title
        words, urls = _split_links(listed_as, drop_labels=False)
    arxiv = next((a for a in map(arxiv_id, urls) if a), None) or arxiv_in_text(listed_as)
    links = unique(u for u in urls if arxiv is None or arxiv_id(u) != arxiv)
    doi = doi_in_text(listed_as) if arxiv is None else None
    if doi and not any(doi in link for link in links):
        links.append(f"https://doi.org/{doi}")
    cleaned = one_line(_EMPTY_GROUP.sub(" ", words))
    authors: list[str] = []
    if cited:
        title, authors, year = citation_fields(words if title_text is None else _cell_title(title_text))
    else:
        title, year = split_year(cleaned)
    # A line that is only a year or only a URL still needs a title a person recognises.
    title = title or cleaned or (urls[0] if urls else "")

    item: ItemDict = {"key": "", "title": title, "status": "done" if ticked else "todo", **marks}
    if arxiv:
        item["arxiv"] = arxiv
    if year is not None:
        item["year"] = year
    if authors:
        item["authors"] = authors
    if links:
        item["links"] = links
    if listed_as:
        item["listed_as"] = listed_as
    return item, explicit_key


def _split_comment(text: str) -> tuple[str, str | None, ItemDict]:
    """The item's text without its closing ``<!-- key: KEY; group; tags: a, b; priority: high -->``
    comment, the key, and the fields the other marks give. Any part may be missing; any other
    comment is text."""
    at = text.rfind("<!--")
    tail = text[at:].rstrip(" \t") if at >= 0 else ""
    if not tail.endswith("-->") or len(tail) < 7:
        return text, None, {}
    key: str | None = None
    marks: ItemDict = {}
    for part in tail[4:-3].split(";"):
        part = part.strip(" \t")
        name, _, value = part.partition(":")
        value = value.strip(" \t")
        if part == GROUP_MARK:
            marks["group"] = True
        elif name == "key" and key is None:
            key = value
        elif name == "tags" and "tags" not in marks:
            marks["tags"] = [tag for tag in (t.strip(" \t") for t in value.split(",")) if tag]
        elif name == "priority" and value in PRIORITIES and "priority" not in marks:
            marks["priority"] = value
        else:
            return text, None, {}
    return text[:at], key, marks


def _split_days(text: str, *, ticked: bool) -> tuple[str, ItemDict]:
    """The text without the days at its end, and the fields they give: ``(done D)`` and
    ``(started D, done D)`` on a ticked line, ``(started D)`` (status reading on an unticked
    line) and ``(reading)`` on an unticked one. Anything else, or a day that is no date, is text."""
    match = _DAYS.search(text)
    if match is None:
        return text, {}
    started, done = match["started"], match["done"] or match["done_alone"]
    if (ticked and match["reading"]) or (done and not ticked):
        return text, {}
    try:
        for day in (started, done):
            if day:
                dt.date.fromisoformat(day)
    except ValueError:
        return text, {}
    fields: ItemDict = {} if ticked else {"status": "reading"}
    if started:
        fields["started_on"] = started
    if done:
        fields["done_on"] = done
    return text[: match.start()], fields


def days_text(item: ItemDict) -> str:
    """What ``_split_days`` reads back to the item's days: a paper being read or done only."""
    return _days_text(item.get("status"), item.get("started_on"), item.get("done_on"))


def _days_text(status: object, started: object, done: object) -> str:
    if status not in ("reading", "done"):
        return ""
    days = [f"started {started}"] if started else []
    if status == "done" and done:
        days.append(f"done {done}")
    if not days:
        return "(reading)" if status == "reading" else ""
    return f"({', '.join(days)})"


def _split_links(text: str, *, drop_labels: bool = True) -> tuple[str, list[str]]:
    """The text with URLs removed (link text kept), and the URLs in order."""
    pieces: list[str] = []
    urls: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        pieces.append(text[pos : match.start()])
        pos = match.end()
        if match.group("image") is not None:
            continue
        if match.group("dest") is not None:
            urls.append(match.group("dest").removeprefix("<").removesuffix(">"))
            if match.group("text") != EXTRA_LINK_TEXT and (
                not drop_labels or _is_title_text(match.group("text"))
            ):
                pieces.append(match.group("text"))
        elif match.group("auto") is not None:
            urls.append(match.group("auto"))
        else:
            url, rest = _trim_bare_url(match.group("bare"))
            urls.append(url)
            pieces.append(rest)
    pieces.append(text[pos:])
    return " ".join(pieces), urls


def _is_title_text(text: str) -> bool:
    """Whether a link's text is words of the title: not the ``link`` marker export writes, nor a
    label such as ``pdf``, ``[pdf]`` or ``code``."""
    return text != EXTRA_LINK_TEXT and not is_label(text)


def _trim_bare_url(url: str) -> tuple[str, str]:
    """Split off what prose puts after a URL: ``(see https://x.org/a).`` keeps ``).`` as text."""
    counts = {bracket: url.count(bracket) for bracket in "()[]"}
    end = len(url)
    while end > 0:
        last = url[end - 1]
        opener = {")": "(", "]": "["}.get(last)
        unbalanced = opener is not None and counts[opener] < counts[last]
        if last in ".,;:!?'\"*_" or unbalanced:
            end -= 1
            if last in counts:
                counts[last] -= 1
        else:
            break
    return url[:end], url[end:]


def split_year(text: str) -> tuple[str, int | None]:
    """``GPT (2018)`` -> ``("GPT", 2018)``; ``Seq2Seq (Ilya, 2014)`` keeps its text and gives 2014."""
    alone = list(_YEAR_ALONE.finditer(text))
    if alone:
        # The last one, because that is where to_markdown appends the year: re-import then finds it again.
        last = alone[-1]
        return one_line(text[: last.start()] + " " + text[last.end() :]), int(last.group(1))
    in_group = list(_YEAR_LAST_IN_GROUP.finditer(text))
    if in_group:
        return text, int(in_group[-1].group(1))
    return text, None


def arxiv_id(url: str) -> str | None:
    """The versionless arXiv id a link points at (abs, PDF, DOI ... forms), else None."""
    return arxiv_of_url(url)  # a relative link or plain text is never an arXiv paper


def item_text(item: ItemDict) -> str:
    """The text after ``- [ ]`` that ``parse_item`` reads back to the item's title, links, year,
    days, key and group."""
    return line_text(*map(item.get, LINE_FIELDS))


# The fields `line_text` writes, in the order it takes them.
LINE_FIELDS = (
    *("title", "arxiv", "url", "links", "year", "status", "started_on", "done_on"),
    *("key", "group", "tags", "priority"),
)


def line_text(
    title: object,
    arxiv: object,
    url: object,
    links: object,
    year: object,
    status: object,
    started: object,
    done: object,
    key: object,
    group: object,
    tags: object,
    priority: object,
) -> str:
    """`item_text` of the item with these fields (in the order of LINE_FIELDS; an export hands them
    straight from the items, without a dict each)."""
    title = one_line(str(title or ""))
    primary, extra = _primary_and_extra_links(arxiv, url, links)
    if primary is not None and _safe_link_text(title):
        head = f"[{title}]({_link_dest(primary)})"
    else:
        head = title
        extra = [primary, *extra] if primary is not None else extra
    if isinstance(year, int) and split_year(title) != (title, year):
        head = f"{head} ({year})"
    parts = [
        head,
        *[f"[{EXTRA_LINK_TEXT}]({_link_dest(url)})" for url in extra],
        _days_text(status, started, done),
    ]
    marks = [f"key: {key}"] if isinstance(key, str) and is_valid_key(key) else []
    if group:
        marks.append(GROUP_MARK)
    if tags:
        shown_tags = [_mark_text(tag) for tag in tags]  # type: ignore[attr-defined]
        if any(shown_tags):
            marks.append(f"tags: {', '.join(tag for tag in shown_tags if tag)}")
    if priority in ("high", "low"):
        marks.append(f"priority: {priority}")
    if marks:
        parts.append(f"<!-- {'; '.join(marks)} -->")
    return " ".join(filter(None, parts))


def _mark_text(value: object) -> str:
    """A value as the closing comment can carry it (no separator, no end of comment)."""
    return " ".join(str(value).replace(",", " ").replace(";", " ").replace("-->", " ").split())


def _primary_and_extra_links(arxiv: object, url: object, links: object) -> tuple[str | None, list[str]]:
    """The address the title links to (arXiv, else url, else the first link), and the others."""
    candidates: list[str] = []
    if arxiv:
        candidates.append(f"https://arxiv.org/abs/{arxiv}")
    if url:
        candidates.append(str(url))
    candidates.extend(map(str, links or []))  # type: ignore[call-overload]
    candidates = unique(candidates)
    if not candidates:
        return None, []
    return candidates[0], candidates[1:]


def _safe_link_text(title: str) -> bool:
    """Whether ``[title](...)`` reads back as one link whose text is exactly the title."""
    if not title or not _is_title_text(title):
        return False
    if "[" not in title and "]" not in title and "\\" not in title:
        return True  # the link text's pattern takes a text without brackets and backslashes whole
    match = _LONE_LINK.fullmatch(f"[{title}](x)")
    return match is not None and match.group("text") == title


def _link_dest(url: str) -> str:
    return f"<{url}>" if _NOT_BARE.search(url) else url


def cites(text: str) -> bool:
    """Whether a list line's text (not a checkbox) cites a paper: see ``formats.citation``."""
    _, urls = _split_links(_split_comment(text)[0])
    return cites_paper(text, urls)


def _cell_title(cell: str) -> str:
    """A table cell's title words: its bold span, else the text before a run of spaces or a dash
    that starts a summary (``1) PaperBench  OpenAI introduces ...``)."""
    words = _split_links(cell)[0]
    if "**" in words or "__" in words:
        return words
    return re.split(r"\s{2,}|\s[-–—]\s", words.strip(), maxsplit=1)[0]
