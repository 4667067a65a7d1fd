"""Reshaping: rm, mv, rename (the options and the help; what they do is cli/edits.py's)."""

from __future__ import annotations

from typing import Annotated

import typer

from papers.cli import edits
from papers.cli.app import QueriesArg, QueryArg, command, complete_key

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
    edits.remove(queries, with_children=with_children, keep_children=keep_children, dry_run=dry_run)


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
    edits.move(
        queries, section=section, parent=parent, top=top, before=before, after=after, new_section=new_section
    )


@command("rename")
def rename(
    query: QueryArg,
    new: Annotated[str, typer.Argument(metavar="NEW", help="The new key.", show_default=False)],
) -> None:
    """Give a paper another key. Its note notes/OLD.md becomes notes/NEW.md, and its note: says so.

    A key that is taken or not valid (lowercase letters, digits, single hyphens) is refused.

    Example: papers rename gpt1 gpt
    """
    edits.rename(query, new)
