"""YAML text for values, fields and items, in the layout of the shipped papers.yaml.

Every line ends in LF: the buffer gives a CRLF file its endings back on write. Only a catalogue
that does not exist yet is written whole (`render_catalogue`); an existing one is only ever
edited line by line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from papers.model.schema import FIELD_ORDER, ISO_DATE, LIST_FIELDS
from papers.store.yamledit.outline import FIELD_START, FieldLines, scalar_end

_PLAIN_SAFE = re.compile(r"[A-Za-z0-9(\[][^\n]*")
# What is outside YAML's printable set (1.1 §5.1), less what json.dumps has already escaped. Spelt
# as the few ranges outside it: the set itself, negated, took 3 ms to compile in every edit.
_NOT_YAML_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Characters that YAML reads as flow syntax, quotes, tags, anchors ... anywhere in a plain scalar.
_FLOW_OR_QUOTE = re.compile("[{}\\[\\]\"'`|>\t&*!%@,]")
_YAML_SPECIAL_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"])


def yaml_scalar(value: Any) -> str:
    """One YAML scalar, plain when that reads back unchanged, double-quoted otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    plain_ok = (
        text.isprintable()  # no control, format or non-character code point (YAML refuses most)
        and _PLAIN_SAFE.fullmatch(text) is not None
        and text == text.strip()
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and not text.startswith("[")
        and text.lower() not in _YAML_SPECIAL_WORDS
        and _FLOW_OR_QUOTE.search(text) is None
        and not _looks_numeric(text)
    )
    if plain_ok or ISO_DATE.fullmatch(text):
        return text
    # json escapes C0 itself; what YAML cannot hold raw (C1, DEL, U+FFFE...) is escaped too,
    # or a title typed with such a character would make papers write a file it then refuses.
    return _NOT_YAML_PRINTABLE.sub(_escaped, json.dumps(text, ensure_ascii=False))


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _looks_numeric(text: str) -> bool:
    first = text[:1]
    # What float() or YAML's numbers accept starts so (a digit of any script, a sign, a point, an
    # underscore, inf or nan): most titles are decided here without float() raising.
    if not (first.isdecimal() or first in "+-._iInN"):
        return False
    try:
        float(text.replace("_", ""))
    except ValueError:
        return (
            text.lower() in (".inf", "-.inf", ".nan")
            or re.fullmatch(r"[-+]?0[xob][0-9a-f_]+", text, re.I) is not None
            # YAML 1.1's base-60 numbers: another reader takes a plain 1:30 for 90
            or re.fullmatch(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?", text) is not None
        )
    return True


def rewrite_scalar_line(line: str, value: Any) -> str:
    """Replace the value on a `name: value  # comment` line, keeping the rest of the line."""
    match = FIELD_START.match(line)
    assert match is not None
    body = line[match.end() :]
    ending = body[len(body.rstrip("\r\n")) :]
    body = body[: len(body) - len(ending)]
    stripped = body.lstrip(" ")
    value_end = scalar_end(stripped)
    rest = stripped[value_end:]
    return f"{line[: match.end()]} {yaml_scalar(value)}{rest}{ending}"


_NEW_FILE_HEADER = (
    "# papers.yaml: the reading list that `papers` tracks. Plain YAML, meant to be edited by hand:\n"
    "# papers edits only the lines of the items it changes, so your comments and layout survive.\n"
    "# Field order and meanings: docs/schema.md. Keys are what you type: `papers done KEY`.\n"
)


def render_catalogue(catalogue: Mapping[str, Any]) -> str:
    """YAML text for a whole new catalogue, in the layout of the shipped papers.yaml.

    `catalogue` is shaped like the file (`formats.shapes.CatalogueDict`): title, notes, sections
    with nested items.
    Only for a file that does not exist yet: an existing catalogue is never re-serialised. The
    editor that writes it marks the edit structural, so it is parsed before it is written.
    """
    lines = [_NEW_FILE_HEADER, "\n"]
    title = " ".join(str(catalogue.get("title") or "").split())
    if title:
        lines.append(f"title: {yaml_scalar(title)}\n")
    notes = [str(note) for note in catalogue.get("notes") or () if str(note).strip()]
    if notes:
        lines += field_lines("", "", "notes", notes)
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
            lines += field_lines("    ", "    ", "notes", section_notes)
        items = list(section.get("items") or ())
        lines.append("    items:\n" if items else "    items: []\n")
        for item in items:
            lines += item_lines(_with_status(item), 8)[0]
    return "".join(lines)


def _with_status(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item and its descendants, each with an explicit `status` (todo unless given)."""
    return {
        **item,
        "status": item.get("status") or "todo",
        "children": [_with_status(child) for child in item.get("children") or ()],
    }


def field_lines(lead: str, indent: str, name: str, value: Any) -> list[str]:
    if name in LIST_FIELDS or isinstance(value, (list, tuple)):
        values = list(value)
        if not values:
            return [f"{lead}{name}: []\n"]
        return [f"{lead}{name}:\n"] + [f"{indent}  - {yaml_scalar(v)}\n" for v in values]
    return [f"{lead}{name}: {yaml_scalar(value)}\n"]


_RANKS = {name: rank for rank, name in enumerate(FIELD_ORDER)}


def field_rank(name: str) -> int:
    """Where a field goes among an item's fields (unknown names last)."""
    return _RANKS.get(name, len(FIELD_ORDER))


def item_lines(
    item: Mapping[str, Any], column: int
) -> tuple[list[str], list[tuple[dict[str, Any], int, int, int]]]:
    """An item's lines, its children nested under `children:`, with the fields in FIELD_ORDER.

    Also returns, for the item and each descendant, (fields with `_parent`, line offset, column, level).
    Empty fields are left out; `status` is written whenever the item has one.
    """
    out: list[str] = []
    placed: list[tuple[dict[str, Any], int, int, int]] = []
    _emit(dict(item), column, 0, out, placed)
    return out, placed


def _emit(
    fields: dict[str, Any],
    column: int,
    level: int,
    out: list[str],
    placed: list[tuple[dict[str, Any], int, int, int]],
) -> None:
    """Append the item's lines to `out` and its place to `placed`, then its children's.

    A function of the module, not a closure inside `item_lines`: a closure that calls itself is a
    reference cycle, and with the collector paused for the whole edit (`store.load.editing`) each
    item's cycle kept its lines, places and fields alive until the end: 500,000 objects for an
    import of 50,000 items."""
    placed.append((fields, len(out), column, level))
    indent = " " * column
    names = sorted(
        (
            n
            for n, v in fields.items()
            if n not in ("children", "_parent") and v not in (None, "", [], (), False)
        ),
        key=field_rank,
    )
    for i, name in enumerate(names):
        lead = " " * (column - 2) + "- " if i == 0 else indent
        out.extend(field_lines(lead, indent, name, fields[name]))
    children = list(fields.get("children") or ())
    if children:
        out.append(f"{indent}children:\n")
        for child in children:
            _emit({**child, "_parent": fields["key"]}, column + 4, level + 1, out, placed)


def list_extension(
    lines: Sequence[str],
    fields: FieldLines,
    block_end: int,
    column: int,
    name: str,
    values: Sequence[str],
    *,
    before: str,
) -> tuple[int, int, list[str]] | str:
    """The edit (first, end, new lines) that appends `values` to the block list `name` of the
    mapping at `column` (created above the field `before` if missing), or a `LINE: problem` text."""
    indent = " " * (column + 2)
    if name not in fields:
        at = fields[before][0] if before in fields else block_end
        if at == min(f[0] for f in fields.values()):
            at = block_end  # never above the line that opens the mapping (`- name: ...`)
        return at, at, field_lines(" " * column, " " * column, name, list(values))
    first, end = fields[name]
    line = lines[first]
    match = FIELD_START.match(line)
    assert match is not None
    rest = line[match.end() :].strip()
    value = rest[: scalar_end(rest)]
    if value in ("[]", "~", "null"):
        head = line[: match.end()] + "\n"
        return first, end, [head, *(f"{indent}- {yaml_scalar(v)}\n" for v in values)]
    if value:
        return (
            f"{first + 1}: `{name}` is written on one line, which papers cannot add to. "
            "Write it as a list with one `- entry` per line"
        )
    entries = [text for text in lines[first + 1 : end] if text.lstrip(" ").startswith("-")]
    if entries:
        indent = entries[0][: len(entries[0]) - len(entries[0].lstrip(" "))]
    return end, end, [f"{indent}- {yaml_scalar(v)}\n" for v in values]
