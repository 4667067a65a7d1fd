"""Reading: list, done, undo, start, progress, show."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from papers import actions, render
from papers.cli import edits
from papers.cli.app import (
    DoneOpt,
    JsonOpt,
    QueriesArg,
    QueryArg,
    SectionOpt,
    SinceOpt,
    TodoOpt,
    UntilOpt,
    catalogue_path,
    command,
    note,
    parse_day,
)
from papers.cli.listing import check_options, print_listing
from papers.store.paths import display_path


@command("list")
def list_papers(
    todo: TodoOpt = False,
    done: DoneOpt = False,
    reading: Annotated[
        bool, typer.Option("--reading", help="Only what is being read (papers start).")
    ] = False,
    section: SectionOpt = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            "--tag", "-t", help="Only papers with this tag (repeat it: all must match).", show_default=False
        ),
    ] = None,
    sort: Annotated[
        str | None,
        typer.Option(
            "--sort",
            help="Within each section: priority (high first, low last), year (oldest first, from the item "
            "or its cached record), title (any case) or added (the file's order). Children stay under "
            "their parent, except with priority.",
            show_default=False,
        ),
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    updated: Annotated[
        bool,
        typer.Option(
            "--updated",
            help="Only done papers with a newer arXiv version than the one read: its cached record's "
            "latest version appeared after the day the paper was done (papers fetch --refresh updates it).",
        ),
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """List the catalogue by section: status, key, title, the day it was done, arXiv id.

    In a terminal the list is aligned and coloured, fitted to its width (a narrow one drops
    the arXiv id first, then the day), and ends with a legend of the marks: ✓ done,
    ▸ reading, · todo, ✎ has a note. Piped, it is
    tab-separated (status, key, title, arxiv, section, note), one item per line.
    --since and --until keep the papers done on those days. Example: `papers list --since 2026-11-01`,
    `papers list --section normalization --sort year`.
    """
    check_options(todo=todo, done=done, reading=reading, sort=sort)
    first, last = parse_day(since), parse_day(until)
    print_listing(
        catalogue_path(),
        todo=todo,
        done=done,
        reading=reading,
        section=section,
        tags=tag or (),
        sort=sort,
        since=first,
        until=last,
        updated=updated,
        json_=json_,
    )


@command("done")
def done(
    queries: QueriesArg,
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            metavar="DATE",
            help="The day it was read (YYYY-MM-DD), if not today and not before it was started; a paper "
            "done already moves to it.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Tick papers off: mark them done, recording today's date (or --on DATE).

    A QUERY is a key, an arXiv id or DOI (every item holding it), a link, or part of a key,
    title or original wording (any case). A near miss matches nothing: it is offered as a
    suggestion. Every QUERY is resolved before anything changes: if one matches nothing or
    several papers, nothing is ticked. Ticking a parent does not tick its children.
    Example: `papers done flashattention --on 2026-11-20`.
    """
    edits.change_status(queries, "done", "done", parse_day(on))


@command("undo")
def undo(queries: QueriesArg) -> None:
    """Mark papers as not done (todo) again and forget the dates (done and started).

    Example: `papers undo infini-attention-2`.
    """
    edits.change_status(queries, "todo", "undone")


@command("start")
def start(queries: QueriesArg) -> None:
    """Mark papers as being read (status `reading`), recording today as the day started.

    Example: `papers start mamba`.
    """
    edits.change_status(queries, "reading", "reading")


@command("progress")
def show_progress(
    json_: JsonOpt = False,
    svg: Annotated[
        Path | None,
        typer.Option("--svg", help="Save the table with its bars as an SVG picture.", dir_okay=False),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Save the table with its bars as an HTML page.", dir_okay=False),
    ] = None,
) -> None:
    """Done/total per section with a bar, and a total. Grouping items do not count.

    With --svg or --html the picture is saved (atomically) instead of printed.
    Example: `papers progress --svg progress.svg`.
    """
    path = catalogue_path()
    rows, total = actions.progress(path)
    pictures = [(kind, target) for kind, target in (("svg", svg), ("html", html)) if target is not None]
    for kind, target in pictures:
        actions.write_export(path, target, render.progress_picture(rows, total, kind))
        note(f"wrote {display_path(target)}")
    if pictures:
        return
    fmt = render.choose_format(json_)
    if fmt.json:
        sys.stdout.write(render.progress_json(rows, total) + "\n")
    elif fmt.terminal:
        out = render.console()
        out.print(render.progress_table(rows, total, width=out.width))
    else:
        sys.stdout.write(render.progress_tsv(rows, total))


@command("show")
def show(query: QueryArg, json_: JsonOpt = False) -> None:
    """Everything known about one paper.

    Its fields, the arXiv record `papers fetch` cached (never the network), the first lines of
    its note, and what it cites and is cited by in your list (from `papers fetch --source s2`). With --json: one JSON object, or an array of them when the query is an arXiv id that
    several items hold.
    Example: `papers show flashattention`.
    """
    from papers import render_show
    from papers.actions.graph import neighbours

    path = catalogue_path()
    details = actions.show(path, query)
    related = {one.item.key: neighbours(details.catalogue, one.item.key, path) for one in details.items}
    fmt = render.choose_format(json_)
    if fmt.json:
        found = [
            one.item.to_json()
            | {"metadata": one.metadata and one.metadata.to_dict()}
            | {"cites_in_list": related[one.item.key][0], "cited_by_in_list": related[one.item.key][1]}
            for one in details.items
        ]
        sys.stdout.write(render.to_json(found[0] if len(found) == 1 else found) + "\n")
        return
    for shown in details.items:
        meta = render_show.metadata_rows(shown.metadata) if shown.metadata else {}
        cites, cited_by = related[shown.item.key]
        meta |= {"cites in your list": ", ".join(cites), "cited by in your list": ", ".join(cited_by)}
        rows = render_show.item_details(details.catalogue, shown.item, meta, note_preview=shown.note_preview)
        if fmt.terminal:
            render.console().print(render_show.details_table(rows))
        else:
            sys.stdout.write(render_show.details_text(rows))
