"""Reading and writing papers.yaml without ever losing a byte the user wrote.

Reading: PyYAML's C composer gives nodes with line numbers, which are validated into a
`Catalogue`. Parsing a 10,000-item file takes about a second, so the parsed catalogue is cached
(marshal, keyed by a digest of the file's bytes) and an unchanged file is never parsed twice.

Writing: never re-serialise. A change edits only the lines of the fields it touches, found
from the item's recorded position, and the new text is written to a temp file in the same
folder, fsynced and renamed over the original while a lock is held for the whole
read-modify-write.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import itertools
import json
import marshal
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papers.catalogue import FIELD_ORDER, STATUSES, Catalogue, Change, Item, NewItem, Section
from papers.errors import CatalogueError
from papers.fileio import atomic_write_bytes
from papers.keys import is_valid_key
from papers.paths import cache_dir

if TYPE_CHECKING:
    import yaml

_CACHE_FORMAT = 3
_STD_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    _STD_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LIST_FIELDS = frozenset({"authors", "links"})
_TEXT_FIELDS = ("title", "arxiv", "url", "note", "listed_as", "remark")


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --- loading -------------------------------------------------------------------------------------


def load_catalogue(path: Path) -> Catalogue:
    """The catalogue in `path`, from the parse cache when the file is unchanged."""
    data = _read_bytes(path)
    return _catalogue_for(path, data)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CatalogueError(f"{display_path(path)} does not exist. Check the path or pass --file") from None
    except OSError as err:
        raise CatalogueError(
            f"cannot read {display_path(path)}: {err.strerror}. Check its permissions"
        ) from None


def _catalogue_for(path: Path, data: bytes) -> Catalogue:
    digest = hashlib.blake2b(data, digest_size=20).hexdigest()
    cached = _read_cache(path, digest)
    if cached is not None:
        return cached
    catalogue = parse_catalogue(data, display_path(path))
    _write_cache(path, digest, catalogue)
    return catalogue


def _cache_file(path: Path) -> Path:
    name = hashlib.blake2b(str(path.resolve()).encode(), digest_size=12).hexdigest()
    return cache_dir() / "parsed" / f"{name}.marshal"


def _read_cache(path: Path, digest: str) -> Catalogue | None:
    try:
        blob = _cache_file(path).read_bytes()
        fmt, cached_digest, title, notes, sections, items = marshal.loads(blob)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if fmt != _CACHE_FORMAT or cached_digest != digest:
        return None
    return Catalogue(
        title, tuple(notes), tuple(Section(*row) for row in sections), tuple(Item(*row) for row in items)
    )


def _write_cache(path: Path, digest: str, catalogue: Catalogue) -> None:
    """Best effort: a cache that cannot be written only costs speed."""
    payload = (
        _CACHE_FORMAT,
        digest,
        catalogue.title,
        catalogue.notes,
        tuple(tuple(s) for s in catalogue.sections),
        tuple(tuple(i) for i in catalogue.items),
    )
    target = _cache_file(path)
    with contextlib.suppress(OSError, ValueError):
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, marshal.dumps(payload))  # type: ignore[arg-type]  # nested tuples of scalars


# --- parsing and validation ----------------------------------------------------------------------


class _Invalid(CatalogueError):
    pass


def parse_catalogue(data: bytes | str, label: str = "papers.yaml") -> Catalogue:
    """Validate YAML text into a Catalogue, or raise CatalogueError naming `label:line`."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(data, Loader=loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{label}:{mark.line + 1}" if mark else label
        problem = err.problem or err.context or "not valid YAML"
        raise CatalogueError(f"{where}: {problem}. Fix the YAML syntax there") from None
    except yaml.YAMLError as err:
        raise CatalogueError(f"{label}: not valid YAML ({err}). Fix the file") from None
    except UnicodeDecodeError:
        raise CatalogueError(f"{label}: not UTF-8 text. Save the file as UTF-8") from None
    return _Builder(label).catalogue(root)


class _Builder:
    """Turns composed YAML nodes into a Catalogue, checking everything a user can get wrong."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.items: list[Item] = []
        self.key_lines: dict[str, int] = {}
        self.seen: set[int] = set()

    def fail(self, node: yaml.Node, problem: str, fix: str) -> _Invalid:
        return _Invalid(f"{self.label}:{node.start_mark.line + 1}: {problem}. {fix}")

    def mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        import yaml

        self._check(node)
        if not isinstance(node, yaml.MappingNode):
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
        import yaml

        self._check(node)
        if isinstance(node, yaml.ScalarNode) and node.tag == _STD_TAG + "null":
            return []
        if not isinstance(node, yaml.SequenceNode):
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
        import yaml

        self._check(node)
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"{what} should be a single value", "Write it on one line")
        if node.tag == _STD_TAG + "null":
            if required:
                raise self.fail(node, f"{what} is empty", "Give it a value")
            return None
        # The raw text, not the resolved value: an unquoted 2005.14160 must not become 2005.1416.
        value = str(node.value).strip()
        if required and not value:
            raise self.fail(node, f"{what} is empty", "Give it a value")
        return value

    def texts(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        import yaml

        if isinstance(node, yaml.ScalarNode) and node.tag != _STD_TAG + "null":
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
            first = len(self.items)
            for item_node in self.sequence(fields["items"][1], "items") if "items" in fields else ():
                self.item(item_node, name, None, 0)
            sections.append(
                Section(
                    name,
                    self.texts(fields["notes"][1], "notes") if "notes" in fields else (),
                    tuple(item.key for item in self.items[first:]),
                    section_node.start_mark.line,
                    section_node.start_mark.column,
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
        for name in _TEXT_FIELDS:
            if name in fields:
                values[name] = self.text(fields[name][1], name, required=name == "title")
        status = "todo"
        if "status" in fields:
            status = self.text(fields["status"][1], "status") or "todo"
            if status not in STATUSES:
                raise self.fail(
                    fields["status"][1], f"unknown status '{status}'", "Use todo, reading or done"
                )
        if "done_on" in fields:
            done_on = self.text(fields["done_on"][1], "done_on")
            if done_on is not None and not _ISO_DATE.fullmatch(done_on):
                raise self.fail(
                    fields["done_on"][1], f"done_on '{done_on}' is not a date", "Write it as YYYY-MM-DD"
                )
            values["done_on"] = done_on
        if "year" in fields:
            year = self.text(fields["year"][1], "year")
            if year is not None and not year.isdigit():
                raise self.fail(fields["year"][1], f"year '{year}' is not a number", "Write it like 2017")
            values["year"] = int(year) if year else None
        if "group" in fields:
            group = (self.text(fields["group"][1], "group") or "false").lower()
            if group not in ("true", "false", "yes", "no"):
                raise self.fail(
                    fields["group"][1], f"group '{group}' is not true or false", "Write true or false"
                )
            values["group"] = group in ("true", "yes")
        for name in _LIST_FIELDS:
            if name in fields:
                values[name] = self.texts(fields[name][1], name)
        index = len(self.items)
        self.items.append(Item(key, "", section, parent, depth))  # placeholder keeps file order
        children = tuple(
            self.item(child, section, key, depth + 1)
            for child in (self.sequence(fields["children"][1], "children") if "children" in fields else ())
        )
        import yaml

        self.items[index] = Item(
            key=key,
            section=section,
            parent=parent,
            depth=depth,
            status=status,
            children=children,
            line=node.start_mark.line,
            column=node.start_mark.column,
            flow=isinstance(node, yaml.MappingNode) and bool(node.flow_style),
            **values,
        )
        return key


# --- writing -------------------------------------------------------------------------------------


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` atomically (used for catalogues and exports alike)."""
    try:
        atomic_write_bytes(path, text.encode("utf-8"))
    except OSError as err:
        raise CatalogueError(
            f"could not write {display_path(path)}: {err.strerror or err}. Nothing was changed"
        ) from None


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on a file beside the catalogue for a whole read-modify-write.

    The catalogue itself cannot carry the lock: the atomic rename replaces its inode.
    """
    lock_path = path.parent / f".{path.name}.lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise CatalogueError(
            f"cannot lock {display_path(path)}: {err.strerror}. Check that its folder is writable"
        ) from None
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined,unused-ignore]
        else:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def editing(path: Path, *, create: bool = False, dry_run: bool = False) -> Iterator[Editor]:
    """Lock, read and validate the catalogue; yield an Editor; write only if something changed.

    If the body raises, nothing is written. After structural edits the new text is parsed before it
    is written, so an edit can never leave an invalid file. With `dry_run` the edits are made and
    checked in memory only: no lock is taken and nothing is written.
    """
    with contextlib.nullcontext() if dry_run else _locked(path):
        data = b"" if create and not path.exists() else _read_bytes(path)
        catalogue = _catalogue_for(path, data) if data or not create else Catalogue(None, (), (), ())
        editor = Editor(path, data.decode("utf-8"), catalogue)
        yield editor
        if editor.changed:
            encoded = editor.text.encode("utf-8")
            if editor.structural:
                # Items were added: parse the new text once, which also proves it valid.
                editor._snapshot = parse_catalogue(encoded, display_path(path))
            if dry_run:
                return
            write_atomically(path, editor.text)
            digest = hashlib.blake2b(encoded, digest_size=20).hexdigest()
            _write_cache(path, digest, editor.catalogue)


_STATUS_LINE = re.compile(r"^[ -]*status[ ]*:", re.MULTILINE)
_FIELD_START = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)*)(?P<name>[A-Za-z_][\w-]*)[ ]*:(?=[ ]|$)")
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9(\[][^\n]*")
_YAML_SPECIAL_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"])


def yaml_scalar(value: Any) -> str:
    """One YAML scalar, plain when that reads back unchanged, double-quoted otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    plain_ok = (
        _PLAIN_SAFE.fullmatch(text) is not None
        and text == text.strip()
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and not text.startswith("[")
        and text.lower() not in _YAML_SPECIAL_WORDS
        and not any(c in text for c in "{}[]\"'`|>\t&*!%@,")
        and not _looks_numeric(text)
    )
    if plain_ok or _ISO_DATE.fullmatch(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace("_", ""))
    except ValueError:
        return (
            text.lower() in (".inf", "-.inf", ".nan")
            or re.fullmatch(r"[-+]?0[xob][0-9a-f_]+", text, re.I) is not None
        )
    return True


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


class Editor:
    """Surgical edits to the catalogue's text, keeping every untouched byte."""

    def __init__(self, path: Path, text: str, catalogue: Catalogue) -> None:
        self.path = path
        self.label = display_path(path)
        self.lines = text.splitlines(keepends=True)
        self.newline = "\r\n" if self.lines and self.lines[0].endswith("\r\n") else "\n"
        self._base = catalogue
        self._snapshot: Catalogue | None = catalogue
        self._order = [item.key for item in catalogue.items]  # items added in this session come last
        self._items = {item.key: item for item in catalogue.items}
        self._sections = list(catalogue.sections)
        self.changed = False
        self.structural = False
        self._deferred: list[tuple[int, int]] | None = None  # line shifts of a bottom-up batch
        # Follow the file's own convention for the default status: if most items spell out a
        # status, undo writes `status: todo`; if most leave it out, undo removes the line (unless
        # it carries a comment). Either way `done X` then `undo X` gives the file back byte for byte.
        self._explicit_todo = 2 * len(_STATUS_LINE.findall(text)) >= len(catalogue.items)

    @property
    def text(self) -> str:
        return "".join(self.lines)

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue as edited so far (rebuilt only when asked for after a change)."""
        if self._snapshot is None:
            self._snapshot = Catalogue(
                self._base.title,
                self._base.notes,
                tuple(self._sections),
                tuple(self._items[key] for key in self._order),
            )
        return self._snapshot

    # -- field edits --

    def apply(self, changes: Sequence[Change]) -> None:
        """Set fields on many items, bottom of the file first.

        Editing from the bottom up means no edit moves a line still to be edited, so the line
        shifts are recorded and applied to every item once at the end, instead of after each
        inserted line (which made a 1,000-item fetch spend seconds renumbering).
        """
        self._deferred = []
        try:
            for change in sorted(changes, key=lambda c: self._items[c.key].line, reverse=True):
                self.set_fields(change.key, change.fields)
        finally:
            shifts, self._deferred = self._deferred, None
            self._shift_all(shifts)

    def _shift_all(self, shifts: list[tuple[int, int]]) -> None:
        """Move every item and section below each (end line, delta) of a bottom-up batch."""
        if not shifts:
            return
        shifts.sort()
        ends = [end for end, _ in shifts]
        totals = list(itertools.accumulate(delta for _, delta in shifts))

        def moved(line: int) -> int:
            index = bisect.bisect_right(ends, line)
            return line + (totals[index - 1] if index else 0)

        self._items = {key: item._replace(line=moved(item.line)) for key, item in self._items.items()}
        self._sections = [s._replace(line=moved(s.line)) for s in self._sections]

    def set_fields(self, key: str, fields: Mapping[str, Any]) -> None:
        """Set (or, with None, remove) fields of one item, touching only their lines."""
        item = self._items[key]
        if item.flow:
            raise CatalogueError(
                f"{self.label}:{item.line + 1}: '{key}' is written in flow style {{...}}, which papers cannot edit "
                "line by line. Rewrite it with one field per line"
            )
        for name, value in fields.items():
            self._set_field(item, name, value)
        updates = {n: (tuple(v) if n in _LIST_FIELDS else v) for n, v in fields.items() if n in Item._fields}
        for name in _LIST_FIELDS & updates.keys():
            if updates[name] is None:
                updates[name] = ()
        self._items[key] = self._items[key]._replace(**updates)  # type: ignore[arg-type]  # checked by name above
        self._snapshot = None

    def _item_fields(self, item: Item) -> tuple[dict[str, tuple[int, int]], int]:
        """The item's own fields as name -> (first line, end line), and the block's end line."""
        start, column = item.line, item.column
        if not self.lines[start][column:].lstrip():
            raise CatalogueError(
                f"{self.label}:{start + 1}: cannot find item '{item.key}'. Run the command again"
            )
        fields: dict[str, tuple[int, int]] = {}
        current: str | None = None
        last_content = start
        i = start
        while i < len(self.lines):
            line = self.lines[i]
            if i > start and _is_content(line):
                indent = _indent_of(line)
                if indent < column:
                    break
                # At the item's own indentation a `- ` line is an entry of a list that YAML lets
                # sit level with its key ("links:" then "- url"), not a new field.
                if indent == column and not line.lstrip(" ").startswith("-"):
                    match = _FIELD_START.match(line)
                    if match:
                        if current is not None:
                            fields[current] = (fields[current][0], last_content + 1)
                        current = match["name"]
                        fields[current] = (i, i + 1)
                last_content = i
            elif i == start:
                match = _FIELD_START.match(line)
                current = match["name"] if match else None
                if current:
                    fields[current] = (i, i + 1)
            i += 1
        if current is not None:
            fields[current] = (fields[current][0], last_content + 1)
        return fields, last_content + 1

    def _set_field(self, item: Item, name: str, value: Any) -> None:
        item = self._items[item.key]
        if name == "status" and value == "todo" and not self._explicit_todo:
            fields, _ = self._item_fields(item)
            if "status" in fields and "#" not in self.lines[fields["status"][0]]:
                value = None
        fields, block_end = self._item_fields(item)
        indent = " " * item.column
        if name in fields:
            first, end = fields[name]
            if value is None:
                if first == item.line:
                    raise CatalogueError(
                        f"{self.label}:{first + 1}: cannot remove the first field of '{item.key}'"
                    )
                self._replace(first, end, [])
                return
            if end - first == 1 and name not in _LIST_FIELDS:
                self._replace(first, end, [self._rewrite_scalar_line(self.lines[first], value)])
                return
            lead = self.lines[first][: len(self.lines[first]) - len(self.lines[first].lstrip(" -"))]
            self._replace(first, end, self._field_lines(lead, indent, name, value))
            return
        if value is None:
            return
        position = FIELD_ORDER.index(name) if name in FIELD_ORDER else len(FIELD_ORDER)
        before = [f for f in fields if f in FIELD_ORDER and FIELD_ORDER.index(f) < position]
        if before:
            insert_at = max(fields[f][1] for f in before)
        else:
            insert_at = min(block_end, min((f[1] for f in fields.values()), default=block_end))
        self._replace(insert_at, insert_at, self._field_lines(indent, indent, name, value))

    def _field_lines(self, lead: str, indent: str, name: str, value: Any) -> list[str]:
        return _field_lines(lead, indent, name, value, self.newline)

    def _rewrite_scalar_line(self, line: str, value: Any) -> str:
        """Replace the value on a `name: value  # comment` line, keeping the rest of the line."""
        match = _FIELD_START.match(line)
        assert match is not None
        body = line[match.end() :]
        ending = body[len(body.rstrip("\r\n")) :]
        body = body[: len(body) - len(ending)]
        stripped = body.lstrip(" ")
        value_end = _scalar_end(stripped)
        rest = stripped[value_end:]
        return f"{line[: match.end()]} {yaml_scalar(value)}{rest}{ending}"

    def _replace(self, first: int, end: int, new_lines: list[str]) -> None:
        if first > 0 and not self.lines[first - 1].endswith(("\n", "\r")):
            self.lines[first - 1] += self.newline
        self.lines[first:end] = new_lines
        delta = len(new_lines) - (end - first)
        self.changed = True
        self._snapshot = None
        if delta and self._deferred is not None:
            self._deferred.append((end, delta))
        elif delta:
            for key, other in self._items.items():
                if other.line >= end:
                    self._items[key] = other._replace(line=other.line + delta)
            self._sections = [s._replace(line=s.line + delta) if s.line >= end else s for s in self._sections]

    # -- structural edits --

    def add_item(self, new: NewItem) -> None:
        """Append an item to its section (created if new) or under its parent."""
        self.structural = True
        if new.new_section or not any(s.name == new.section for s in self._sections):
            self.add_section(new.section)
        if new.parent is not None:
            parent = self._items[new.parent]
            fields, block_end = self._item_fields(parent)
            child_column = parent.column + 2
            if "children" in fields and parent.children:
                last = self._items[self._last_descendant(parent.key)]
                insert_at = self._item_fields(last)[1]
                child_column = self._items[parent.children[0]].column
            elif "children" in fields:
                first, end = fields["children"]
                self._replace(first, end, [f"{' ' * parent.column}children:{self.newline}"])
                insert_at = first + 1
            else:
                self._replace(block_end, block_end, [f"{' ' * parent.column}children:{self.newline}"])
                insert_at = block_end + 1
            added = self._insert_item(insert_at, child_column, new, parent.depth + 1)
            self._items[new.parent] = self._items[new.parent]._replace(
                children=(*parent.children, new.fields["key"])
            )
            index = next(i for i, s in enumerate(self._sections) if s.name == new.section)
            self._sections[index] = self._sections[index]._replace(keys=(*self._sections[index].keys, *added))
            return
        section = next(s for s in self._sections if s.name == new.section)
        fields, block_end = self._block_fields(section.line, section.column)
        item_column = section.column + 4
        if section.keys:
            last_top = next(k for k in reversed(section.keys) if self._items[k].parent is None)
            insert_at = self._item_fields(self._items[self._last_descendant(last_top)])[1]
            item_column = self._items[section.keys[0]].column
        elif "items" in fields:
            first, end = fields["items"]
            self._replace(first, end, [f"{' ' * section.column}items:{self.newline}"])
            insert_at = first + 1
        else:
            self._replace(block_end, block_end, [f"{' ' * section.column}items:{self.newline}"])
            insert_at = block_end + 1
        added = self._insert_item(insert_at, item_column, new, 0)
        index = self._sections.index(section)
        self._sections[index] = self._sections[index]._replace(keys=(*section.keys, *added))

    def _last_descendant(self, key: str) -> str:
        item = self._items[key]
        while item.children:
            item = self._items[item.children[-1]]
        return item.key

    def _insert_item(self, at: int, column: int, new: NewItem, depth: int) -> list[str]:
        """Write the item (and any `children` it carries, nested) at line `at`; return the new keys."""
        lines, placed = _item_lines(new.fields, column, self.newline)
        self._replace(at, at, lines)
        for fields, offset, item_column, level in placed:
            key = fields["key"]
            self._order.append(key)
            self._items[key] = Item(
                key=key,
                title=fields["title"],
                section=new.section,
                parent=new.parent if level == 0 else fields["_parent"],
                depth=depth + level,
                children=tuple(child["key"] for child in fields.get("children") or ()),
                line=at + offset,
                column=item_column,
            )
        return [fields["key"] for fields, *_ in placed]

    def _block_fields(self, line: int, column: int) -> tuple[dict[str, tuple[int, int]], int]:
        probe = Item(key="", title="", section="", parent=None, depth=0, line=line, column=column)
        return self._item_fields(probe)

    def add_section(self, name: str, notes: Sequence[str] = ()) -> None:
        """Append a section (with an empty item list) at the end of `sections:`."""
        self.structural = True
        nl = self.newline
        if not any(_is_content(line) for line in self.lines):
            self.lines = [f"sections:{nl}"]
            self.changed = True
        column = self._sections[0].column if self._sections else 4
        lines = [f"{nl}", f"{' ' * (column - 2)}- name: {yaml_scalar(name)}{nl}"]
        if notes:
            lines += self._field_lines(" " * column, " " * column, "notes", list(notes))
        lines.append(f"{' ' * column}items: []{nl}")
        if self._sections:
            last = self._sections[-1]
            end = self._block_fields(last.line, last.column)[1]
        else:
            top = _top_level_field(self.lines, "sections")
            if top is None:
                self._replace(len(self.lines), len(self.lines), [f"{nl}", f"sections:{nl}"])
                top = len(self.lines) - 1
            elif self.lines[top].split(":", 1)[1].strip() not in ("", "[]", "null", "~"):
                raise CatalogueError(f"{self.label}:{top + 1}: cannot add a section to `sections:` there")
            else:
                self.lines[top] = f"sections:{nl}"
            end = top + 1
            lines = lines[1:]
        self._replace(end, end, lines)
        self._sections.append(Section(name, tuple(notes), (), end + (1 if self._sections else 0), column))

    # -- the list's title and notes --

    @property
    def is_empty(self) -> bool:
        """True for a catalogue that does not exist yet (or holds nothing but comments)."""
        return not any(_is_content(line) for line in self.lines)

    def write_new(self, catalogue: Mapping[str, Any]) -> None:
        """Fill a catalogue that does not exist yet with `render_catalogue(catalogue)`.

        The only whole-file write there is: a file with content is only ever edited line by line.
        """
        if not self.is_empty:
            raise CatalogueError(f"{self.label} already has content. Papers only edits it line by line")
        self.lines = render_catalogue(catalogue).splitlines(keepends=True)
        self.newline = "\n"
        self.changed = self.structural = True

    def set_title(self, title: str) -> None:
        """Set the list's top-level `title:`, in place if the line exists, else above the first field."""
        self.structural = True
        at = _top_level_field(self.lines, "title")
        if at is not None:
            self._replace(at, at + 1, [self._rewrite_scalar_line(self.lines[at], title)])
            return
        first = _first_top_level_field(self.lines)
        at = len(self.lines) if first is None else first
        self._replace(at, at, [f"title: {yaml_scalar(title)}{self.newline}"])

    def add_notes(self, notes: Sequence[str], section: str | None = None) -> None:
        """Append lines to the `notes:` of the whole list, or of a section; create the list if needed."""
        if not notes:
            return
        self.structural = True
        if section is None:
            top = _first_top_level_field(self.lines)
            if top is None:
                raise CatalogueError(f"{self.label}: no `sections:` list. Add one (see docs/schema.md)")
            fields, block_end = self._block_fields(top, 0)
            self._extend_list(fields, block_end, 0, "notes", notes, before="sections")
        else:
            found = next(s for s in self._sections if s.name == section)
            fields, block_end = self._block_fields(found.line, found.column)
            self._extend_list(fields, block_end, found.column, "notes", notes, before="items")

    def _extend_list(
        self,
        fields: dict[str, tuple[int, int]],
        block_end: int,
        column: int,
        name: str,
        values: Sequence[str],
        *,
        before: str,
    ) -> None:
        nl = self.newline
        indent = " " * (column + 2)
        if name not in fields:
            at = fields[before][0] if before in fields else block_end
            if at == min(f[0] for f in fields.values()):
                at = block_end  # never above the line that opens the mapping (`- name: ...`)
            self._replace(at, at, _field_lines(" " * column, " " * column, name, list(values), nl))
            return
        first, end = fields[name]
        line = self.lines[first]
        match = _FIELD_START.match(line)
        assert match is not None
        rest = line[match.end() :].strip()
        value = rest[: _scalar_end(rest)]
        if value in ("[]", "~", "null"):
            head = line[: match.end()] + nl
            self._replace(first, end, [head, *(f"{indent}- {yaml_scalar(v)}{nl}" for v in values)])
            return
        if value:
            raise CatalogueError(
                f"{self.label}:{first + 1}: `{name}` is written on one line, which papers cannot add to. "
                "Write it as a list with one `- entry` per line"
            )
        entries = [text for text in self.lines[first + 1 : end] if text.lstrip(" ").startswith("-")]
        if entries:
            indent = entries[0][: len(entries[0]) - len(entries[0].lstrip(" "))]
        self._replace(end, end, [f"{indent}- {yaml_scalar(v)}{nl}" for v in values])


# --- a brand-new catalogue -----------------------------------------------------------------------

_NEW_FILE_HEADER = (
    "# papers.yaml: the reading list that `papers` tracks. Plain YAML, meant to be edited by hand:\n"
    "# papers edits only the lines of the items it changes, so your comments and layout survive.\n"
    "# Field order and meanings: docs/schema.md. Keys are what you type: `papers done KEY`.\n"
)


def render_catalogue(catalogue: Mapping[str, Any]) -> str:
    """YAML text for a whole new catalogue, in the layout of the shipped papers.yaml.

    `catalogue` is shaped like the file (see `checklist`): title, notes, sections with nested items.
    The text is parsed back before it is returned, which proves it valid. Only for a file that does
    not exist yet: an existing catalogue is never re-serialised.
    """
    lines = [_NEW_FILE_HEADER, "\n"]
    title = " ".join(str(catalogue.get("title") or "").split())
    if title:
        lines.append(f"title: {yaml_scalar(title)}\n")
    notes = [str(note) for note in catalogue.get("notes") or () if str(note).strip()]
    if notes:
        lines += _field_lines("", "", "notes", notes, "\n")
    if title or notes:
        lines.append("\n")
    sections = list(catalogue.get("sections") or ())
    lines.append("sections:\n" if sections else "sections: []\n")
    for index, section in enumerate(sections):
        if index:
            lines.append("\n")
        lines.append(f"  - name: {yaml_scalar(section['name'])}\n")
        section_notes = [str(note) for note in section.get("notes") or () if str(note).strip()]
        if section_notes:
            lines += _field_lines("    ", "    ", "notes", section_notes, "\n")
        items = list(section.get("items") or ())
        lines.append("    items:\n" if items else "    items: []\n")
        for item in items:
            lines += _item_lines(_with_status(item), 8, "\n")[0]
    text = "".join(lines)
    parse_catalogue(text, "the new catalogue")
    return text


def _with_status(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item and its descendants, each with an explicit `status` (todo unless given)."""
    return {
        **item,
        "status": item.get("status") or "todo",
        "children": [_with_status(child) for child in item.get("children") or ()],
    }


def _field_lines(lead: str, indent: str, name: str, value: Any, nl: str) -> list[str]:
    if name in _LIST_FIELDS or isinstance(value, (list, tuple)):
        values = list(value)
        if not values:
            return [f"{lead}{name}: []{nl}"]
        return [f"{lead}{name}:{nl}"] + [f"{indent}  - {yaml_scalar(v)}{nl}" for v in values]
    return [f"{lead}{name}: {yaml_scalar(value)}{nl}"]


def _field_rank(name: str) -> int:
    return FIELD_ORDER.index(name) if name in FIELD_ORDER else len(FIELD_ORDER)


def _item_lines(
    item: Mapping[str, Any], column: int, nl: str
) -> tuple[list[str], list[tuple[dict[str, Any], int, int, int]]]:
    """An item's lines, its children nested under `children:`, with the fields in FIELD_ORDER.

    Also returns, for the item and each descendant, (fields with `_parent`, line offset, column, level).
    Empty fields are left out; `status` is written whenever the item has one.
    """
    out: list[str] = []
    placed: list[tuple[dict[str, Any], int, int, int]] = []

    def emit(fields: dict[str, Any], column: int, level: int) -> None:
        placed.append((fields, len(out), column, level))
        indent = " " * column
        names = sorted(
            (
                n
                for n, v in fields.items()
                if n not in ("children", "_parent") and v not in (None, "", [], (), False)
            ),
            key=_field_rank,
        )
        for i, name in enumerate(names):
            lead = " " * (column - 2) + "- " if i == 0 else indent
            out.extend(_field_lines(lead, indent, name, fields[name], nl))
        children = list(fields.get("children") or ())
        if children:
            out.append(f"{indent}children:{nl}")
            for child in children:
                emit({**child, "_parent": fields["key"]}, column + 4, level + 1)

    emit(dict(item), column, 0)
    return out, placed


def _first_top_level_field(lines: Sequence[str]) -> int | None:
    for i, line in enumerate(lines):
        match = _FIELD_START.match(line)
        if match and not match["lead"]:
            return i
    return None


def _top_level_field(lines: Sequence[str], name: str) -> int | None:
    for i, line in enumerate(lines):
        match = _FIELD_START.match(line)
        if match and not match["lead"] and match["name"] == name:
            return i
    return None


def _scalar_end(text: str) -> int:
    """Where the scalar at the start of `text` ends (before spaces and any `# comment`)."""
    if text.startswith('"'):
        i = 1
        while i < len(text):
            if text[i] == "\\":
                i += 2
                continue
            if text[i] == '"':
                return i + 1
            i += 1
        return len(text)
    if text.startswith("'"):
        i = 1
        while i < len(text):
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    i += 2
                    continue
                return i + 1
            i += 1
        return len(text)
    comment = re.search(r"[ \t]#", text)
    end = comment.start() if comment else len(text)
    return len(text[:end].rstrip())
