"""papers.yaml text into a `Catalogue`, checking everything a user can get wrong.

PyYAML's C composer gives nodes with line numbers; `_Builder` validates them into the model and
names `papers.yaml:LINE` in every error. This module depends only on the model and the errors:
the loader (`store.load`, with its parse cache) and the editor (`store.yamledit`, which re-reads
what it wrote) both use it, and it uses neither.
"""

from __future__ import annotations

import codecs
import re
import types
from typing import TYPE_CHECKING, Any

from papers.errors import CatalogueError
from papers.model.catalogue import STATUSES, Catalogue, Item, Section
from papers.model.keys import is_valid_key

if TYPE_CHECKING:
    import yaml

_STD_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    _STD_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"[0-9]{1,4}")
_TEXT_FIELDS = ("title", "arxiv", "url", "note", "listed_as", "remark")
LIST_FIELDS = frozenset({"authors", "links"})
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class _Invalid(CatalogueError):
    pass


def parse_catalogue(data: bytes | str, label: str = "papers.yaml") -> Catalogue:
    """Validate YAML text into a Catalogue, or raise CatalogueError naming `label:line`."""
    import yaml

    if isinstance(data, bytes) and data.startswith(_UTF16_BOMS):
        # PyYAML would read it, but papers writes UTF-8 only: an edit would garble the file.
        raise CatalogueError(f"{label}:1: the file is UTF-16 text, not UTF-8. Save it as UTF-8")
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
    return _Builder(label, yaml).catalogue(root)


class _Builder:
    """Turns composed YAML nodes into a Catalogue, checking everything a user can get wrong."""

    def __init__(self, label: str, yaml_module: types.ModuleType) -> None:
        self.label = label
        self.yaml: Any = yaml_module  # imported by parse_catalogue, only when a file must be parsed
        self.items: list[Item] = []
        self.key_lines: dict[str, int] = {}
        self.seen: set[int] = set()

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
        if isinstance(node, self.yaml.ScalarNode) and node.tag == _STD_TAG + "null":
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
        if isinstance(node, self.yaml.ScalarNode) and node.tag != _STD_TAG + "null":
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
            if done_on is not None and not ISO_DATE.fullmatch(done_on):
                raise self.fail(
                    fields["done_on"][1], f"done_on '{done_on}' is not a date", "Write it as YYYY-MM-DD"
                )
            values["done_on"] = done_on
        if "year" in fields:
            year = self.text(fields["year"][1], "year")
            if year is not None and not _YEAR.fullmatch(year):
                shown = year if len(year) <= 12 else year[:12] + "..."
                problem = "is not a year" if year.isascii() and year.isdigit() else "is not a number"
                raise self.fail(fields["year"][1], f"year '{shown}' {problem}", "Write it like 2017")
            values["year"] = int(year) if year else None
        if "group" in fields:
            group = (self.text(fields["group"][1], "group") or "false").lower()
            if group not in ("true", "false", "yes", "no"):
                raise self.fail(
                    fields["group"][1], f"group '{group}' is not true or false", "Write true or false"
                )
            values["group"] = group in ("true", "yes")
        for name in LIST_FIELDS:
            if name in fields:
                values[name] = self.texts(fields[name][1], name)
        index = len(self.items)
        self.items.append(Item(key, "", section, parent, depth))  # placeholder keeps file order
        children = tuple(
            self.item(child, section, key, depth + 1)
            for child in (self.sequence(fields["children"][1], "children") if "children" in fields else ())
        )
        self.items[index] = Item(
            key=key,
            section=section,
            parent=parent,
            depth=depth,
            status=status,
            children=children,
            line=node.start_mark.line,
            column=node.start_mark.column,
            flow=isinstance(node, self.yaml.MappingNode) and bool(node.flow_style),
            **values,
        )
        return key
