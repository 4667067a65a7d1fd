"""Opening a paper: open."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from papers import actions
from papers.cli.app import QueryArg, catalogue_path, command, note
from papers.errors import NoSuchLinkError, UsageError
from papers.text import printable


@command("open")
def open_paper(
    query: QueryArg,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Its PDF, from the cache (papers pdf downloads it).")
    ] = False,
    abs_: Annotated[bool, typer.Option("--abs", help="Its arXiv abstract page.")] = False,
    note_: Annotated[bool, typer.Option("--note", help="Its note (notes/KEY.md).")] = False,
    link: Annotated[
        int | None, typer.Option("--link", metavar="N", help="Its N-th link (url first, then links).", min=1)
    ] = None,
    print_: Annotated[
        bool, typer.Option("--print", help="Print the URL or path instead of opening it.")
    ] = False,
) -> None:
    """Open a paper's page in the browser: its arXiv abstract page, else its DOI, else its first link.

    --pdf, --abs, --note or --link N open something else; --print prints it instead. With
    no browser available it says so and prints the URL. Offline: nothing is fetched.

    Example: papers open flashattention --pdf
    """
    chosen = [
        name
        for name, given in (("pdf", pdf), ("abs", abs_), ("note", note_), ("link", link is not None))
        if given
    ]
    if len(chosen) > 1:
        raise UsageError(f"--{chosen[0]} and --{chosen[1]} exclude each other. Give one of them")
    try:
        target = actions.open_target(catalogue_path(), query, chosen[0] if chosen else "page", link)
    except NoSuchLinkError as err:
        if not err.count:
            raise
        raise UsageError(f"{err.problem}. Give --link 1 to {err.count}") from None
    shown = printable(target.location)
    if print_:
        sys.stdout.write(shown + "\n")
        return
    import webbrowser

    location = Path(target.location).resolve().as_uri() if target.is_file else target.location
    if webbrowser.open(location):
        note(f"opened {shown}")
        return
    note("no browser is available here (set $BROWSER to choose one): the address is")
    sys.stdout.write(shown + "\n")
