"""Who asked for a change: the command line, when the command line says so.

The journal records each change's command. Only the command line knows its own arguments, so
it passes them here for the length of one call (cli/app.py); a change made from Python, outside
that, is described by the journal from the call itself (`papers.store.journal`), never from
`sys.argv`, which then holds the script's or the notebook's own arguments.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar

_words: ContextVar[tuple[str, ...] | None] = ContextVar("papers_command_line", default=None)


@contextlib.contextmanager
def command_line(words: Sequence[str]) -> Iterator[None]:
    """While the block runs, changes are journaled as `papers WORDS...`."""
    token = _words.set(tuple(words))
    try:
        yield
    finally:
        _words.reset(token)


def given() -> tuple[str, ...] | None:
    """The command line's arguments (without the program name), or None outside the command line."""
    return _words.get()
