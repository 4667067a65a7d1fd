"""The journal: every change papers makes to a catalogue, kept so that any of them can be taken back.

`store.load` records each write here, at the one place every catalogue write goes through, so a
command journals its changes without doing anything. The journal lives in the cache folder, one
folder per catalogue (named by a digest of the file's real path):

    history/<digest>/entries.jsonl     one JSON object per change, oldest first
    history/<digest>/states/<d>.z      the file's bytes before and after changes (zlib), once per content

A change keeps the time, the command (the command line as `store.origin` has it from the CLI;
called from Python, the `papers.actions` function and its arguments), a one-line summary and the digests of the file before
and after; the bytes themselves are stored by content, so a change whose before-state is the
previous change's after-state stores one new state only. It is bounded: the last MAX_ENTRIES
changes, and about MAX_BYTES of stored states. Recording is best effort: the journal is never
needed for normal operation, and deleting the cache loses only the history.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Iterable
from itertools import compress
from operator import is_not
from pathlib import Path
from types import FrameType
from typing import NamedTuple

from papers.errors import PapersError
from papers.model.catalogue import Catalogue, Item
from papers.store import origin
from papers.store.fileio import real_path
from papers.store.paths import cache_dir

MAX_ENTRIES = 100
MAX_BYTES = 50 * 2**20
ABSENT = "absent"
"""The digest of the state "no file": a change that created the catalogue starts from it."""


class JournalError(PapersError):
    """The history does not hold what a revert needs."""


class Entry(NamedTuple):
    """One change papers made to a catalogue."""

    number: int  # counts up from 1 per catalogue; never reused while the journal lives
    time: str  # ISO 8601, UTC, to the second
    command: str  # the command line, as a shell would read it back
    summary: str  # one line: what changed
    before: str  # digest of the file before (ABSENT: there was none)
    after: str  # digest of the file after
    size: int  # bytes of states this change added to the journal

    def to_json(self) -> dict[str, object]:
        return {name: value for name, value in self._asdict().items() if name != "size"}


def digest(data: bytes | None) -> str:
    """The digest a state is stored and compared by (the parse cache uses the same)."""
    return ABSENT if data is None else hashlib.blake2b(data, digest_size=20).hexdigest()


def folder(path: Path) -> Path:
    """Where the journal of the catalogue at `path` lives (the real file, behind any symlink)."""
    name = hashlib.blake2b(str(real_path(path)).encode(), digest_size=12).hexdigest()
    return cache_dir() / "history" / name


def entries(path: Path) -> list[Entry]:
    """The changes journaled for the catalogue at `path`, oldest first (none without a journal).

    A line that does not read as an entry (a damaged or foreign file) is skipped."""
    return _read(folder(path) / "entries.jsonl")


def _read(listing: Path) -> list[Entry]:
    import json

    try:
        text = listing.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    found: list[Entry] = []
    for line in text.splitlines():
        try:
            found.append(Entry(**json.loads(line)))
        except (ValueError, TypeError):
            continue
    return found


def state(path: Path, wanted: str) -> bytes | None:
    """The bytes of a state of the catalogue (None for ABSENT); JournalError if it was not kept."""
    import zlib

    if wanted == ABSENT:
        return None
    try:
        data = zlib.decompress((folder(path) / "states" / f"{wanted}.z").read_bytes())
    except (OSError, zlib.error):
        data = None
    if data is None or digest(data) != wanted:
        raise JournalError(
            "the history no longer holds that state of the catalogue (the cache was cleared or damaged). "
            "Nothing was changed"
        )
    return data


def record(
    path: Path,
    before: bytes | None,
    after: bytes | None,
    summary: str,
    digests: tuple[str, str] | None = None,
) -> Entry | None:
    """Journal one change of the catalogue at `path`, and return it. Best effort: a journal that
    cannot be written (None) costs only the history. Called under the catalogue's lock, so numbers
    never collide. `digests` (before, after) saves hashing again what the caller hashed already.

    A change appends one line; the journal is cut back to MAX_ENTRIES changes (and MAX_BYTES of
    states) only when it has grown a fifth past that, so most changes never read it whole."""
    import datetime as dt
    import json

    try:
        home = folder(path)
        states = home / "states"
        states.mkdir(parents=True, exist_ok=True)
        before_digest, after_digest = digests or (digest(before), digest(after))
        size = _store(states, before_digest, before) + _store(states, after_digest, after)
        listing = home / "entries.jsonl"
        last, count, torn = _last(listing)
        entry = Entry(
            number=last + 1,
            time=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            command=_command(),
            summary=summary,
            before=before_digest,
            after=after_digest,
            size=size,
        )
        line = json.dumps(entry._asdict(), ensure_ascii=False) + "\n"
        if count < MAX_ENTRIES + MAX_ENTRIES // 5:
            with listing.open("a", encoding="utf-8") as handle:
                handle.write("\n" * torn + line)  # after a torn last line, on a line of its own
            return entry
        kept = _bounded([*entries(path), entry])
        _replace(listing, "".join(json.dumps(e._asdict(), ensure_ascii=False) + "\n" for e in kept).encode())
        _prune(states, kept)
    except (OSError, ValueError):
        return None
    return entry


def _last(listing: Path) -> tuple[int, int, bool]:
    """The number of the newest change in the journal (0 if none), how many lines it has, and
    whether its last line was cut short (a write interrupted)."""
    import json

    try:
        data = listing.read_bytes()
    except FileNotFoundError:
        return 0, 0, False
    lines = data.splitlines()
    torn = bool(data) and not data.endswith(b"\n")
    try:
        return int(json.loads(lines[-1])["number"]), len(lines), torn
    except (ValueError, TypeError, KeyError, IndexError):  # a damaged last line: read them all
        return max((e.number for e in _read(listing)), default=0), len(lines), torn


def _command() -> str:
    """The command line that asked for the change, as the CLI passed it; from Python, the call."""
    import shlex

    words = origin.given()
    return _python_call() if words is None else shlex.join(["papers", *words])


def _python_call() -> str:
    """The papers function a Python caller called first (`papers.actions.mark.mark`, say), with its
    arguments as it holds them now: `python: papers.actions.mark.mark(path='papers.yaml', ...)`."""
    import reprlib

    frame: FrameType | None = sys._getframe()
    first = sys._getframe()  # this very function, if nothing calls it from papers
    while frame is not None:
        if str(frame.f_globals.get("__name__", "")).startswith("papers."):
            first = frame
        frame = frame.f_back
    code = first.f_code
    count = code.co_argcount + code.co_kwonlyargcount + bool(code.co_flags & 4) + bool(code.co_flags & 8)
    shown = reprlib.Repr()  # long values cut short (keyword arguments only from Python 3.12)
    shown.maxstring = shown.maxother = 160
    values = {name: first.f_locals.get(name) for name in code.co_varnames[:count]}
    arguments = ", ".join(
        f"{name}={shown.repr(os.fspath(value) if isinstance(value, os.PathLike) else value)}"
        for name, value in values.items()
    )
    return f"python: {first.f_globals['__name__']}.{code.co_qualname}({arguments})"


def _store(states: Path, name: str, data: bytes | None) -> int:
    """Keep `data` under its digest unless it is kept already; the bytes it added."""
    if data is None:
        return 0
    target = states / f"{name}.z"
    if target.exists():
        return 0
    import zlib

    packed = zlib.compress(data, 1)
    _replace(target, packed)
    return len(packed)


def _replace(target: Path, data: bytes) -> None:
    """Replace `target` whole (never half-written), without the fsyncs a catalogue gets: the
    journal is history, not data, and a change pays for every millisecond here."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _bounded(kept: list[Entry]) -> list[Entry]:
    """The newest MAX_ENTRIES changes, fewer if their states would pass MAX_BYTES (the newest stays)."""
    kept = kept[-MAX_ENTRIES:]
    total = sum(e.size for e in kept)
    while len(kept) > 1 and total > MAX_BYTES:
        total -= kept.pop(0).size
    return kept


def _prune(states: Path, kept: list[Entry]) -> None:
    """Remove the stored states no kept change refers to."""
    wanted = {f"{d}.z" for e in kept for d in (e.before, e.after)}
    for name in os.listdir(states):
        if name.endswith(".z") and name not in wanted:
            with contextlib.suppress(OSError):
                os.unlink(states / name)


# --- the one-line summary ------------------------------------------------------------------------


_LAYOUT = frozenset({"children", "depth", "line", "column"})  # follow from other changes, or from lines


def describe(before: Catalogue, after: Catalogue) -> str:
    """What changed between two catalogues, in one line: items added, removed or changed (by
    field), sections added, removed or reordered, the title or the notes."""
    parts: list[str] = []
    added: list[str] = []
    by_fields: dict[tuple[str, ...], list[str]] = {}
    renamed = _renamed_sections(before, after)
    for item in _touched(before.items, after.items):
        was = before.get(item.key)
        if was is item:  # the editor keeps every item it did not touch: most of them
            continue
        if was is None:
            added.append(item.key)
            continue
        fields = tuple(
            f for f, a, b in zip(item._fields, item, was, strict=True) if a != b and f not in _LAYOUT
        )
        if fields == ("section",) and renamed.get(was.section) == item.section:
            continue  # it moved nowhere: its section has another name
        if fields:
            by_fields.setdefault(fields, []).append(item.key)
    gone = len(before.items) - (len(after.items) - len(added))
    removed = [item.key for item in before.items if after.get(item.key) is None] if gone else []
    if added:
        parts.append(f"added {_keys(added)}")
    if removed:
        parts.append(f"removed {_keys(removed)}")
    parts.extend(f"changed {', '.join(fields)} of {_keys(keys)}" for fields, keys in by_fields.items())
    parts.extend(_sections(before, after))
    if before.title != after.title:
        parts.append("changed the title")
    if before.notes != after.notes:
        parts.append("changed the notes")
    return "; ".join(parts) or "rewrote the file (no item changed)"


def _renamed_sections(before: Catalogue, after: Catalogue) -> dict[str, str]:
    """old name -> new name, when the only difference in the sections is one name in one place."""
    old = [s.name for s in before.sections]
    new = [s.name for s in after.sections]
    if len(old) != len(new):
        return {}
    differ = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    return dict(differ) if len(differ) == 1 and differ[0][1] not in old else {}


def _touched(before: tuple[Item, ...], after: tuple[Item, ...]) -> Iterable[Item]:
    """The items of `after` that may differ from `before`, in order: when no item was added or
    removed, only those that are not the very object at the same place (found in C: a one-item
    edit at 50,000 items looks at one item in Python, not 50,000). An item at the same place is the
    item `before` holds under its key, so it is one `describe` would skip anyway."""
    if len(before) != len(after):
        return after
    return compress(after, map(is_not, before, after))


def _sections(before: Catalogue, after: Catalogue) -> list[str]:
    old = [s.name for s in before.sections]
    new = [s.name for s in after.sections]
    parts = []
    renamed = _renamed_sections(before, after)
    if renamed:
        ((was, now),) = renamed.items()
        return [f"renamed section {was} to {now}"]
    if added := [n for n in new if n not in old]:
        parts.append(f"added section {_keys(added, 'sections')}")
    if removed := [n for n in old if n not in new]:
        parts.append(f"removed section {_keys(removed, 'sections')}")
    if not added and not removed and old != new:
        parts.append("reordered sections")
    notes = {s.name: s.notes for s in before.sections}
    if changed := [s.name for s in after.sections if s.name in notes and s.notes != notes[s.name]]:
        parts.append(f"changed the notes of section {_keys(changed, 'sections')}")
    return parts


def _keys(keys: list[str], noun: str = "items") -> str:
    if len(keys) <= 3:
        return ", ".join(keys)
    return f"{len(keys)} {noun} ({', '.join(keys[:3])}, ...)"
