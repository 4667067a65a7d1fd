"""The `papers` command line: parse, call the core, render, exit with a meaningful code.

Each module registers one group of commands on the one app; importing them here, in this
order, is what puts every command on the app and fixes the order `--help` lists them in.
A Ctrl-C while they are imported (most of start-up) is one line and exit 130, like one later on.
"""

import sys

try:
    # isort: off
    from papers.cli import reading, finding, adding, reshape, metadata, graph, notes  # noqa: F401  (registers, in this order)
    from papers.cli import transfer, tagging, opening, changes, paths  # noqa: F401  (and then these)

    # isort: on
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
