"""Merging an imported list into a catalogue: which items are new, which are already there, what to tick.

Both sides are plain catalogue dicts (``formats.shapes``), so any import format can be merged; the plan
it returns is applied to papers.yaml by ``actions.importing``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from papers.formats.shapes import CatalogueDict, ItemDict, SectionDict, one_line, unique
from papers.model.keys import is_valid_key, unique_key


@dataclass(frozen=True)
class Addition:
    """A new item to put into an existing section: at its top level, or under the existing ``parent_key``."""

    section: str
    parent_key: str | None
    item: ItemDict


@dataclass(frozen=True)
class MergeResult:
    """What importing a list into a catalogue changes; the core applies it to papers.yaml.

    ``new_sections`` are complete (notes and new items) and go after the existing ones; ``additions`` go
    into existing sections, in order; ``to_tick`` are keys of existing items the import ticks, and
    ``tick_days`` the day each was done, for those whose line says (``(done 2026-11-20)``).
    """

    title: str | None = None
    catalogue_notes: list[str] = field(default_factory=list)
    section_notes: dict[str, list[str]] = field(default_factory=dict)
    new_sections: list[SectionDict] = field(default_factory=list)
    additions: list[Addition] = field(default_factory=list)
    to_tick: list[str] = field(default_factory=list)
    tick_days: dict[str, str] = field(default_factory=dict)
    added: int = 0
    matched: int = 0
    kept_notes: int = 0


@dataclass
class _Existing:
    item: ItemDict
    section: str


class _Merger:
    def __init__(self, existing: CatalogueDict) -> None:
        self.items: list[_Existing] = []
        for section in existing.get("sections") or []:
            self._collect(section.get("items") or [], str(section.get("name")))
        self.by_arxiv: dict[str, list[int]] = {}
        self.by_url: dict[str, list[int]] = {}
        self.by_key: dict[str, list[int]] = {}
        self.by_title: dict[str, list[int]] = {}
        for index, entry in enumerate(self.items):
            item = entry.item
            if item.get("arxiv"):
                self.by_arxiv.setdefault(str(item["arxiv"]), []).append(index)
            for url in _item_urls(item):
                self.by_url.setdefault(url, []).append(index)
            if item.get("key"):
                self.by_key.setdefault(str(item["key"]), []).append(index)
            for text in unique(_title_forms(item)):
                self.by_title.setdefault(text, []).append(index)
        self.consumed: set[int] = set()
        self.taken = {str(entry.item.get("key")) for entry in self.items}
        self.additions: list[Addition] = []
        self.to_tick: list[str] = []
        self.tick_days: dict[str, str] = {}
        self.added = 0

    def _collect(self, items: list[ItemDict], section: str) -> None:
        for item in items:
            self.items.append(_Existing(item, section))
            self._collect(item.get("children") or [], section)

    def find(self, item: ItemDict) -> int | None:
        """The first unmatched existing item with the same arXiv id, a shared URL, the key, or the title."""
        if not self.items:  # into an empty catalogue: nothing to look up
            return None
        candidates: list[int] = []
        if item.get("arxiv"):
            candidates += self.by_arxiv.get(str(item["arxiv"]), [])
        for url in _item_urls(item):
            candidates += self.by_url.get(url, [])
        candidates += self.by_key.get(str(item.get("key")), [])
        for text in _title_forms(item):
            candidates += self.by_title.get(text, [])
        for index in candidates:
            if index in self.consumed:
                continue
            theirs = self.items[index].item.get("arxiv")
            # Two different arXiv ids are two papers, even when they share a blog link or a title.
            if theirs and item.get("arxiv") and theirs != item["arxiv"]:
                continue
            return index
        return None

    def visit(self, item: ItemDict, place: _Place) -> None:
        index = self.find(item)
        if index is not None:
            self.consumed.add(index)
            existing = self.items[index]
            key = str(existing.item.get("key"))
            if item.get("status") == "done" and existing.item.get("status") != "done":
                self.to_tick.append(key)
                if item.get("done_on"):
                    self.tick_days[key] = str(item["done_on"])
            under: _Place = _ExistingPlace(self, existing.section, key)
        else:
            new = {name: value for name, value in item.items() if name != "children"}
            if new.get("key") in self.taken or not is_valid_key(str(new.get("key"))):
                new["key"] = unique_key(str(new.get("title") or ""), self.taken)
            self.taken.add(new["key"])
            self.added += 1
            place.put(new)
            under = _NewPlace(new)
        for child in item.get("children") or []:
            self.visit(child, under)


class _Place(Protocol):
    def put(self, item: ItemDict) -> None: ...


class _ExistingPlace:
    def __init__(self, merger: _Merger, section: str, parent_key: str | None) -> None:
        self.merger, self.section, self.parent_key = merger, section, parent_key

    def put(self, item: ItemDict) -> None:
        self.merger.additions.append(Addition(self.section, self.parent_key, item))


class _NewPlace:
    def __init__(self, parent: ItemDict | SectionDict, field_name: str = "children") -> None:
        self.parent, self.field_name = parent, field_name

    def put(self, item: ItemDict) -> None:
        # Created on first use: an item whose children all matched elsewhere keeps no empty list.
        self.parent.setdefault(self.field_name, []).append(item)


def _item_urls(item: ItemDict) -> list[str]:
    urls = [str(item["url"])] if item.get("url") else []
    return unique([*urls, *(str(link) for link in item.get("links") or [])])


def _title_forms(item: ItemDict) -> list[str]:
    forms = [one_line(str(item.get(name) or "")).casefold() for name in ("title", "listed_as")]
    return [form for form in forms if form]


def note_lines(notes: Sequence[str]) -> int:
    """How many lines the notes hold (a code block is one note of several lines)."""
    return sum(note.count("\n") + 1 for note in notes)


def new_notes(imported: Sequence[str], existing: Sequence[str]) -> list[str]:
    """The imported note lines the existing ones do not already hold, in order.

    Counted, not de-duplicated: a line the list has twice is kept twice, and is new only as often
    as the list has it more often than the catalogue. So importing the same list again adds nothing.
    A code block is one note of several lines (``formats.markdown``), kept whole.
    """
    have = Counter(existing)
    fresh: list[str] = []
    for note in imported:
        if have[note] > 0:
            have[note] -= 1
        else:
            fresh.append(note)
    return fresh


def merge(existing: CatalogueDict, imported: CatalogueDict) -> MergeResult:
    """Decide what an imported list adds to an existing catalogue, without changing either.

    An imported item matches an existing one with the same arXiv id, a shared URL, the same key, or the
    same title or ``listed_as`` (case-insensitive), unless their arXiv ids differ. Each existing item
    matches at most one imported item, so an item listed twice stays twice. A match is not added again;
    its new children go under it. Ticks are only ever added: an imported tick ticks an unticked existing
    item, and an imported untick never unticks one. New items keep their key unless it is taken, then get
    ``unique_key(title, ...)``; sections match by name, case-insensitively. Note lines are added as ``new_notes`` says.
    """
    merger = _Merger(existing)
    existing_sections = {
        str(section.get("name")).casefold(): section for section in existing.get("sections") or []
    }
    title = imported.get("title") if not existing.get("title") else None
    catalogue_notes = new_notes(imported.get("notes") or [], existing.get("notes") or [])
    section_notes: dict[str, list[str]] = {}
    new_sections: list[SectionDict] = []
    for section in imported.get("sections") or []:
        name = str(section.get("name"))
        target = existing_sections.get(name.casefold())
        place: _Place
        if target is None:
            new_section: SectionDict = {
                "name": name,
                "notes": list(section.get("notes") or []),
                "items": [],
            }
            new_sections.append(new_section)
            existing_sections[name.casefold()] = new_section
            place = _NewPlace(new_section, "items")
        elif any(new is target for new in new_sections):
            place = _NewPlace(target, "items")
        else:
            fresh = new_notes(section.get("notes") or [], target.get("notes") or [])
            if fresh:
                section_notes.setdefault(str(target.get("name")), []).extend(fresh)
            place = _ExistingPlace(merger, str(target.get("name")), None)
        for item in section.get("items") or []:
            merger.visit(item, place)
    kept = note_lines(catalogue_notes) + sum(map(note_lines, section_notes.values()))
    kept += sum(note_lines(section["notes"]) for section in new_sections)
    return MergeResult(
        title=title,
        catalogue_notes=catalogue_notes,
        section_notes=section_notes,
        new_sections=new_sections,
        additions=merger.additions,
        to_tick=merger.to_tick,
        tick_days=merger.tick_days,
        added=merger.added,
        matched=len(merger.consumed),
        kept_notes=kept,
    )
