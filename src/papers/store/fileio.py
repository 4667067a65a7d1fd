"""Atomic file replacement, the one way papers writes any file it cares about.

The new content goes to a temp file in the target's folder (same filesystem, so the rename is
atomic), is flushed and fsynced, takes the old file's permissions, and is renamed over the
target. A reader, or a crash at any point, sees the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_writer(path: Path, suffix: str = ".tmp") -> Iterator[BinaryIO]:
    """Yield a binary handle; on a clean exit its bytes replace `path`, on an error they vanish."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(path.parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_writer(path) as handle:
        handle.write(data)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; some filesystems refuse to open a folder, which is fine."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
