"""Text on its way to a terminal: control characters made visible, and widths in terminal cells.

A title from a hand-written file, an imported markdown line or a server can carry ESC sequences
(set the window title, clear the screen, hide a link), C0 controls such as a carriage return that
overwrites the line, C1 controls (U+009B is a one-character CSI) or bidi overrides that reorder
what is shown. Everything that leaves the program for a terminal or a pipe goes through
`printable`, which shows them as `\\x1b`, `\\x9b`, `\\u202e`: visible, never obeyed.
No imports beyond the standard library: the listing on a parse-cache hit uses this.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# C0 but tab and newline, DEL, C1, and the bidi embeddings, overrides and isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_OR_LAYOUT = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_JSON_UNESCAPED = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The ASCII characters `printable` passes with keep_layout: deleting them from ASCII text leaves
# nothing when it has no control character (bytes.translate: a table lookup a byte, 4x the regex).
_ASCII_KEPT_WITH_LAYOUT = bytes(range(0x20, 0x7F)) + b"\t\n"
_CHUNK = 1 << 20


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, *, keep_layout: bool = False) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``), never raw.

    Tabs and newlines become escapes too, unless ``keep_layout`` (for a multi-line value whose
    lines are laid out by the caller, or a TSV field that is already one line).
    """
    if text.isprintable():  # the common case, in C: no Cc or Cf character, no tab or newline
        return text
    if keep_layout and text.isascii() and not any(_ascii_controls(text)):
        return text  # a whole export, say: lines of printable ASCII
    pattern = _CONTROL if keep_layout else _CONTROL_OR_LAYOUT
    return pattern.sub(_shown, text)


def _ascii_controls(text: str) -> Iterator[bytes]:
    """The control characters of ASCII text (tabs and newlines aside), a megabyte at a time: a whole
    export is never copied at once."""
    for start in range(0, len(text), _CHUNK):
        yield text[start : start + _CHUNK].encode("ascii").translate(None, _ASCII_KEPT_WITH_LAYOUT)


def one_line(text: str) -> str:
    """Runs of whitespace (newlines and tabs included) as one space, then `printable`."""
    return printable(" ".join(text.split()))


def json_safe(document: str) -> str:
    """A JSON document with the characters `json.dumps(ensure_ascii=False)` leaves raw escaped.

    json escapes C0 itself; DEL, C1 and the bidi controls it passes through, and inside a JSON
    string ``\\u009b`` means the same character, so the document decodes to the same data.
    """
    if document.isascii() and "\x7f" not in document:  # in C, and isascii() is a flag: no regex
        return document
    if not _JSON_UNESCAPED.search(document):
        return document
    return _JSON_UNESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def _char_width(char: str) -> int:
    import unicodedata

    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` takes: wide (CJK) characters two, combining marks none."""
    return len(text) if text.isascii() else sum(map(_char_width, text))


def clip(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` cells, ending in "…" when cut."""
    if cell_width(text) <= width:
        return text
    if width <= 0:
        return ""
    if text.isascii():
        return text[: width - 1] + "…"
    kept, used = [], 0
    for char in text:
        size = _char_width(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept) + "…"


class _NotPlain(Exception):
    pass


def indented_json(data: object) -> str:
    """`json.dumps(data, indent=2, ensure_ascii=False)`, byte for byte, about 3x faster.

    An indent turns off json's C encoder; this writes the layout by hand and leaves each string to
    json's own C escaper. For anything but dicts with string keys, lists, tuples, strings, ints,
    bools and None it hands the whole document to json.dumps.
    """
    import json
    from json.encoder import encode_basestring

    out: list[str] = []
    append = out.append

    def emit(value: object, newline: str) -> None:
        if isinstance(value, str):
            append(encode_basestring(value))
        elif value is None:
            append("null")
        elif value is True:
            append("true")
        elif value is False:
            append("false")
        elif type(value) is int:
            append(int.__repr__(value))
        elif isinstance(value, dict):
            if not value:
                append("{}")
                return
            inner = newline + "  "
            append("{")
            separator = inner
            for key, item in value.items():
                if not isinstance(key, str):
                    raise _NotPlain
                append(separator)
                append(encode_basestring(key))
                append(": ")
                emit(item, inner)
                separator = "," + inner
            append(newline + "}")
        elif isinstance(value, list | tuple):
            if not value:
                append("[]")
                return
            inner = newline + "  "
            append("[")
            separator = inner
            for item in value:
                append(separator)
                emit(item, inner)
                separator = "," + inner
            append(newline + "]")
        else:
            raise _NotPlain

    try:
        emit(data, "\n")
    except (_NotPlain, RecursionError):
        return json.dumps(data, indent=2, ensure_ascii=False)
    return "".join(out)


def wrapped(text: str, width: int) -> str:
    """Each line of ``text`` longer than ``width`` broken at spaces into lines that fit, each new
    line indented as its first; a word longer than the line is kept whole. Shorter lines are kept
    exactly."""
    import textwrap

    lines = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip(" "))]
        lines += textwrap.wrap(
            line, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
        ) or [line]
    return "\n".join(lines)
