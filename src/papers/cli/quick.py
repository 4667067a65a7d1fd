"""The quick path: `papers list` served without importing typer or click.

Importing typer and click and building the command is most of what a listing from the parse
cache costs, and a listing is the command people run most. So `main()` (cli/__init__.py) hands
the arguments here first. A `papers list` whose every argument is one read here exactly as click
would read it is served by the code the typer command runs (cli/listing.py: the same use case,
the same renderer) and reports errors the same way (cli/reporting.py). Anything else returns
None and the typer app takes over: another command, --help, --debug, shell completion, an
unknown option, a value click would refuse (a bad day, a folder as --file) or one that could be
read two ways (empty, or starting with '-'). Those keep typer's own messages, at typer's speed.

tests/test_quick.py runs a table of invocations both ways and compares their bytes and exit codes.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Sequence
from typing import Any

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


def run(argv: Sequence[str]) -> int | None:
    """Serve `papers ARGV` if it is a listing read here: its exit code; else None (nothing done)."""
    options = read_arguments(argv)
    if options is None:
        return None
    from papers.cli.listing import check_options, print_listing
    from papers.cli.reporting import error, interrupted, worded
    from papers.errors import PapersError
    from papers.store.paths import find_catalogue

    file = options.pop("file", None)
    try:
        check_options(
            todo=options.get("todo", False),
            done=options.get("done", False),
            reading=options.get("reading", False),
            sort=options.get("sort"),
        )
        print_listing(find_catalogue(file), **options)
    except PapersError as err:
        error(worded(err))
        return err.exit_code
    except KeyboardInterrupt:
        return interrupted()
    except OSError as err:
        if err.errno != errno.EPIPE:
            raise
        # As click does when the reader goes away (`papers list | head -1`): exit 1, and no
        # complaint at exit about the rest of the output, which now goes nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


def read_arguments(argv: Sequence[str]) -> dict[str, Any] | None:
    """The options of `papers [-f FILE] list [OPTION...]` as print_listing takes them (and "file",
    the catalogue given), or None if `argv` is anything else or not read here for sure."""
    from papers.cli.reporting import debugging

    if "_PAPERS_COMPLETE" in os.environ or debugging(False):
        return None  # shell completion, and tracebacks (PAPERS_DEBUG), are typer's
    options: dict[str, Any] = {}
    args = list(argv)
    at = 0
    while at < len(args) and args[at] != "list":
        read = _option(args, at, {}, BEFORE)
        if read is None:
            return None
        at, _, options["file"] = read
    before = options.get("file")
    at += 1
    if at > len(args):
        return None
    while at < len(args):
        read = _option(args, at, FLAGS, VALUES)
        if read is None:
            return None
        at, name, value = read
        if name == "tags":
            options.setdefault("tags", []).append(value)
        else:
            # As click: the last one given counts; for --file that is also the one after the
            # command, which wins over one before it (cli/app.py).
            options[name] = value
    # click checks the app's --file and the command's, each the last given, though the command's wins.
    for file in (before, options.get("file")):
        if file is None:
            continue
        if os.path.isdir(file) or (os.path.exists(file) and not os.access(file, os.R_OK)):
            return None  # click refuses these (dir_okay=False; readable): typer words it
    for name in ("since", "until"):
        if name in options:
            from papers.cli.dates import read_day  # imports datetime: only when a day is given

            try:
                options[name] = read_day(options[name])
            except ValueError:
                return None  # typer's usage error
    return options


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
