"""``PaperMeta``: what papers keeps about one paper, whichever source it came from.

A pure data class in model/ (not in sources/) because formats/ (BibTeX) and the CLI read it
too, and formats/ must not import sources/: both sit on the same layer. Every record is
checked when it is made, so a source cannot hand over, and the cache cannot give back, a
record that would crash a later command (no ``published`` date, a title that is not text).

Text from the network may carry terminal control sequences; ``strip_controls`` removes them
from every field when a record is made, so nothing hostile is ever stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

# C0 controls except tab and newline (ESC included), DEL, and the C1 block (U+0080-U+009F).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def strip_controls(text: str) -> str:
    """``text`` without control characters (C0 but tab and newline, DEL, C1): they do nothing but harm."""
    return _CONTROLS.sub("", text)


class InvalidRecordError(ValueError):
    """A record lacks a field papers needs, or holds the wrong kind of value."""


def _clean_and_check(record: PaperMeta | ScholarMeta) -> None:
    """Strip control characters from every text field (and list of texts) of a frozen record made
    just now, then raise InvalidRecordError if it is not a usable one."""
    for spec in fields(record):
        value = getattr(record, spec.name)
        if isinstance(value, str):
            object.__setattr__(record, spec.name, strip_controls(value))
        elif isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            object.__setattr__(record, spec.name, tuple(strip_controls(v) for v in value))
    problem = record._problem()
    if problem:
        raise InvalidRecordError(problem)


@dataclass(frozen=True)
class PaperMeta:
    """One paper's metadata. Dates are UTC ISO 8601 (``2020-05-28T17:29:03Z``).

    Constructing one checks it (InvalidRecordError) and strips control characters from its text.
    """

    arxiv_id: str
    version: int | None
    title: str
    authors: tuple[str, ...]
    abstract: str
    published: str
    updated: str
    primary_category: str
    categories: tuple[str, ...]
    doi: str | None
    journal_ref: str | None
    comment: str | None
    pdf_url: str
    abs_url: str

    def __post_init__(self) -> None:
        _clean_and_check(self)

    def _problem(self) -> str | None:
        required = ("arxiv_id", "title", "published", "pdf_url", "abs_url")
        for name in (*required, "abstract", "updated", "primary_category"):
            if not isinstance(getattr(self, name), str):
                return f"{name} is not text"
        for name in required:
            if not getattr(self, name).strip():
                return f"no {name}"
        if not _ISO_UTC.fullmatch(self.published):
            return f"published is not a date: {self.published!r}"
        for name in ("authors", "categories"):
            value = getattr(self, name)
            if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
                return f"{name} is not a list of names"
        for name in ("doi", "journal_ref", "comment"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                return f"{name} is not text"
        if self.version is not None and (type(self.version) is not int or self.version < 1):
            return f"version is not a positive number: {self.version!r}"
        return None

    @property
    def year(self) -> int:
        """Year v1 was submitted: what a citation of an arXiv preprint gives."""
        return int(self.published[:4])

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"authors": list(self.authors), "categories": list(self.categories)}

    def checked_fields(self) -> dict[str, Any]:
        """The fields by name but the abstract, for ``from_checked_fields``: what the cache's index
        keeps in its main part (the abstracts, most of its bytes, it keeps apart)."""
        return {name: getattr(self, name) for name in PAPER_FIELDS if name != "abstract"}

    @classmethod
    def from_checked_fields(cls, values: dict[str, Any], abstract_of: Callable[[int], str]) -> PaperMeta:
        """A record from ``checked_fields`` of one that was checked when made, not checked again, and
        holding `values` as its own attributes (no copy: the caller hands them over): for the metadata
        cache's index only, which papers wrote and whose checksum it verified (a record file that
        changed since is read and checked as ever). Its abstract is ``abstract_of(values["_abstract_at"])``,
        looked up the first time it is asked for: list, export and next never ask."""
        values["_abstract_of"] = abstract_of
        meta = object.__new__(cls)
        object.__setattr__(meta, "__dict__", values)  # frozen: its own __setattr__ refuses
        return meta

    if not TYPE_CHECKING:  # hidden from mypy, which would take every misspelt attribute for this

        def __getattr__(self, name: str) -> Any:
            # Called only for an attribute not in the record's __dict__: a record of the index's
            # (from_checked_fields) lacks its abstract until it is asked for.
            own = self.__dict__
            if name != "abstract" or "_abstract_of" not in own:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            abstract = own["_abstract_of"](own["_abstract_at"])
            object.__setattr__(self, "abstract", abstract)
            return abstract

    @classmethod
    def from_dict(cls, data: object) -> PaperMeta:
        """A record read back (from the cache); InvalidRecordError if it is not one."""
        if not isinstance(data, dict):
            raise InvalidRecordError("not a JSON object")
        names = {spec.name for spec in fields(cls)}
        missing = sorted(names - data.keys())
        if missing:
            raise InvalidRecordError(f"no {', '.join(missing)}")
        values = {name: data[name] for name in names}
        for name in ("authors", "categories"):
            if isinstance(values[name], list):
                values[name] = tuple(values[name])
        return cls(**values)


PAPER_FIELDS = tuple(spec.name for spec in fields(PaperMeta))


@dataclass(frozen=True)
class ScholarMeta:
    """One paper as Semantic Scholar knows it, with its references (as ids) for the citation graph.

    ``asked`` is the id it was asked for (``ARXIV:1706.03762``, ``DOI:10.1162/neco.1997.9.8.1735``);
    ``references`` holds each cited paper's arXiv id and DOI as ``arxiv:ID`` / ``doi:DOI`` (DOIs
    lower case), the only ids an item can be matched by. Checked when made, as PaperMeta is.
    """

    asked: str
    paper_id: str
    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str = ""
    publication_date: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    abstract: str | None = None
    citation_count: int | None = None
    references: tuple[str, ...] = ()

    source = "s2"

    def __post_init__(self) -> None:
        _clean_and_check(self)

    def _problem(self) -> str | None:
        for name in ("asked", "paper_id", "title", "venue"):
            if not isinstance(getattr(self, name), str):
                return f"{name} is not text"
        if not self.title.strip():
            return "no title"
        for name in ("publication_date", "arxiv_id", "doi", "abstract"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                return f"{name} is not text"
        for name in ("authors", "references"):
            value = getattr(self, name)
            if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
                return f"{name} is not a list of text"
        for name in ("year", "citation_count"):
            value = getattr(self, name)
            if value is not None and type(value) is not int:
                return f"{name} is not a number: {value!r}"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source} | asdict(self) | {
            "authors": list(self.authors), "references": list(self.references)
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: object) -> ScholarMeta:
        """A record read back from the cache; InvalidRecordError if it is not one of Semantic Scholar's."""
        if not isinstance(data, dict) or data.get("source") != cls.source:
            raise InvalidRecordError("not a Semantic Scholar record")
        names = {spec.name for spec in fields(cls)}
        missing = sorted({"asked", "paper_id", "title"} - data.keys())
        if missing:
            raise InvalidRecordError(f"no {', '.join(missing)}")
        values = {name: data[name] for name in names if name in data}
        for name in ("authors", "references"):
            if isinstance(values.get(name), list):
                values[name] = tuple(values[name])
        return cls(**values)


@dataclass(frozen=True)
class NewVersion:
    """A version of a paper that appeared after its item was marked done: ``v3 appeared 2019-01-04``."""

    paper: str  # the paper's id, as its source spells it: 1711.05101
    version: int
    appeared: str  # YYYY-MM-DD
    read_on: str  # the item's done_on

    def __str__(self) -> str:
        return f"{self.paper}: v{self.version} appeared {self.appeared}, after you read it on {self.read_on}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def version_since_read(meta: PaperMeta, status: str, done_on: str | None) -> NewVersion | None:
    """The rule of `papers list --updated` and `papers fetch --refresh`: a done paper was read before its
    latest version when the record is of version 2 or later (the number in arXiv's entry id,
    ``.../abs/2205.14135v2``) and that version's date (the entry's ``updated``: the latest version's
    submission when no version was asked for; ``published`` is v1's) is a later day than ``done_on``.

    A paper done without a day, or whose record is its first version, has nothing to report; so has
    an item pinned to a version (``arxiv: 2205.14135v1``), whose record is that version."""
    if status != "done" or not done_on or meta.version is None or meta.version < 2:
        return None
    appeared = meta.updated[:10]
    if not appeared or appeared <= done_on:
        return None
    return NewVersion(meta.arxiv_id, meta.version, appeared, done_on)
