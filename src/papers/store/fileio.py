"""Writing files without losing anything anyone wrote: the one way papers writes a file.

- A symlink is followed: the real file is written and the link stays a link (a dotfiles setup).
- A regular file is replaced atomically: the bytes go to a temp file beside the real file (same
  file system, so the rename is atomic), are fsynced, take the old file's owner, group (where the
  writer may set them) and mode, and are renamed over it. A reader, or a crash at any moment, sees
  the old file or the new one. A new file gets `0666 & ~umask` (and a setgid folder's group), as
  any program's would.
- A file or folder without write permission is refused, never replaced: the rename alone would not
  ask. The mode bits are checked too, because root passes every `os.access` test.
- A pipe, terminal or device (`-o /dev/stdout`, a FIFO) is written into, never replaced.
- Given the `Snapshot` of what was read, the file must still be that file (same inode, size, mtime
  and bytes) just before the rename, else `ChangedError` and nothing is written: another editor's
  save is never overwritten. A snapshot of an absent file makes the write a create-only one.
- Each writer holds an flock on its temp file until the rename, so a temp file nobody holds was
  left by a process that died mid-write: the next write in that folder removes it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

from papers.errors import OutputError
from papers.store.paths import display_path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, so no sweeping of temp files either
    fcntl = None  # type: ignore[assignment]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
# papers' own temp files, and only those: `.NAME.papers-0123abcd.tmp` (or `.part` for downloads).
_TEMP_NAME = re.compile(r"\..+\.papers-[0-9a-f]{8}\.[a-z]+\Z")
# Names that reach an already open file descriptor: writing there must go into it, not replace it.
_FD_LINK = re.compile(r"/dev/(stdout|stderr|fd/\d+)|/proc/(self|thread-self|\d+)/fd/\d+")


_FOLDER_READ_ONLY = "its folder is read-only"

# The user's files this process has changed (the catalogue, a note, an export; not a cache, nor
# what went into a stream), in order, each once. Once it holds one, "nothing was changed" is no
# longer true whatever fails next: the command line reads it when the report of a change cannot be
# written (cli/reporting.py's cannot_write: exit 4, not 1).
_changed: dict[Path, None] = {}


def changed() -> tuple[Path, ...]:
    """The paths (as given) of the files this process has replaced, created or removed for the user."""
    return tuple(_changed)


def mark_changed(path: Path) -> None:
    """Record that `path` was changed: by write_bytes, or by whoever removes a file of the user's."""
    _changed[Path(path)] = None


class ReadOnlyError(PermissionError):
    """The file, or the folder it must be replaced in, does not allow writing."""


class NotRegularError(OSError):
    """The path names a pipe, terminal, device or folder where a regular file must be."""


class ChangedError(Exception):
    """The file is no longer the one that was read: someone else saved it meanwhile."""


class Snapshot(NamedTuple):
    """What a reader saw of a file, to tell later whether anyone else has saved it since (a
    NamedTuple, not a dataclass: a listing from the parse cache imports no dataclasses (nor inspect, under it)).

    `identity` is (device, inode, size, mtime in ns), or None for a file that did not exist.
    """

    identity: tuple[int, int, int, int] | None
    data: bytes


def read_snapshot(path: Path, *, missing_ok: bool = False) -> Snapshot:
    """The bytes of the real file behind `path`, with what identifies that version of it."""
    try:
        with open(path, "rb") as handle:
            # fstat before reading: a save that lands during the read moves the mtime past this.
            seen = identity(os.fstat(handle.fileno()))
            return Snapshot(seen, handle.read())
    except FileNotFoundError:
        if not missing_ok:
            raise
        return Snapshot(None, b"")


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def identity(st: os.stat_result) -> tuple[int, int, int, int]:
    """What tells one version of a file from another (device, inode, size, mtime): what a
    Snapshot holds, and part of the stamp of the citation graph kept for a catalogue."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def real_path(path: Path) -> Path:
    """The file a write to `path` must change: every symlink resolved, even a dangling one."""
    return Path(os.path.realpath(path))


def check_writable(path: Path) -> None:
    """Raise ReadOnlyError or NotRegularError unless `path` can be replaced in place."""
    real = real_path(path)
    st = _stat_or_none(real)
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise NotRegularError(errno.EINVAL, "not a regular file", str(path))
    _check_writable(real, st)


def _may(path: Path, mode: int) -> bool:
    """os.access for the ids papers acts with (the effective ones, where the system can say)."""
    return os.access(path, mode, effective_ids=os.access in os.supports_effective_ids)


def _check_writable(real: Path, st: os.stat_result | None) -> None:
    if st is not None and (not st.st_mode & 0o222 or not _may(real, os.W_OK)):
        raise ReadOnlyError(errno.EACCES, "the file is read-only", str(real))
    try:
        folder = os.stat(real.parent)
    except FileNotFoundError:
        return  # the write itself reports the missing folder
    if not folder.st_mode & 0o222 or not _may(real.parent, os.W_OK | os.X_OK):
        raise ReadOnlyError(errno.EACCES, _FOLDER_READ_ONLY, str(real))


def write_bytes(
    path: Path,
    data: bytes,
    *,
    expected: Snapshot | None = None,
    follow_symlinks: bool = True,
) -> None:
    """Put `data` in `path` by the rules in this module's docstring.

    With `expected`, the file must still be the one that snapshot saw, or ChangedError (a file
    that was absent must still be absent: the write then only ever creates). Abandoned temp
    files beside it are removed first.
    Without `follow_symlinks` a symlink at `path` counts as a file that is there.
    """
    if expected is None and _writes_into(path):
        _write_into(path, data)
        return
    real = real_path(path) if follow_symlinks else Path(os.path.abspath(path))
    if expected is not None and expected.identity is None and os.path.lexists(real):
        raise ChangedError(str(real))
    st = _stat_or_none(real)
    if st is not None and not stat.S_ISREG(st.st_mode):
        if expected is not None:
            raise NotRegularError(errno.EINVAL, "not a regular file", str(path))
        _write_into(path, data)
        return
    _check_writable(real, st)
    sweep_temp_files(real.parent)
    fd, tmp = _open_temp(real, st)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
            if expected is not None:
                _check_unchanged(real, expected)
            if expected is not None and expected.identity is None:
                _create_from(tmp, real)
            else:
                os.replace(tmp, real)
        finally:
            os.close(fd)  # only now: the flock marks the temp file as in use until it is renamed
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    mark_changed(path)  # renamed into place: the change is made, whatever the folder's fsync does
    _fsync_folder(real.parent)


def create_bytes(path: Path, data: bytes) -> None:
    """Create `path` holding `data`, complete or not at all; FileExistsError if anything is there."""
    try:
        write_bytes(path, data, expected=Snapshot(None, b""), follow_symlinks=False)
    except ChangedError:
        raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None


@contextlib.contextmanager
def atomic_writer(path: Path, suffix: str = ".tmp", *, durable: bool = True) -> Iterator[BinaryIO]:
    """Yield a binary handle; on a clean exit its bytes replace `path`, on an error they vanish.
    `durable`: flushed to the disk (file and folder) before this returns."""
    real = real_path(path)
    fd, tmp = _open_temp(real, _stat_or_none(real), suffix)
    try:
        with os.fdopen(os.dup(fd), "wb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        os.close(fd)
    if durable:
        _fsync_folder(real.parent)


def write_output(path: Path, text: str) -> None:
    """Write an export or a picture the user asked for; OutputError if it cannot be written."""
    try:
        write_bytes(path, text.encode("utf-8"))
    except OSError as err:
        raise OutputError(failure_message(path, err)) from None


def failure_message(path: Path, err: OSError) -> str:
    """The one line for a write that failed: what happened, and what to do."""
    shown = display_path(path)
    if isinstance(err, ReadOnlyError) and err.strerror == _FOLDER_READ_ONLY:
        return (
            f"the folder of {shown} is read-only: nothing was changed. papers saves a file by "
            "writing a new one beside it and renaming it, so the folder must be writable"
        )
    if isinstance(err, ReadOnlyError):
        return f"{shown} is read-only: nothing was changed. Make it writable first (chmod u+w)"
    if isinstance(err, NotRegularError):
        return f"{shown} is not a regular file (a pipe, device or folder): nothing was changed. Name a file"
    return f"could not write {shown}: {err.strerror or err}. Nothing was changed"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """For papers' own caches: replace `path` atomically. No read-only refusal (the file is
    papers' own) and no sweep (a cache folder holds thousands of records). Not fsynced: a cache
    is derived data, and every reader of one takes a file a crash damaged for a miss (the parse
    cache also checks the digest of its text); the fsyncs of the parse cache's two files were
    about a tenth of the wall time of `done` at 10,000 items."""
    with atomic_writer(path, durable=False) as handle:
        handle.write(data)


def sweep_temp_files(folder: Path) -> None:
    """Remove papers' temp files in `folder` that no live writer holds (left by a killed write)."""
    if fcntl is None:  # pragma: no cover - Windows
        return
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if _TEMP_NAME.match(entry.name) and entry.is_file(follow_symlinks=False):
            _remove_if_abandoned(entry.path)


def _remove_if_abandoned(name: str) -> None:
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # Still that file under that name (its writer may have renamed it into place by now)?
        if os.stat(name, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
            os.unlink(name)
    except OSError:
        pass  # held by a live writer, or gone already
    finally:
        os.close(fd)


def _open_temp(real: Path, st: os.stat_result | None, suffix: str = ".tmp") -> tuple[int, str]:
    """A new temp file beside `real`, flocked, with `real`'s owner, group and mode when it exists."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    while True:
        tmp = str(real.parent / f".{real.name[:200]}.papers-{os.urandom(4).hex()}{suffix}")
        # A new file gets 0666 minus the umask from the kernel (and any default ACL); a replacement
        # starts private and takes the old file's mode below, so no one reads it in between.
        try:
            fd = os.open(tmp, flags, 0o600 if st is not None else 0o666)
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
            # A sweep may have removed the name between the open and the flock: start again.
            try:
                same = os.stat(tmp, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # pragma: no cover - needs a sweep inside a microsecond window
                os.close(fd)
                continue
        break
    try:
        if st is not None:
            _copy_owner(fd, st)
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return fd, tmp


def _copy_owner(fd: int, st: os.stat_result) -> None:
    """Give the temp file the old file's owner and group where permitted (before the mode: a
    chown clears the setuid bits). A member of the file's group can keep the group at least."""
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) == (st.st_uid, st.st_gid):
        return
    try:
        os.fchown(fd, st.st_uid, st.st_gid)
    except PermissionError:
        with contextlib.suppress(PermissionError):
            os.fchown(fd, -1, st.st_gid)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _check_unchanged(real: Path, expected: Snapshot) -> None:
    try:
        now: tuple[int, int, int, int] | None = identity(os.stat(real))
    except FileNotFoundError:
        now = None
    if now != expected.identity:
        raise ChangedError(str(real))
    if now is not None and real.read_bytes() != expected.data:
        # Same inode, size and mtime, other bytes: an in-place save within one clock tick.
        raise ChangedError(str(real))


def _create_from(tmp: str, real: Path) -> None:
    """Rename `tmp` to `real` only if nothing is there: a hard link does that atomically."""
    try:
        os.link(tmp, real)
    except FileExistsError:
        raise ChangedError(str(real)) from None
    except OSError:
        # No hard links here (FAT, some network file systems): check, then rename.
        if os.path.lexists(real):
            raise ChangedError(str(real)) from None
        os.replace(tmp, real)
        return
    os.unlink(tmp)


def is_stream(path: Path) -> bool:
    """True when a write to `path` goes into a pipe, terminal, device or open descriptor (what
    someone may be watching), not into a regular file that papers replaces."""
    if _writes_into(path):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:  # absent or unreachable: the write will create a file, or say why not
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _writes_into(path: Path) -> bool:
    """True when `path` reaches an open file descriptor (/dev/stdout, /proc/self/fd/1, ...)."""
    name = os.path.abspath(path)
    for _ in range(40):
        if _FD_LINK.fullmatch(name):
            return True
        try:
            target = os.readlink(name)
        except OSError:
            return False
        name = os.path.normpath(os.path.join(os.path.dirname(name), target))
    return False  # pragma: no cover - a symlink loop; the write reports it


def _write_into(path: Path, data: bytes) -> None:
    """Write into a pipe, terminal, device or open descriptor: appending, never truncating it."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | _CLOEXEC | getattr(os, "O_NOCTTY", 0))
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; some filesystems refuse to open a folder, which is fine."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
