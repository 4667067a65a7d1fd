"""The process entry point, for `python -m papers` and the `papers` command (pyproject's script).

`papers.cli.main` runs one command and raises SystemExit; `console` then ends the process at once,
after flushing its output, instead of letting the interpreter free every object one by one: at
50,000 items a one-item command holds a catalogue, its parse and the file's lines (a few hundred
thousand objects), and that teardown took about 60 ms of CPU, more than half the whole typer app
costs to start. Nothing is left to exit handlers by then: every file papers writes is written,
fsynced where it must be, and closed inside the command.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys

from papers.cli import main


def console() -> None:
    """Run the CLI, then exit with its code without tearing the interpreter down."""
    # Started with stdout or stderr closed (`papers done x >&-`), Python leaves them None: what the
    # command says there is lost, as the caller asked, but the command still runs and exits right.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (open until the process ends)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    try:
        main()
        code = 0
    except SystemExit as done:
        code = exit_code(done.code)
    except OSError as err:
        if not _output_failed(err):
            raise
        code = _cannot_write(err)
    try:
        sys.stdout.flush()
    except OSError as err:
        # The reader went away (`papers list | head -1`): silent, and exit 1 as click and the quick
        # path do when it happens earlier, unless a change was made, whose report is what went
        # unread. Any other failure (a full disk) loses the output: say so.
        code = code or (_unread() if err.errno == errno.EPIPE else _cannot_write(err))
    with contextlib.suppress(OSError):  # stderr closed: nothing left to tell
        sys.stderr.flush()
    os._exit(code)


# What a write of the output fails with when it cannot go on (a full disk or quota, a file too
# big, a device gone): the command printed what it printed until then, and the rest is lost.
_LOST_OUTPUT = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _output_failed(err: OSError) -> bool:
    """Whether an OSError a command let through came from writing its output
    (`papers export > /full/disk`): every file papers reads or writes is named in its errors."""
    return err.errno in _LOST_OUTPUT and err.filename is None


def _cannot_write(err: OSError) -> int:
    """One line for the lost output, and the exit code: 1, or 4 if a change was made (cli/reporting.py)."""
    from papers.cli.reporting import cannot_write

    return cannot_write(err.strerror)


def _unread() -> int:
    from papers.cli.reporting import unread

    return unread()


def exit_code(code: object) -> int:
    """What the interpreter would exit with for `SystemExit(code)` (a message is printed first)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    console()
