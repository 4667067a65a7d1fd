"""Reading lists as GitHub-flavoured markdown checklists: read one into a catalogue dict, write one back.

The catalogue is exchanged as plain dicts shaped like ``papers.yaml`` (``formats.shapes``), so storage can
write them without knowing markdown existed. Each item uses only schema field names, omits empty fields
and always has ``status``. Merging the result into an existing catalogue is ``formats.merge``'s job.

What travels through markdown (``parse_checklist(to_markdown(c))`` gives it back):
sections and their order, section and list notes, the list's title, items and their nesting, ticks
(``done`` is ticked; ``todo`` and ``reading`` are not), ``started_on``, ``done_on`` and ``reading`` (as
``(started D, done D)``, ``(done D)``, ``(started D)`` or ``(reading)`` last on the line), ``key`` (as
``<!-- key: KEY -->``), ``group`` (as ``<!-- key: KEY; group -->``), ``tags`` and ``priority`` (in the
same comment), ``title``, ``arxiv``, ``year`` and ``links``.

What does not: ``authors``, ``remark``, ``note`` and ``listed_as`` (on re-import it is the exported line). ``url`` is exported as the title's
link and comes back as the first of ``links``. A link to the item's own arXiv paper comes back folded into
``arxiv``. Titles are written as link text or plain text, so a title that itself contains a markdown link,
a bare URL or a parenthesised year the item does not carry may come back changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from operator import itemgetter
from urllib.parse import urlsplit

from papers.errors import ChecklistError
from papers.formats.markdown_line import LINE_FIELDS, cites, item_text, line_text, parse_item
from papers.formats.markdown_scan import (
    BULLET,
    FENCE,
    ITEM,
    Line,
    heading_of,
    indent_width,
    item_indent,
    scan,
)
from papers.formats.shapes import CatalogueDict, ItemDict, SectionDict, one_line
from papers.formats.types import Exported, ExportSource
from papers.model.arxiv_ids import arxiv_id_from_link
from papers.model.catalogue import Item, tree_order
from papers.model.keys import is_valid_key, unique_key
from papers.model.paper import strip_controls
from papers.model.schema import ItemRecord

# Items found before the first heading still need a section: the schema has no loose items.
DEFAULT_SECTION = "Unsorted"
UNTITLED_SECTION = "Untitled"

# A papers catalogue: its top-level `sections:` line (docs/schema.md).
_CATALOGUE_LINE = re.compile(r"^sections:[ \t]*(?:\[\][ \t]*)?(?:#.*)?$")
_GIVE_A_CHECKLIST = "Give a markdown checklist: `## Section` headings over `- [ ] paper` lines"

# Items nested deeper than this are refused: no reading list needs them, and every tree walk
# (merge, the YAML writer and reader, export) stays far from Python's recursion limit.
MAX_DEPTH = 64


@dataclass
class Pending:
    """An item whose key waits until every explicit key in the list has been seen."""

    item: ItemDict
    explicit_key: str | None


def check_checklist(text: str, label: str = "the list") -> None:
    """Refuse, with a ``ChecklistError`` naming ``label``, text that is not a markdown checklist:
    a papers catalogue (YAML), binary data, prose with no heading and no checkbox item, or items
    nested deeper than ``MAX_DEPTH``. Text with nothing but blank lines passes: it is an empty list.

    Cheap enough to run before the catalogue is locked, so a refused list changes no file at all.
    """
    if "\0" in text:
        raise ChecklistError(f"{label} is not text (it holds NUL bytes). {_GIVE_A_CHECKLIST}")
    _check_scanned(list(scan(text.splitlines())), label, bool(text.strip()))


def _check_scanned(scanned: list[Line], label: str, has_text: bool) -> None:
    depth: list[int] = []
    structure = False
    too_deep: ChecklistError | None = None
    for line in scanned:
        if line.kind == "text" and _CATALOGUE_LINE.match(line.text):  # not one inside a code fence
            raise ChecklistError(
                f"{label} is a papers catalogue (YAML), not a markdown checklist. "
                "Import a checklist, such as one `papers export` wrote"
            )
        if too_deep is not None:
            continue
        if line.kind == "heading":
            structure, depth = True, []
        elif line.item is not None or line.bullet is not None:
            structure = structure or line.item is not None
            indent = item_indent(line.item or line.bullet)  # type: ignore[arg-type]
            while depth and depth[-1] >= indent:
                depth.pop()
            depth.append(indent)
            if len(depth) > MAX_DEPTH:
                too_deep = ChecklistError(
                    f"{label}:{line.number}: an item is nested more than {MAX_DEPTH} levels deep. Indent it less"
                )
    if too_deep is not None:
        raise too_deep
    if not structure and has_text:
        raise ChecklistError(f"{label} has no headings and no checklist items. {_GIVE_A_CHECKLIST}")


def parse_checklist(
    text: str,
    taken_keys: Set[str] = frozenset(),
    *,
    label: str = "the list",
    only_checkboxes: bool = False,
    into: str | None = None,  # a markdown list names its own sections
) -> CatalogueDict:
    """Read a markdown list into a catalogue dict; keys avoid ``taken_keys`` and each other.

    Checkbox items are items; so is any other list item that cites a paper (``formats.citation``),
    unless ``only_checkboxes``. Indented lines that continue an item's paragraph belong to it. Nested
    headings become sections named by their path (``Topic / 2015``); a heading with nothing but
    deeper headings under it makes no section of its own.

    Control characters (ESC, C0 but tab, C1) are stripped from every line: nothing imported can
    drive a terminal. Text ``check_checklist`` refuses raises its ``ChecklistError``.
    """
    if "\0" in text:
        raise ChecklistError(f"{label} is not text (it holds NUL bytes). {_GIVE_A_CHECKLIST}")
    lines = text.splitlines()
    if len(strip_controls(text)) != len(text):  # one pass over the text, most often the only one
        lines = [strip_controls(line) for line in lines]
    # One scan serves the checks, the title and the walk below.
    scanned = list(scan(lines))
    _check_scanned(scanned, label, bool(text.strip()))
    from papers.formats.markdown_blocks import Blocks, read_blocks

    # Checkbox lines are blanked for the parser: they are read by hand as always (and most lines of a
    # checklist are such lines, so a 10,000-item export costs the parser nothing). Nothing left but
    # headings: no parser (nor its import) is needed.
    if any(line.kind not in ("item", "heading") for line in scanned):
        rest = list(lines)
        for line in scanned:
            if line.kind == "item":
                rest[line.number - 1] = ""
        blocks = read_blocks(rest)
    else:
        blocks = Blocks()
    title = _list_title(scanned)
    catalogue: CatalogueDict = {"title": title, "notes": [], "sections": []}
    by_name: dict[str, SectionDict] = {}
    headings: list[tuple[int, str]] = []
    current: SectionDict | None = None
    pending_heading: str | None = None
    stack: list[tuple[int, ItemDict]] = []
    pending: list[Pending] = []
    skip_title = title is not None
    consumed: set[int] = set()

    def section_named(name: str) -> SectionDict:
        found = by_name.get(name.casefold())
        if found is None:
            found = {"name": name, "notes": [], "items": []}
            by_name[name.casefold()] = found
            catalogue["sections"].append(found)
        return found

    def target() -> SectionDict | None:
        nonlocal current, pending_heading
        if pending_heading is not None:
            current, pending_heading = section_named(pending_heading), None
        return current

    for line in scanned:
        if line.number in consumed:
            continue
        if line.heading is not None:
            if skip_title:
                skip_title = False
                continue
            level, name = line.heading[0], one_line(line.heading[1]) or UNTITLED_SECTION
            while headings and headings[-1][0] >= level:
                headings.pop()
            if pending_heading is not None and headings:
                # The heading before had nothing under it but this deeper one: it makes no section.
                pass
            elif pending_heading is not None:
                section_named(pending_heading)
            headings.append((level, name))
            # A repeated path continues its section: the schema wants names unique, case-insensitively.
            pending_heading = " / ".join(part for _, part in headings)
            stack = []
            continue
        if line.kind != "fence":
            skip_title = False
        entry, index = line.item, line.number - 1
        text, title_text, indent = "", None, 0
        if entry is not None:
            text = _with_continuation(entry.group(3) or "", line.number, lines, None, consumed)
            indent = item_indent(entry)
        elif only_checkboxes or line.kind == "fence":
            pass
        elif line.bullet is not None:
            indent = item_indent(line.bullet)
            if index in blocks.item_ends:
                candidate = _with_continuation(
                    line.bullet.group(2), line.number, lines, blocks.item_ends, set()
                )
                if cites(candidate):
                    _with_continuation("", line.number, lines, blocks.item_ends, consumed)
                    text = candidate
            if not text:
                _pop_to(stack, indent)
        elif (row := blocks.rows.get(index)) is not None:
            if cites(" ".join(row.cells)):
                text, title_text = " ".join(row.cells), row.title
        elif index in blocks.paragraphs:
            text = _cited_paragraph(lines, index, blocks.paragraphs[index], consumed)
        if entry is None and not text:
            section = target()
            note_target = section["notes"] if section is not None else catalogue["notes"]
            note_target.append(line.text.strip())
            continue
        section = target()
        if section is None:
            current = section = section_named(DEFAULT_SECTION)
        if entry is not None:
            item, explicit_key = parse_item(text, ticked=entry.group(2) != " ")
        else:
            item, explicit_key = parse_item(text, ticked=False, cited=True, title_text=title_text)
        pending.append(Pending(item, explicit_key))
        _pop_to(stack, indent)
        if stack:
            stack[-1][1].setdefault("children", []).append(item)
        else:
            section["items"].append(item)
        stack.append((indent, item))

    if pending_heading is not None:
        section_named(pending_heading)
    assign_keys(pending, taken_keys)
    return catalogue


def _cited_paragraph(lines: list[str], start: int, end: int, consumed: set[int]) -> str:
    """A paragraph outside lists (lines ``start`` to ``end``, 0-based) as one text if it cites a paper
    (its other lines are then ``consumed``); else empty, and its lines stay notes."""
    own: list[int] = []
    for index in range(start, end):
        line = lines[index]
        if index > start and (ITEM.match(line) or heading_of(line) or FENCE.match(line)):
            break
        own.append(index)
    text = " ".join(lines[index].strip() for index in own)
    if not cites(text):
        return ""
    consumed.update(index + 1 for index in own[1:])
    return text


def _pop_to(stack: list[tuple[int, ItemDict]], indent: int) -> None:
    while stack and stack[-1][0] >= indent:
        stack.pop()


def _with_continuation(
    first: str, number: int, lines: list[str], item_ends: dict[int, int] | None, consumed: set[int]
) -> str:
    """An item's text with the lines that continue its paragraph, which are marked ``consumed``: for
    a list item (``item_ends``) the lines CommonMark puts in its paragraph, lazy continuation lines
    (not indented) included, as a renderer shows them; a checkbox item (``item_ends`` None) only lines
    indented deeper than it, up to the next blank line or list line. A checkbox item, a heading or a
    fence never continues one."""
    end = len(lines) if item_ends is None else item_ends.get(number - 1, number)
    parts = [first]
    own: int | None = None
    for index in range(number, end):
        line = lines[index]
        if ITEM.match(line) or heading_of(line) or FENCE.match(line):
            break
        if item_ends is None:
            own = indent_width(lines[number - 1]) if own is None else own
            if indent_width(line) <= own:
                break
        if item_ends is None and (not line.strip() or BULLET.match(line)):
            break
        consumed.add(index + 1)
        parts.append(line.strip())
    return " ".join(part for part in parts if part)


parse = parse_checklist  # the importer the registry finds (formats.types.Importer)


def _list_title(scanned: list[Line]) -> str | None:
    """The text of a lone level-1 heading on the first non-blank line, if there is one."""
    level_one: list[str] = []
    first_is_heading = False
    seen_text = False
    for line in scanned:
        if line.heading is not None and line.heading[0] == 1:
            level_one.append(one_line(line.heading[1]))
            first_is_heading = first_is_heading or not seen_text
        seen_text = True
    if first_is_heading and len(level_one) == 1 and level_one[0]:
        return level_one[0]
    return None


def assign_keys(pending: list[Pending], taken_keys: Set[str]) -> None:
    # Explicit keys are reserved first so that a generated key earlier in the list cannot steal one.
    used = set(taken_keys)
    owners: dict[str, int] = {}
    for index, entry in enumerate(pending):
        key = entry.explicit_key
        if key and is_valid_key(key) and key not in used and key not in owners:
            owners[key] = index
    used.update(owners)
    for index, entry in enumerate(pending):
        key = entry.explicit_key
        if key is not None and owners.get(key) == index:
            entry.item["key"] = key
        else:
            entry.item["key"] = unique_key(_key_source(entry.item["title"]), used)
            used.add(entry.item["key"])


def _key_source(title: str) -> str:
    """For a title that is a URL, its last path segment makes a more readable key than its host."""
    if not re.match(r"https?://", title, re.IGNORECASE):
        return title
    parts = urlsplit(title)
    segments = [segment for segment in parts.path.split("/") if segment]
    if not segments:
        return parts.hostname or title
    return re.sub(r"\.(pdf|html?)$", "", segments[-1], flags=re.IGNORECASE)


# --- export --------------------------------------------------------------------------------------------


def export(source: ExportSource) -> Exported:
    """A GitHub checklist that ``papers import`` reads back to the same catalogue (see docs/markdown.md).

    ``to_markdown(source.tree())`` with each item's own arXiv links dropped, but written from the
    items themselves: no dict per item but the few fields its line shows."""
    catalogue = source.catalogue
    keep = None if source.selected is None else {item.key for item in source.selected}
    sections = [
        (section.name, section.notes, [_line(item, depth) for item, depth in rows])
        for section, rows in tree_order(catalogue, keep)
    ]
    return Exported(_document(catalogue.title, catalogue.notes, sections))


# What `line_text` writes of an item, taken from the tuple in its order (links: the own ones dropped).
_LINE_VALUES = itemgetter(*(ItemRecord._fields.index(name) for name in LINE_FIELDS))
_LINKS = LINE_FIELDS.index("links")


def _line(item: Item, depth: int) -> str:
    values = list(_LINE_VALUES(item))
    if item.arxiv:
        values[_LINKS] = [link for link in item.links if not is_own_arxiv_link(link, item.arxiv)]
    return f"{'  ' * depth}- [{'x' if item.status == 'done' else ' '}] {line_text(*values)}".rstrip()


def is_own_arxiv_link(link: str, arxiv: str) -> bool:
    """Whether a link points at the paper with this arXiv id: such links are left out of the export (the
    title already links there, and import would fold them into the id anyway), so the export of an
    import exports the same."""
    if link.isascii() and "://" in link and "arxiv" not in link.lower():
        return False  # most links: every arXiv form of a URL names arxiv, and a URL that does not is no id
    found = arxiv_id_from_link(link)
    return found is not None and found.id == arxiv


def to_markdown(catalogue: CatalogueDict) -> str:
    """A GitHub checklist that ``parse_checklist`` reads back to the same sections, items, ticks and keys."""
    sections = [
        (section.get("name"), section.get("notes"), list(_item_lines(section.get("items") or [], depth=0)))
        for section in catalogue.get("sections") or []
    ]
    return _document(catalogue.get("title"), catalogue.get("notes"), sections)


def _document(
    title: str | None,
    notes: Iterable[str] | None,
    sections: Iterable[tuple[str | None, Iterable[str] | None, list[str]]],
) -> str:
    blocks: list[list[str]] = []
    title = one_line(title or "")
    if title:
        blocks.append([f"# {title}"])
    blocks.append([note.strip() for note in notes or [] if note.strip()])
    for name, section_notes, lines in sections:
        blocks.append([f"## {one_line(name or '') or UNTITLED_SECTION}"])
        blocks.append([note.strip() for note in section_notes or [] if note.strip()])
        blocks.append(lines)
    text = "\n\n".join("\n".join(block) for block in blocks if block)
    return text + "\n" if text else ""


def _item_lines(items: list[ItemDict], depth: int) -> Iterator[str]:
    for item in items:
        yield f"{'  ' * depth}- [{'x' if item.get('status') == 'done' else ' '}] {item_text(item)}".rstrip()
        yield from _item_lines(item.get("children") or [], depth + 1)
