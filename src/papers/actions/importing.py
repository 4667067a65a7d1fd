"""`papers import`: a markdown checklist merged into the catalogue through the storage editor.

The decisions are `formats.merge`'s; this module only turns its plan into surgical edits
(or, for a catalogue that does not exist yet, into one new file) and describes them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from papers.errors import ChecklistError
from papers.formats.registry import ImportFormat
from papers.model.catalogue import NewItem, set_status, to_tree

if TYPE_CHECKING:  # only an annotation: `papers export` imports this module, and edits nothing
    from papers.store.yamledit.editor import Editor


@dataclass
class ImportReport:
    """What an import did (or, with --dry-run, would do); `changes` has one line per change."""

    added: int = 0
    matched: int = 0
    ticked: int = 0
    notes_kept: int = 0
    notes_present: int = 0
    changes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"added {_count(self.added, 'item')}",
            f"matched {_count(self.matched, 'existing item')}",
            f"kept {_count(self.notes_kept, 'line')} as notes"
            + (f" ({self.notes_present} already there)" if self.notes_present else ""),
        ]
        if self.ticked:
            parts.append(f"ticked {_count(self.ticked, 'existing item')}")
        return ", ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def import_checklist(
    editor: Editor,
    text: str,
    today: str,
    *,
    label: str = "the list",
    only_checkboxes: bool = False,
    fmt: ImportFormat | None = None,
    into: str | None = None,
) -> ImportReport | None:
    """Merge the checklist `text` into the editor's catalogue; None if the text is blank.

    Text that is not a checklist is refused with a `ChecklistError` naming `label`; to refuse it
    before the catalogue is even locked, call `check_list(text, label)` first.
    """
    from papers.formats.merge import merge
    from papers.formats.registry import importer

    check_line_lengths(text, label)
    parsed = importer(fmt or detect_format(text))(
        text, taken_keys=editor.catalogue.keys, label=label, only_checkboxes=only_checkboxes, into=into
    )
    if not parsed["sections"] and not parsed["notes"]:
        return None
    existing = to_tree(editor.catalogue)
    plan = merge(existing, parsed)
    report = ImportReport(
        added=plan.added,
        matched=plan.matched,
        notes_kept=plan.kept_notes,
        notes_present=_notes_present(existing, parsed),
    )
    # The catalogue as dicts is the merge's alone: let it go before the edits, whose new lines
    # reuse its memory (73 MiB at 50,000 items; the import's peak fell from 270 to 266 MiB).
    del existing, parsed
    out = report.changes
    if plan.title:
        out.append(f"title: {plan.title}")
    out += _lines("note: ", plan.catalogue_notes)
    for name, notes in plan.section_notes.items():
        out += _lines(f"note in {name}: ", notes)
    for addition in plan.additions:
        where = addition.section + (f", under {addition.parent_key}" if addition.parent_key else "")
        out += _describe(addition.item, f" (in {where})")
    for section in plan.new_sections:
        out.append(f"section: {section['name']}")
        out += _lines(f"note in {section['name']}: ", section["notes"])
        for item in section["items"]:
            out += _describe(item, "")
    if editor.is_empty:
        editor.write_new({"title": plan.title, "notes": plan.catalogue_notes, "sections": plan.new_sections})
        return report
    if plan.title:
        editor.set_title(plan.title)
    editor.add_notes(plan.catalogue_notes)
    for name, notes in plan.section_notes.items():
        editor.add_notes(notes, section=name)
    # One batch: the items below each addition are renumbered once, not after every one.
    editor.add_items([NewItem(a.section, a.parent_key, a.item) for a in plan.additions])
    for section in plan.new_sections:
        editor.add_section(section["name"], section["notes"])
        editor.add_items([NewItem(section["name"], None, item) for item in section["items"]])
    by_day: dict[str, list[str]] = {}
    for key in plan.to_tick:  # on the day the line says it was done, else today
        by_day.setdefault(plan.tick_days.get(key, today), []).append(key)
    changes = [
        change
        for day, keys in by_day.items()
        for change in set_status([editor.catalogue[key] for key in keys], "done", day)[0]
    ]
    order = {key: index for index, key in enumerate(plan.to_tick)}
    changes.sort(key=lambda change: order[change.key])
    editor.apply(changes)
    report.ticked = len(changes)
    out += [f"tick: {change.key} ({change.summary})" for change in changes]
    return report


MAX_LINE = 100_000
"""The longest line an imported list may hold: a hundred times the longest real list line seen (a
table row with a summary), far below what would make a title or a note unusable."""


def check_line_lengths(text: str, label: str) -> None:
    """Refuse a list with a line longer than `MAX_LINE`, naming the line: such a line is not a
    paper or a note anyone wrote, and it would become a title or a note of that size."""
    if len(text) <= MAX_LINE:
        return
    for number, line in enumerate(text.splitlines(), 1):
        if len(line) > MAX_LINE:
            raise ChecklistError(
                f"{label}:{number}: a line of {len(line):,} characters; papers reads lines of up to "
                f"{MAX_LINE:,}. Break it into shorter lines"
            )


def detect_format(text: str) -> ImportFormat:
    """The format of an imported list, from its content: BibTeX if it holds an ``@type{`` entry
    and no markdown heading (a README's citation block does not make it BibTeX), a plain list if
    every line is an arXiv id, a link or a DOI, else markdown."""
    import re

    from papers.formats.bibtex_read import looks_like_bibtex
    from papers.formats.links import looks_like_links

    if looks_like_bibtex(text) and not re.search(r"^ {0,3}#{1,6}[ \t]", text, re.MULTILINE):
        return ImportFormat.bibtex
    if looks_like_links(text):
        return ImportFormat.links
    return ImportFormat.markdown


def check_list(text: str, label: str = "the list", fmt: ImportFormat | None = None) -> None:
    """Raise `ChecklistError` if `text` is not a list `import_checklist` can read (in `fmt`, or
    the format its content shows)."""
    check_line_lengths(text, label)
    fmt = fmt or detect_format(text)
    if fmt is ImportFormat.markdown:
        from papers.formats.markdown import check_checklist

        check_checklist(text, label)
    elif fmt is ImportFormat.bibtex:
        from papers.formats.bibtex_read import check_bibtex

        check_bibtex(text, label)
    else:
        from papers.formats.links import parse

        parse(text, label=label)


def _notes_present(existing: dict[str, Any], imported: dict[str, Any]) -> int:
    """How many of the list's note lines the catalogue already has in the same place (counted:
    a line the list has twice is there twice only if the catalogue has it twice)."""
    count = _common(imported["notes"], existing["notes"])
    sections = {section["name"].casefold(): section for section in existing["sections"]}
    for section in imported["sections"]:
        match = sections.get(section["name"].casefold())
        if match is not None:
            count += _common(section["notes"], match["notes"])
    return count


def _common(ours: list[str], theirs: list[str]) -> int:
    """The lines of the notes both have (counted: a note twice in both is two notes)."""
    return sum((note.count("\n") + 1) * times for note, times in (Counter(ours) & Counter(theirs)).items())


def _lines(prefix: str, notes: list[str]) -> list[str]:
    """A change line for each line of the notes (a code block's lines each get one)."""
    return [f"{prefix}{line}" for note in notes for line in note.split("\n")]


def _describe(item: dict[str, Any], where: str, depth: int = 0) -> list[str]:
    mark = "x" if item.get("status") == "done" else " "
    lines = [f"add: {'  ' * depth}[{mark}] {item['key']}: {item['title']}{where}"]
    for child in item.get("children") or ():
        lines += _describe(child, "", depth + 1)
    return lines
