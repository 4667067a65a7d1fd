"""Reshaping: rm, mv, rename."""

from __future__ import annotations

from typing import Annotated

import typer

from papers import actions
from papers.cli.app import QueriesArg, QueryArg, catalogue_path, command, complete_key, first_keys, note
from papers.errors import HasChildrenError, PapersError, UsageError
from papers.store.paths import display_path

KeyOpt = Annotated[str | None, typer.Option(metavar="KEY", autocompletion=complete_key, show_default=False)]


@command("rm")
def remove(
    queries: QueriesArg,
    with_children: Annotated[
        bool, typer.Option("--with-children", help="Remove an item's children along with it.")
    ] = False,
    keep_children: Annotated[
        bool, typer.Option("--keep-children", help="Keep an item's children, in its place.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would go; change nothing.")] = False,
) -> None:
    """Remove papers from the catalogue.

    An item with children is refused unless --with-children or --keep-children says what becomes
    of them. Comments right above or below an item go with it. A note file stays on disk, and rm
    says where it is.

    Example: papers rm gan --dry-run
    """
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


@command("mv")
def move(
    queries: QueriesArg,
    section: Annotated[
        str | None, typer.Option("--section", "-s", help="To the end of this section (a name or its start).")
    ] = None,
    parent: KeyOpt = None,
    top: Annotated[
        bool, typer.Option("--top", help="To the top level of its section, after the item it was under.")
    ] = False,
    before: KeyOpt = None,
    after: KeyOpt = None,
    new_section: Annotated[
        bool, typer.Option("--new-section", help="Create the --section if no section has that name.")
    ] = False,
) -> None:
    """Move papers, with their children and comments, to another section, under another item, or
    to the top level of their section; --before or --after an item puts them there.

    Only the moved lines change: moving a paper to another section and back gives the file back
    byte for byte.

    Example: papers mv rope --section normalization
    """
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


@command("rename")
def rename(
    query: QueryArg,
    new: Annotated[str, typer.Argument(metavar="NEW", help="The new key.", show_default=False)],
) -> None:
    """Give a paper another key. Its note notes/OLD.md becomes notes/NEW.md, and its note: says so.

    A key that is taken or not valid (lowercase letters, digits, single hyphens) is refused.

    Example: papers rename gpt1 gpt
    """
    renamed = actions.rename(catalogue_path(), query, new)
    note(f"renamed {renamed.old} to {renamed.item.key}: {renamed.item.title}")
    if renamed.note is not None:
        note(f"moved its note to {display_path(renamed.note)}")
