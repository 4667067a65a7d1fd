"""The search syntax a user types, turned into an FTS5 MATCH expression. Pure: no SQLite here.

Words must all match; `"a phrase"` matches the words in that order; `OR` between two terms matches
either; `-word` (or `-"a phrase"`) excludes; `atten*` matches every word starting `atten`. Case and
accents do not matter. Every term is quoted for FTS5, so its own operators and punctuation
(`NEAR`, `:`, `^`, a hyphen inside `gpt-3`) are only ever text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from papers.errors import UsageError

FIELDS = ("title", "authors", "abstract", "notes", "remark")
"""The columns `--field` can restrict a search to (title includes `listed_as`; remark includes tags)."""

_COLUMNS = {"title": "title wording"}  # the index's columns behind a field, where they differ
_TOKEN = re.compile(r'\s*(?:(-?)"([^"]*)("?)|(\S+))')
_WORDY = re.compile(r"\w")


class Term(NamedTuple):
    text: str
    phrase: bool = False
    prefix: bool = False

    def fts(self) -> str:
        quoted = '"' + self.text.replace('"', '""') + '"'
        return quoted + "*" if self.prefix else quoted


def _term(text: str, *, phrase: bool) -> Term:
    prefix = not phrase and text.endswith("*")
    body = text.rstrip("*") if prefix else text
    if not _WORDY.search(body):
        shown = f'"{text}"' if phrase else text
        raise UsageError(f"'{shown}' in the search has no letters or digits to look for. Leave it out")
    if not phrase and '"' in body:
        raise UsageError(f'\'{text}\' holds a stray ". Put a phrase in quotes, as in "a phrase"')
    if not phrase and "*" in body:
        raise UsageError(f"'{text}': a * may only end a word, as in atten*. Move it to the end")
    return Term(" ".join(body.split()), phrase, prefix)


def to_fts(text: str, field: str | None = None) -> str:
    """The FTS5 expression for what the user typed, optionally only in one column (`FIELDS`)."""
    if field is not None and field not in FIELDS:
        raise UsageError(f"unknown field '{field}'. Use one of: {', '.join(FIELDS)}")
    groups: list[list[Term]] = []  # every group must match; a group matches if any of its terms does
    excluded: list[Term] = []
    pending_or = False
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:  # pragma: no cover - the pattern matches any non-blank text
            break
        position = match.end()
        negated, quoted, closed, bare = match.groups()
        if bare is not None and bare == "OR":
            if not groups or pending_or:
                raise UsageError("OR needs a word on each side, as in 'cnn OR convolution'. Fix the search")
            pending_or = True
            continue
        if quoted is not None:
            if not closed:
                raise UsageError('a phrase in the search has no closing ". Close it, as in "a phrase"')
            term, negative = _term(quoted, phrase=True), bool(negated)
        else:
            negative = bare.startswith("-") and len(bare) > 1
            term = _term(bare[1:] if negative else bare, phrase=False)
        if negative:
            if pending_or:
                raise UsageError("OR cannot join an excluded word. Put the -word on its own")
            excluded.append(term)
        elif pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if pending_or:
        raise UsageError("OR needs a word on each side, as in 'cnn OR convolution'. Fix the search")
    if not groups:
        raise UsageError(
            "the search has no word to look for"
            + (" (only excluded ones)" if excluded else "")
            + ". Give at least one word"
        )
    expression = " AND ".join(
        group[0].fts() if len(group) == 1 else "(" + " OR ".join(t.fts() for t in group) + ")"
        for group in groups
    )
    if excluded:
        expression = f"({expression}) NOT (" + " OR ".join(t.fts() for t in excluded) + ")"
    columns = _COLUMNS.get(field, field) if field else None
    return f"{{{columns}}} : ({expression})" if columns else expression
