"""arXiv identifiers: every form a person pastes, reduced to one canonical id.

Strict on purpose: an id that arXiv could never have issued is refused here, before
any request, so a typo is reported as a typo (exit 2) and not as "not found".
The rules and test vectors are those of arXiv's identifier scheme
(https://info.arxiv.org/help/arxiv_identifier.html):

* new style ``YYMM.NNNN`` for 0704-1412, ``YYMM.NNNNN`` from 1501 on, sequence from 1;
* old style ``archive[.XX]/YYMMNNN`` for 9108-0703, where the subject class ``.XX`` is
  not part of the id (``math.GT/0309136`` is ``math/0309136``).

Imported on the start-up path of every command, so it uses nothing but ``re``, ``datetime`` and ``typing``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from papers.errors import InvalidArxivIdError

# The archives that issued old-style ids; a made-up archive is a typo, not an id.
OLD_ARCHIVES = frozenset(
    {
        "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an", "chao-dyn",
        "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an", "gr-qc", "hep-ex",
        "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th", "nlin", "nucl-ex", "nucl-th",
        "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph", "solv-int", "supr-con",
    }
)  # fmt: skip

_HINT = "Give an id like 2005.14165 or a link to arxiv.org/abs/..."

_URL = re.compile(
    r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/"
    r"(?:abs|pdf|html|format|src|ps|tb|bibtex|e-print)/(?:arxiv:)?(?P<rest>[^?#]*?)(?:\.pdf)?/?(?:[?#].*)?",
    re.IGNORECASE,
)
_DOI = re.compile(
    r"(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*)?10\.48550/arxiv\.(?P<rest>.+)", re.IGNORECASE
)
_PREFIX = re.compile(r"arxiv:\s*(?P<rest>.+)", re.IGNORECASE)
# The "Cite as" form ends with the primary category: ``arXiv:2005.14165v4 [cs.CL]``.
_CATEGORY_SUFFIX = re.compile(r"\s+\[[A-Za-z.-]+\]$")
# Text that is clearly meant as an arXiv id or link, so a malformed one is a typo to refuse
# (exit 2) rather than a catalogue query that finds nothing.
_ID_LIKE = re.compile(r"^arxiv:|arxiv\.org/|10\.48550/|^\d{4}\.\d|^[a-z-]+(?:\.[a-z]{2})?/\d", re.IGNORECASE)
_NEW = re.compile(r"(?P<yy>\d\d)(?P<mm>\d\d)\.(?P<num>\d+)(?:[vV](?P<v>\w*))?")
_OLD = re.compile(
    r"(?P<arch>[A-Za-z]+(?:-[A-Za-z]+)?)(?:\.(?P<cls>[A-Za-z]+))?/"
    r"(?P<yy>\d\d)(?P<mm>\d\d)(?P<num>\d+)(?:[vV](?P<v>\w*))?"
)
_VERSION = re.compile(r"[1-9]\d{0,5}")


class ArxivId(NamedTuple):
    """A versionless arXiv id (``2005.14165``, ``math/0309136``) and the version asked for, if any.

    A NamedTuple, not a dataclass: `add` reads its title with this module, and an edit imports no
    dataclasses (nor inspect, under it)."""

    id: str
    version: int | None = None

    def __str__(self) -> str:
        return self.id

    @property
    def versioned(self) -> str:
        """The id as arXiv's ``id_list`` wants it: with ``vN`` when a version was asked for."""
        return self.id if self.version is None else f"{self.id}v{self.version}"


def parse_arxiv_id(text: str, *, today: date | None = None) -> ArxivId:
    """Parse an id, ``arXiv:`` citation, arxiv.org link or arXiv DOI; raise InvalidArxivIdError.

    ``today`` bounds the newest month that can have ids (default: the real date).
    """
    core = text.strip()
    match = _NEW.fullmatch(core)  # a bare new-style id, as the catalogue holds them: nothing to strip
    if match is None:
        core = _strip_decoration(core, text)
        match = _NEW.fullmatch(core)
    if match:
        return _new_style(text, match, today)
    match = _OLD.fullmatch(core)
    if match:
        return _old_style(text, match)
    raise _invalid(text, "not in the form YYMM.NNNNN or archive/YYMMNNN")


def arxiv_id_from_link(url: str) -> ArxivId | None:
    """The arXiv id behind a catalogue link, or None if the link is not an arXiv paper."""
    try:
        return parse_arxiv_id(url)
    except InvalidArxivIdError:
        return None


def _invalid(text: str, reason: str) -> InvalidArxivIdError:
    return InvalidArxivIdError(f"not an arXiv id: {text!r} ({reason}). {_HINT}")


def _strip_decoration(core: str, text: str) -> str:
    if not core:
        raise _invalid(text, "empty")
    for pattern in (_URL, _DOI, _PREFIX):
        match = pattern.fullmatch(core)
        if match:
            core = match["rest"].strip()
            break
    else:
        if "://" in core or core.lower().startswith(("www.", "arxiv.org", "doi.org")):
            raise _invalid(text, "not a link to an arXiv paper")
    return _CATEGORY_SUFFIX.sub("", core)


def _version(text: str, raw: str | None) -> int | None:
    if raw is None:
        return None
    if not _VERSION.fullmatch(raw):
        raise _invalid(text, f"bad version 'v{raw}'; versions are v1, v2, ...")
    return int(raw)


def _check_month(text: str, mm: str) -> None:
    if not 1 <= int(mm) <= 12:
        raise _invalid(text, f"month {mm}")


_happened = "0000"  # the latest month (YYMM) the real date has shown to have begun: it stays begun


def _new_style(text: str, match: re.Match[str], today: date | None) -> ArxivId:
    global _happened
    yy, mm, num = match["yy"], match["mm"], match["num"]
    _check_month(text, mm)
    yymm = yy + mm
    # Two-digit years run 07..99 for 2007..2099; anything earlier than April 2007 predates the scheme.
    if yymm < "0704":
        raise _invalid(text, "new-style ids start in April 2007 (0704)")
    # The real date is asked only for a month later than one it already showed (reading a catalogue
    # parses every item's id: a clock read each was a tenth of the parse).
    if today is not None or yymm > _happened:
        now = today or date.today()
        if (2000 + int(yy), int(mm)) > (now.year, now.month):
            raise _invalid(text, f"{yymm} is a month that has not happened yet")
        if today is None:
            _happened = f"{now.year % 100:02d}{now.month:02d}"
    digits = 5 if yymm >= "1501" else 4
    if len(num) != digits:
        era = "from 2015 on" if digits == 5 else "before 2015"
        raise _invalid(text, f"ids {era} have a {digits}-digit number after the dot")
    if int(num) == 0:
        raise _invalid(text, "sequence number 0")
    version = _version(text, match["v"])
    return ArxivId(f"{yymm}.{num}", version)


def _old_style(text: str, match: re.Match[str]) -> ArxivId:
    archive, cls, yy, mm, num = (match[k] for k in ("arch", "cls", "yy", "mm", "num"))
    archive = archive.lower()
    if archive not in OLD_ARCHIVES:
        raise _invalid(text, f"unknown archive {archive!r}")
    if cls is not None and not (len(cls) == 2 and cls.isupper()):
        raise _invalid(text, f"subject class {cls!r} must be two capital letters, like math.GT")
    if len(num) != 3:
        raise _invalid(text, "old-style ids have 7 digits after the slash")
    _check_month(text, mm)
    year = (1900 if yy >= "91" else 2000) + int(yy)
    if not (1991, 8) <= (year, int(mm)) <= (2007, 3):
        raise _invalid(text, "old-style ids run from 9108 to 0703")
    if num == "000":
        raise _invalid(text, "sequence number 000")
    version = _version(text, match["v"])
    return ArxivId(f"{archive}/{yy}{mm}{num}", version)


def looks_like_arxiv(text: str) -> bool:
    """Whether `text` is clearly meant as an arXiv id or link (a malformed one is then refused)."""
    return _ID_LIKE.search(text.strip()) is not None
