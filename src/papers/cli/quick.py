"""The quick path: `papers list` and the one-item changes served without importing typer or click.

Importing typer and click and building the command is most of what a listing from the parse
cache costs, and a listing is the command people run most; for `done`, `mv` and the other changes
of a few papers it is a third of the floor at any catalogue size. So `main()` (cli/__init__.py)
hands the arguments here first. A call whose every argument is one read here exactly as click
would read it is served by the code the typer command runs (cli/listing.py for `list`,
cli/edits.py and cli/edit_session.py for the changes, read from cli/quick_changes.py's table: the
same use case, the same words) and reports errors the same way
(cli/reporting.py). Anything else returns None and the typer app takes over: another command,
--help, --debug, shell completion, an unknown option, a value click would refuse (a bad day, a
folder as --file) or one that could be read two ways (empty, or starting with '-'). Those keep
typer's own messages, at typer's speed.

tests/test_quick.py runs a table of invocations both ways and compares their bytes, exit codes
and (for the changes) the files they leave.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from papers.cli import quick_changes

# The options of `papers list` (cli/reading.py), by the name print_listing takes them under;
# tests/test_quick.py checks them against the typer command's.
FLAGS = {
    "--todo": "todo",
    "--done": "done",
    "--reading": "reading",
    "--updated": "updated",
    "--json": "json_",
}
VALUES = {
    "--section": "section",
    "-s": "section",
    "--tag": "tags",
    "-t": "tags",
    "--sort": "sort",
    "--since": "since",
    "--until": "until",
    "--file": "file",
    "-f": "file",
}
BEFORE = {"--file": "file", "-f": "file"}
"""The app's own options, before the command name, that the quick path reads."""


# The one-item changes the quick path reads (their table is cli/quick_changes.py's, imported only
# for one of them: a listing does not build it).
CHANGE_NAMES = frozenset(["done", "undo", "start", "add", "rm", "mv", "rename", "tag", "prioritize", "edit"])


def run(argv: Sequence[str]) -> int | None:
    """Serve `papers ARGV` if it is a call read here: its exit code; else None (nothing done)."""
    read = read_call(argv)
    if read is None:
        return None
    command, options = read
    if command == "list":
        return _list(options)
    from papers.cli.quick_changes import CHANGES

    return _change(CHANGES[command], options, argv)


def _list(options: dict[str, Any]) -> int:
    from papers.cli.listing import check_options, print_listing
    from papers.store.paths import find_catalogue

    def listing() -> None:
        file = options.pop("file", None)
        check_options(
            todo=options.get("todo", False),
            done=options.get("done", False),
            reading=options.get("reading", False),
            sort=options.get("sort"),
        )
        print_listing(find_catalogue(file), **options)

    return _served(listing)


def _change(change: quick_changes.Change, options: dict[str, Any], argv: Sequence[str]) -> int:
    """Run a change as the typer command does (cli/app.py: the app's group and `command`'s wrapper):
    journaled as this command line, a PapersError as one line and its exit code."""
    from pathlib import Path

    from papers.cli.session import state
    from papers.store import origin

    def changing() -> None:
        file = options.pop("file", None)
        state.file = None if file is None else Path(file)
        with origin.command_line(argv):
            change.run(**options)

    return _served(changing)


def _served(command: Callable[[], None]) -> int:
    """Run the command body and end as the typer app does: its exit code, a PapersError as one line
    and its code, a Ctrl-C's line and 130, a reader gone as click says it."""
    from papers.cli.reporting import error, interrupted, worded
    from papers.errors import PapersError

    try:
        command()
    except PapersError as err:
        error(worded(err))
        return err.exit_code
    except KeyboardInterrupt:
        return interrupted()
    except OSError as err:
        if err.errno != errno.EPIPE:
            raise
        return _reader_gone()
    return 0


def _reader_gone() -> int:
    """As click does when the reader goes away (`papers list | head -1`): exit 1 (UNREPORTED after a
    change, as cli/app.py says it), and no complaint at exit about the rest of the output, which now
    goes nowhere."""
    from papers.cli.reporting import unread

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return unread()


def read_call(argv: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """The command of `papers [-f FILE] COMMAND [ARGUMENT...]` and its arguments by the name its
    body takes them under (and "file", the catalogue given), or None if `argv` is anything else or
    not read here for sure."""
    from papers.cli.reporting import debugging

    if "_PAPERS_COMPLETE" in os.environ or debugging(False):
        return None  # shell completion, and tracebacks (PAPERS_DEBUG), are typer's
    options: dict[str, Any] = {}
    args = list(argv)
    at = 0
    while at < len(args) and args[at] != "list" and args[at] not in CHANGE_NAMES:
        read = _option(args, at, {}, BEFORE)
        if read is None:
            return None
        at, _, options["file"] = read
    if at == len(args):
        return None
    before = options.get("file")
    command = args[at]
    read_rest = _read_listing if command == "list" else _read_change
    if not read_rest(command, args, at + 1, options):
        return None
    # click checks the app's --file and the command's, each the last given, though the command's wins.
    for file in (before, options.get("file")):
        if file is None:
            continue
        if os.path.isdir(file) or (os.path.exists(file) and not os.access(file, os.R_OK)):
            return None  # click refuses these (dir_okay=False; readable): typer words it
    for name in ("since", "until", "on"):
        if options.get(name) is not None:
            from papers.cli.dates import read_day  # imports datetime: only when a day is given

            try:
                options[name] = read_day(options[name])
            except ValueError:
                return None  # typer's usage error
    return command, options


def _read_listing(command: str, args: list[str], at: int, options: dict[str, Any]) -> bool:
    while at < len(args):
        read = _option(args, at, FLAGS, VALUES)
        if read is None:
            return False
        at, name, value = read
        if name == "tags":
            options.setdefault("tags", []).append(value)
        else:
            # As click: the last one given counts; for --file that is also the one after the
            # command, which wins over one before it (cli/app.py).
            options[name] = value
    return True


def _read_change(command: str, args: list[str], at: int, options: dict[str, Any]) -> bool:
    """The arguments, flags and values of a change (options anywhere among the arguments, as click
    reads them), every one it does not give at its default."""
    from papers.cli.quick_changes import CHANGES

    change = CHANGES[command]
    values = {**change.values, **(BEFORE if change.file_options is None else change.file_options)}
    options.update(dict.fromkeys(change.flags.values(), False))
    options.update(dict.fromkeys(change.values.values()))
    words: list[str] = []
    while at < len(args):
        arg = args[at]
        if arg.startswith("-"):
            read = _option(args, at, change.flags, values)
            if read is not None:
                at, name, value = read
                options[name] = value
                continue
            if not change.unknown_are_words or arg.startswith("--") or arg == "-":
                return False
            # Not an option of the command: click keeps it a word (`tag`'s -later).
        if not arg or _undecodable(arg):
            return False  # "" could be read two ways; an undecodable word is typer's to word
        words.append(arg)
        at += 1
    fixed = len(change.arguments) - change.many
    if len(words) < len(change.arguments) or (not change.many and len(words) > fixed):
        return False  # click's usage error
    options.update(zip(change.arguments, words[:fixed], strict=False))
    if change.many:
        options[change.arguments[-1]] = words[fixed:]
    return True


def _option(
    args: list[str], at: int, flags: dict[str, str], values: dict[str, str]
) -> tuple[int, str, Any] | None:
    """The option at args[at] as click reads it: where the next one starts, its name, its value
    (True for a flag); None if it is not one of `flags` or `values`, or its value is unsure."""
    arg = args[at]
    if _undecodable(arg):
        return None
    value: str | None = None
    if arg.startswith("--"):
        arg, equals, given = arg.partition("=")
        if equals:
            value = given
    elif arg.startswith("-") and len(arg) > 2:
        arg, value = arg[:2], arg[2:]  # -sNAME, as click reads a short option with its value
    if arg in flags and value is None:
        return at + 1, flags[arg], True
    if arg not in values:
        return None
    if value is None:
        if at + 1 == len(args):
            return None
        at, value = at + 1, args[at + 1]
        if _undecodable(value):
            return None
    if not value or value.startswith("-"):
        return None
    return at + 1, values[arg], value


def _undecodable(arg: str) -> bool:
    """An argument the shell passed as bytes that are not UTF-8 (cli/app.py reports it)."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
