"""What `papers list` does once its options are read: the use case, then the listing rendered.

One function for both ways in: the typer command (cli/reading.py) and the quick path
(cli/quick.py), so their output cannot drift apart. No typer here.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from papers import actions, render
from papers.cli.reporting import check_status_filter, note
from papers.errors import UsageError

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path


def check_options(*, todo: bool, done: bool, reading: bool, sort: str | None) -> None:
    """The options that exclude each other, and the sort's name, as usage errors. Apart from
    print_listing because the command checks these before it reads its dates."""
    from papers.actions.queries import SORTS

    check_status_filter(todo, done)
    if sort is not None and sort not in SORTS:
        raise UsageError(f"cannot sort by '{sort}'. Use --sort {', '.join(SORTS[:-1])} or {SORTS[-1]}")
    if reading and (todo or done):
        raise UsageError(f"--reading and --{'todo' if todo else 'done'} exclude each other. Use one of them")


def print_listing(
    path: Path,
    *,
    todo: bool = False,
    done: bool = False,
    reading: bool = False,
    section: str | None = None,
    tags: Sequence[str] = (),
    sort: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    updated: bool = False,
    json_: bool = False,
) -> None:
    """Print the catalogue at `path` as `papers list` does with these options (checked first by
    check_options): the listing on stdout, notes ("nothing to list", what was updated since the
    paper was read) on stderr."""
    listing = actions.list_items(
        path,
        todo=todo,
        done=done,
        section=section,
        tags=tags,
        sort=sort,
        reading=reading,
        since=since,
        until=until,
        updated=updated,
    )
    out, fmt = sys.stdout, render.choose_format(json_)
    if fmt.json and updated:
        rows = [
            {**item.to_json(), "since_read": listing.since_read[item.key].to_dict()} for item in listing.items
        ]
        out.write(render.to_json(rows) + "\n")
    elif fmt.json:
        out.write(render.render_list_json(listing.items))  # no copy of 27 MB (50,000 items) to end it
        out.write("\n")
    elif not listing.items:
        empty = not listing.catalogue.items
        note("nothing to list" + (": the catalogue has no items yet" if empty else " with these filters"))
    elif fmt.terminal:
        out.write(render.render_list_terminal(listing.catalogue, listing.items, colour=fmt.colour))
    else:
        out.write(render.render_list_tsv(listing.items))
    for item in () if fmt.json else listing.items:
        if item.key in listing.since_read:
            note(f"{listing.since_read[item.key]} ({item.key})")
