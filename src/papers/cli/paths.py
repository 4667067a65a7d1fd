"""Where things are: path."""

from __future__ import annotations

import sys

import typer

from papers import render
from papers.cli.app import (
    JsonOpt,
    catalogue_path,
    command,
    note,
    worded,
)
from papers.errors import PapersError
from papers.store.paths import cache_dir


@command("path")
def path(json_: JsonOpt = False) -> None:
    """Print the catalogue in use and the cache folder.

    Example: `papers --file ~/reading/papers.yaml path`.
    """
    try:
        found: str | None = str(catalogue_path())
    except PapersError as err:
        found = None
        note(worded(err))
    cache = str(cache_dir())
    if json_:
        sys.stdout.write(render.to_json({"catalogue": found, "cache": cache}) + "\n")
    else:
        sys.stdout.write(f"catalogue\t{found or '(none found)'}\ncache\t{cache}\n")
    if found is None:
        raise typer.Exit(1)
