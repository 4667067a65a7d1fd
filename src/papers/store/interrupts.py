"""Holding Ctrl-C back while a change is half made.

Between the rename that puts the new papers.yaml in place and the journal's record of it, a Ctrl-C
would leave a change that `papers undo` and `papers revert` do not know of. The hold covers the
whole write (the temp file, its fsync, the rename, the parse cache, the record: tens of ms at
50,000 items): the first Ctrl-C in it is held and raised once the change is journaled, or once the
write failed; a second one is raised at once, for a write that hangs (a dead network mount) must
still be stoppable. A held Ctrl-C is never dropped: if the block fails, it is raised instead of the
error (chained to it), or a caller that retries on the error (store.load.edit, when another program
saved the file meanwhile) would make the change the user stopped.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Defer the first SIGINT of the block to its end (as KeyboardInterrupt, also when the block
    raises); a second one is raised when it comes. A no-op where Python's own SIGINT handler is not
    in place (another thread, a program that handles SIGINT itself, a SIGINT ignored)."""
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    caught: list[int] = []

    def defer(signum: int, frame: object) -> None:
        if caught:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            raise KeyboardInterrupt
        caught.append(signum)

    try:
        signal.signal(signal.SIGINT, defer)
    except ValueError:  # not the main thread: only it may set handlers, and only it gets SIGINT
        yield
        return
    try:
        yield
    except Exception as err:
        if caught:
            raise KeyboardInterrupt from err
        raise
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if caught:
        raise KeyboardInterrupt
