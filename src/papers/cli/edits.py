"""What `done`, `undo`, `start`, `rm`, `mv` and `rename` do once their arguments are read: call the
use case, then say what happened, one line per paper on stderr.

Here, without typer, because two readers of the arguments run them: the typer commands
(cli/reading.py, cli/reshape.py, which declare the options and the help) and the quick path
(cli/quick.py), which reads the common calls itself so that a one-item change does not pay for
importing typer and click (a third of the floor) at every catalogue size.
"""

from __future__ import annotations

import datetime as dt

from papers import actions
from papers.cli.reporting import first_keys, note
from papers.cli.session import catalogue_path
from papers.errors import HasChildrenError, PapersError, UsageError
from papers.store.paths import display_path


def change_status(queries: list[str], status: str, verb: str, on: dt.date | None = None) -> None:
    """done (status "done"), undo ("todo") and start ("reading")."""
    result = actions.mark(catalogue_path(), queries, status, on=on)
    for marked in result.changed:
        note(f"{verb} {marked.item.key}: {marked.item.title} ({marked.change.summary})")
    for item in result.unchanged:
        note(f"{item.key} is already {status}: nothing to do")


def remove(queries: list[str], *, with_children: bool, keep_children: bool, dry_run: bool) -> None:
    if with_children and keep_children:
        raise UsageError("--with-children and --keep-children exclude each other. Use one of them")
    children = "with" if with_children else "keep" if keep_children else "refuse"
    try:
        removed = actions.remove(catalogue_path(), queries, children=children, dry_run=dry_run)
    except HasChildrenError as err:
        shown = first_keys(err.children)
        count = f"{len(err.children)} {'child' if len(err.children) == 1 else 'children'}"
        raise PapersError(
            f"'{err.key}' has {count} ({shown}): nothing was removed. "
            "Add --with-children to remove them too, or --keep-children to keep them in its place"
        ) from None
    verb = "would remove" if dry_run else "removed"
    named = {item.key for item in removed.items}
    for item in removed.items:
        note(f"{verb} {item.key}: {item.title}")
    others = [key for key in removed.gone if key not in named]
    if others:
        note(f"{verb} with it: {', '.join(others)}")
    if removed.lifted:
        note(f"{'would keep' if dry_run else 'kept'} in its place: {', '.join(removed.lifted)}")
    for path in removed.notes:
        note(f"the note {display_path(path)} stays")


def move(
    queries: list[str],
    *,
    section: str | None,
    parent: str | None,
    top: bool,
    before: str | None,
    after: str | None,
    new_section: bool,
) -> None:
    if sum((section is not None, parent is not None, top)) > 1:
        raise UsageError("--section, --parent and --top exclude each other. Use one of them")
    if before is not None and after is not None:
        raise UsageError("--before and --after exclude each other. Use one of them")
    if section is None and parent is None and not top and before is None and after is None:
        raise UsageError("say where to: --section S, --parent KEY, --top, --before KEY or --after KEY")
    moved = actions.move(
        catalogue_path(),
        queries,
        section=section,
        parent=parent,
        top=top,
        before=before,
        after=after,
        new_section=new_section,
    )
    if moved.new_section:
        note(f"created section {moved.section}")
    where = f"under {moved.parent}" if moved.parent else f"to {moved.section}"
    for item in moved.items:
        note(f"moved {item.key}: {item.title} ({where})")


def rename(query: str, new: str) -> None:
    renamed = actions.rename(catalogue_path(), query, new)
    note(f"renamed {renamed.old} to {renamed.item.key}: {renamed.item.title}")
    if renamed.note is not None:
        note(f"moved its note to {display_path(renamed.note)}")
