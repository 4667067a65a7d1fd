"""The typer app and what every command shares: parse, call the core, render, exit with a meaningful code.

Exit codes: 0 success (also "nothing to do"), 1 a domain error, 2 a usage error,
3 arXiv or the network unavailable. Errors are one line on stderr; `--debug` or
PAPERS_DEBUG=1 shows the traceback instead.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from papers import __version__
from papers.errors import PapersError, UsageError
from papers.store import load as storage
from papers.store.paths import find_catalogue

app = typer.Typer(
    name="papers",
    no_args_is_help=True,
    help="Track your way through a reading list of research papers kept in papers.yaml.",
    epilog="Exit codes: 0 success, 1 no such paper or invalid catalogue, 2 usage error, 3 network unavailable.",
    pretty_exceptions_enable=False,
    add_completion=True,
    # Plain click output: a usage error ends in one `Error: ...` line and never draws a box in a pipe.
    rich_markup_mode=None,
)


class _State:
    file: Path | None = None
    debug: bool = False


state = _State()
F = TypeVar("F", bound=Callable[..., Any])


def _debugging() -> bool:
    return state.debug or os.environ.get("PAPERS_DEBUG", "") not in ("", "0")


def error(message: str) -> None:
    """One line on stderr: `Error: what happened. What to do.`"""
    line = " ".join(message.split())
    sys.stderr.write(f"Error: {line}{'' if line.endswith(('.', '?', '!')) else '.'}\n")


def note(message: str) -> None:
    sys.stderr.write(message.rstrip("\n") + "\n")


def reporting_errors(func: F) -> F:
    """Turn PapersError into its one-line message and exit code (or a traceback with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PapersError as err:
            if _debugging():
                raise
            error(str(err))
            raise typer.Exit(err.exit_code) from None
        except KeyboardInterrupt:
            if _debugging():
                raise
            error("interrupted. Nothing was changed unless a message above says so")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def command(name: str, **kwargs: Any) -> Callable[[F], F]:
    def register(func: F) -> F:
        app.command(name, **kwargs)(reporting_errors(func))
        return func

    return register


def catalogue_path(*, must_exist: bool = True) -> Path:
    return find_catalogue(state.file, must_exist=must_exist)


def complete_key(incomplete: str) -> list[str]:
    """Shell completion for QUERY arguments: the catalogue's keys."""
    try:
        keys = storage.load_catalogue(catalogue_path()).keys
    except PapersError:
        return []
    return sorted(key for key in keys if key.startswith(incomplete))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"papers {__version__}")
        raise typer.Exit()


# Options declared once and reused.
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]
QueryArg = Annotated[
    str,
    typer.Argument(
        metavar="QUERY",
        help="A key, an arXiv id, or part of a title.",
        autocompletion=complete_key,
        show_default=False,
    ),
]
TodoOpt = Annotated[bool, typer.Option("--todo", help="Only what is not done yet (todo and reading).")]
DoneOpt = Annotated[bool, typer.Option("--done", help="Only what is done.")]
SectionOpt = Annotated[
    str | None,
    typer.Option("--section", "-s", help="Only the section with this name or name start (any case)."),
]


def check_status_filter(todo: bool, done: bool) -> None:
    """--todo with --done asks for nothing; the CLI words the flags, the core never names them."""
    if todo and done:
        raise UsageError("--todo and --done exclude each other. Use one of them")


QueriesArg = Annotated[
    list[str],
    typer.Argument(
        metavar="QUERY...",
        help="Keys, arXiv ids or parts of titles; each argument is one query.",
        autocompletion=complete_key,
        show_default=False,
    ),
]


@app.callback()
def main_options(
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            help="The catalogue to use. Default: $PAPERS_FILE, else papers.yaml here or in a parent.",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Track your way through a reading list of research papers kept in papers.yaml."""
    state.file = file
    state.debug = debug
