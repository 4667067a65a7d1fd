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
from papers.errors import UsageError
from papers.model import catalogue
from papers.store import load as storage


@command("add")
def add(
    title: Annotated[str, typer.Argument(help="The paper's title.", show_default=False)],
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
) -> None:
    """Add a paper to the catalogue with a fresh, unique key."""
    if section is None and parent is None:
        raise UsageError("add needs --section (or --parent) to know where the new paper goes")
    arxiv_id = _parse_arxiv_option(arxiv)
    path = catalogue_path(must_exist=not new_section)
    with storage.editing(path, create=new_section) as editor:
        new = catalogue.plan_add(
            editor.catalogue,
            title,
            section=section,
            arxiv=arxiv_id,
            url=url,
            parent=parent,
            key=key,
            new_section=new_section,
        )
        editor.add_item(new)
    note(
        f"added {new.fields['key']}: {new.fields['title']} (in {new.section}{f', under {parent}' if parent else ''})"
    )
    sys.stdout.write(new.fields["key"] + "\n")


def _parse_arxiv_option(text: str | None) -> str | None:
    if text is None:
        return None
    from papers.sources.arxiv.ids import parse_arxiv_id

    return str(parse_arxiv_id(text).id)
