"""Where papers' files live: the catalogue in use and the cache folder.

Every path goes through these functions, each with an environment override, so tests and
users can point papers anywhere.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from papers.errors import CatalogueNotFoundError

CATALOGUE_NAME = "papers.yaml"


def find_catalogue(
    explicit: str | Path | None = None, start: Path | None = None, *, must_exist: bool = True
) -> Path:
    """`--file` if given, else `$PAPERS_FILE`, else papers.yaml here or in the nearest parent.

    With `must_exist=False` (commands that can start a catalogue) a missing file is returned
    as the path to create: the given one, or papers.yaml in the current folder.
    """
    chosen = explicit or os.environ.get("PAPERS_FILE")
    if chosen:
        path = Path(chosen).expanduser()
        if must_exist and not path.is_file():
            raise CatalogueNotFoundError(
                f"no catalogue at {path}. Check the path, or create it", str(path), "given"
            )
        return path
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CATALOGUE_NAME
        if candidate.is_file():
            return candidate
    if not must_exist:
        return here / CATALOGUE_NAME
    raise CatalogueNotFoundError(
        f"no {CATALOGUE_NAME} in {here} or any parent folder. "
        "Run papers where your papers.yaml is, set PAPERS_FILE, or start one",
        str(here),
        "searched",
    )


def cache_dir() -> Path:
    """`$PAPERS_CACHE_DIR`, else the user's cache folder (`$XDG_CACHE_HOME/papers`)."""
    override = os.environ.get("PAPERS_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "papers"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "papers"


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
