"""What every command is given besides its own arguments: the catalogue (`--file`, before or
after the command) and `--debug`.

Here, not in cli/app.py, because the quick path (cli/quick.py) sets them and runs the same command
bodies as the typer app, and must not import typer to do it.
"""

from __future__ import annotations

from pathlib import Path

from papers.store.paths import find_catalogue


class _State:
    file: Path | None = None
    debug: bool = False


state = _State()


def catalogue_path(*, must_exist: bool = True) -> Path:
    """The catalogue the command works on: `--file`, else $PAPERS_FILE, else papers.yaml here or above."""
    return find_catalogue(state.file, must_exist=must_exist)
