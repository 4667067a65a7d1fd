"""Reading: list, done, undo, start, progress, show."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from papers import render
from papers.cli.app import (
    DoneOpt,
    JsonOpt,
    QueriesArg,
    QueryArg,
    SectionOpt,
    TodoOpt,
    catalogue_path,
    command,
    note,
)
from papers.model import catalogue
from papers.store import load as storage
from papers.store.paths import display_path


@command("list")
def list_papers(
    todo: TodoOpt = False, done: DoneOpt = False, section: SectionOpt = None, json_: JsonOpt = False
) -> None:
    """List the catalogue by section: status, key, title, arXiv id.

    In a terminal the list is aligned and coloured; piped, it is tab-separated
    (status, key, title, arxiv, section, note), one item per line.
    """
    cat = storage.load_catalogue(catalogue_path())
    items = catalogue.select(cat, todo=todo, done=done, section=section)
    out = sys.stdout
    if json_:
        out.write(render.render_list_json(items) + "\n")
    elif not items:
        note(
            "nothing to list"
            + (": the catalogue has no items yet" if not cat.items else " with these filters")
        )
    elif render.is_terminal(out):
        out.write(render.render_list_terminal(cat, items, colour=render.wants_colour(out)))
    else:
        out.write(render.render_list_tsv(items))


def _change_status(queries: list[str], status: str, verb: str) -> None:
    path = catalogue_path()
    with storage.editing(path) as editor:
        items = catalogue.resolve_all(editor.catalogue, queries)
        changes, unchanged = catalogue.set_status(items, status, dt.date.today().isoformat())
        editor.apply(changes)
    for change in changes:
        item = editor.catalogue[change.key]
        note(f"{verb} {item.key}: {item.title} ({change.summary})")
    for item in unchanged:
        note(f"{item.key} is already {status}: nothing to do")


@command("done")
def done(queries: QueriesArg) -> None:
    """Tick papers off: mark them done, recording today's date.

    A QUERY is a key, an arXiv id or DOI (every item holding it), a link, or part of a key,
    title or original wording (any case). A near miss matches nothing: it is offered as a
    suggestion. Every QUERY is resolved before anything changes: if one matches nothing or
    several papers, nothing is ticked. Ticking a parent does not tick its children.
    """
    _change_status(queries, "done", "done")


@command("undo")
def undo(queries: QueriesArg) -> None:
    """Mark papers as not done (todo) again and forget the date."""
    _change_status(queries, "todo", "undone")


@command("start")
def start(queries: QueriesArg) -> None:
    """Mark papers as being read (status `reading`)."""
    _change_status(queries, "reading", "reading")


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
    """
    rows, total = catalogue.progress(storage.load_catalogue(catalogue_path()))
    pictures = [(kind, target) for kind, target in (("svg", svg), ("html", html)) if target is not None]
    for kind, target in pictures:
        storage.write_atomically(target, render.progress_picture(rows, total, kind))
        note(f"wrote {display_path(target)}")
    if pictures:
        return
    if json_:
        sys.stdout.write(render.progress_json(rows, total) + "\n")
    elif render.is_terminal(sys.stdout):
        render.console().print(render.progress_table(rows, total))
    else:
        sys.stdout.write(render.progress_tsv(rows, total))


@command("show")
def show(query: QueryArg, json_: JsonOpt = False) -> None:
    """Everything known about one paper."""
    from papers.actions.fetch import cached_metadata  # offline: the metadata cache, never the network

    cat = storage.load_catalogue(catalogue_path())
    for item in catalogue.find_paper(cat, query):
        meta = cached_metadata(item)
        if json_:
            sys.stdout.write(render.to_json(item.to_json() | {"metadata": meta and meta.to_dict()}) + "\n")
            continue
        rows = render.item_details(
            cat, item, render.metadata_rows(meta) if meta else None, note_preview=_note_preview(item)
        )
        if render.is_terminal(sys.stdout):
            render.console().print(render.details_table(rows))
        else:
            sys.stdout.write(render.details_text(rows))


def _note_preview(item: catalogue.Item) -> list[str] | None:
    if not item.note:
        return None
    from papers.notes import note_preview

    return note_preview(catalogue_path(), item.note)
