"""The lock that makes a read-modify-write of the catalogue one step for every papers process.

An flock on `.NAME.lock` beside the real file (a catalogue reached through a symlink is locked
where it really lives, so two links to it share one lock). The catalogue itself cannot carry the
lock: the atomic rename replaces its inode. Like git's `hold_lock_file_for_update_timeout`, a
held lock is waited for with a timeout, and a wait longer than a moment says so on stderr.

The lock file is created with `0666 & ~umask` (a setgid folder gives it the folder's group), and
opened read-only when it belongs to someone else: flock needs no write permission, so two
members of a group can both edit a shared catalogue. A symlink planted at the lock's path is
refused, never followed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from papers.errors import CatalogueError
from papers.store.fileio import real_path
from papers.store.paths import display_path

DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for another papers command; `$PAPERS_LOCK_TIMEOUT` overrides it."""
NOTICE_AFTER = 1.0
"""A wait longer than this is announced on stderr."""
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def lock_path(path: Path) -> Path:
    real = real_path(path)
    return real.parent / f".{real.name}.lock"


def lock_timeout() -> float:
    """`$PAPERS_LOCK_TIMEOUT` in seconds, else DEFAULT_TIMEOUT."""
    text = os.environ.get("PAPERS_LOCK_TIMEOUT", "").strip()
    try:
        value = float(text) if text else DEFAULT_TIMEOUT
    except ValueError:
        value = -1.0
    if not value >= 0:  # also NaN
        raise CatalogueError(
            f"PAPERS_LOCK_TIMEOUT={text!r} is not a number of seconds. Set it to e.g. 30, or unset it"
        )
    return value


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


@contextlib.contextmanager
def hold(
    path: Path,
    *,
    timeout: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    say: Callable[[str], None] = _say,
) -> Iterator[None]:
    """Hold the catalogue's lock for the body; wait up to `timeout` seconds for another holder."""
    fd = _open_lock(path)
    try:
        _acquire(fd, path, lock_timeout() if timeout is None else timeout, clock, sleep, say)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _open_lock(path: Path) -> int:
    lock = lock_path(path)
    # Not display_path(lock): that resolves the lock, and a planted symlink would be shown as its target.
    folder = display_path(lock.parent)
    shown = lock.name if folder == "." else f"{folder}/{lock.name}"
    flags = _NOFOLLOW | _CLOEXEC | os.O_NONBLOCK
    try:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | flags, 0o666)
        except PermissionError:
            fd = os.open(lock, os.O_RDONLY | flags)  # someone else's lock file: flock still works
    except OSError as err:
        if err.errno == errno.ELOOP or os.path.islink(lock):
            raise _not_a_lock(path, shown, "a symbolic link") from None
        raise CatalogueError(
            f"cannot lock {display_path(path)}: {err.strerror}. Check that its folder is writable"
        ) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _not_a_lock(path, shown, "not a regular file")
    return fd


def _not_a_lock(path: Path, shown: str, what: str) -> CatalogueError:
    return CatalogueError(
        f"the lock file {shown} is {what}, which papers will not follow: nothing was changed. "
        f"Remove it (papers makes a new one) and run the command again"
    )


def _acquire(
    fd: int,
    path: Path,
    timeout: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    say: Callable[[str], None],
) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined,unused-ignore]
        return
    start = clock()
    pause = 0.005
    announced = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        except OSError as err:  # e.g. ENOLCK on a network file system
            raise CatalogueError(
                f"cannot lock {display_path(path)}: {err.strerror}. "
                "Keep the catalogue on a file system that supports locks"
            ) from None
        waited = clock() - start
        if waited >= timeout:
            raise CatalogueError(
                f"{display_path(path)} stayed locked by another papers command for {timeout:g} s: "
                "nothing was changed. Run the command again when that one has finished "
                "($PAPERS_LOCK_TIMEOUT sets how long to wait)"
            )
        if not announced and waited >= NOTICE_AFTER:
            say(
                f"waiting for another papers command to finish with {display_path(path)} "
                f"(giving up after {timeout:g} s)"
            )
            announced = True
        sleep(min(pause, max(timeout - waited, 0.0)))
        pause = min(pause * 2, 0.1)
