"""How the command line words what happened: one line on stderr for an error or a note.

Here, not in cli/app.py, because the quick path (cli/quick.py) reports exactly as the typer app
does and must not import typer to do it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from papers.errors import CatalogueNotFoundError, PapersError, RevertRefusedError, UsageError
from papers.text import one_line, printable, wrapped

# The exit code of a command that made its change (wrote the catalogue, a note, an export) but could
# not write what it had to say about it, on stdout or stderr (`papers add T -s S >/dev/full`, a full
# disk, a reader gone): not 1, which says the command failed and would have a script run it again
# (and `add` add the paper twice). With stderr lost too, this code is all that tells.
UNREPORTED = 4


def error(message: str) -> None:
    """One line on stderr: `Error: what happened. What to do.` (control characters shown, never obeyed).
    A stderr that cannot be written (a full disk) loses the line; the error's exit code still tells."""
    line = one_line(message)
    with contextlib.suppress(OSError):
        sys.stderr.write(f"Error: {line}{'' if line.endswith(('.', '?', '!')) else '.'}\n")


def cannot_write(why: str | None) -> int:
    """One line for output that is lost (`why`: the OSError's strerror; never a traceback), and the
    exit code: 1, a write failed and nothing was changed; UNREPORTED, the change was made and only
    what the command had to say about it is lost (on stdout; or on stderr, where only the code tells)."""
    written = _written()
    if written is None:
        error(f"cannot write the output: {why}. Nothing was changed")
        return 1
    error(
        f"cannot write the output: {why}. The change was made all the same ({written}): check it before running the command again"
    )
    return UNREPORTED


def _written() -> str | None:
    """`papers.yaml was written`, `notes/a.md and papers.yaml were written`: the user's files this
    process changed (store/fileio.py keeps the record), or None if it changed none."""
    from papers.store.fileio import changed
    from papers.store.paths import display_path

    files = [display_path(path) for path in changed()]
    if not files:
        return None
    shown = " and ".join([", ".join(files[:-1]), files[-1]] if len(files) > 1 else files)
    return f"{shown} {'was' if len(files) == 1 else 'were'} written"


def unread() -> int:
    """The exit code when the reader of stdout went away (`papers list | head -1`): nothing is
    said, as the reader chose to stop; 1 as click says it, UNREPORTED after a change."""
    return 1 if _written() is None else UNREPORTED


def note(message: str) -> None:
    """A message on stderr: wrapped to the terminal's width when stderr is one (at word breaks, not
    mid-word as the terminal would), as it is when piped."""
    text = printable(message.rstrip("\n"), keep_layout=True)
    width = _terminal_width(sys.stderr)
    sys.stderr.write((wrapped(text, width) if width else text) + "\n")


def _terminal_width(stream: TextIO) -> int | None:
    """The columns of the terminal ``stream`` is ($COLUMNS first, as rich and shutil read it), None if
    it is not one."""
    from papers.render import is_terminal

    if not is_terminal(stream):
        return None
    with contextlib.suppress(ValueError):
        columns = int(os.environ.get("COLUMNS", ""))
        if columns > 0:
            return columns
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def first_keys(keys: Sequence[str]) -> str:
    """The first five keys, and "..." if there are more: how a message names a group of papers."""
    return ", ".join(keys[:5]) + (", ..." if len(keys) > 5 else "")


def interrupted() -> int:
    """Ctrl-C's one line, and 130. A change already made is named (and to be checked before the
    command is run again); else the change was not made. A Ctrl-C while papers.yaml is written and
    journaled is held until the record is made (store.interrupts), so only a second Ctrl-C there
    leaves a change unrecorded, and the hedge covers it."""
    written = _written()
    if written is None:
        error("interrupted. Nothing was changed unless a message above says so")
    else:
        error(f"interrupted after the change was made ({written}): check it before running the command again")
    return 130


def debugging(flag: bool) -> bool:
    """Whether errors show their traceback: `--debug` (`flag`) or PAPERS_DEBUG set to anything but 0."""
    return flag or os.environ.get("PAPERS_DEBUG", "") not in ("", "0")


def worded(err: PapersError) -> str:
    """The error's message, with what the command line adds to a core message that says what to
    do: the options that do it (the core names no option; issue 8)."""
    if isinstance(err, RevertRefusedError):
        return f"{err.happened}. Check the file, or add --force to revert anyway, which discards those edits"
    if not isinstance(err, CatalogueNotFoundError):
        return str(err)
    return str(err) + {
        "given": f" with `papers import LIST.md --file {err.path}`",
        "searched": " with `papers import LIST.md` or `papers add TITLE --section S --new-section`, or pass --file PATH",
        "gone": " or pass --file",
    }.get(err.how, "")


def check_status_filter(todo: bool, done: bool) -> None:
    """--todo with --done asks for nothing; the CLI words the flags, the core never names them."""
    if todo and done:
        raise UsageError("--todo and --done exclude each other. Use one of them")
