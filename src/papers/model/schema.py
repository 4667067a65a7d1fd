"""The one table of an item's fields: adding a field is one row here (plus its tests).

Each row of `ItemRecord` is a field: its name, its Python type and default, and a `Field` saying
how the parser reads it and the editor writes it (`kind`), where it sits among the keys of
`--json`, and how it travels through a markdown checklist. Everything else is derived from the
table: the model's `Item` (a subclass that adds behaviour only), `Item.to_json`, `FIELD_ORDER`
(the order papers writes fields in: the table's order), `item_fields`, the parser's per-field
checks and the editor's read-back check.

The table is a NamedTuple class body rather than a list of rows so that the type checker knows
each field's type (`item.year` is an `int | None`) without a second declaration, and so that a
10,000-item catalogue is rebuilt from the parse cache as cheap tuples.
"""

# No `from __future__ import annotations`: the table reads its own annotations at import.
import re
from typing import Annotated, Any, Final, NamedTuple

ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
STATUSES: Final = ("todo", "reading", "done")
PRIORITIES: Final = ("high", "normal", "low")

# How a field is read from papers.yaml and written back.
KEY: Final = "key"  # the item's slug: required, unique, lowercase letters, digits and hyphens
TEXT: Final = "text"  # one scalar, kept as the raw text (an unquoted 2005.14160 stays 2005.14160)
LIST: Final = "list"  # a list of scalars (one scalar reads as a list of one)
STATUS: Final = "status"  # one of STATUSES; todo when absent
PRIORITY: Final = "priority"  # one of PRIORITIES; normal when absent
DATE: Final = "date"  # YYYY-MM-DD
YEAR: Final = "year"  # at most four ASCII digits, stored as an int
FLAG: Final = "flag"  # true/false/yes/no
CHILDREN: Final = "children"  # nested items
PLACE: Final = "place"  # not written in the item: given by where the item sits in the file


class Field(NamedTuple):
    """How one field is read, written and shown."""

    kind: str
    json: int | None  # position among the keys of --json (None: not in JSON)
    markdown: str  # what a markdown export and re-import keep of it (see formats/markdown.py)


class ItemRecord(NamedTuple):
    """THE TABLE. Fields without a default first (NamedTuple's rule), then in the order papers
    writes them. `Item` in model/catalogue.py subclasses this to add behaviour, never fields."""

    key: Annotated[str, Field(KEY, 0, "kept, as <!-- key: KEY -->")]
    title: Annotated[str, Field(TEXT, 1, "kept")]
    section: Annotated[str, Field(PLACE, 2, "kept, as the heading")]
    parent: Annotated[str | None, Field(PLACE, 6, "kept, as nesting")]
    depth: Annotated[int, Field(PLACE, None, "kept, as nesting")]
    group: Annotated[bool, Field(FLAG, 8, "kept, as <!-- key: KEY; group -->")] = False
    status: Annotated[
        str,
        Field(
            STATUS, 3, "kept: done is ticked; todo unticked; reading unticked with (started DAY) or (reading)"
        ),
    ] = "todo"
    started_on: Annotated[str | None, Field(DATE, 20, "kept, as (started DAY) at the end of the line")] = None
    done_on: Annotated[str | None, Field(DATE, 4, "kept, as (done DAY) at the end of a ticked line")] = None
    arxiv: Annotated[str | None, Field(TEXT, 5, "kept, as the title's link")] = None
    doi: Annotated[str | None, Field(TEXT, 16, "lost (a doi.org url is kept, as the title's link)")] = None
    year: Annotated[int | None, Field(YEAR, 9, "kept, as (YEAR) after the title")] = None
    authors: Annotated[tuple[str, ...], Field(LIST, 10, "lost")] = ()
    venue: Annotated[str | None, Field(TEXT, 17, "lost")] = None
    url: Annotated[str | None, Field(TEXT, 11, "the title's link, back as the first of links")] = None
    links: Annotated[tuple[str, ...], Field(LIST, 12, "kept, as [link](...) after the title")] = ()
    note: Annotated[str | None, Field(TEXT, 13, "lost")] = None
    listed_as: Annotated[str | None, Field(TEXT, 14, "lost: on re-import it is the exported line")] = None
    remark: Annotated[str | None, Field(TEXT, 15, "lost")] = None
    tags: Annotated[
        tuple[str, ...], Field(LIST, 18, "kept, as <!-- key: KEY; tags: a, b --> (, or ; in a tag: a space)")
    ] = ()
    priority: Annotated[str, Field(PRIORITY, 19, "kept, as <!-- key: KEY; priority: high -->")] = "normal"
    children: Annotated[tuple[str, ...], Field(CHILDREN, 7, "kept, as nesting")] = ()


# --- views of the table ------------------------------------------------------------------------

FIELDS: Final[dict[str, Field]] = {
    name: hint.__metadata__[0] for name, hint in ItemRecord.__annotations__.items()
}
"""Every field of an item, in the table's order."""

FIELD_ORDER: Final = tuple(name for name, f in FIELDS.items() if f.kind != PLACE)
"""The fields of an item in papers.yaml, in the order papers writes them (hand-written files may use
any order). Also what the editor reads back after each edit: all of them must agree."""

LIST_FIELDS: Final = frozenset(name for name in FIELD_ORDER if FIELDS[name].kind == LIST)
DEFAULTS: Final[dict[str, Any]] = dict(ItemRecord._field_defaults)

JSON_KEYS: Final = tuple(
    name for name, f in sorted(FIELDS.items(), key=lambda row: row[1].json or 0) if f.json is not None
)
"""The keys of an item's --json object, in their stable order."""
JSON_LISTS: Final = frozenset(name for name in JSON_KEYS if FIELDS[name].kind in (LIST, CHILDREN))
