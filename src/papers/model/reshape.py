"""The catalogue's shape as a tree, and the rules of removing, moving and renaming items and sections.

`Tree` is the catalogue's structure (sections, their top-level items, each item's children) as
lists that a structural edit changes one step at a time; `catalogue()` gives back the model it
describes, which the store's editor checks its text against. The `plan_*` functions check a
request against the catalogue before anything changes. Pure: no I/O, no file positions.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from itertools import chain
from operator import attrgetter
from typing import NamedTuple, TypeVar

from papers.errors import (
    HasChildrenError,
    PaperNotFoundError,
    SectionNotEmptyError,
    SectionNotFoundError,
    UsageError,
)
from papers.model.catalogue import Catalogue, Item, Section, find_section
from papers.model.keys import is_valid_key
from papers.model.query import SUGGESTION_CUTOFF

V = TypeVar("V")
B = TypeVar("B")
_PARENT, _SECTION = attrgetter("parent"), attrgetter("section")


def _same(item: Item) -> Item:
    return item


def _children(item: Item) -> list[str]:
    return list(item.children)


class _Derived(dict[str, V]):
    """A key's value taken from the catalogue the tree started from, made on first use; from then
    on a dict entry, set and deleted like any. A one-item change at 50,000 items looks at a few
    keys, and building the tree's maps whole first cost more than the change (about 35 ms).

    Made from the catalogue as it was is right for any key not yet used: every change to the
    tree goes through the entries it changes, so a key nothing used is as it was."""

    def __init__(self, base: Mapping[str, B], derive: Callable[[B], V]) -> None:
        super().__init__()
        self._base, self._derive, self._gone = base, derive, set[str]()

    def __missing__(self, key: str) -> V:
        if key in self._gone:
            raise KeyError(key)
        value = self._derive(self._base[key])
        dict.__setitem__(self, key, value)
        return value

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or (key not in self._gone and key in self._base)

    def __setitem__(self, key: str, value: V) -> None:
        self._gone.discard(key)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        dict.pop(self, key, None)  # not there if nothing used it
        self._gone.add(key)

    def pop(self, key: str) -> V:  # type: ignore[override]  # no default: a tree never asks with one
        value = self[key]
        del self[key]
        return value

    def used(self) -> set[str]:
        """The keys a change has looked at, set or deleted: any other key is as in the base."""
        return set(dict.keys(self)) | self._gone

    def entries(self) -> Iterator[tuple[str, V]]:
        """Every key and value as a dict's items() would give them: the catalogue's keys in its
        order (less the deleted), then the keys set that it did not have, as they were set."""
        for key in self._base:
            if key not in self._gone:
                yield key, self[key]
        for key, value in dict.items(self):
            if key not in self._base:
                yield key, value


class Tree:
    """Sections, their top-level items and each item's children, as lists to edit in place."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.base = catalogue
        self.title, self.notes = catalogue.title, catalogue.notes
        self.sections = [s.name for s in catalogue.sections]
        self._base_sections = {s.name: s for s in catalogue.sections}
        self.section_notes = {s.name: s.notes for s in catalogue.sections}
        by_key = catalogue.by_key()
        self.items: dict[str, Item] = _Derived(by_key, _same)
        self.kids: dict[str, list[str]] = _Derived(by_key, _children)
        self.parent: _Derived[str | None] = _Derived(by_key, _PARENT)
        self.section_of: dict[str, str] = _Derived(by_key, _SECTION)
        self._derived: tuple[_Derived[object], ...] = (self.items, self.kids, self.parent, self.section_of)  # type: ignore[assignment]
        self.tops: dict[str, list[str]] = _Derived(
            {s.name: s for s in catalogue.sections},
            lambda section: [key for key in section.keys if by_key[key].parent is None],
        )

    def siblings(self, key: str) -> list[str]:
        """The list the item is an entry of (its parent's children, or its section's top level)."""
        return self.entries(self.section_of[key], self.parent[key])

    def entries(self, section: str, parent: str | None) -> list[str]:
        return self.tops[section] if parent is None else self.kids[parent]

    def subtree(self, key: str) -> Iterator[str]:
        """The item and its descendants, in file order."""
        yield key
        for child in self.kids[key]:
            yield from self.subtree(child)

    def ancestors(self, key: str) -> Iterator[str]:
        parent = self.parent[key]
        while parent is not None:
            yield parent
            parent = self.parent[parent]

    def detach(self, key: str) -> int:
        """Take the item (with its descendants) out of its list; return where it was."""
        siblings = self.siblings(key)
        index = siblings.index(key)
        del siblings[index]
        return index

    def attach(self, key: str, section: str, parent: str | None, index: int) -> None:
        """Put a detached item at `index` of the list of `parent` (or of the section's top level)."""
        self.entries(section, parent).insert(index, key)
        self.parent[key] = parent
        for descendant in self.subtree(key):
            self.section_of[descendant] = section

    def drop(self, key: str) -> list[str]:
        """Forget a detached item and its descendants; return their keys."""
        gone = list(self.subtree(key))
        for descendant in gone:
            del self.items[descendant], self.kids[descendant]
            del self.parent[descendant], self.section_of[descendant]
        return gone

    def rename(self, old: str, new: str, note: str | None) -> None:
        """Give an item another key, and its `note:` the value `note`."""
        siblings = self.siblings(old)
        siblings[siblings.index(old)] = new
        for child in self.kids[old]:
            self.parent[child] = new
        self.items[new] = self.items.pop(old)._replace(key=new, note=note)
        self.kids[new] = self.kids.pop(old)
        self.parent[new] = self.parent.pop(old)
        self.section_of[new] = self.section_of.pop(old)

    def add_section(self, name: str, index: int) -> None:
        """A new, empty section at `index` of the sections."""
        self.sections.insert(index, name)
        self.section_notes[name] = ()
        self.tops[name] = []

    def move_section(self, name: str, index: int) -> None:
        """Put the section at `index` of the sections (counted without it)."""
        self.sections.remove(name)
        self.sections.insert(index, name)

    def rename_section(self, old: str, new: str) -> None:
        self.sections[self.sections.index(old)] = new
        self.section_notes[new] = self.section_notes.pop(old)
        self.tops[new] = self.tops.pop(old)
        for top in self.tops[new]:
            for key in self.subtree(top):
                self.section_of[key] = new

    def drop_section(self, name: str) -> None:
        """Forget an empty section."""
        assert not self.tops[name], "only an empty section is dropped"
        self.sections.remove(name)
        del self.section_notes[name], self.tops[name]

    def section_items(self, name: str) -> list[Item]:
        """Every item of a section in file order, each with its place in the tree.

        A top-level item of the section as it was, whose subtree no change has looked at, is the
        catalogue's as it was, items and all: its run of items is taken in one slice instead of
        being walked again (a move at 50,000 items walked the 5,000 items of its two sections)."""
        out: list[Item] = []
        untouched = self._untouched_runs(name)
        for key in self.tops[name]:
            run = untouched.get(key)
            if run is None:
                self._visit(name, key, None, 0, out)
            else:
                out += run
        return out

    def _untouched_runs(self, name: str) -> dict[str, tuple[Item, ...]]:
        """The section's top-level items as it was whose subtree nothing has looked at, each with its
        run of items (itself, then its descendants, in file order). Every change to the tree goes
        through the entries it changes (see _Derived), so a key none of them holds is as it was."""
        section = self._base_sections.get(name)
        if section is None:
            return {}
        touched = set[str]().union(*(derived.used() for derived in self._derived))
        base = self.base
        dirty = set()
        for key in touched:
            item = base.get(key)
            while item is not None and item.parent is not None:
                item = base.get(item.parent)
            if item is not None:
                dirty.add(item.key)
        items = tuple(base.items_of(section.keys))
        starts = [at for at, item in enumerate(items) if item.parent is None]
        if not starts:
            return {}
        return {
            items[start].key: items[start:end]
            for start, end in zip(starts, [*starts[1:], len(items)], strict=True)
            if items[start].key not in dirty
        }

    def _visit(self, name: str, key: str, parent: str | None, depth: int, out: list[Item]) -> None:
        """Append the item, placed in section `name` under `parent`, then its subtree, to `out`.
        A method, not a closure that calls itself: that is a reference cycle, which kept the whole
        tree alive to the end of a command (the collector is paused for an edit)."""
        item = self.items[key]
        children = tuple(self.kids[key])
        if (item.section, item.parent, item.depth, item.children) != (name, parent, depth, children):
            item = item._replace(section=name, parent=parent, depth=depth, children=children)
            self.items[key] = item
        out.append(item)
        for child in children:
            self._visit(name, child, key, depth + 1, out)

    def catalogue(self, changed: Collection[str] | None = None) -> Catalogue:
        """The catalogue the tree describes. Sections not in `changed` (None: all may have changed)
        are taken as they were, items and all, instead of being walked again."""
        before = {s.name: s for s in self.base.sections} if changed is not None else {}
        sections: list[Section] = []
        items: list[Item] = []
        for name in self.sections:
            kept = before.get(name) if changed is not None and name not in changed else None
            if kept is not None and kept.notes == self.section_notes[name]:
                sections.append(kept)
                items += self.base.items_of(kept.keys)
                continue
            members = self.section_items(name)
            sections.append(Section(name, self.section_notes[name], tuple(i.key for i in members)))
            items += members
        ordered = tuple(items)
        # Indexed by the keys its items were gathered by, section by section, in their order.
        by_key = dict(zip(chain.from_iterable(s.keys for s in sections), ordered, strict=True))
        return Catalogue(self.title, self.notes, tuple(sections), ordered, by_key)


# --- removing ----------------------------------------------------------------------------------

WITH_CHILDREN, KEEP_CHILDREN, REFUSE = "with", "keep", "refuse"


def plan_remove(tree: Tree, items: Sequence[Item], children: str = REFUSE) -> list[str]:
    """The keys to remove, top-most first; an item with children is refused unless `children` says
    what becomes of them: WITH_CHILDREN (they go too) or KEEP_CHILDREN (they take its place)."""
    named = [item.key for item in items]
    wanted = set(named)
    for key in named:
        kids = tree.kids[key]
        if kids and children == REFUSE:
            raise HasChildrenError(key, tuple(kids))
    if children == WITH_CHILDREN:
        # An item under another named one goes with it.
        return [key for key in named if not wanted.intersection(tree.ancestors(key))]
    return named


# --- moving ------------------------------------------------------------------------------------


class Destination(NamedTuple):
    """Where moved items go: a list (a section's top level, or an item's children) and the index
    of the first; `new_section` when the section is to be created."""

    section: str
    parent: str | None
    position: int
    new_section: bool = False


def _key(tree: Tree, key: str, what: str) -> str:
    if key not in tree.items:
        raise PaperNotFoundError(f"no item has the key '{key}'. Give an existing item's key as {what}")
    return key


def plan_move(
    tree: Tree,
    items: Sequence[Item],
    *,
    section: str | None = None,
    parent: str | None = None,
    top: bool = False,
    before: str | None = None,
    after: str | None = None,
    new_section: bool = False,
) -> Destination:
    """Check a move against the catalogue and say where the items go (their list, after they have
    left their old places, and the index of the first). Nothing changes here."""
    if sum((section is not None, parent is not None, top)) > 1:
        raise UsageError("give one destination: a section, a parent, or the top level")
    if before is not None and after is not None:
        raise UsageError("give one position: before an item or after one")
    anchor = before if before is not None else after
    if anchor is not None:
        _key(tree, anchor, "the position")
    moving = [item.key for item in items]
    for key in moving:
        for other in tree.ancestors(key):
            if other in moving:
                raise UsageError(
                    f"'{key}' is under '{other}', which moves with its children. Name only '{other}'"
                )
    if parent is not None:
        _key(tree, parent, "the parent")
        for key in moving:
            if key == parent or key in tree.ancestors(parent):
                raise UsageError(
                    f"'{parent}' is {'' if key == parent else 'under '}'{key}': an item cannot go under itself"
                )
        target: tuple[str, str | None] = (tree.section_of[parent], parent)
    elif top:
        first = moving[0]
        target = (tree.section_of[first], None)
    elif section is not None:
        catalogue = Catalogue(None, (), tuple(Section(n, (), ()) for n in tree.sections), ())
        wanted = " ".join(section.split())
        if not wanted:
            raise UsageError("the section name is empty. Give a section's name")
        found = catalogue.section(wanted) if new_section else find_section(catalogue, wanted)
        if found is None:
            return Destination(wanted, None, 0, new_section=True)
        target = (found.name, None)
    elif anchor is not None:
        target = (tree.section_of[anchor], tree.parent[anchor])
    else:
        raise UsageError("say where the items go: a section, a parent, or the top level")
    if anchor in moving:
        raise UsageError(f"'{anchor}' is one of the items that move. Give another item as the position")
    entries = [key for key in tree.entries(*target) if key not in moving]
    if anchor is not None:
        if anchor not in entries:
            where = f"under '{target[1]}'" if target[1] else f"at the top level of '{target[0]}'"
            raise UsageError(f"'{anchor}' is not {where}. Give an item of the list the items go to")
        index = entries.index(anchor) + (after is not None)
    elif top:
        ancestor = next(a for a in [moving[0], *tree.ancestors(moving[0])] if tree.parent[a] is None)
        index = entries.index(ancestor) + 1 if ancestor in entries else len(entries)
    else:
        index = len(entries)
    return Destination(target[0], target[1], index)


# --- renaming ----------------------------------------------------------------------------------


def check_new_key(tree: Tree, old: str, new: str) -> None:
    """A key an item can be renamed to: valid, and not another item's."""
    if not is_valid_key(new):
        raise UsageError(
            f"'{new}' is not a valid key. Use lowercase letters, digits and single hyphens, like 'flash-attention-2'"
        )
    if new != old and new in tree.items:
        raise UsageError(f"the key '{new}' is taken by '{tree.items[new].title}'. Choose another key")


# --- sections ----------------------------------------------------------------------------------


def find_tree_section(tree: Tree, name: str) -> str:
    """The one section a name or the start of one names (any case), else an error with the
    sections most like it (exit 1), as an unknown paper offers the closest papers."""
    catalogue = Catalogue(None, (), tuple(Section(n, (), ()) for n in tree.sections), ())
    try:
        return find_section(catalogue, name).name
    except SectionNotFoundError as err:
        near = _near_sections(tree.sections, name)
        hint = f"Did you mean {', '.join(near)}?" if near else "Sections: " + ", ".join(tree.sections)
        if not tree.sections:
            hint = "The catalogue has no sections yet"
        raise SectionNotFoundError(f"no section is called '{name}'. {hint}", name, err.sections) from None


def _near_sections(names: Sequence[str], wanted: str, limit: int = 3) -> list[str]:
    folded = " ".join(wanted.split()).casefold()
    if not folded or not names:
        return []
    # Deferred: only a name that matched nothing pays for the import.
    from rapidfuzz import fuzz, process

    found = process.extract(
        folded, [n.casefold() for n in names], scorer=fuzz.ratio, limit=limit, score_cutoff=SUGGESTION_CUTOFF
    )
    return [names[index] for _, _, index in found]


def check_section_name(tree: Tree, name: str, *, renaming: str | None = None) -> str:
    """A name a new (or renamed) section can have: its words single-spaced, not empty, and no
    other section's name in any case."""
    wanted = " ".join(name.split())
    if not wanted:
        raise UsageError("the section name is empty. Give a section's name")
    if not wanted.isprintable():
        raise UsageError("a section name cannot hold control characters. Give a plain name")
    taken = next((s for s in tree.sections if s.casefold() == wanted.casefold() and s != renaming), None)
    if taken is not None:
        raise UsageError(f"there is a section called '{taken}' already. Choose another name")
    return wanted


def section_position(
    tree: Tree, *, before: str | None = None, after: str | None = None, moving: str | None = None
) -> int:
    """Where a section goes among the others (counted without `moving`): before or after the
    section named, else at the end."""
    if before is not None and after is not None:
        raise UsageError("give one position: before a section or after one")
    others = [name for name in tree.sections if name != moving]
    anchor = before if before is not None else after
    if anchor is None:
        return len(others)
    found = find_tree_section(tree, anchor)
    if found == moving:
        raise UsageError(f"'{found}' is the section that moves. Give another section as the position")
    return others.index(found) + (after is not None)


def plan_section_remove(tree: Tree, name: str, move_items_to: str | None = None) -> tuple[str, str | None]:
    """The section to remove and where its items go; a section with items is refused unless
    they have somewhere to go (another section)."""
    found = find_tree_section(tree, name)
    target = None if move_items_to is None else find_tree_section(tree, move_items_to)
    if target == found:
        raise UsageError(f"'{found}' is the section that goes. Move its items to another section")
    if target is None and tree.tops[found]:
        keys = tuple(key for top in tree.tops[found] for key in tree.subtree(top))
        raise SectionNotEmptyError(found, keys)
    return found, target
