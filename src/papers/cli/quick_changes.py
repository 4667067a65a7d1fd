"""The table of the one-item changes the quick path (cli/quick.py) reads: each command's arguments,
flags and options as click reads them, and the body it runs (cli/edits.py, cli/edit_session.py).

A module of its own so that a listing, which takes the quick path too, does not build it.
tests/test_quick.py checks each row against the typer command's parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import datetime as dt


class Change(NamedTuple):
    """A one-item change as click reads it (cli/reading.py, cli/adding.py, cli/reshape.py,
    cli/tagging.py) and the body it runs."""

    arguments: tuple[str, ...]  # its arguments' names, in order
    many: bool  # the last argument takes one or more words (QUERY...)
    flags: dict[str, str]
    values: dict[str, str]  # options with a value (and the catalogue's, `file_options`)
    run: Callable[..., None]  # called with every argument, flag and value by name (see _change)
    # None: --file and -f, as before the command (quick.BEFORE); `tag`'s is --file only (-fast is a
    # tag to remove).
    file_options: dict[str, str] | None = None
    unknown_are_words: bool = False  # click's ignore_unknown_options (`tag`): -later is a word


def _done(queries: list[str], on: dt.date | None) -> None:
    from papers.cli import edits

    edits.change_status(queries, "done", "done", on)


def _status(status: str, verb: str) -> Callable[..., None]:
    def run(queries: list[str]) -> None:
        from papers.cli import edits

        edits.change_status(queries, status, verb)

    return run


def _body(name: str) -> Callable[..., None]:
    def run(*args: Any, **kwargs: Any) -> None:
        from papers.cli import edits

        getattr(edits, name)(*args, **kwargs)

    return run


def _edit(query: str) -> None:
    from papers.cli import edit_session

    edit_session.edit(query)


_KEY_OPTIONS = {"--parent": "parent", "--before": "before", "--after": "after"}

CHANGES: dict[str, Change] = {
    "done": Change(("queries",), True, {}, {"--on": "on"}, _done),
    "undo": Change(("queries",), True, {}, {}, _status("todo", "undone")),
    "start": Change(("queries",), True, {}, {}, _status("reading", "reading")),
    "rm": Change(
        ("queries",),
        True,
        {"--with-children": "with_children", "--keep-children": "keep_children", "--dry-run": "dry_run"},
        {},
        _body("remove"),
    ),
    "mv": Change(
        ("queries",),
        True,
        {"--top": "top", "--new-section": "new_section"},
        {"--section": "section", "-s": "section", **_KEY_OPTIONS},
        _body("move"),
    ),
    "rename": Change(("query", "new"), False, {}, {}, _body("rename")),
    "add": Change(
        ("title",),
        False,
        {"--new-section": "new_section", "--duplicate": "duplicate"},
        {
            "--section": "section",
            "-s": "section",
            "--arxiv": "arxiv",
            "--url": "url",
            "--parent": "parent",
            "--key": "key",
            "--priority": "priority",
        },
        _body("add"),
    ),
    "tag": Change(("words",), True, {}, {}, _body("tag"), {"--file": "file"}, True),
    "edit": Change(("query",), False, {}, {}, _edit),
    "prioritize": Change(("words",), True, {}, {}, _body("prioritize")),
}
