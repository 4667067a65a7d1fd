"""Adding a paper by hand: add (the options and the help; what it does is cli/edits.py's)."""

from __future__ import annotations

from typing import Annotated

import typer

from papers.cli import edits
from papers.cli.app import command, complete_key


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
    edits.add(
        title, section=section, arxiv=arxiv, url=url, parent=parent, key=key,
        new_section=new_section, duplicate=duplicate, priority=priority,
    )  # fmt: skip
