"""Sections: papers section add, mv, rename, rm."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from papers import actions
from papers.cli.app import catalogue_path, command, first_keys, note, sub_app
from papers.errors import PapersError, SectionNotEmptyError, UsageError

if TYPE_CHECKING:  # the use case (and the editor under it) is imported only when a section command runs
    from papers.actions.sections import SectionChange

section_app = typer.Typer(
    name="section",
    no_args_is_help=True,
    help="Add, move, rename and remove sections. Example: papers section add Robotics --after vision",
    rich_markup_mode=None,
    suggest_commands=False,
    add_completion=False,
)
sub_app("section", section_app)

SectionArg = Annotated[
    str, typer.Argument(metavar="NAME", help="A section's name or its start (any case).", show_default=False)
]
BeforeOpt = Annotated[
    str | None,
    typer.Option(
        "--before", metavar="S", help="Before this section (a name or its start).", show_default=False
    ),
]
AfterOpt = Annotated[
    str | None,
    typer.Option(
        "--after", metavar="S", help="After this section (a name or its start).", show_default=False
    ),
]


def _one_position(before: str | None, after: str | None) -> None:
    if before is not None and after is not None:
        raise UsageError("--before and --after exclude each other. Use one of them")


def _where(change: SectionChange) -> str:
    if change.previous and change.following:
        return f"between {change.previous} and {change.following}"
    if change.following:
        return f"first, before {change.following}"
    if change.previous:
        return f"last, after {change.previous}"
    return "the only section"


@command("add", group=section_app)
def add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The new section's name.", show_default=False)],
    before: BeforeOpt = None,
    after: AfterOpt = None,
) -> None:
    """Add a section with no items: at the end, or --before or --after a section.

    A name another section has, in any case, is refused.

    Example: papers section add Robotics --after vision
    """
    _one_position(before, after)
    added = actions.add_section(catalogue_path(), name, before=before, after=after)
    note(f"added section {added.name} ({_where(added)})")


@command("mv", group=section_app)
def move(name: SectionArg, before: BeforeOpt = None, after: AfterOpt = None) -> None:
    """Move a section, with its items and the comments right above it, --before or --after another.

    Only the section's lines move: moving it back gives the file back byte for byte.

    Example: papers section mv tokenization --before models
    """
    _one_position(before, after)
    if before is None and after is None:
        raise UsageError("say where to: --before S or --after S")
    moved = actions.move_section(catalogue_path(), name, before=before, after=after)
    if not moved.changed:
        note(f"section {moved.name} is there already ({_where(moved)}): nothing changed")
        return
    note(f"moved section {moved.name} ({_where(moved)})")


@command("rename", group=section_app)
def rename(
    name: SectionArg,
    new: Annotated[str, typer.Argument(metavar="NEW", help="The section's new name.", show_default=False)],
) -> None:
    """Give a section another name; only its name: line changes.

    A name another section has is refused; the same name in another case is a rename.

    Example: papers section rename "new (saw" "Seen on Twitter"
    """
    renamed = actions.rename_section(catalogue_path(), name, new)
    if not renamed.changed:
        note(f"section {renamed.name} has that name already: nothing changed")
        return
    count = f"{renamed.items} {'item' if renamed.items == 1 else 'items'}"
    note(f"renamed section {renamed.old} to {renamed.name} ({count})")


@command("rm", group=section_app)
def remove(
    name: SectionArg,
    move_items_to: Annotated[
        str | None,
        typer.Option(
            "--move-items-to",
            metavar="S",
            help="Move the section's items to the end of this section first.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Remove a section. One that holds items is refused unless --move-items-to says where they go.

    The section's own notes go with it (papers revert brings them back).

    Example: papers section rm "some resourceful" --move-items-to "some research"
    """
    try:
        removed = actions.remove_section(catalogue_path(), name, move_items_to=move_items_to)
    except SectionNotEmptyError as err:
        shown = first_keys(err.keys)
        count = f"{len(err.keys)} {'item' if len(err.keys) == 1 else 'items'}"
        raise PapersError(
            f"section '{err.name}' holds {count} ({shown}): nothing was removed. "
            "Add --move-items-to S to move them to another section first"
        ) from None
    if removed.moved:
        count = f"{len(removed.moved)} {'item' if len(removed.moved) == 1 else 'items'}"
        shown = first_keys(removed.moved)
        note(f"moved {count} to {removed.target}: {shown}")
    note(f"removed section {removed.name}")
