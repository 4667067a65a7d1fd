"""The `papers` command line: parse, call the core, render, exit with a meaningful code.

Each module registers one group of commands on the one app; importing them here, in this
order, is what puts every command on the app and fixes the order `--help` lists them in.
"""

# isort: off
from papers.cli import reading, adding, metadata, notes, transfer, paths  # noqa: F401  (registers, in this order)

# isort: on
from papers.cli.app import app, complete_key, state

__all__ = ["app", "complete_key", "main", "state"]


def main() -> None:
    """Console-script entry point."""
    app(prog_name="papers")
