"""The catalogue as data: items, sections, progress and the rules of ticking and adding (queries: query.py).

Nothing here reads or writes files. Items are immutable records; a mutation is a pure function
that returns the field changes to make, which `storage` then applies to the file surgically.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, KeysView, Mapping
from operator import itemgetter
from typing import Any, NamedTuple

from papers.errors import AmbiguousQueryError, PaperNotFoundError, SectionNotFoundError, UsageError
from papers.model.keys import is_valid_key, unique_key
from papers.model.schema import FIELD_ORDER, JSON_KEYS, JSON_LISTS, LIST_FIELDS, STATUSES, ItemRecord


class Item(ItemRecord):
    """One entry of the reading list: the fields of `schema.ItemRecord`, plus behaviour.

    A NamedTuple rather than a dataclass: a 10,000-item catalogue is rebuilt from the parse
    cache on every command, and tuples are several times cheaper to create. It holds no file
    positions: where an item sits in papers.yaml is the store's business (`store.parse.Outline`).
    """

    __slots__ = ()

    @property
    def counts_in_progress(self) -> bool:
        """A grouping item is a heading, not a paper: its papers count, it does not."""
        return not self.group

    def to_json(self) -> dict[str, Any]:
        row: tuple[Any, ...] = self
        return {name: list(row[i]) if is_list else row[i] for name, i, is_list in JSON_COLUMNS}


# An item's key, by place rather than by name: `key` is the schema's first field, and itemgetter
# reads a tuple's slot without the attribute lookup (a fifth of indexing 50,000 items by key).
_KEY = itemgetter(ItemRecord._fields.index("key"))

# (key, index in the tuple, whether the value is a list) for each --json key, in schema order, and
# for each field an export writes (children aside): the columns of `json_text.objects`.
JSON_COLUMNS = tuple((name, ItemRecord._fields.index(name), name in JSON_LISTS) for name in JSON_KEYS)
FILE_COLUMNS = tuple(
    (name, ItemRecord._fields.index(name), name in LIST_FIELDS) for name in FIELD_ORDER if name != "children"
)


class Section(NamedTuple):
    name: str
    notes: tuple[str, ...]
    keys: tuple[str, ...]  # every item of the section, children included, in file order


class Catalogue:
    """The title, notes, sections and items of a catalogue; immutable.

    A plain class, not a frozen dataclass (the same fields, equality, hash and repr): a listing
    from the parse cache imports no dataclasses (nor inspect, under it).
    """

    title: str | None
    notes: tuple[str, ...]
    sections: tuple[Section, ...]
    items: tuple[Item, ...]  # in file order: each parent before its children
    _by_key: dict[str, Item]  # every item by its key, built here unless given

    def __init__(
        self,
        title: str | None,
        notes: tuple[str, ...],
        sections: tuple[Section, ...],
        items: tuple[Item, ...],
        _by_key: dict[str, Item] | None = None,
    ) -> None:
        by_key = {} if _by_key is None else _by_key
        if not by_key:
            by_key.update(zip(map(_KEY, items), items, strict=True))  # in C
        for name, value in (("title", title), ("notes", notes), ("sections", sections), ("items", items)):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_by_key", by_key)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field '{name}': a Catalogue is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field '{name}': a Catalogue is immutable")

    def _fields(self) -> tuple[str | None, tuple[str, ...], tuple[Section, ...], tuple[Item, ...]]:
        return self.title, self.notes, self.sections, self.items

    def __eq__(self, other: object) -> bool:
        return self._fields() == other._fields() if type(other) is type(self) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return "Catalogue(title={!r}, notes={!r}, sections={!r}, items={!r})".format(*self._fields())

    def get(self, key: str) -> Item | None:
        return self._by_key.get(key)

    def __getitem__(self, key: str) -> Item:
        return self._by_key[key]

    def by_key(self) -> dict[str, Item]:
        """Every item by its key, in file order: a copy to change (copied in C, not rebuilt)."""
        return dict(self._by_key)

    def lookup(self, keys: Iterable[str]) -> Iterator[Item | None]:
        """The item with each key, or None where there is none, looked up in C."""
        return map(self._by_key.get, keys)

    def items_of(self, keys: Iterable[str]) -> Iterator[Item]:
        """The items with these keys, looked up in C (no Python call per item)."""
        return map(self._by_key.__getitem__, keys)

    @property
    def keys(self) -> KeysView[str]:
        """Every item's key: a live, set-like view, not a copy (callers test membership in loops)."""
        return self._by_key.keys()

    def section(self, name: str) -> Section | None:
        folded = name.casefold()
        return next((s for s in self.sections if s.name.casefold() == folded), None)


# --- sections ----------------------------------------------------------------------------------


def find_section(catalogue: Catalogue, name: str) -> Section:
    """The one section a name or a case-insensitive prefix of it names (`dev`, `some research`).

    A whole name wins over longer names it starts; a prefix of several sections is an error
    that lists them (exit 1, like an ambiguous paper query: the catalogue, not the input, is at issue).
    """
    wanted = " ".join(name.split())
    exact = catalogue.section(wanted)
    if exact is not None:
        return exact
    folded = wanted.casefold()
    candidates = [s for s in catalogue.sections if s.name.casefold().startswith(folded)]
    if not candidates:
        names = tuple(s.name for s in catalogue.sections)
        raise SectionNotFoundError(
            f"no section starts with '{name}'. Sections: " + ", ".join(names), name, names
        )
    if len(candidates) > 1:
        raise AmbiguousQueryError(
            f"'{name}' starts {len(candidates)} sections: "
            + ", ".join(s.name for s in candidates)
            + ". Give more of the name"
        )
    return candidates[0]


# --- mutations ---------------------------------------------------------------------------------


class Change(NamedTuple):
    """Fields to set on one item; a value of None removes the field."""

    key: str
    fields: Mapping[str, Any]
    summary: str


def set_status(
    items: Iterable[Item], status: str, today: str, *, redate: bool = False
) -> tuple[list[Change], list[Item]]:
    """The changes that give each item `status`, and the items that already had it.

    `done` records the day `today` in `done_on`; leaving `done` forgets it. `reading` records the
    day in `started_on`; going back to `todo` forgets that too. With `redate` (a day given on
    purpose), an item already done on another day is moved to `today`, and the summary names the
    day; a day before the one an item was started on is a UsageError, as a paper is not finished
    before it is begun. A parent's children are not touched.
    """
    if status not in STATUSES:
        raise UsageError(f"unknown status '{status}'. Use one of: {', '.join(STATUSES)}")
    items = list(items)
    if redate and status == "done":
        early = next((item for item in items if item.started_on and today < item.started_on), None)
        if early is not None:
            raise UsageError(
                f"{today} is before {early.key} was started ({early.started_on}). Give a day on or after it"
            )
    changes: list[Change] = []
    unchanged: list[Item] = []
    for item in items:
        if item.status == status:
            if redate and status == "done" and item.done_on != today:
                changes.append(
                    Change(item.key, {"done_on": today}, f"done on {item.done_on or 'no day'} -> {today}")
                )
            else:
                unchanged.append(item)
            continue
        fields: dict[str, Any] = {"status": status, "done_on": today if status == "done" else None}
        if status == "reading":
            fields["started_on"] = today
        elif status == "todo":
            fields["started_on"] = None
        summary = f"{item.status} -> {status}" + (f" on {today}" if redate else "")
        changes.append(Change(item.key, fields, summary))
    return changes, unchanged


class NewItem(NamedTuple):
    """An item to add: where it goes and the fields it is written with."""

    section: str
    parent: str | None
    fields: dict[str, Any]
    new_section: bool = False


def plan_add(
    catalogue: Catalogue,
    title: str,
    *,
    section: str | None,
    arxiv: str | None = None,
    url: str | None = None,
    parent: str | None = None,
    key: str | None = None,
    new_section: bool = False,
) -> NewItem:
    """Check an `add` against the catalogue and say exactly what to write.

    `section` is a name or a case-insensitive prefix of one; with a parent it may be left out
    (the item goes into the parent's section). With `new_section` only a whole name counts as
    an existing section: any other is created under exactly that name.
    """
    title = " ".join(title.split())
    if not title:
        raise UsageError("the title is empty. Give the paper's title")
    if key is not None:
        if not is_valid_key(key):
            raise UsageError(
                f"'{key}' is not a valid key. Use lowercase letters, digits and single hyphens, like 'flash-attention-2'"
            )
        if key in catalogue.keys:
            raise UsageError(f"the key '{key}' is taken by '{catalogue[key].title}'. Choose another key")
    wanted = " ".join(section.split()) if section is not None else ""
    if parent is not None:
        parent_item = catalogue.get(parent)
        if parent_item is None:
            raise PaperNotFoundError(
                f"no item has the key '{parent}'. Give an existing item's key as the parent"
            )
        if not parent_item.section.casefold().startswith(wanted.casefold()):
            raise UsageError(
                f"'{parent}' is in section '{parent_item.section}', not '{section}'. "
                "Leave out the section or give the parent's"
            )
        section_name, is_new_section = parent_item.section, False
    elif not wanted:
        raise UsageError("a new paper needs a section or a parent. Give one of them")
    elif new_section:
        found = catalogue.section(wanted)
        section_name, is_new_section = (found.name, False) if found else (wanted, True)
    else:
        try:
            section_name, is_new_section = find_section(catalogue, wanted).name, False
        except SectionNotFoundError as err:
            raise SectionNotFoundError(
                f"no section is called '{section}'. Use one of: " + ", ".join(err.sections),
                wanted,
                err.sections,
            ) from None
    fields: dict[str, Any] = {
        "key": key or unique_key(title, catalogue.keys),
        "title": title,
        "status": "todo",
    }
    if arxiv:
        fields["arxiv"] = arxiv
    if url:
        fields["url"] = url
    return NewItem(section_name, parent, fields, is_new_section)


# --- progress ----------------------------------------------------------------------------------


class Tally(NamedTuple):
    name: str
    done: int
    total: int

    @property
    def percent(self) -> float:
        return round(100.0 * self.done / self.total, 1) if self.total else 0.0

    def to_json(self, label: str = "section") -> dict[str, Any]:
        return {label: self.name, "done": self.done, "total": self.total, "percent": self.percent}


def progress(catalogue: Catalogue) -> tuple[list[Tally], Tally]:
    """Done/total per section and overall. Grouping items do not count; their papers do."""
    done: dict[str, int] = {s.name: 0 for s in catalogue.sections}
    total: dict[str, int] = {s.name: 0 for s in catalogue.sections}
    for item in catalogue.items:
        if item.counts_in_progress:
            total[item.section] += 1
            done[item.section] += item.status == "done"
    rows = [Tally(s.name, done[s.name], total[s.name]) for s in catalogue.sections]
    return rows, Tally("Total", sum(done.values()), sum(total.values()))


# --- the catalogue as one nested value ---------------------------------------------------------


def item_fields(item: Item) -> dict[str, Any]:
    """The item's schema fields in FIELD_ORDER, every one present (None, [] or false when unset)."""
    row: tuple[Any, ...] = item
    return {name: list(row[i]) if is_list else row[i] for name, i, is_list in FILE_COLUMNS}


def to_tree(catalogue: Catalogue, keep: Collection[str] | None = None) -> dict[str, Any]:
    """The catalogue shaped like papers.yaml: title, notes, sections, items nested under `children`.

    With `keep` (a set of keys) only those items are included; an item that is left out hands its
    kept descendants up to its nearest kept ancestor, and sections left without items are dropped.
    """
    sections = []
    for section in catalogue.sections:
        tops = (catalogue[key] for key in section.keys if catalogue[key].parent is None)
        items = [node for item in tops for node in _tree_nodes(catalogue, item, keep)]
        if keep is None or items:
            sections.append({"name": section.name, "notes": list(section.notes), "items": items})
    return {"title": catalogue.title, "notes": list(catalogue.notes), "sections": sections}


def _tree_nodes(catalogue: Catalogue, item: Item, keep: Collection[str] | None) -> list[dict[str, Any]]:
    """`to_tree`'s nodes for the item: itself with its children, or (left out) its kept children.
    A function of the module, as a closure that calls itself is a reference cycle, which kept the
    catalogue alive through an edit (the collector is paused then: store.load.editing)."""
    children = [node for key in item.children for node in _tree_nodes(catalogue, catalogue[key], keep)]
    if keep is None or item.key in keep:
        return [{**item_fields(item), "children": children}]
    return children


class Levels(NamedTuple):
    """The items `to_tree` keeps, level by level of their nesting in the tree, for writers that
    want no dict per item: ``levels[d]`` holds the kept items at depth d in document order and
    ``counts[d]`` how many kept children each has (they follow in the same order in ``levels[d + 1]``);
    ``sections`` are the sections `to_tree` keeps, each with how many top items it has in ``levels[0]``."""

    sections: list[tuple[Section, int]]
    levels: list[list[Item]]
    counts: list[list[int]]


def tree_levels(catalogue: Catalogue, keep: Collection[str] | None = None) -> Levels:
    """`to_tree`'s items and sections (same `keep` rule) as `Levels`."""
    by_key = catalogue._by_key

    def kept(items: Iterable[Item]) -> Iterator[Item]:
        for item in items:
            if keep is None or item.key in keep:
                yield item
            else:  # left out: its kept descendants take its place
                yield from kept(map(by_key.__getitem__, item.children))

    sections: list[tuple[Section, int]] = []
    level: list[Item] = []
    for section in catalogue.sections:
        tops = list(kept(item for key in section.keys if (item := by_key[key]).parent is None))
        if keep is None or tops:
            sections.append((section, len(tops)))
            level.extend(tops)
    levels: list[list[Item]] = []
    counts: list[list[int]] = []
    while level:
        below: list[Item] = []
        numbers: list[int] = []
        for item in level:
            if item.children:
                children = list(kept(map(by_key.__getitem__, item.children)))
                below.extend(children)
                numbers.append(len(children))
            else:
                numbers.append(0)
        levels.append(level)
        counts.append(numbers)
        level = below
    return Levels(sections, levels, counts)


def tree_order(
    catalogue: Catalogue, keep: Collection[str] | None = None
) -> list[tuple[Section, list[tuple[Item, int]]]]:
    """`to_tree`'s sections (same `keep` rule), each with its items in document order and the depth
    each has in the tree, for writers that want no dict per item."""
    by_key = catalogue._by_key

    def walk(item: Item, depth: int, rows: list[tuple[Item, int]]) -> None:
        if keep is None or item.key in keep:
            rows.append((item, depth))
            depth += 1
        for key in item.children:
            walk(by_key[key], depth, rows)

    sections: list[tuple[Section, list[tuple[Item, int]]]] = []
    for section in catalogue.sections:
        rows: list[tuple[Item, int]] = []
        for key in section.keys:
            if by_key[key].parent is None:
                walk(by_key[key], 0, rows)
        if keep is None or rows:
            sections.append((section, rows))
    return sections
