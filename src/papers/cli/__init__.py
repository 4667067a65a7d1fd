"""The `papers` command line: parse, call the core, render, exit with a meaningful code.

Each module here defines one group of commands; cli/commands.py lists them all, in the order
`--help` shows them, and a command's module is imported only when that command is looked up
(cli/app.py's PapersGroup), so a call pays for its own command only.
A Ctrl-C while the app is imported (most of start-up) is one line and exit 130, like one later on.
"""

import sys

try:
    from papers.cli.app import app, complete_key, interrupted, state
except KeyboardInterrupt:  # pragma: no cover - timing; tests/test_cli.py interrupts a real process
    sys.stderr.write("Error: interrupted. Nothing was changed unless a message above says so.\n")
    raise SystemExit(130) from None

__all__ = ["app", "complete_key", "main", "state"]


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="papers")
    except KeyboardInterrupt:  # while typer builds the command, before PapersGroup.main takes over
        raise SystemExit(interrupted()) from None
