"""Adding a paper by hand: add."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from papers.cli.app import (
    catalogue_path,
    command,
    complete_key,
    note,
)
from papers.errors import DuplicatePaperError, SectionNotFoundError, UsageError


@command("add")
def add(
    title: Annotated[
        str,
        typer.Argument(
            help="The paper's title, or its arXiv id, arXiv link or DOI to fetch it by.", show_default=False
        ),
    ],
    section: Annotated[
        str | None,
        typer.Option(
            "--section",
            "-s",
            help="The section to add it to: its name or the start of it (any case). Default with --parent: the parent's.",
            show_default=False,
        ),
    ] = None,
    arxiv: Annotated[str | None, typer.Option("--arxiv", help="Its arXiv id, e.g. 2205.14135.")] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="Its canonical URL, when it is not on arXiv.")
    ] = None,
    parent: Annotated[
        str | None,
        typer.Option("--parent", help="Key of the item to put it under.", autocompletion=complete_key),
    ] = None,
    key: Annotated[
        str | None, typer.Option("--key", help="The key to type; default: made from the title.")
    ] = None,
    new_section: Annotated[
        bool,
        typer.Option("--new-section", help="Create the section unless one has exactly this name."),
    ] = False,
    duplicate: Annotated[
        bool,
        typer.Option(
            "--duplicate", help="Add it even if the catalogue has it (same id, DOI, link or title)."
        ),
    ] = False,
    priority: Annotated[
        str | None,
        typer.Option("--priority", help="high, normal (the default) or low.", show_default=False),
    ] = None,
) -> None:
    """Add a paper to the catalogue with a fresh, unique key.

    A TITLE that is an arXiv id, arXiv link or arXiv DOI adds the paper as `papers fetch ID
    --add` does, titled from arXiv. A paper already listed is refused unless --duplicate.
    Example: `papers add "Mistral 7B" --section dev --arxiv 2310.06825`.
    """
    from papers.actions.add import add_paper, paper_id_in

    if section is None and parent is None:
        raise UsageError("add needs --section (or --parent) to know where the new paper goes")
    path = catalogue_path(must_exist=not new_section)
    try:
        added = add_paper(
            path, title, section=section, arxiv=arxiv, url=url, parent=parent, key=key,
            new_section=new_section, duplicate=duplicate, priority=priority, notify=note,
        )  # fmt: skip
    except DuplicatePaperError as err:
        raise DuplicatePaperError(f"{err}. Add --duplicate to add it anyway", err.existing) from None
    except SectionNotFoundError as err:
        if paper_id_in(title) is not None:  # a paper fetched by its id goes into an existing section
            raise
        raise SectionNotFoundError(
            f"no section is called '{err.name}'. Add --new-section to create it, or use one of: "
            + ", ".join(err.sections),
            err.name,
            err.sections,
        ) from None
    under = f", under {added.parent}" if added.parent else ""
    note(f"added {added.key}: {added.title} (in {added.section}{under})")
    sys.stdout.write(added.key + "\n")
