"""Finding and looking back: search, log, stats."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from papers import render, render_find
from papers.cli.app import (
    DoneOpt,
    JsonOpt,
    SectionOpt,
    TodoOpt,
    catalogue_path,
    check_status_filter,
    command,
    note,
)

FieldOpt = Annotated[
    str | None,
    typer.Option(
        "--field",
        help="Only in this field: title (with the original wording), authors, abstract, notes or remark (with tags).",
        show_default=False,
    ),
]


@command("search")
def search(
    text: Annotated[
        list[str],
        typer.Argument(
            metavar="TEXT...", help="What to look for (the words of all arguments).", show_default=False
        ),
    ],
    field: FieldOpt = None,
    section: SectionOpt = None,
    todo: TodoOpt = False,
    done: DoneOpt = False,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many results.")] = 20,
    json_: JsonOpt = False,
) -> None:
    """Search titles, authors, abstracts, notes and remarks; the best matches first.

    Every word must match; "a phrase" (quoted for the shell too: '"a phrase"') matches the words in
    order; OR between two words matches either; -word excludes; atten* matches words starting so.
    Case and accents do not matter. Abstracts are those `papers fetch` cached. A search that
    starts with -word goes after --. Examples: `papers search 'attention -vision' --todo`,
    `papers search '"key ideas"' --field notes`, `papers search -- '-vision transformer*'`.
    """
    from papers.actions.search import search as run_search

    check_status_filter(todo, done)
    result = run_search(
        catalogue_path(), " ".join(text), field=field, section=section, todo=todo, done=done, limit=limit
    )
    out = sys.stdout
    if json_:
        out.write(render_find.search_json(result.found) + "\n")
    elif not result.found:
        note("no paper matches the search")
    elif render.is_terminal(out):
        out.write(render_find.search_terminal(result.found, colour=render.wants_colour(out)))
    else:
        out.write(render_find.search_tsv(result.found))
