"""Tags and priorities: the pure rules behind `papers tag`, `papers tags`, `papers prioritize`,
`papers list --tag` and `--sort priority` (no I/O; the actions apply the changes).

A tag is one word: no spaces, commas or semicolons (a markdown export writes tags as
`<!-- key: K; tags: a, b -->`), and not starting with `+` or `-` (the command's own marks).
Tags are compared in any case and written in lowercase by the commands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from papers.errors import UsageError
from papers.model.catalogue import Catalogue, Change, Item
from papers.model.schema import PRIORITIES

_TAG = re.compile(r"[^\s,;+\-][^\s,;]*")
PRIORITY_RANK = {name: rank for rank, name in enumerate(PRIORITIES)}


def checked_tag(tag: str) -> str:
    """The tag as papers writes it (lowercase), or UsageError if it cannot be a tag."""
    if not _TAG.fullmatch(tag) or not tag.isprintable():
        shown = tag if tag.isprintable() else repr(tag)
        raise UsageError(
            f"'{shown}' is not a tag: a tag is one word, without spaces, commas or semicolons, "
            "and not starting with + or -"
        )
    return tag.lower()


def tag_changes(
    items: Iterable[Item], add: Sequence[str], remove: Sequence[str]
) -> tuple[list[Change], list[Item]]:
    """The changes that give each item the tags `add` and take away `remove` (in any case), and
    the items that already had exactly that. New tags come after the item's own, in their order."""
    gone = {tag.casefold() for tag in remove}
    changes: list[Change] = []
    unchanged: list[Item] = []
    for item in items:
        kept = [tag for tag in item.tags if tag.casefold() not in gone]
        have = {tag.casefold() for tag in kept}
        new = [tag for tag in dict.fromkeys(add) if tag.casefold() not in have]
        tags = [*kept, *new]
        if tags == list(item.tags):
            unchanged.append(item)
            continue
        removed = [tag for tag in item.tags if tag.casefold() in gone]
        summary = " ".join([*(f"+{t}" for t in new), *(f"-{t}" for t in removed)])
        changes.append(Change(item.key, {"tags": tags or None}, summary))
    return changes, unchanged


def priority_changes(items: Iterable[Item], priority: str) -> tuple[list[Change], list[Item]]:
    """The changes that give each item `priority` (normal, the default, is written as no line)."""
    if priority not in PRIORITIES:
        raise UsageError(f"unknown priority '{priority}'. Use one of: {', '.join(PRIORITIES)}")
    changes: list[Change] = []
    unchanged: list[Item] = []
    for item in items:
        if item.priority == priority:
            unchanged.append(item)
            continue
        value = None if priority == "normal" else priority
        changes.append(Change(item.key, {"priority": value}, f"{item.priority} -> {priority}"))
    return changes, unchanged


def with_tags(items: Iterable[Item], tags: Sequence[str]) -> list[Item]:
    """The items that carry every one of `tags` (in any case)."""
    wanted = {tag.casefold() for tag in tags}
    return [item for item in items if wanted <= {tag.casefold() for tag in item.tags}]


def by_priority(catalogue: Catalogue, items: Sequence[Item]) -> list[Item]:
    """`items` with each section's in priority order (high, normal, low), sections and, within a
    priority, the file's order kept."""
    order = {section.name: rank for rank, section in enumerate(catalogue.sections)}
    return sorted(items, key=lambda item: (order.get(item.section, len(order)), PRIORITY_RANK[item.priority]))


class TagCount(NamedTuple):
    """One tag of the catalogue: how many items carry it and how many of those are done."""

    tag: str
    count: int  # type: ignore[assignment]  # the field, in place of tuple.count (unused here)
    done: int


def tag_counts(catalogue: Catalogue) -> list[TagCount]:
    """Every tag in the catalogue (as first written, tags differing only in case counted as one),
    most used first, then by name."""
    names: dict[str, str] = {}
    counts: dict[str, list[int]] = {}
    for item in catalogue.items:
        for tag in dict.fromkeys(tag.casefold() for tag in item.tags):
            names.setdefault(tag, next(t for t in item.tags if t.casefold() == tag))
            tally = counts.setdefault(tag, [0, 0])
            tally[0] += 1
            tally[1] += item.status == "done"
    rows = [TagCount(names[tag], count, done) for tag, (count, done) in counts.items()]
    return sorted(rows, key=lambda row: (-row.count, row.tag.casefold()))
