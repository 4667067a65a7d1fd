"""What makes a line of a reading list a paper, and the title, authors and year a citation gives.

A list item, table row or paragraph *cites a paper* when it links to one (arXiv, a DOI, OpenReview,
the ACL Anthology, PMLR, NeurIPS, CVF or JMLR proceedings, Semantic Scholar, or any ``.pdf``) or spells
an arXiv id (``arXiv:1502.04623``) or a DOI in its text. Links to a course, a blog, a repository or a
heading of the same page do not: such lines stay notes. ``citation_fields`` reads the common shapes::

    **Distilling the knowledge in a neural network** (2015), G. Hinton et al. [[pdf]](...)
    **[3]** Hinton, Geoffrey E., et al. "**A fast learning algorithm for deep belief nets**." (2006)
    [Attention Is All You Need](https://arxiv.org/abs/1706.03762)
    Some Title (Author et al., 2021): what it is about

Every pattern here is linear in the text (no nested quantifiers over the same characters).
"""

from __future__ import annotations

import re

from papers.errors import InvalidArxivIdError
from papers.formats.shapes import one_line
from papers.model.arxiv_ids import arxiv_id_from_link, parse_arxiv_id

# Link texts that name what a link is rather than the paper: dropped from titles.
_LABEL_WORDS = "abs arxiv bib bibtex blog code colab demo doi github html journal link openreview paper pdf "
_LABEL_WORDS += "poster project proceedings repo site slides summary talk tweet twitter url video website "
_LABEL_WORDS += "pytorch tensorflow keras jax implementation official unofficial notebook"
LABELS = frozenset(_LABEL_WORDS.split(" "))
# Venues a link's text names where it points (``[ICML, 17.07]``), as labels do.
_VENUES = frozenset(
    {
        "aaai",
        "acl",
        "cvpr",
        "eccv",
        "emnlp",
        "iccv",
        "iclr",
        "icml",
        "ijcai",
        "jmlr",
        "naacl",
        "neurips",
        "nips",
    }
    | {"tpami"}
)
# A label or venue with a date after it: ``arxiv, 14.12``, ``arXiv. 16.06``, ``ICML 2017``.
_DATED_LABEL = re.compile(r"([a-z]+)(?:[\s,.;:]+[\d][\d./-]*)?")
_BARE_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?")
_PAPER_URL = re.compile(
    r"(?:arxiv\.org/|doi\.org/|openreview\.net/|aclanthology\.(?:org|info)/|aclweb\.org/anthology|"
    r"proceedings\.mlr\.press/|jmlr\.org/|papers\.nips\.cc/|proceedings\.neurips\.cc/|neurips\.cc/paper|"
    r"openaccess\.thecvf\.com/|cv-foundation\.org/openaccess|semanticscholar\.org/(?:paper|[0-9a-f]{4}/)|"
    r"nature\.com/articles/|science\.org/doi/|sciencedirect\.com/science/article/|dl\.acm\.org/(?:doi/|citation\.cfm)|"
    r"ieeexplore\.ieee\.org/(?:document|abstract|stamp)|link\.springer\.com/(?:article|chapter)/|"
    r"ojs\.aaai\.org/|ijcai\.org/proceedings/|biorxiv\.org/content/|pnas\.org/doi/|"
    r"\.pdf(?:$|[?#&%]))",
    re.IGNORECASE,
)
# An arXiv link whose tail the strict parser refuses (``1112.6209.pdf&embed``): the id is still there.
_LOOSE_ARXIV_URL = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/((?:\d{4}\.\d{4,5})|(?:[a-z-]+(?:\.[a-z]{2})?/\d{7}))", re.IGNORECASE
)
_ARXIV_IN_TEXT = re.compile(
    r"\barxiv\s*:\s*((?:\d{4}\.\d{4,5})|(?:[a-z-]+(?:\.[a-z]{2})?/\d{7}))(?:v\d+)?", re.IGNORECASE
)
_DOI_IN_TEXT = re.compile(r"\b(?:doi:\s*)?(10\.\d{4,9}/[^\s\"'<>\]\[)(,;]+)", re.IGNORECASE)
_BOLD = re.compile(r"\*\*([^*]+)\*\*|__([^_]+)__")
_QUOTED = re.compile(r"[\"“]([^\"“”]+)[\"”]")
_NUMBERING = re.compile(r"^(?:\*\*\[?\d{1,4}[\].):]?\]?\*\*|\[?\d{1,4}[\].):]?\]?)\s+")
_YEAR = re.compile(r"(?<![\d.])((?:19[5-9]|20[0-4])\d)(?![\d.])")
_AUTHOR_YEAR = re.compile(r"\(([^()]*?(?:et al\.?|,)[^()]*?)((?:19|20)\d\d)\)\s*[:\-–—]")
_DESCRIPTION = re.compile(r"\s(?:[-–—]|:)\s")
# A date in parentheses that ends a title: ``(2011)``, ``(Jul 2012)``.
_TITLE_DATE = re.compile(r"\s*\((?:[A-Za-z]{3,9}\.?\s+)?((?:19|20)\d\d)\)$")
_EMPHASIS = re.compile(r"(?<![\w*])[*_]{1,3}|[*_]{1,3}(?![\w*])|`")


def arxiv_of_url(url: str) -> str | None:
    """The versionless arXiv id a link points at, also when junk follows it (``.pdf&embed``)."""
    if "://" not in url or "arxiv" not in url.casefold():  # every arXiv link names it: no parse needed
        return None
    found = arxiv_id_from_link(url.strip())
    if found:
        return found.id
    return _valid(_LOOSE_ARXIV_URL.search(url))


def arxiv_in_text(text: str) -> str | None:
    """An ``arXiv:1502.04623`` written in the text, versionless; else None."""
    if "arxiv" not in text.casefold():
        return None
    return _valid(_ARXIV_IN_TEXT.search(text))


def _valid(found: re.Match[str] | None) -> str | None:
    if found is None:
        return None
    try:
        return parse_arxiv_id(found.group(1)).id
    except InvalidArxivIdError:
        return None


def doi_in_text(text: str) -> str | None:
    if "10." not in text:  # every DOI starts so
        return None
    found = _DOI_IN_TEXT.search(text)
    return found.group(1).rstrip(".") if found else None


def cites_paper(text: str, urls: list[str]) -> bool:
    """Whether a line that links to ``urls`` (its text ``text``) cites a paper (see the module)."""
    if any(_PAPER_URL.search(url) for url in urls if "://" in url):
        return True
    return arxiv_in_text(text) is not None or doi_in_text(text) is not None


def is_label(text: str) -> bool:
    """Whether a link's text names what the link is rather than the paper: ``pdf``, ``[code]``,
    ``**PyTorch**``, ``arxiv, 14.12``, ``[ICML, 17.07]``, or an arXiv id (``[2203.17275v1]``)."""
    label = one_line(text.strip(" []*_`")).casefold()
    if label in LABELS:
        return True
    space = label.find(" ")
    if space > 0 and label.isascii() and label[space:] != label[space:].upper():
        return False  # a letter after the first word: no label is words (one, or one and a date)
    if _BARE_ARXIV_ID.fullmatch(label):
        return True
    dated = _DATED_LABEL.fullmatch(label)
    return dated is not None and (dated.group(1) in LABELS or dated.group(1) in _VENUES)


def plain(text: str) -> str:
    """The text without markdown emphasis and code marks, on one line."""
    return one_line(_EMPHASIS.sub("", text))


def citation_fields(words: str) -> tuple[str, list[str], int | None]:
    """The title, authors and year a cited line's text (links already removed) gives."""
    text = one_line(_NUMBERING.sub("", words.strip()))
    authors = ""
    quoted = _QUOTED.search(text)
    bold = _first_bold(text)
    if (
        quoted
        and len(plain(quoted.group(1)).strip(" .,")) > 3
        and (bold is None or quoted.start() < bold.start())
    ):
        title = quoted.group(1)
        authors, rest = text[: quoted.start()], text[quoted.end() :]
    elif bold is not None:
        title, rest = bold.group(1) or bold.group(2), text[bold.end() :]
        rest = _BOLD.sub(" ", rest)
        tail = re.sub(r"^[\s,]*(?:\((?:19|20)\d\d\))?[\s,]*", "", rest)
        if tail and not tail.startswith(("(", ":", "-")):
            authors = tail.split("(", 1)[0]
    else:
        title, rest = text, ""
        if found := _AUTHOR_YEAR.search(text):
            title, authors, rest = text[: found.start()], found.group(1), found.group(2)
        elif found := _DESCRIPTION.search(text):
            title = text[: found.start()]
    title = plain(_NUMBERING.sub("", plain(title))).strip(" .,;:")
    year_match = _YEAR.findall(_ARXIV_IN_TEXT.sub(" ", rest)) or _YEAR.findall(words)
    year = int(year_match[0]) if year_match else None
    if dated := _TITLE_DATE.search(title):  # "AdaGrad (2011)", "Dropout I (Jul 2012)": a date, not words
        title, year = title[: dated.start()].rstrip(" .,;:"), int(dated.group(1))
    return title, _authors(plain(authors)), year


def _first_bold(text: str) -> re.Match[str] | None:
    for found in _BOLD.finditer(text):
        inner = (found.group(1) or found.group(2)).strip()
        if not re.fullmatch(r"\[?\d{1,4}\]?[.)]?", inner) and len(inner) > 2:
            return found
    return None


def _authors(text: str) -> list[str]:
    """``G. Hinton et al.`` -> ``["G. Hinton et al."]``; ``Hinton, Geoffrey E., and R. Salakhutdinov``
    -> ``["Geoffrey E. Hinton", "R. Salakhutdinov"]``. Empty when the text names nobody."""
    text = one_line(text).strip(" .,;:-–—")
    if not text or len(text) > 300 or not re.search(r"[A-Z]", text):
        return []
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", text) if p.strip(" .")]
    others = any(re.search(r"(?:^|\s)et al\.?$", p) for p in parts)
    parts = [re.sub(r"(?:^|\s+)et al\.?$", "", p) for p in parts]
    parts = [p for p in parts if p]
    # "Hinton, Geoffrey E., Simon Osindero": the first name is written last name first.
    if (
        len(parts) >= 2
        and " " not in parts[0]
        and (re.search(r"\b[A-Z]\.", parts[1]) or any(" " in p for p in parts[2:]))
    ):
        parts = [f"{parts[1]} {parts[0]}", *parts[2:]]
    names = parts
    if others and names:
        names[-1] += " et al."
    if any(len(name.split()) > 6 for name in names):
        return []
    return names
