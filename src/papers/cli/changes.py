"""The safety net: history, revert."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from typing import Annotated

import typer

from papers import actions, render
from papers.cli.app import JsonOpt, catalogue_path, command, note
from papers.store.paths import display_path
from papers.text import clip, one_line


@command("history")
def history(json_: JsonOpt = False) -> None:
    """List the changes papers made to the catalogue, newest first.

    Each change has a number (for `papers revert N`), the time, the command and what it
    changed. The last 100 changes are kept in the cache folder; clearing the cache loses
    only this history.

    Example: papers history
    """
    path = catalogue_path()
    changes = actions.list_changes(path)
    out, fmt = sys.stdout, render.choose_format(json_)
    if fmt.json:
        out.write(render.to_json([entry.to_json() for entry in changes]) + "\n")
        return
    if not changes:
        note(f"no changes of {display_path(path)} in the history yet")
        return
    if fmt.tsv:
        for e in changes:
            out.write(f"{e.number}\t{_local(e.time)}\t{one_line(e.command)}\t{one_line(e.summary)}\n")
        return
    # In a terminal: the number, the time and the command, and below it what changed, fitted to the width.
    width = shutil.get_terminal_size().columns
    digits = len(str(changes[0].number))
    indent = " " * (digits + 2 + 16 + 2)
    for e in changes:
        head = f"{e.number:>{digits}}  {_local(e.time)}  "
        out.write(head + clip(one_line(e.command), max(width - len(head), 10)) + "\n")
        out.write(indent + clip(one_line(e.summary), max(width - len(indent), 10)) + "\n")


def _local(stamp: str) -> str:
    """An entry's UTC time as the local date and minute."""
    try:
        return dt.datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return one_line(stamp)


@command("revert")
def revert(
    number: Annotated[
        int | None,
        typer.Argument(
            metavar="[N]",
            help="The change to take back, as `papers history` numbers it. Default: the last.",
            show_default=False,
            min=1,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Revert even if the file was edited outside papers since, losing those edits."
        ),
    ] = False,
) -> None:
    """Restore the catalogue to its state before change N (and every later change).

    A revert is a change like any other: `papers revert` again takes it back. If the file
    was edited by hand since change N, nothing is changed unless --force.

    Example: papers revert        # take back the last change
    """
    done = actions.revert(catalogue_path(must_exist=False), number, force=force)
    for entry in done.undone:
        note(f"reverted {entry.number}: {entry.command} ({entry.summary})")
    if done.entry is not None:
        note(f"recorded as change {done.entry.number}: `papers revert` again takes it back")
