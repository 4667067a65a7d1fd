"""papers.yaml text into a `Catalogue` and its `Outline`, checking everything a user can get wrong.

PyYAML's C composer gives nodes with line numbers; `_Builder` validates them into the model and
names `papers.yaml:LINE` in every error. Each field is read by its kind in `model.schema`, so a
new field needs no code here. Where each item and section starts in the file is the store's
business, not the model's: it goes into the `Outline` beside the catalogue, for the editor.

This module depends only on the model and the errors: the loader (`store.load`, with its parse
cache) and the editor (`store.yamledit`, which re-reads what it wrote) both use it, and it uses
neither.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import itertools
import re
import types
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from papers.errors import CatalogueError
from papers.model import schema
from papers.model.catalogue import Catalogue, Item, Section
from papers.model.keys import is_valid_key

if TYPE_CHECKING:
    import yaml

_STD_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    _STD_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
_YEAR = re.compile(r"[0-9]{1,4}")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Read by the builder itself: the key is checked first, children are recursed into.
_READ_BY_KIND = tuple(name for name in schema.FIELD_ORDER if name not in ("key", "children"))


class Place(NamedTuple):
    """Where an item's (or a section's) mapping starts in the file: 0-based line and column."""

    line: int
    column: int
    flow: bool = False  # written as {key: ..., title: ...}, which cannot be edited line by line


class Outline:
    """Where each item (by key) and each section (by name) starts in the text that was parsed.

    Items are kept as columns (a line and a column per key, the set of flow-style keys): edits move
    lines only, and the parse cache stores and restores columns without an object per item.
    A plain class, not a dataclass: a listing from the parse cache imports no dataclasses (nor
    inspect, under it), and this module is on its way.
    """

    def __init__(
        self,
        lines: dict[str, int] | None = None,
        columns: dict[str, int] | None = None,
        flow: set[str] | None = None,
        sections: dict[str, Place] | None = None,
    ) -> None:
        self.lines: dict[str, int] = {} if lines is None else lines
        self.columns: dict[str, int] = {} if columns is None else columns
        self.flow: set[str] = set() if flow is None else flow
        self.sections: dict[str, Place] = {} if sections is None else sections

    def _fields(self) -> tuple[dict[str, int], dict[str, int], set[str], dict[str, Place]]:
        return self.lines, self.columns, self.flow, self.sections

    def __eq__(self, other: object) -> bool:
        return self._fields() == other._fields() if isinstance(other, Outline) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return "Outline(lines={!r}, columns={!r}, flow={!r}, sections={!r})".format(*self._fields())

    def place(self, key: str) -> Place:
        return Place(self.lines[key], self.columns[key], key in self.flow)

    def put(self, key: str, place: Place) -> None:
        self.lines[key], self.columns[key] = place.line, place.column
        if place.flow:
            self.flow.add(key)

    def copy(self) -> Outline:
        return Outline(dict(self.lines), dict(self.columns), set(self.flow), dict(self.sections))


class Parsed(NamedTuple):
    catalogue: Catalogue
    outline: Outline


class _Invalid(CatalogueError):
    pass


class _Unsplittable(Exception):
    """The text is not laid out so that `parse_lines` can read it a piece at a time."""


# A section whose items are read a piece at a time: the line (in the text without them) of its
# `items:` key, and each piece's first and end line in the text.
_Split = tuple[int, list[tuple[int, int]]]
# Items per piece: their nodes (about 250 KB) stay in the CPU's caches while they are read, which
# pieces of 500 did not (the parse of 50,000 items took 1.9 s of CPU, against 1.2 s at 50 and 1.3 s
# for the whole file at once, whose nodes take 230 MB).
_PIECE = 50
_ITEMS_KEY = re.compile(r"( *)items:[ \t]*\n")


def parse_catalogue(data: bytes | str, label: str = "papers.yaml") -> Catalogue:
    """Validate YAML text into a Catalogue, or raise CatalogueError naming `label:line`."""
    return parse(data, label).catalogue


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a catalogue's objects are built.

    Parsing and cache loading allocate hundreds of thousands of objects that all stay alive (nodes,
    then items), so every collection the allocations trigger scans them all for nothing: parsing
    10,000 items took twice as long and was super-linear in the file (issue 13). They make no
    garbage cycles, so nothing accumulates while it is off; it is turned back on, as it was, after.

    Before that, what was allocated meanwhile is moved to the oldest generation unscanned
    (freeze, then unfreeze): else the first collections after it scan every object just built,
    and a one-item edit at 50,000 items spent a fifth of its time there. Only a full collection
    looks at them again, as at any long-lived object.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not gc.get_freeze_count():  # unfreeze would thaw what a caller froze on purpose
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def parse_lines(lines: list[str], label: str = "papers.yaml") -> Parsed:
    """`parse` of the text these lines make, composing the items of each section a piece at a time
    where the layout allows (as `papers import` writes a new catalogue): its nodes are the memory
    a parse takes at its peak, 230 MB for 50,000 items at once.

    The text is cut only where a cut cannot change what it says: after `sections:` (a line of its
    own), nothing starts in column 0, each section starts with `- ` in one column, and its items
    (`- ` in a deeper column, every line of them indented at least that far) take all its lines
    after its `items:` key. What is left, the title, notes and section names, is parsed whole; each
    piece alone, in its own columns (its lines offset). A value that ran over a cut (a quoted
    scalar, a flow list) leaves a piece or what is left unreadable, and the `items:` key must be
    read where the cut was made: else, and for any error, the text is parsed whole, as `parse`
    does, and so errors read exactly as `parse` gives them.
    """
    import yaml

    with collector_paused():
        split = _split(lines)
        if split is not None:
            origin, pieces = split
            builder = _Builder(label, yaml)
            builder.lines, builder.pieces = lines, pieces
            try:
                root = yaml.compose("".join(map(lines.__getitem__, origin)), Loader=_loader(yaml))
                catalogue = builder.catalogue(root)
                if builder.read != len(pieces):
                    raise _Unsplittable  # a section cut that the text read did not have
            except (_Unsplittable, CatalogueError, yaml.YAMLError, UnicodeDecodeError):
                pass
            else:
                sections = builder.outline.sections
                for name, place in sections.items():
                    sections[name] = place._replace(line=origin[place.line])
                return Parsed(catalogue, builder.outline)
        return _parse("".join(lines).encode("utf-8"), label)


def _split(lines: list[str]) -> tuple[list[int], dict[int, _Split]] | None:
    """For each line of the text without the items of the sections that can be cut, its number in
    `lines`; and those sections' pieces. None if the text has no such layout."""
    try:
        top = lines.index("sections:\n")
    except ValueError:
        return None
    first = next((n for n in range(top + 1, len(lines)) if _is_content(lines[n])), None)
    if first is None:
        return None
    column = _indent(lines[first])
    entry = " " * column + "- "
    sections = [n for n in range(first, len(lines)) if lines[n].startswith(entry)]
    if not sections or sections[0] != first:
        return None
    origin = list(range(first))
    pieces: dict[int, _Split] = {}
    for index, (start, end) in enumerate(itertools.pairwise([*sections, len(lines)])):
        cut = _cut_items(lines, start, end, column + 2)
        if cut is None:
            origin += range(start, end)
            continue
        key, runs = cut
        origin += range(start, key + 1)
        pieces[index] = (len(origin) - 1, runs)
    return origin, pieces


def _cut_items(
    lines: list[str], start: int, end: int, column: int
) -> tuple[int, list[tuple[int, int]]] | None:
    """For the section in lines [start, end) whose mapping is in `column`: the line of its `items:`
    key and its items as pieces of `_PIECE` (line ranges), if they take every line after the key;
    else None."""
    key = next(
        (n for n in range(start + 1, end) if (m := _ITEMS_KEY.fullmatch(lines[n])) and len(m[1]) == column),
        None,
    )
    body = next((n for n in range(key + 1, end) if _is_content(lines[n])), None) if key is not None else None
    if key is None or body is None:
        return None
    inner = _indent(lines[body])
    entry, deeper = " " * inner + "- ", " " * (inner + 1)
    if inner <= column or not lines[body].startswith(entry):
        return None
    entries = []
    for n in range(body, end):
        line = lines[n]
        if line.startswith(entry):
            entries.append(n)
        elif not line.startswith(deeper) and _is_content(line):
            return None  # a line of the section's own, or of something that is not its items
    cuts = [*entries[::_PIECE], end]
    return key, list(itertools.pairwise(cuts))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def parse(data: bytes | str, label: str = "papers.yaml") -> Parsed:
    """The catalogue in YAML text and where its items sit, or CatalogueError naming `label:line`."""
    with collector_paused():
        return _parse(data, label)


def _parse(data: bytes | str, label: str) -> Parsed:
    import yaml

    if isinstance(data, bytes) and data.startswith(_UTF16_BOMS):
        # PyYAML would read it, but papers writes UTF-8 only: an edit would garble the file.
        raise CatalogueError(f"{label}:1: the file is UTF-16 text, not UTF-8. Save it as UTF-8")
    try:
        root = yaml.compose(data, Loader=_loader(yaml))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{label}:{mark.line + 1}" if mark else label
        problem = err.problem or err.context or "not valid YAML"
        raise CatalogueError(f"{where}: {problem}. Fix the YAML syntax there") from None
    except yaml.YAMLError as err:
        raise CatalogueError(f"{label}: not valid YAML ({err}). Fix the file") from None
    except UnicodeDecodeError:
        raise CatalogueError(f"{label}: not UTF-8 text. Save the file as UTF-8") from None
    builder = _Builder(label, yaml)
    return Parsed(builder.catalogue(root), builder.outline)


# What a plain scalar resolves to when it is not text: null, or one of the tags papers refuses.
# Numbers, booleans and dates stay text: the builder reads every value from its raw text.
_NULL = frozenset(["", "~", "null", "Null", "NULL"])
_NULL_TAG, _STR_TAG = _STD_TAG + "null", _STD_TAG + "str"
_REFUSED = {"<<": _STD_TAG + "merge", "=": _STD_TAG + "value", **dict.fromkeys("!&*", _STD_TAG + "yaml")}
_LOADERS: dict[int, type] = {}


def _loader(yaml: types.ModuleType) -> type:
    """PyYAML's C loader with a resolver that gives a plain scalar the only tags the builder tells
    apart: PyYAML's tries its regexes on every scalar, a third of composing a catalogue."""
    found = _LOADERS.get(id(yaml))
    if found is None:
        base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        scalar = yaml.ScalarNode

        class Loader(base):  # type: ignore[misc]
            def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
                if kind is scalar and implicit[0]:
                    return _NULL_TAG if value in _NULL else _REFUSED.get(value, _STR_TAG)
                return str(super().resolve(kind, value, implicit))

        found = _LOADERS[id(yaml)] = Loader
    return found


class _Builder:
    """Turns composed YAML nodes into a Catalogue, checking everything a user can get wrong."""

    def __init__(self, label: str, yaml_module: types.ModuleType) -> None:
        self.label = label
        self.yaml: Any = yaml_module  # imported by parse_catalogue, only when a file must be parsed
        self.items: list[Item] = []
        self.key_lines: dict[str, int] = {}
        self.seen: set[int] = set()
        self.outline = Outline()
        # `parse_lines`: the text's lines, and section number -> its items, cut out (see `_Split`).
        self.lines: list[str] = []
        self.pieces: dict[int, _Split] | None = None
        self.read = 0  # how many sections' pieces were read

    def _read_pieces(
        self, split: _Split | None, items: tuple[yaml.Node, yaml.Node] | None, section: str
    ) -> None:
        """The items cut out of the section, each piece composed alone; `_Unsplittable` unless the
        section's `items:` key is the line the cut was made after, with no value left."""
        if split is None:
            return
        line, pieces = split
        if items is None or items[0].start_mark.line != line or items[1].tag != _NULL_TAG or items[1].value:
            raise _Unsplittable
        self.read += 1
        outer = self.seen
        for offset, end in pieces:
            # The last piece's nodes are gone, and a new node may get the id of one: only the nodes
            # still alive count (an alias cannot reach into another piece: composing it fails).
            self.seen = set(outer)
            start = len(self.items)
            text = "".join(self.lines[offset:end])
            for node in self.sequence(self.yaml.compose(text, Loader=_loader(self.yaml)), "items"):
                self.item(node, section, None, 0)
            lines = self.outline.lines
            for item in self.items[start:]:
                lines[item.key] += offset
        self.seen = outer

    def fail(self, node: yaml.Node, problem: str, fix: str) -> _Invalid:
        return _Invalid(f"{self.label}:{node.start_mark.line + 1}: {problem}. {fix}")

    def mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        self._check(node)
        if not isinstance(node, self.yaml.MappingNode):
            raise self.fail(node, f"{what} should be a mapping of `field: value` lines", "Fix its layout")
        fields: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            self._check(key_node)
            key = str(key_node.value)
            if key in fields:
                first = fields[key][0].start_mark.line + 1
                raise self.fail(
                    key_node, f"duplicate key '{key}' (first at line {first})", "Keep only one of them"
                )
            fields[key] = (key_node, value_node)
        return fields

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        self._check(node)
        if isinstance(node, self.yaml.ScalarNode) and node.tag == _NULL_TAG:
            return []
        if not isinstance(node, self.yaml.SequenceNode):
            raise self.fail(node, f"{what} should be a list (lines starting with '- ')", "Fix its layout")
        return list(node.value)

    def _check(self, node: yaml.Node) -> None:
        if node.tag not in _ALLOWED_TAGS:
            raise self.fail(
                node,
                f"unsupported tag '{node.tag.replace(_STD_TAG, '!!')}'",
                "papers reads plain YAML only: remove the tag",
            )
        if not isinstance(node.value, str):
            # An alias makes the composer reuse a node; refusing reuse rules out alias bombs.
            if id(node) in self.seen:
                raise self.fail(node, "YAML anchors and aliases are not supported", "Write the values out")
            self.seen.add(id(node))

    def text(self, node: yaml.Node, what: str, *, required: bool = False) -> str | None:
        self._check(node)
        if not isinstance(node, self.yaml.ScalarNode):
            raise self.fail(node, f"{what} should be a single value", "Write it on one line")
        if node.tag == _NULL_TAG:
            if required:
                raise self.fail(node, f"{what} is empty", "Give it a value")
            return None
        # The raw text, not the resolved value: an unquoted 2005.14160 must not become 2005.1416.
        value = str(node.value).strip()
        if required and not value:
            raise self.fail(node, f"{what} is empty", "Give it a value")
        return value

    def texts(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        if isinstance(node, self.yaml.ScalarNode) and node.tag != _NULL_TAG:
            value = self.text(node, what)
            return (value,) if value else ()
        return tuple(v for v in (self.text(n, what) for n in self.sequence(node, what)) if v)

    def catalogue(self, root: yaml.Node | None) -> Catalogue:
        if root is None:
            raise _Invalid(
                f"{self.label}: the file is empty. Start it with a `sections:` list (see docs/schema.md)"
            )
        top = self.mapping(root, "the file")
        if "sections" not in top:
            raise self.fail(root, "no `sections:` list", "Add one (see docs/schema.md)")
        title = self.text(top["title"][1], "title") if "title" in top else None
        notes = self.texts(top["notes"][1], "notes") if "notes" in top else ()
        sections: list[Section] = []
        names: dict[str, int] = {}
        for section_node in self.sequence(top["sections"][1], "sections"):
            fields = self.mapping(section_node, "a section")
            if "name" not in fields:
                raise self.fail(section_node, "a section has no name", "Add `name: ...`")
            name = self.text(fields["name"][1], "the section name", required=True) or ""
            folded = name.casefold()
            if folded in names:
                raise self.fail(
                    fields["name"][1],
                    f"duplicate section '{name}' (first at line {names[folded]})",
                    "Merge the two",
                )
            names[folded] = section_node.start_mark.line + 1
            self.outline.sections[name] = Place(section_node.start_mark.line, section_node.start_mark.column)
            first = len(self.items)
            for item_node in self.sequence(fields["items"][1], "items") if "items" in fields else ():
                self.item(item_node, name, None, 0)
            if self.pieces is not None:
                self._read_pieces(self.pieces.get(len(sections)), fields.get("items"), name)
            sections.append(
                Section(
                    name,
                    self.texts(fields["notes"][1], "notes") if "notes" in fields else (),
                    tuple(item.key for item in self.items[first:]),
                )
            )
        return Catalogue(title, notes, tuple(sections), tuple(self.items))

    def item(self, node: yaml.Node, section: str, parent: str | None, depth: int) -> str:
        fields = self.mapping(node, "an item")
        if "title" not in fields:
            raise self.fail(node, "an item has no title", "Add `title: ...`")
        if "key" not in fields:
            raise self.fail(node, "an item has no key", "Add `key: a-short-slug`")
        key_node = fields["key"][1]
        key = self.text(key_node, "key", required=True) or ""
        if not is_valid_key(key):
            raise self.fail(
                key_node, f"key '{key}' is not a valid key", "Use lowercase letters, digits and hyphens"
            )
        if key in self.key_lines:
            raise self.fail(
                key_node, f"duplicate key '{key}' (first at line {self.key_lines[key]})", "Give one a new key"
            )
        self.key_lines[key] = key_node.start_mark.line + 1
        values: dict[str, Any] = {}
        for name in _READ_BY_KIND:
            if name in fields:
                values[name] = self.value(schema.FIELDS[name].kind, fields[name][1], name)
        outline = self.outline
        outline.lines[key], outline.columns[key] = node.start_mark.line, node.start_mark.column
        if isinstance(node, self.yaml.MappingNode) and node.flow_style:
            outline.flow.add(key)
        index = len(self.items)
        self.items.append(Item(key, "", section, parent, depth))  # placeholder keeps file order
        children = tuple(
            self.item(child, section, key, depth + 1)
            for child in (self.sequence(fields["children"][1], "children") if "children" in fields else ())
        )
        self.items[index] = Item(
            key=key, section=section, parent=parent, depth=depth, children=children, **values
        )
        return key

    def value(self, kind: str, node: yaml.Node, name: str) -> Any:
        """One field's value, read and checked according to its kind in the schema."""
        if kind == schema.LIST:
            return self.texts(node, name)
        text = self.text(node, name, required=name not in schema.DEFAULTS)
        if kind == schema.TEXT:
            return text
        if kind == schema.STATUS:
            status = text or "todo"
            if status not in schema.STATUSES:
                raise self.fail(node, f"unknown status '{status}'", "Use todo, reading or done")
            return status
        if kind == schema.PRIORITY:
            priority = text or "normal"
            if priority not in schema.PRIORITIES:
                raise self.fail(node, f"unknown priority '{priority}'", "Use high, normal or low")
            return priority
        if kind == schema.DATE:
            if text is not None and not schema.ISO_DATE.fullmatch(text):
                raise self.fail(node, f"{name} '{text}' is not a date", "Write it as YYYY-MM-DD")
            return text
        if kind == schema.YEAR:
            if text is not None and not _YEAR.fullmatch(text):
                shown = text if len(text) <= 12 else text[:12] + "..."
                problem = "is not a year" if text.isascii() and text.isdigit() else "is not a number"
                raise self.fail(node, f"{name} '{shown}' {problem}", "Write it like 2017")
            return int(text) if text else None
        if kind == schema.FLAG:
            flag = (text or "false").lower()
            if flag not in ("true", "false", "yes", "no"):
                raise self.fail(node, f"{name} '{flag}' is not true or false", "Write true or false")
            return flag in ("true", "yes")
        raise AssertionError(f"the schema gives '{name}' the unknown kind '{kind}'")  # pragma: no cover
