"""The `papers` command line: parse, call the core, render, exit with a meaningful code.

Each module here defines one group of commands; cli/commands.py lists them all, in the order
`--help` shows them, and a command's module is imported only when that command is looked up
(cli/app.py's PapersGroup), so a call pays for its own command only. A listing does not even
import typer: cli/quick.py serves it the way the typer command would (see there), and the typer
app (`papers.cli.app`, from cli/app.py) is imported only when first used.
A Ctrl-C while the app is imported (most of start-up) is one line and exit 130, like one later on.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from papers.cli.app import app, complete_key, state

__all__ = ["app", "complete_key", "main", "state"]


def main() -> None:
    """Console-script entry point: the quick path if it serves the call, else the typer app."""
    try:
        from papers.cli import quick

        code = quick.run(sys.argv[1:])
        if code is None:
            from papers.cli.app import app
    except KeyboardInterrupt:  # pragma: no cover - timing; tests/test_cli.py interrupts a real process
        sys.stderr.write("Error: interrupted. Nothing was changed unless a message above says so.\n")
        raise SystemExit(130) from None
    if code is not None:
        raise SystemExit(code)
    from papers.cli.reporting import interrupted

    try:
        app(prog_name="papers")
    except KeyboardInterrupt:  # while typer builds the command, before PapersGroup.main takes over
        raise SystemExit(interrupted()) from None


_FROM_APP = ("app", "complete_key", "state")


def __getattr__(name: str) -> Any:
    if name not in _FROM_APP:
        raise AttributeError(f"module 'papers.cli' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module("papers.cli.app"), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_FROM_APP})  # `typer papers.cli utils docs` looks for the app here


class _Package(types.ModuleType):
    """This package, whose `app` is the typer app although its module cli/app.py has that name too:
    importing a submodule binds it as an attribute of its package, and here that would hide the app."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "app" and isinstance(value, types.ModuleType):
            value = value.app
        super().__setattr__(name, value)


if __name__ in sys.modules:  # not when a tool runs this file under the package's name
    sys.modules[__name__].__class__ = _Package
