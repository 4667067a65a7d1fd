"""Reading and writing papers.yaml without ever losing a byte the user wrote.

Reading: `store.parse` validates the YAML into a `Catalogue`. Parsing a 10,000-item file takes
about a second, so the parsed catalogue is cached (marshal, keyed by a digest of the file's bytes)
and an unchanged file is never parsed twice.

Writing: never re-serialise. A change edits only the lines of the fields it touches (see
`store.yamledit`), and the new text is written to a temp file in the same folder, fsynced and
renamed over the original while a lock is held for the whole read-modify-write.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from collections.abc import Callable, Iterator
from functools import partial
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar
from zlib import crc32

from papers.errors import CatalogueChangedError, CatalogueError, CatalogueNotFoundError
from papers.model.catalogue import Catalogue, Item, Section
from papers.store import fileio
from papers.store.fileio import atomic_write_bytes
from papers.store.lock import hold
from papers.store.parse import Outline, Parsed, Place, collector_paused, parse
from papers.store.paths import cache_dir, display_path

try:
    # Not hashlib: importing it loads OpenSSL (_hashlib), a few ms of every listing's start-up,
    # and hashlib.blake2b is this very function.
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without its own blake2
    from hashlib import blake2b

if TYPE_CHECKING:  # the editor and the journal serve edits only: a listing never imports them
    from papers.store import journal
    from papers.store.yamledit.buffer import Buffer
    from papers.store.yamledit.editor import Editor

# The layout of a cache entry; the item and section fields are part of it, so a new schema field
# turns every old entry into a miss instead of a misread.
_CACHE_FORMAT = (10, Item._fields, Section._fields)

# The entry's file is its marshalled payload and then the payload's CRC-32 (4 bytes, big-endian;
# marshal.loads ignores bytes after the value, so the payload is read in place). See _read_cache.
_CRC_SIZE = 4

# Items are cached in chunks, each marshalled on its own into a file of its own, named by a digest
# of its bytes: a section's items, cut every _CHUNK items. An edit writes only the chunks it
# changed and a new entry naming them and the chunks it left as they were (a `done` at 50,000
# items writes one chunk of 1,000 items, not 9 MB), and an insert shifts only its section's.
_CHUNK = 1000

Chunk = tuple[str, int, str]
"""A chunk of the cached items: the key of its first item, how many items, the name of its file."""


# --- loading -------------------------------------------------------------------------------------


def load_catalogue(path: Path) -> Catalogue:
    """The catalogue in `path`, from the parse cache when the file is unchanged."""
    data = _read_bytes(path)
    return _load(path, data).catalogue


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise _unreadable(path, err) from None


def _unreadable(path: Path, err: OSError) -> CatalogueError:
    if isinstance(err, FileNotFoundError):
        shown = display_path(path)
        return CatalogueNotFoundError(f"{shown} does not exist. Check the path", shown, "gone")
    return CatalogueError(f"cannot read {display_path(path)}: {err.strerror}. Check its permissions")


TodoMemory = dict[str, bool]
"""For items papers moved off `todo`: True if their todo was unsaid (papers added the `status:`
line), False if the file spelled out `status: todo`. undo puts back exactly what was there."""


class _Loaded(NamedTuple):
    """A catalogue from the parse cache (or a fresh parse), with what papers remembers of it.

    The outline (where each item sits in the file) stays marshalled until an editor asks for it:
    only commands that change the file need it, and a listing should not pay for decoding it.
    """

    catalogue: Catalogue
    todo_memory: TodoMemory
    outline: Outline | bytes
    chunks: tuple[Chunk, ...] = ()  # as read from the cache, for `_write_cache` to reuse

    def parsed(self) -> Parsed:
        if isinstance(self.outline, Outline):
            return Parsed(self.catalogue, self.outline)
        with collector_paused():
            return self._decode(self.outline)

    def _decode(self, blob: bytes) -> Parsed:
        lines, columns, flow, sections = marshal.loads(blob)
        keys = self.catalogue.keys
        return Parsed(
            self.catalogue,
            Outline(
                dict(zip(keys, lines, strict=True)),
                dict(zip(keys, columns, strict=True)),
                set(flow),
                {s.name: Place(*row) for s, row in zip(self.catalogue.sections, sections, strict=True)},
            ),
        )


def _load(
    path: Path, data: bytes, digest: str | None = None, replaced: tuple[str, bytes] | None = None
) -> _Loaded:
    """The catalogue for these bytes (whose digest the caller may have taken), and what papers
    remembers of the todo lines it changed. `replaced` (a revert's): the digest and bytes the file
    held before these, to re-read only what differs from the cached parse; these bytes are then a
    journaled state, so no text file is kept for them (see _entry_text)."""
    if digest is None:
        digest = _digest_of(data)
    recalled = _recall(path, digest)
    if recalled is not None:
        return recalled
    seen = _cache_identity(path)  # before reading: a cache rewritten after this is another entry
    entry = _read_cache(path)
    if entry is not None and entry[0] == digest:
        _remember(path, digest, seen, entry[1])
        return entry[1]
    label = display_path(path)
    parsed = _reparsed(path, entry, data, label, replaced) if entry is not None else None
    catalogue, outline = parsed if parsed is not None else parse(data, label)
    previous = entry[1] if parsed is not None and entry is not None else None  # its chunks read whole
    _write_cache(path, digest, catalogue, outline, text=data if replaced is None else None, previous=previous)
    return _Loaded(catalogue, {}, outline)


# The newest cache entry this process read: (cache file, digest of the catalogue's bytes, the cache
# file's identity when it was read, the entry). A command that reads the catalogue and then edits it
# (`rename` checks the new key before it locks the file; `edit` reads the item's text, then writes
# it back) decodes 50,000 items once, not twice. It holds only while the file has those very bytes
# and the cache file is the one that was read.
_recent: tuple[Path, str, tuple[int, int, int], _Loaded] | None = None


def _cache_identity(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(_cache_file(path))
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _recall(path: Path, digest: str) -> _Loaded | None:
    """The entry `_remember` kept, if it is this file's, for these bytes, and still its cache's."""
    recent = _recent
    if recent is None or recent[1] != digest or recent[0] != _cache_file(path):
        return None
    return recent[3] if _cache_identity(path) == recent[2] else None


def _remember(path: Path, digest: str, seen: tuple[int, int, int] | None, loaded: _Loaded) -> None:
    global _recent
    _recent = None if seen is None else (_cache_file(path), digest, seen, loaded)


class _Text(NamedTuple):
    """A catalogue's bytes as the last edit in this process read or wrote them: their digest,
    their text, and its lines (a Buffer that nothing changes: each Editor edits a copy)."""

    data: bytes
    digest: str
    text: str | None  # None: not decoded (after a write, whose text was never made whole)
    buffer: Buffer


# `papers edit` reads the item's text and then writes it back, two edits of the same bytes, and a
# Python caller edits again and again: each edit hashed the 10 MB text, decoded it and split it
# into 300,000 lines (about 35 ms at 50,000 items). The last text is kept instead, found again by
# comparing bytes (a memcmp, not a hash). Holding its lines also spares freeing them inside the
# command (papers.__main__ ends the process without freeing anything).
_last_text: _Text | None = None


# The last bytes whose digest was taken, and the digest: `rename` reads the catalogue, then edits
# it, and hashed the same 10 MB twice.
_last_digest: tuple[bytes, str] | None = None


def _digest_of(data: bytes) -> str:
    """The digest of the catalogue's bytes (as journal.digest), taken again only if they are not
    the last edit's nor the last taken."""
    global _last_digest
    for known in (_last_text, _last_digest):
        if known is not None and known[0] == data:  # a memcmp, not a hash
            return known[1]
    digest = blake2b(data, digest_size=20).hexdigest()
    _last_digest = (data, digest)
    return digest


def _text_of(data: bytes, digest: str) -> tuple[str, Buffer, list[str]]:
    """The text of these bytes and its lines, for an Editor to change (a copy of the last edit's
    when the bytes are the same), and the same lines in the list kept here, which nothing changes."""
    from papers.store.yamledit.buffer import Buffer

    last = _last_text
    if last is not None and last.digest == digest:
        text = last.data.decode("utf-8") if last.text is None else last.text
        return text, last.buffer.copy(), last.buffer.lines
    text = data.decode("utf-8")
    buffer = Buffer(text)
    kept = buffer.copy()
    _keep_text(_Text(data, digest, text, kept))
    return text, buffer, kept.lines


def _keep_text(text: _Text | None) -> None:
    global _last_text
    _last_text = text


def _reparsed(
    path: Path, entry: tuple[str, _Loaded], data: bytes, label: str, replaced: tuple[str, bytes] | None
) -> Parsed | None:
    """The parse of `data` from the cached parse of the text before a hand edit (see store.reparse)."""
    from papers.store.reparse import reparse

    old = _entry_text(path, entry[0], replaced)
    if old is None:
        return None
    try:
        old_text, new_text = old.decode("utf-8"), data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    with collector_paused():
        return reparse(old_text, entry[1].parsed(), new_text, label)


def _entry_text(path: Path, digest: str, replaced: tuple[str, bytes] | None) -> bytes | None:
    """The text the cache entry with `digest` was parsed from: the bytes the caller replaced, the
    text file kept beside the entry when the file was parsed, or the journal's copy of the state an
    edit wrote (an edit keeps no text file: its new state is journaled already, and writing 10 MB a
    second time was a tenth of a `done` at 50,000 items). None if none of them holds it."""
    from papers.store import journal

    if replaced is not None and replaced[0] == digest:
        return replaced[1]
    try:
        kept = _text_file(path).read_bytes()
        if blake2b(kept, digest_size=20).hexdigest() == digest:
            return kept
    except OSError:
        pass
    try:
        return journal.state(path, digest)
    except journal.JournalError:
        return None


def _cache_file(path: Path) -> Path:
    name = blake2b(str(path.resolve()).encode(), digest_size=12).hexdigest()
    return cache_dir() / "parsed" / f"{name}.marshal"


def _text_file(path: Path) -> Path:
    """The text the cache entry was parsed from, kept so a hand edit can be re-read alone."""
    return _cache_file(path).with_suffix(".text")


def _chunk_folder(path: Path) -> Path:
    """Where the item chunks of the cache entry live, one file each (see _CHUNK)."""
    return _cache_file(path).with_suffix(".chunks")


def _read_cache(path: Path) -> tuple[str, _Loaded] | None:
    """The digest of the bytes the cache entry was parsed from, and the entry (None: a miss, for
    an entry missing, damaged or of another format, or a chunk it names missing or damaged).

    The entry is checked against its CRC-32 before it is unmarshalled, as a chunk is (see
    _read_chunk): a flipped byte in the title, the todo memory or the outline still unmarshals, and
    would be taken for what papers.yaml holds. The digest it holds is what the text kept beside it
    is checked against (_entry_text), so the check covers that text too."""
    cache = _cache_file(path)
    try:
        blob = cache.read_bytes()
    except OSError:
        return None
    if len(blob) < _CRC_SIZE:
        return None
    payload = memoryview(blob)[:-_CRC_SIZE]  # not a copy of the file's bytes
    if crc32(payload) != int.from_bytes(blob[-_CRC_SIZE:], "big"):
        return None
    folder = str(cache.with_suffix(".chunks"))
    with collector_paused():
        try:
            fmt, cached_digest, title, notes, sections, chunks, todo_memory, outline = marshal.loads(blob)
            if fmt != _CACHE_FORMAT:
                return None
            parts = [marshal.loads(_read_chunk(os.path.join(folder, chunk[2]))) for chunk in chunks]
            if list(map(len, parts)) != [chunk[1] for chunk in chunks]:
                return None
            items = tuple(map(_new_item, chain.from_iterable(parts)))
            catalogue = Catalogue(title, tuple(notes), tuple(map(Section._make, sections)), items)
        except (OSError, ValueError, EOFError, TypeError, IndexError):
            return None
    return cached_digest, _Loaded(catalogue, dict(todo_memory), outline, tuple(chunks))


def _read_chunk(name: str) -> bytes:
    """A chunk file's bytes, checked against the CRC-32 its name ends with (ValueError if damaged):
    a chunk that still unmarshals after a flipped byte would otherwise be served as the catalogue.
    CRC-32 costs about a fifth of hashing the chunk again (2 ms for 9 MB at 50,000 items)."""
    with open(name, "rb") as handle:
        data = handle.read()
    if crc32(data) != int(name[-8:], 16):
        raise ValueError("damaged chunk")
    return data


# Item._make is a Python function called once per item; tuple.__new__ builds the same Item in C.
_new_item = partial(tuple.__new__, Item)


def _chunks(catalogue: Catalogue, previous: _Loaded | None) -> tuple[list[Chunk], dict[str, bytes]]:
    """The items as cache chunks (see _CHUNK), and the bytes of each chunk file to write: every
    chunk of `previous` (the catalogue as read from the cache) that holds the same items is kept,
    its file as it is."""
    items = catalogue.items
    sizes = [len(section.keys) for section in catalogue.sections]
    if sum(sizes) != len(items):  # not one run per section: cut the whole list
        sizes = [len(items)]
    old: dict[str, tuple[int, int, str]] = {}
    if previous is not None:
        at = 0
        for key, count, name in previous.chunks:
            old[key] = (at, count, name)
            at += count
    old_items = previous.catalogue.items if previous is not None else ()
    chunks: list[Chunk] = []
    new: dict[str, bytes] = {}
    start = 0
    for size in sizes:
        for first in range(start, start + size, _CHUNK):
            part = items[first : min(first + _CHUNK, start + size)]
            key = part[0].key
            kept = old.get(key)
            if kept is not None and kept[1] == len(part) and old_items[kept[0] : kept[0] + kept[1]] == part:
                chunks.append((key, len(part), kept[2]))
            else:
                blob = marshal.dumps(tuple(map(tuple, part)))
                name = f"{blake2b(blob, digest_size=16).hexdigest()}-{crc32(blob):08x}"  # see _read_chunk
                chunks.append((key, len(part), name))
                new[name] = blob
        start += size
    return chunks, new


def _write_cache(
    path: Path,
    digest: str,
    catalogue: Catalogue,
    outline: Outline,
    todo_memory: TodoMemory | None = None,
    *,
    text: bytes | None,
    previous: _Loaded | None = None,
) -> None:
    """Best effort: a cache that cannot be written only costs speed.

    `text` (the bytes parsed) is kept beside the entry, to re-read only what a hand edit changed;
    None when the journal holds them (see _entry_text).

    Besides the parse it keeps the todo memory (see TodoMemory), so `undo` gives back the file as
    the user wrote it. The memory is tied to the file's exact bytes: after a hand edit papers falls
    back to the file's own convention.
    """
    keys = list(catalogue.keys)
    places = (
        _in_order(outline.lines, keys),
        _in_order(outline.columns, keys),
        tuple(outline.flow),
        tuple(tuple(outline.sections[section.name]) for section in catalogue.sections),
    )
    chunks, new = _chunks(catalogue, previous)
    payload = (
        _CACHE_FORMAT,
        digest,
        catalogue.title,
        catalogue.notes,
        tuple(map(tuple, catalogue.sections)),
        tuple(chunks),
        tuple(sorted((todo_memory or {}).items())),
        marshal.dumps(places),
    )
    target = _cache_file(path)
    folder = _chunk_folder(path)
    with contextlib.suppress(OSError, ValueError):
        folder.mkdir(parents=True, exist_ok=True)
        if text is not None:
            atomic_write_bytes(_text_file(path), text)
        # A chunk file is never changed, only written whole under a new name (a file a crash left
        # damaged is written again by the parse its miss causes: `previous` is then None).
        for name, blob in new.items():
            atomic_write_bytes(folder / name, blob)
        blob = marshal.dumps(payload)  # type: ignore[arg-type]  # nested tuples of scalars
        atomic_write_bytes(target, blob + crc32(blob).to_bytes(_CRC_SIZE, "big"))  # see _read_cache
        _sweep_chunks(folder, {chunk[2] for chunk in chunks}, previous)


def _in_order(values: dict[str, int], keys: list[str]) -> tuple[int, ...]:
    """The values of these keys, in their order: as the dict holds them when it holds them in that
    order (as read, or edited in place), else looked up key by key (in C either way)."""
    return tuple(values.values()) if list(values) == keys else tuple(map(values.__getitem__, keys))


def _sweep_chunks(folder: Path, kept: set[str], previous: _Loaded | None) -> None:
    """Remove the chunk files neither the new entry nor the one it replaces names: a command that
    read the entry before last and is still reading its chunks misses (and parses) at worst."""
    if previous is not None:
        kept.update(chunk[2] for chunk in previous.chunks)
    for name in os.listdir(folder):
        if name not in kept and not name.startswith("."):  # nor a writer's temp file
            with contextlib.suppress(OSError):
                os.unlink(folder / name)


# --- writing -------------------------------------------------------------------------------------


def write_atomically(path: Path, data: bytes, expected: fileio.Snapshot | None = None) -> None:
    """Replace the catalogue with `data` (UTF-8 text), by the rules of `fileio.write_bytes` (the
    real file behind a symlink, owner and mode kept, a read-only file refused).

    With `expected` (what was read), a file someone else has saved since is never overwritten:
    CatalogueChangedError, and nothing is written.
    """
    try:
        fileio.write_bytes(path, data, expected=expected)
    except fileio.ChangedError:
        raise CatalogueChangedError(
            f"{display_path(path)} was saved by another program while papers was editing it: "
            "nothing was written, so its changes are kept. Run the command again"
        ) from None
    except OSError as err:
        raise CatalogueError(fileio.failure_message(path, err)) from None


_EDIT_ATTEMPTS = 3

T = TypeVar("T")


def edit(path: Path, change: Callable[[Editor], T], *, create: bool = False, dry_run: bool = False) -> T:
    """Run `change` on the catalogue inside `editing()` and write what it did; return its result.

    If another program saves the file meanwhile, the new file is read and `change` runs again on
    it (an edit is a function of the catalogue), up to three times, then CatalogueChangedError.
    So `change` must do nothing but look at and edit the catalogue it is given.
    """
    attempts = _EDIT_ATTEMPTS
    while True:
        try:
            with editing(path, create=create, dry_run=dry_run) as editor:
                result = change(editor)
            return result
        except CatalogueChangedError:
            attempts -= 1
            if not attempts:
                raise


@contextlib.contextmanager
def editing(path: Path, *, create: bool = False, dry_run: bool = False) -> Iterator[Editor]:
    """Lock, read and validate the catalogue; yield an Editor; write only if something changed.

    If the body raises, nothing is written. After structural edits the new text is parsed before it
    is written, so an edit can never leave an invalid file. A catalogue papers may not write is
    refused before anything is done. The file is locked where it really lives (behind a symlink).
    Just before the rename the file must still be the one that was read, else CatalogueChangedError
    and nothing is written (`edit()` re-runs the edit instead). With `dry_run` the edits are made
    and checked in memory only: no lock is taken and nothing is written.
    """
    from papers.store import interrupts, journal
    from papers.store.yamledit.editor import Editor

    if not dry_run:
        try:
            fileio.check_writable(path)
        except OSError as err:
            raise CatalogueError(fileio.failure_message(path, err)) from None
    # The collector stays off for the whole read-modify-write (see parse.collector_paused): with it
    # on, the collections the edit's allocations trigger scan the 50,000 items just loaded, again
    # and again (a fifth of a `done` at 50,000 items), and the edit makes no garbage cycles.
    with collector_paused(), contextlib.nullcontext() if dry_run else hold(path):
        seen = _read_snapshot(path, create)
        data = seen.data
        before_digest = _digest_of(data) if seen.identity is not None else journal.ABSENT
        loaded = (
            _load(path, data, None if before_digest == journal.ABSENT else before_digest)
            if data or not create
            else _Loaded(Catalogue(None, (), (), ()), {}, Outline())
        )
        parsed = loaded.parsed()
        if isinstance(loaded.outline, bytes) and _recall(path, before_digest) is not None:
            # Keep it decoded for the next edit in this process (the Editor edits a copy).
            _remember(path, before_digest, _cache_identity(path), loaded._replace(outline=parsed.outline))
        text, buffer, original = _text_of(data, before_digest)
        editor = Editor(
            text, parsed, loaded.todo_memory, label=display_path(path), buffer=buffer, original=original
        )
        yield editor
        if editor.changed:
            if editor.structural:
                editor.recheck()  # items were added: parse the new text once, which also proves it valid
            if dry_run:
                return
            # The text as read is not needed from here on (the journal keeps the bytes): let it go
            # before the new text is encoded, the command's peak of memory.
            del text
            editor.let_go_of_read_text()
            _keep_text(None)
            encoded = editor.buffer.encoded()  # encoded once: 10 MB at 50,000 items
            before = data if seen.identity is not None else None
            summary = journal.describe(loaded.catalogue, editor.catalogue)
            with interrupts.held():  # a change on disk is journaled before a Ctrl-C stops papers
                write_atomically(path, encoded, expected=seen)
                digest = blake2b(encoded, digest_size=20).hexdigest()
                _keep_text(_Text(encoded, digest, None, editor.buffer))  # the editor is done with it
                new = editor.catalogue
                _write_cache(
                    path, digest, new, editor.outline, editor.todo_memory, text=None, previous=loaded
                )
                journal.record(path, before, encoded, summary, (before_digest, digest))


def restore(path: Path, produce: Callable[[bytes | None], tuple[bytes | None, str]]) -> journal.Entry | None:
    """Replace the whole catalogue, under the lock and by the rules of every write, journaled (so a
    revert can itself be reverted). `produce` is handed the file's bytes (None: there is no file)
    and returns the bytes to write (None: remove the file) and the change's one-line summary; it
    raises to refuse. The bytes must be a state from the journal (see below). Returns the change
    as journaled (None if the journal could not be written).
    """
    from papers.store import interrupts

    try:
        fileio.check_writable(path)
    except OSError as err:
        raise CatalogueError(fileio.failure_message(path, err)) from None
    with collector_paused(), hold(path):  # as in editing()
        seen = _read_snapshot(path, True)
        current = seen.data if seen.identity is not None else None
        new, summary = produce(current)
        with interrupts.held():  # as in editing()
            return _replace_journaled(path, seen, current, new, summary)


def _replace_journaled(
    path: Path, seen: fileio.Snapshot, current: bytes | None, new: bytes | None, summary: str
) -> journal.Entry | None:
    """restore()'s write: `new` in place of `current` (None: remove the file), then its record."""
    from papers.store import journal

    if new is None:
        if fileio.read_snapshot(path, missing_ok=True).identity != seen.identity:
            raise CatalogueChangedError(
                f"{display_path(path)} was saved by another program meanwhile: nothing was changed. "
                "Run the command again"
            )
        try:
            os.unlink(fileio.real_path(path))
        except OSError as err:
            raise CatalogueError(fileio.failure_message(path, err)) from None
        fileio.mark_changed(path)
        return journal.record(path, current, new, summary)
    write_atomically(path, new, expected=seen)
    digests = (journal.digest(current), journal.digest(new))
    _warm_cache(path, new, digests[1], None if current is None else (digests[0], current))
    return journal.record(path, current, new, summary, digests)


def _warm_cache(path: Path, data: bytes, digest: str, replaced: tuple[str, bytes] | None) -> None:
    """Leave the parse cache holding `data`, so the command after a revert is a cache hit.

    A journaled state is one papers read (and validated) or wrote, so this only costs time: from the
    cached parse of the text being replaced, only the items that differ are re-read (`store.reparse`,
    usually the one change being undone); only when the change cannot be located is the whole file
    parsed, once, here under the lock, instead of in the next command.
    """
    with contextlib.suppress(CatalogueError):
        _load(path, data, digest, replaced)


def _read_snapshot(path: Path, create: bool) -> fileio.Snapshot:
    """The catalogue's bytes and what identifies them (absent and empty if `create` and missing)."""
    try:
        return fileio.read_snapshot(path, missing_ok=create)
    except OSError as err:
        raise _unreadable(path, err) from None
