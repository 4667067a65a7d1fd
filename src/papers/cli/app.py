"""The typer app and what every command shares: parse, call the core, render, exit with a meaningful code.

Exit codes: 0 success (also "nothing to do"), 1 a domain error, 2 a usage error,
3 arXiv or the network unavailable, 4 the change was made but its report could not be
written (cli/reporting.py's UNREPORTED). Errors are one line on stderr; `--debug` or
PAPERS_DEBUG=1 shows the traceback instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import inspect
import os
import sys
import typing
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from papers import __version__
from papers.cli.commands import COMMANDS
from papers.cli.dates import read_day
from papers.cli.reporting import UNREPORTED, debugging

# What every command reports with is in cli/reporting.py, which the quick path (cli/quick.py) uses
# without typer; the command modules import it from here, with the rest of what they share.
from papers.cli.reporting import check_status_filter as check_status_filter
from papers.cli.reporting import error as error
from papers.cli.reporting import first_keys as first_keys
from papers.cli.reporting import interrupted as interrupted
from papers.cli.reporting import note as note
from papers.cli.reporting import worded as worded
from papers.cli.session import catalogue_path as catalogue_path
from papers.cli.session import state as state
from papers.errors import PapersError
from papers.store import fileio, origin
from papers.store.paths import find_catalogue

# click's exception classes, reached through typer's own export (never `import click`: typer may vendor it).
_ClickUsageError: type[Exception] = typer.BadParameter.__mro__[1]
_ClickException: type[Exception] = typer.BadParameter.__mro__[2]


class PapersGroup(TyperGroup):
    """The app's command group: whatever goes wrong, from parsing the arguments to the last line
    printed, ends in one line on stderr and its exit code (2 usage, 130 interrupted).

    Its commands are those of cli/commands.py's table, each built when first looked up (see
    _Commands): a call imports and builds the one command it runs, and `papers --help` lists
    them all from the table's summaries without building any."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _Commands()

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names, in the table's order, none of them built

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """click's own listing of the commands (the same rows, cut to the same width), from the
        table: a summary is the first sentence of the docstring, which click would show."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, TyperCommand(name=name, help=summary).get_short_help_str(limit))
            for name, (_, summary) in COMMANDS.items()
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            argv = list(sys.argv[1:] if args is None else args)
            undecodable = _undecodable(argv)
            if undecodable is None:
                # args stays None when it was: typer then reads sys.argv itself (and expands globs on Windows).
                given = None if args is None else argv
                with origin.command_line(argv):  # what the journal records as the command
                    code = super().main(given, prog_name, complete_var, standalone_mode=False, **extra)
            else:
                error(f"the argument '{undecodable}' is not UTF-8 text. Type it as UTF-8")
                code = 2
        except KeyboardInterrupt:
            code = interrupted()
        except _ClickUsageError as err:
            named = next((arg for arg in argv if arg in COMMANDS), None)
            code = _usage_error(err, f"{prog_name or 'papers'} {named}" if named else prog_name or "papers")
        except _ClickException as err:  # e.g. a file option that cannot be opened
            error(err.format_message())  # type: ignore[attr-defined]
            code = err.exit_code  # type: ignore[attr-defined]
        except typer.Abort:  # a prompt given end of input
            error("aborted. Nothing was changed")
            code = 1
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code

    # typer turns an interrupt inside these into a silent exit 130: say so first.
    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with _reporting_interrupts():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with _reporting_interrupts():
            try:
                return super().invoke(ctx)
            except OSError as err:
                # The reader of stdout went away. click exits 1 then, silently, which says the
                # command failed; after a change, only what it had to say went unread.
                if err.errno != errno.EPIPE or not fileio.changed():
                    raise
                with contextlib.suppress(OSError):  # no complaint at exit (a test's runner has no fd)
                    out = sys.stdout.fileno()
                    os.dup2(os.open(os.devnull, os.O_WRONLY), out)
                raise typer.Exit(UNREPORTED) from None


app = typer.Typer(
    name="papers",
    cls=PapersGroup,
    no_args_is_help=True,
    help="Track your way through a reading list of research papers kept in papers.yaml.",
    epilog="Exit codes: 0 success, 1 no such paper or an invalid catalogue or list, or output that could not be "
    "written (nothing was changed), 2 usage error, 3 network unavailable, 4 the change was made but what the "
    "command had to say about it could not be written (a full disk, a reader gone): do not simply run it again.",
    pretty_exceptions_enable=False,
    add_completion=True,
    # Plain click output: never a box drawn in a pipe. Usage errors are one line (PapersGroup.main).
    rich_markup_mode=None,
    # click's own "No such command 'lsit'. Did you mean 'list'?" suggests already; typer's would repeat it.
    suggest_commands=False,
)


F = TypeVar("F", bound=Callable[..., Any])


def _debugging() -> bool:
    return debugging(state.debug)


@contextlib.contextmanager
def _reporting_interrupts() -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:
        if _debugging():
            raise
        raise typer.Exit(interrupted()) from None


def _usage_error(err: Exception, command_path: str) -> int:
    """click's usage error as one line, with the pointer to --help inside it."""
    if type(err).__name__ == "NoArgsIsHelpError":  # bare `papers`: the help itself, as click shows it
        err.show()  # type: ignore[attr-defined]
        return 2
    message = err.format_message().strip()  # type: ignore[attr-defined]
    ctx = getattr(err, "ctx", None)
    where = ctx.command_path if ctx is not None else command_path
    error(f"{message if message.endswith(('.', '?', '!')) else message + '.'} See '{where} --help'")
    return 2


def _undecodable(argv: Sequence[str]) -> str | None:
    """The first argument that is not UTF-8 (the shell passed raw bytes), shown escaped; or None."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return repr(os.fsencode(arg))[2:-1]
    return None


def _with_file_option(func: F, option: Any = None) -> F:
    """`func` as a command that also takes `--file/-f` after the command name (like before it)."""

    @functools.wraps(func)
    def wrapper(*args: Any, catalogue_file: Path | None = None, **kwargs: Any) -> Any:
        if catalogue_file is not None:
            state.file = catalogue_file
        try:
            return func(*args, **kwargs)
        except PapersError as err:
            if _debugging():
                raise
            error(worded(err))
            raise typer.Exit(err.exit_code) from None

    signature = inspect.signature(func, eval_str=True)
    option = option or FileOpt
    extra = inspect.Parameter(
        "catalogue_file", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=option
    )
    wrapper.__signature__ = signature.replace(parameters=[*signature.parameters.values(), extra])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**typing.get_type_hints(func, include_extras=True), "catalogue_file": option}
    return wrapper  # type: ignore[return-value]


_defined: dict[str, tuple[Callable[..., Any], Any, dict[str, Any]] | typer.Typer] = {}
_built: dict[str, Any] = {}  # name -> click command, built once per process


def command(
    name: str, *, short_file: bool = True, group: typer.Typer | None = None, **kwargs: Any
) -> Callable[[F], F]:
    """Define `func` as the command `name` (listed in cli/commands.py), or as a command of `group`
    (a sub-app, see sub_app): its PapersError become one line and an exit code (a traceback with
    --debug), and it accepts `--file/-f` like every command (only `--file` after the command with
    `short_file=False`, for arguments that may be `-fast`). `kwargs` are app.command()'s. A
    command is built only when it is looked up (PapersGroup)."""

    def register(func: F) -> F:
        option = None if short_file else _LongFileOpt
        if group is not None:
            group.command(name, **kwargs)(_with_file_option(func, option))
        else:
            _defined[name] = (func, option, kwargs)
        return func

    return register


def sub_app(name: str, group: typer.Typer) -> None:
    """Define `group`, a typer app of commands made with command(..., group=group), as the
    command `name` (like `papers section add`); it is listed in cli/commands.py like any other."""
    _defined[name] = group


def _build(name: str) -> Any:
    """The click command `name`: its module imported, then built by typer as app.command() would."""
    if name not in _built:
        __import__(f"papers.cli.{COMMANDS[name][0]}")  # not importlib: -X importtime shows this one
        defined = _defined[name]
        if isinstance(defined, typer.Typer):
            _built[name] = typer.main.get_group(defined)
        else:
            func, option, kwargs = defined
            one = typer.Typer(rich_markup_mode=None, add_completion=False, pretty_exceptions_enable=False)
            one.command(name, **kwargs)(_with_file_option(func, option))
            _built[name] = typer.main.get_command(one)
    return _built[name]


class _Commands(MutableMapping[str, Any]):
    """PapersGroup.commands: cli/commands.py's names, each command built the first time it is
    looked up (`commands[name]`, `.get(name)`); `in`, iteration and len build nothing."""

    def __getitem__(self, name: str) -> Any:
        if name not in COMMANDS:
            raise KeyError(name)
        return _build(name)

    def __setitem__(self, name: str, command: Any) -> None:
        raise TypeError("papers' commands are the table in papers/cli/commands.py")

    def __delitem__(self, name: str) -> None:
        raise TypeError("papers' commands are the table in papers/cli/commands.py")

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


def complete_key(incomplete: str, ctx: typer.Context | None = None) -> list[str]:
    """Shell completion for QUERY arguments: the keys of the catalogue `--file` names (before or
    after the command; the callbacks that set `state` do not run while completing), else the default."""
    given: Path | None = None
    node: Any = ctx
    while node is not None and given is None:
        given = node.params.get("catalogue_file") or node.params.get("file")
        node = node.parent
    from papers.store import load as storage

    try:
        keys = storage.load_catalogue(find_catalogue(given or state.file)).keys
    except PapersError:
        return []
    return sorted(key for key in keys if key.startswith(incomplete))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"papers {__version__}")
        raise typer.Exit()


# Options declared once and reused.
FileOpt = Annotated[
    Path | None,
    typer.Option(
        "--file",
        "-f",
        help="The catalogue to use, before or after the command. Default: $PAPERS_FILE, else papers.yaml here or in a parent.",
        show_default=False,
        dir_okay=False,
    ),
]
_LongFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--file",
        help="The catalogue to use, before or after the command. Default: $PAPERS_FILE, else papers.yaml here or in a parent.",
        show_default=False,
        dir_okay=False,
    ),
]
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


def parse_day(value: str | None) -> dt.date | None:
    """A --since/--until/--on value: a date as YYYY-MM-DD (`today` also works)."""
    if value is None:
        return None
    try:
        return read_day(value)
    except ValueError:
        raise typer.BadParameter(
            f"'{value}' is not a date. Write it as YYYY-MM-DD, like 2026-11-20"
        ) from None


SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since", metavar="DATE", help="Only from this day on (YYYY-MM-DD, included).", show_default=False
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        "--until", metavar="DATE", help="Only up to this day (YYYY-MM-DD, included).", show_default=False
    ),
]


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
    file: FileOpt = None,
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
