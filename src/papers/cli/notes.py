"""Notes: note."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from papers import actions
from papers.cli.app import (
    QueryArg,
    catalogue_path,
    command,
    note,
)
from papers.errors import EditorCommandError, EditorNotStartedError, NoteError
from papers.store.paths import display_path
from papers.text import printable


@command("note")
def note_command(
    query: QueryArg,
    edit: Annotated[
        bool | None,
        typer.Option(
            "--edit/--no-edit",
            help="Open the note in $VISUAL or $EDITOR. Default: only when stdin and stdout are a terminal.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Start a markdown note on a paper (notes/KEY.md beside the catalogue) and open it.

    The note starts from a template with the paper's title, authors, links and abstract
    (when `papers fetch` has cached them). An existing note is opened, never overwritten.
    Prints the note's path.
    Example: `papers note flashattention --no-edit`.
    """
    from papers import notes

    started = actions.start_note(catalogue_path(), query)
    shown = display_path(started.path)
    note(
        f"created {shown} for {started.item.key}"
        if started.created
        else f"{shown} exists: opening it as it is"
    )
    if edit if edit is not None else sys.stdin.isatty() and sys.stdout.isatty():
        try:
            command = notes.editor_command()
        except EditorCommandError as err:
            raise NoteError(f"{err.problem}. Fix it, or pass --no-edit") from None
        if command is None:
            note("no $VISUAL or $EDITOR is set: open the note yourself")
        else:
            try:
                notes.open_in_editor(command, started.path)
            except EditorNotStartedError as err:
                raise NoteError(
                    f"{err.problem}. Fix $VISUAL or $EDITOR, or pass --no-edit; the note is {err.note}"
                ) from None
    sys.stdout.write(printable(shown) + "\n")
