"""Many JSON objects of one shape (a catalogue's items), indented as `json.dumps(..., indent=2,
ensure_ascii=False)` writes them, byte for byte, then passed through `text.json_safe`.

An indent turns json's C encoder off, and `text.indented_json` still walks every value in Python:
about 7 s for 50,000 items. Here each column of values (every item's title, say) is encoded by one
call of the C encoder, and an object is its shape's template (the keys and the layout, written
once) with its values spliced in by one `%`. A value that is not a string, number, bool or None
(or, in a list field, a list of them) raises `NotPlain`: the caller then writes the document the
general way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from json.encoder import encode_basestring
from operator import itemgetter
from typing import cast

from papers.text import json_safe

# (key, index of the value in the row, whether the value is a list of scalars)
Column = tuple[str, int, bool]

_SCALARS = frozenset({str, int, float, bool, type(None)})
_LISTS = frozenset({list, tuple})


class NotPlain(Exception):
    """A value the templates do not write: give the document to the general writer."""


def encoded(values: Sequence[object]) -> list[str]:
    """Each value as JSON, by one call of the C encoder (json_safe applied).

    The values are dumped as one list with a newline between them; JSON never writes a newline
    inside a value (a string's is ``\\n``), so splitting there gives them back one by one.
    """
    if not values:
        return []
    if values.count(None) == len(values):
        return ["null"] * len(values)
    types = set(map(type, values))
    if types == {str}:  # the C escaper over the column, one call a value but no Python between them
        strings = cast("Sequence[str]", values)
        texts = list(map(encode_basestring, strings))
        every = "".join(strings)
        return texts if every.isascii() and "\x7f" not in every else list(map(json_safe, texts))
    if not _SCALARS.issuperset(types):
        raise NotPlain
    text = json.dumps(values, ensure_ascii=False, separators=("\n", ": "), check_circular=False)
    return json_safe(text[1:-1]).split("\n")


def list_texts(values: Sequence[Sequence[object]], level: int) -> list[str]:
    """Each list of scalars as the value of a field of an object at indent ``level``."""
    if not any(values):
        return ["[]"] * len(values)
    if not _LISTS.issuperset(map(type, values)):
        raise NotPlain
    flat = encoded([value for one in values for value in one])
    inner = "\n" + "  " * (level + 2)
    opening, separator, closing = "[" + inner, "," + inner, "\n" + "  " * (level + 1) + "]"
    texts: list[str] = []
    at = 0
    for one in values:
        if one:
            texts.append(opening + separator.join(flat[at : at + len(one)]) + closing)
            at += len(one)
        else:
            texts.append("[]")
    return texts


def joined(texts: Sequence[str], level: int) -> str:
    """Already written elements (at indent ``level`` + 1) as the list that holds them, itself at
    indent ``level``: one copy of them (the brackets go onto the first and the last)."""
    if not texts:
        return "[]"
    inner = "\n" + "  " * (level + 1)
    opening, closing = "[" + inner, "\n" + "  " * level + "]"
    if len(texts) == 1:
        return opening + texts[0] + closing
    return ("," + inner).join([opening + texts[0], *texts[1:-1], texts[-1] + closing])


def template(keys: Sequence[str], level: int, constants: Sequence[str | None] = ()) -> str:
    """An object with these keys at indent ``level``: a ``%s`` for each value, or the value itself
    where ``constants`` gives one (the same text for every row)."""
    if not keys:
        return "{}"
    inner = "\n" + "  " * (level + 1)
    values = [*constants, *[None] * (len(keys) - len(constants))]

    def field(key: str, value: str | None) -> str:
        name = json_safe(encode_basestring(key)).replace("%", "%%")
        return f"{inner}{name}: {'%s' if value is None else value.replace('%', '%%')}"

    fields = ",".join(map(field, keys, values))
    return "{" + fields + "\n" + "  " * level + "}"


def objects(
    rows: Sequence[Sequence[object]],
    columns: Sequence[Column],
    level: int,
    more: Sequence[tuple[str, Sequence[str]]] = (),
) -> list[str]:
    """Each row as a JSON object at indent ``level``: the ``columns`` of the row, then the ``more``
    keys, whose values are given already written (one for each row)."""
    written: list[str] = []
    for start in range(0, len(rows), BLOCK):
        end = start + BLOCK
        written += _block(rows[start:end], columns, level, [(key, values[start:end]) for key, values in more])
    return written


# Rows are written this many at a time: the encoded columns of one block are alive at once, never
# those of all 50,000 items (as much again as the document).
BLOCK = 4096


def _block(
    rows: Sequence[Sequence[object]],
    columns: Sequence[Column],
    level: int,
    more: Sequence[tuple[str, Sequence[str]]],
) -> list[str]:
    texts: list[list[str]] = []
    for _, index, is_list in columns:
        values = list(map(itemgetter(index), rows))
        texts.append(list_texts(values, level) if is_list else encoded(values))
    texts.extend(list(values) for _, values in more)
    # A column with one text for every row (all null, say: most fields of most catalogues) goes
    # into the template: the `%` has fewer values to splice.
    many = len(rows) > 1
    constants = [column[0] if many and column.count(column[0]) == len(column) else None for column in texts]
    shape = template([key for key, _, _ in columns] + [key for key, _ in more], level, constants)
    varying = [column for column, constant in zip(texts, constants, strict=True) if constant is None]
    if not varying:
        return [shape % ()] * len(rows)
    return list(map(shape.__mod__, zip(*varying, strict=True)))


def rows_document(rows: Sequence[Sequence[object]], columns: Sequence[Column]) -> str:
    """The rows as one JSON list of objects: ``json.dumps([{key: row[index], ...}, ...], indent=2)``.

    Each block of rows is joined as soon as it is written: the document is never held as one piece a
    row and whole at once."""
    blocks = [
        ",\n  ".join(objects(rows[start : start + BLOCK], columns, 1)) for start in range(0, len(rows), BLOCK)
    ]
    return joined(blocks, 0)
