"""The journal: every change papers makes to a catalogue, kept so that any of them can be taken back.

`store.load` records each write here, at the one place every catalogue write goes through, so a
command journals its changes without doing anything. The journal lives in the cache folder, one
folder per catalogue (named by a digest of the file's real path):

    history/<digest>/entries.jsonl     one JSON object per change, oldest first
    history/<digest>/states/<d>.z      the file's bytes before and after changes (zlib), once per content
    history/<digest>/states/<d>.d      or a state as a delta against another stored state

A change keeps the time, the command (the command line as `store.origin` has it from the CLI;
called from Python, the `papers.actions` function and its arguments), a one-line summary and the digests of the file before
and after; the bytes themselves are stored by content, so a change whose before-state is the
previous change's after-state stores one new state only. That new state is stored as a delta
against the state it came from (the bytes they have in common at the start and at the end, and
the new bytes between, compressed), not compressed whole: a one-item change of a 10 MB file
stores a few hundred bytes instead of compressing 10 MB (issue 13). A delta's base may itself be
a delta, at most CHAIN deep, then a state is stored whole again; pruning keeps every base a kept
delta needs. Reading a state rebuilds it along its chain and checks its digest, so what a revert
writes is exactly the bytes that were journaled, or nothing.

It is bounded: the last MAX_ENTRIES changes, and about MAX_BYTES of stored states (the bases that
only kept deltas need are not counted: at most one whole state per chain). Recording is best
effort: the journal is never needed for normal operation, and deleting the cache loses only the
history.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable
from itertools import compress, repeat
from operator import is_, is_not
from pathlib import Path
from types import FrameType
from typing import NamedTuple

from papers.errors import PapersError
from papers.model.catalogue import Catalogue, Item
from papers.store import origin
from papers.store.fileio import real_path
from papers.store.paths import cache_dir

try:  # not hashlib, which loads OpenSSL (_hashlib) for a function _blake2 has (see store.load)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without its own blake2
    from hashlib import blake2b

MAX_ENTRIES = 100
MAX_BYTES = 50 * 2**20
CHAIN = 16
"""At most this many deltas between a stored state and the whole state its chain starts from."""
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
    """The digest a state is stored and compared by (the parse cache uses the same).

    The last two are remembered: a revert digests the file it read and the state it rebuilt, and
    then, under the lock, the same bytes again (18 ms each at 50,000 items; comparing bytes that are
    equal is a memcmp, a tenth of that, and bytes of another length cost nothing)."""
    if data is None:
        return ABSENT
    for known, known_digest in _recent_digests:
        if known is data or known == data:
            return known_digest
    found = blake2b(data, digest_size=20).hexdigest()
    _recent_digests[:] = [(data, found), *_recent_digests[:1]]
    return found


_recent_digests: list[tuple[bytes, str]] = []


def folder(path: Path) -> Path:
    """Where the journal of the catalogue at `path` lives (the real file, behind any symlink)."""
    name = blake2b(str(real_path(path)).encode(), digest_size=12).hexdigest()
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
    if wanted == ABSENT:
        return None
    data = _rebuilt(folder(path) / "states", wanted)
    if data is None or digest(data) != wanted:
        raise JournalError(
            "the history no longer holds that state of the catalogue (the cache was cleared or damaged). "
            "Nothing was changed"
        )
    return data


# A delta file: this line, then `<base digest> <depth> <prefix> <suffix>`, a newline and the
# zlib-compressed bytes between the prefix and the suffix the state shares with its base.
_DELTA = b"papers-delta 1\n"


class _Delta(NamedTuple):
    base: str  # the digest of the state it is a delta against
    depth: int  # 1 against a whole state, else one more than its base's
    prefix: int  # bytes at the start of the base that the state starts with
    suffix: int  # bytes at the end of the base that the state ends with
    packed: bytes  # the bytes between, compressed


def _read_delta(file: Path) -> _Delta | None:
    """The delta in `file`, or None if it does not read as one."""
    try:
        raw = file.read_bytes()
    except OSError:
        return None
    head, newline, packed = raw[len(_DELTA) :].partition(b"\n")
    fields = head.split(b" ")
    if not raw.startswith(_DELTA) or not newline or len(fields) != 4:
        return None
    try:
        base, depth, prefix, suffix = fields[0].decode("ascii"), *map(int, fields[1:])
    except (UnicodeDecodeError, ValueError):
        return None
    if not base.isalnum() or min(depth, prefix, suffix) < 0:
        return None
    return _Delta(base, depth, prefix, suffix, packed)


def _rebuilt(states: Path, wanted: str) -> bytes | None:
    """The bytes stored for `wanted`, whole or rebuilt along its chain of deltas (None if any link
    is missing or damaged; the caller checks the digest of the result)."""
    import zlib

    chain: list[_Delta] = []
    name = wanted
    while True:
        try:
            data = zlib.decompress((states / f"{name}.z").read_bytes())
            break
        except (OSError, zlib.error):
            pass
        delta = _read_delta(states / f"{name}.d")
        if delta is None or len(chain) > CHAIN:  # missing, damaged, or a loop
            return None
        chain.append(delta)
        name = delta.base
    if not chain:
        return data
    # Each delta puts its middle in place in one buffer: a new 10 MB bytes object per link (15 of
    # them after a few edits at 50,000 items) was a fifth of a revert.
    rebuilt = bytearray(data)
    for delta in reversed(chain):
        if delta.prefix + delta.suffix > len(rebuilt):
            return None
        try:
            middle = zlib.decompress(delta.packed)
        except zlib.error:
            return None
        rebuilt[delta.prefix : len(rebuilt) - delta.suffix] = middle
    return bytes(rebuilt)


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
        size = _store(states, before_digest, before)
        size += _store(states, after_digest, after, None if before is None else (before_digest, before))
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


def _store(states: Path, name: str, data: bytes | None, base: tuple[str, bytes] | None = None) -> int:
    """Keep `data` under its digest unless it is kept already; the bytes it added. With `base` (a
    stored state's digest and bytes), as a delta against it when that is worth it (see _delta)."""
    if data is None:
        return 0
    if (states / f"{name}.z").exists() or (states / f"{name}.d").exists():
        return 0
    import zlib

    packed = _delta(states, data, base) if base is not None else None
    if packed is not None:
        _replace(states / f"{name}.d", packed)
        return len(packed)
    packed = zlib.compress(data, 1)
    _replace(states / f"{name}.z", packed)
    return len(packed)


def _delta(states: Path, data: bytes, base: tuple[str, bytes]) -> bytes | None:
    """`data` as a delta file against the stored state `base`, or None to store it whole: when the
    base is not stored, its chain is CHAIN long already, or the two share less than half of `data`."""
    import zlib

    name, old = base
    if (states / f"{name}.z").exists():
        depth = 1
    else:
        below = _read_delta(states / f"{name}.d")
        if below is None or below.depth >= CHAIN:
            return None
        depth = below.depth + 1
    prefix = common_prefix(old, data)
    suffix = common_suffix(old, data, min(len(old), len(data)) - prefix)
    if 2 * (prefix + suffix) < len(data):
        return None
    middle = data[prefix : len(data) - suffix]
    head = f"{name} {depth} {prefix} {suffix}\n".encode("ascii")
    return b"".join((_DELTA, head, zlib.compress(middle, 1)))


_BLOCK = 1 << 16


def common_prefix(a: bytes, b: bytes) -> int:
    """How many bytes `a` and `b` have in common at their start. Compared a block at a time, then
    by halving the first block that differs: each comparison is a memcmp in C, where a loop over
    10 MB in Python would cost more than the compression the delta saves."""
    end = min(len(a), len(b))
    at = 0
    while at < end and a[at : at + _BLOCK] == b[at : at + _BLOCK]:
        at += _BLOCK
    if at >= end:
        return end
    low, high = at, min(at + _BLOCK, end)  # a[at:low] == b[at:low]; no more than a[at:high] is common
    while low < high:
        mid = (low + high + 1) // 2
        if a[at:mid] == b[at:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """How many bytes, at most `limit`, `a` and `b` have in common at their end (as common_prefix)."""
    ea, eb = len(a), len(b)
    at = 0
    while at < limit:
        step = min(_BLOCK, limit - at)
        if a[ea - at - step : ea - at] != b[eb - at - step : eb - at]:
            break
        at += step
    else:
        return max(limit, 0)
    low, high = 0, step  # the `low` bytes before the last `at` match; no more than `high` of them do
    while low < high:
        mid = (low + high + 1) // 2
        if a[ea - at - mid : ea - at] == b[eb - at - mid : eb - at]:
            low = mid
        else:
            high = mid - 1
    return at + low


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
    """Remove the stored states no kept change refers to, keeping every base a kept delta needs."""
    names = set(os.listdir(states))
    needed: set[str] = set()
    wanted = [d for e in kept for d in (e.before, e.after)]
    while wanted:
        name = wanted.pop()
        if name in needed:
            continue
        needed.add(name)
        if f"{name}.d" in names and f"{name}.z" not in names:
            delta = _read_delta(states / f"{name}.d")
            if delta is not None:
                wanted.append(delta.base)
    for name in names:
        stem, dot, ext = name.rpartition(".")
        if dot and ext in ("z", "d") and stem not in needed:
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
    for item in _touched(before, after):
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
    removed = list(compress(before.keys, map(is_, after.lookup(before.keys), repeat(None)))) if gone else []
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


def _touched(before: Catalogue, after: Catalogue) -> Iterable[Item]:
    """The items of `after` that may differ from `before`, in order: those that are not the very
    object `before` holds under their key (found in C: a one-item edit at 50,000 items looks at
    one item in Python, not 50,000), the very one `describe` would skip anyway. Looked up by key,
    not by place: after a move every item between the two places has another place (27,000 items
    looked at in Python for a move at 50,000 items)."""
    return compress(after.items, map(is_not, before.lookup(after.keys), after.items))


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
