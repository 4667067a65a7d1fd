"""Metadata cached on disk, one JSON file per paper, so a paper is fetched once.

arXiv asks clients to cache: a paper's metadata changes only when a new version is posted.
The folder is ``$XDG_CACHE_HOME/papers/arxiv`` unless a caller passes another.

A record is checked when it is read (``PaperMeta.from_dict``): one that is unreadable, or
lacks a field papers needs, is a cache miss, with a warning, so the next fetch replaces it.
It never crashes ``show``, ``note``, ``export`` or ``fetch``.

Commands that read many records (``export``, ``fetch --all``) first ``preload`` them from one index
beside the folder (``arxiv-index.marshal``): derived data, never the source of truth. It holds each
record as it was checked (its fields by name: marshal gives back the very dict a record is made of),
under its file's name, mtime, ctime, size and inode, in columns (one list each: names, stamps,
records, plain ids; no tuple per entry to decode). The abstracts, most of its bytes, come in a part
of their own before the columns, read (from the very file the columns were read from) only when a
record's abstract is first asked for: list, export and next never ask. An entry is used
only while the file still has all five, from one listing of the folder (a stat per file); a record
that changed (or is new) is read and checked from its file, as ``get`` does, and the index is
rewritten. Writers still write only the record files, atomically: an exporter racing a fetch sees
each record's old file or its new one. A file changed less than ``_RACY_NS`` before it was looked at
is read but not indexed (a coarse clock could give its next version the same stamp); an index that
is damaged, of another format, or deleted costs one rebuild, with no warning.
"""

from __future__ import annotations

import contextlib
import gc
import json
import marshal
import os
import re
import struct
import sys
import time
import weakref
import zlib
from collections.abc import Callable, KeysView, Mapping
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote

from papers.errors import CacheError, InvalidArxivIdError
from papers.model.arxiv_ids import ArxivId, parse_arxiv_id
from papers.store.fileio import atomic_write_bytes
from papers.store.paths import cache_dir

if TYPE_CHECKING:
    from papers.model.paper import PaperMeta, ScholarMeta

_Record = TypeVar("_Record")

_INDEX_MAGIC = b"papers metadata index 4\n"
# After the magic: the CRC-32 of the columns, that of the abstracts, and the abstracts' size.
_INDEX_HEAD = struct.Struct(">IIQ")
# From this many records asked for, a command preloads them (one index, a stat per record) rather than
# reading one file for each.
PRELOAD_FROM = 50
_RACY_NS = 3_000_000_000  # a record file changed this close to being looked at is not indexed
_PLAIN_ID = re.compile(r"\d{4}\.\d{4,5}")
_Stamp = tuple[int, int, int, int]  # a record file's (mtime, ctime, size, inode)
# The index's columns, one entry per record file: its name, its stamp, the record's checked fields,
# and whether its id is a plain one (`plain_ids`).
_Columns = tuple[list[str], list[_Stamp], list[dict[str, object]], list[bool]]


def default_cache_dir() -> Path:
    """``arxiv/`` in papers' cache folder (``$XDG_CACHE_HOME/papers/arxiv`` by default)."""
    return cache_dir() / "arxiv"


def warn_on_stderr(message: str) -> None:
    """The default warning: one line on stderr (the cache is read by commands that print data on stdout)."""
    sys.stderr.write(f"warning: {message}\n")


def _read_record(
    path: Path, parse: Callable[[object], _Record], warn: Callable[[str], None], what: str, again: str
) -> _Record | None:
    """``parse`` of the JSON at ``path``; None if there is no file, and None with a warning (naming
    ``what`` and saying what happens ``again``) if it cannot be read or is not a usable record."""
    try:
        return parse(json.loads(path.read_bytes()))
    except (FileNotFoundError, NotADirectoryError):  # no file (a cache folder under a file has none)
        return None
    except (OSError, ValueError, TypeError, RecursionError) as err:
        reason = " ".join(str(err).split())[:200] or type(err).__name__
        warn(f"ignoring {what} ({path}: {ascii(reason)[1:-1]}); {again}")
        return None


class MetadataCache:
    def __init__(
        self, directory: Path | None = None, *, warn: Callable[[str], None] = warn_on_stderr
    ) -> None:
        self.directory = directory if directory is not None else default_cache_dir()
        self._warn = warn
        self._table: dict[str, PaperMeta] | None = None  # preload's: file name -> record
        self._names: set[str] = set()  # a set, not a frozenset: `put` adds to it (no copy per put)
        # After preload: the ids with a record that an `arxiv:` field holds as they are (1706.03762),
        # each known to parse to itself (checked once, when its record was indexed) -> that record.
        self._plain: dict[str, PaperMeta] = {}

    def path(self, arxiv_id: ArxivId | str) -> Path:
        return self.directory / _file_name(str(arxiv_id))

    @property
    def plain_ids(self) -> KeysView[str]:
        """After preload: the ids with a record that an `arxiv:` field holds as they are (1706.03762)."""
        return self._plain.keys()

    @property
    def plain_records(self) -> Mapping[str, PaperMeta]:
        """After preload: each id of `plain_ids` -> its record, as `get` gives it, in one look-up (an
        export of 50,000 items asks for each)."""
        return self._plain

    def cached_ids(self) -> set[str]:
        """Every id with a record, from one listing of the folder (cheaper than a stat per paper)."""
        try:
            names = os.listdir(self.directory)
        except OSError:
            return set()
        return {name[:-5].replace("_", "/") for name in names if name.endswith(".json")}

    @property
    def index_path(self) -> Path:
        """The index of the folder's records, beside it (a file in it would change the folder's mtime,
        which `papers search` watches)."""
        return self.directory.with_name(f"{self.directory.name}-index.marshal")

    def preload(self) -> None:
        """Read every record in the folder, from the index where it is still true: for commands that
        read many (``get`` then answers from memory). See the module's docstring."""
        from papers.model.paper import PAPER_FIELDS, PaperMeta

        was_enabled = gc.isenabled()
        gc.disable()  # thousands of records that all stay alive: a collection would scan them for nothing
        try:
            self._preload(PAPER_FIELDS, PaperMeta)
        finally:
            if was_enabled:
                gc.enable()

    def _preload(self, fields: tuple[str, ...], paper: type[PaperMeta]) -> None:
        looked = time.time_ns()
        (old_names, old_stamps, old_records, old_plain), abstract_of = _load_index(
            self.index_path, fields, self.directory
        )
        names = _record_names(self.directory)
        # The entries whose file still has its stamp, taken as they are (in bulk, no branch per record:
        # an export of 50,000 items preloads 45,000 records).
        fresh = _unchanged(self.directory, old_names, old_stamps, names)
        from_fields = paper.from_checked_fields
        table = {
            name: from_fields(values, abstract_of)
            for name, values in compress(zip(old_names, old_records, strict=True), fresh)
        }
        # The index's names are unique (the keys of `table` when it was written): its values are
        # the kept entries in order.
        plain = {meta.arxiv_id: meta for meta in compress(table.values(), compress(old_plain, fresh))}
        unread = [name for name in names if name not in table]  # new, or changed since indexed
        if unread or len(table) != len(old_names):
            kept_names = list(compress(old_names, fresh))
            kept_stamps = list(compress(old_stamps, fresh))
            kept_plain = list(compress(old_plain, fresh))
            kept_metas = list(table.values())
            for name in unread:
                read = _read_checked(os.path.join(self.directory, name), name)
                if read is None:
                    continue  # gone, or not a usable record: `get` reads it again, and warns
                stamp, meta = read
                table[name] = meta
                is_plain = _plain_id(meta.arxiv_id)
                if max(stamp[0], stamp[1]) < looked - _RACY_NS:
                    kept_names.append(name)
                    kept_stamps.append(stamp)
                    kept_metas.append(meta)
                    kept_plain.append(is_plain)
                if is_plain:
                    plain[meta.arxiv_id] = meta
            with contextlib.suppress(OSError):
                _write_index(self.index_path, (fields, kept_names, kept_stamps, kept_metas, kept_plain))
        self._names, self._table, self._plain = names, table, plain

    def get(self, arxiv_id: ArxivId | str) -> PaperMeta | None:
        """The cached metadata, or None if absent or unusable (a cache miss, never an error)."""
        from papers.model.paper import PaperMeta

        if self._table is not None:
            name = _file_name(str(arxiv_id))
            if name not in self._names:
                return None
            hit = self._table.get(name)
            if hit is not None and hit.arxiv_id == str(arxiv_id):
                return hit
            # damaged, or holding another id: read as ever, for its warning

        def parse(data: object) -> PaperMeta:
            meta = PaperMeta.from_dict(data)
            if meta.arxiv_id != str(arxiv_id):
                raise ValueError(f"it holds {meta.arxiv_id}")
            return meta

        return _read_record(
            self.path(arxiv_id),
            parse,
            self._warn,
            f"the cached record of {arxiv_id}",
            "papers fetch will ask arXiv for it again",
        )

    def put(self, meta: PaperMeta) -> Path:
        """Write atomically, so a killed run leaves the old entry or the new one, never half of one."""
        dest = _write_record(self.path(meta.arxiv_id), meta.to_dict())
        if self._table is not None:
            self._table[dest.name] = meta
            self._names.add(dest.name)
            if meta.arxiv_id in self._plain:
                self._plain[meta.arxiv_id] = meta
        return dest


def _file_name(arxiv_id: str) -> str:
    # Old-style ids hold a slash (math/0309136); it must not become a subdirectory.
    return f"{arxiv_id.replace('/', '_')}.json"


def _record_names(directory: Path) -> set[str]:
    """The names of the record files in `directory` (none if it cannot be listed): one listing."""
    try:
        listing = os.listdir(directory)
    except OSError:
        return set()
    return {name for name in listing if name.endswith(".json") and not name.startswith(".")}


def _unchanged(directory: Path, names: list[str], stamps: list[_Stamp], present: set[str]) -> list[bool]:
    """For each of `names` (with its `stamps`), whether it is `present` and its file still has that
    stamp (mtime, ctime, size, inode): a stat per record, relative to the folder's open descriptor
    (at 10,000 records about 25 ms where a stat of each entry of a scandir took 36 ms to 45 ms: no
    path to make and resolve from the root, no DirEntry per file). A file edited in place keeps its
    folder's stamp, so only its own tells (its ctime even when its size and mtime are put back)."""
    fresh = [False] * len(names)
    if os.stat not in os.supports_dir_fd:  # pragma: no cover (Windows: a stat of each path)
        for at, (name, stamp) in enumerate(zip(names, stamps, strict=True)):
            with contextlib.suppress(OSError):
                info = os.stat(os.path.join(directory, name))
                fresh[at] = name in present and stamp == _stamp(info)
        return fresh
    try:
        folder = os.open(directory, os.O_RDONLY)
    except OSError:
        return fresh
    stat = os.stat
    try:
        for at, (name, stamp) in enumerate(zip(names, stamps, strict=True)):
            if name not in present:
                continue
            try:
                info = stat(name, dir_fd=folder)
            except OSError:
                continue
            fresh[at] = stamp == (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)  # _stamp
    finally:
        os.close(folder)
    return fresh


def _stamp(info: os.stat_result) -> _Stamp:
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)


def _plain_id(arxiv_id: str) -> bool:
    """Whether `arxiv_id` is a new-style id without a version that parses to itself."""
    if not _PLAIN_ID.fullmatch(arxiv_id):
        return False
    try:
        return parse_arxiv_id(arxiv_id) == ArxivId(arxiv_id)
    except InvalidArxivIdError:
        return False


def _read_checked(path: str, name: str) -> tuple[tuple[int, int, int, int], PaperMeta] | None:
    """The record in file `path` (named `name`) and the stamp of the very file it was read from; None
    if it is gone or not a record papers would use under that name."""
    from papers.model.paper import PaperMeta

    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            data = handle.read()
        meta = PaperMeta.from_dict(json.loads(data))
    except (OSError, ValueError, TypeError, RecursionError):
        return None
    if _file_name(meta.arxiv_id) != name:
        return None
    return _stamp(info), meta


def _write_index(
    path: Path,
    columns: tuple[tuple[str, ...], list[str], list[_Stamp], list[PaperMeta], list[bool]],
) -> None:
    fields, names, stamps, metas, plain = columns
    records = []
    for at, meta in enumerate(metas):
        record = meta.checked_fields()
        record["_abstract_at"] = at
        records.append(record)
    abstracts = marshal.dumps([meta.abstract for meta in metas])
    main = marshal.dumps((fields, names, stamps, records, plain))
    head = _INDEX_HEAD.pack(zlib.crc32(main), zlib.crc32(abstracts), len(abstracts))
    atomic_write_bytes(path, _INDEX_MAGIC + head + abstracts + main)


class _Abstracts:
    """The abstracts of an index, read from the open file the index's columns came from (so the
    very version of it, whatever was written since) the first time one is asked for."""

    def __init__(self, fd: int, size: int, crc: int, directory: Path, names: list[str]) -> None:
        self._fd, self._size, self._crc = fd, size, crc
        self._directory, self._names = directory, names
        self._abstracts: list[str] | None = None
        self._close = weakref.finalize(self, os.close, fd)

    def abstract_of(self, at: int) -> str:
        if self._abstracts is None:
            self._abstracts = self._read()
        if at < len(self._abstracts) and isinstance(self._abstracts[at], str):
            return self._abstracts[at]
        # The abstracts' part is damaged (the columns were not): the abstract from its record file
        # (as checked as ever), or none if that is gone or unusable now.
        name = self._names[at]
        read = _read_checked(os.path.join(self._directory, name), name)
        return read[1].abstract if read is not None else ""

    def _read(self) -> list[str]:
        try:
            data = os.pread(self._fd, self._size, len(_INDEX_MAGIC) + _INDEX_HEAD.size)
            abstracts = marshal.loads(data) if zlib.crc32(data) == self._crc else None
        except (OSError, ValueError, EOFError, TypeError):
            abstracts = None
        finally:
            self._close()
        return abstracts if isinstance(abstracts, list) else []


def _no_abstract(at: int) -> str:
    raise AssertionError("an empty index has no records")  # pragma: no cover


def _load_index(path: Path, names: tuple[str, ...], directory: Path) -> tuple[_Columns, Callable[[int], str]]:
    """The index's columns and where its records' abstracts come from, or empty columns if it is
    missing, damaged (its checksum) or of another format."""
    none: tuple[_Columns, Callable[[int], str]] = (([], [], [], []), _no_abstract)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return none
    try:
        size = os.fstat(fd).st_size
        start = len(_INDEX_MAGIC) + _INDEX_HEAD.size
        head = os.pread(fd, start, 0)
        if len(head) != start or not head.startswith(_INDEX_MAGIC):
            os.close(fd)
            return none
        main_crc, abstracts_crc, abstracts_size = _INDEX_HEAD.unpack_from(head, len(_INDEX_MAGIC))
        if abstracts_size > size - start:  # a damaged size: past the end (past 2**63, pread's OverflowError)
            os.close(fd)
            return none
        payload = os.pread(fd, size - start - abstracts_size, start + abstracts_size)
        if zlib.crc32(payload) != main_crc:
            os.close(fd)
            return none
        fields, *columns = marshal.loads(payload)
    except (OSError, ValueError, EOFError, TypeError):
        os.close(fd)
        return none
    if (
        fields != names
        or len(columns) != 4
        or not all(isinstance(column, list) for column in columns)
        or len({len(column) for column in columns}) != 1
    ):
        os.close(fd)
        return none
    abstracts = _Abstracts(fd, abstracts_size, abstracts_crc, directory, columns[0])
    return (columns[0], columns[1], columns[2], columns[3]), abstracts.abstract_of


class ScholarCache:
    """Semantic Scholar's records, one JSON file per paper in ``s2/`` beside ``arxiv/``, tagged ``"source": "s2"``.

    A paper Semantic Scholar does not know is remembered too (``"found": false``), so a second
    run asks nothing for it; ``papers fetch --refresh`` asks again. Keys are the ids asked
    (``ARXIV:1706.03762``, ``DOI:10.1162/neco.1997.9.8.1735``).
    """

    def __init__(
        self, directory: Path | None = None, *, warn: Callable[[str], None] = warn_on_stderr
    ) -> None:
        self.directory = directory if directory is not None else cache_dir() / "s2"
        self._warn = warn

    def path(self, asked: str) -> Path:
        kind, _, value = asked.partition(":")
        return self.directory / f"{kind.lower()}-{quote(value, safe='')}.json"

    def get(self, asked: str) -> ScholarMeta | None:
        """The record, or None if absent, unknown to Semantic Scholar, or unusable (a miss, with a warning)."""
        from papers.model.paper import ScholarMeta

        def parse(data: object) -> ScholarMeta | None:
            if isinstance(data, dict) and data.get("found") is False and data.get("asked") == asked:
                return None
            meta = ScholarMeta.from_dict(data)
            if meta.asked != asked:
                raise ValueError(f"it holds {meta.asked}")
            return meta

        return _read_record(
            self.path(asked),
            parse,
            self._warn,
            f"the cached Semantic Scholar record of {asked}",
            "the next fetch from Semantic Scholar will ask for it again",
        )

    def known_missing(self, asked: str) -> bool:
        """Whether Semantic Scholar answered ``null`` for this id when it was last asked."""
        try:
            data = json.loads(self.path(asked).read_bytes())
        except (OSError, ValueError, RecursionError):
            return False
        return isinstance(data, dict) and data.get("found") is False and data.get("asked") == asked

    def references(self) -> dict[str, tuple[str, ...]]:
        """Each cached paper's id (``arxiv:ID`` / ``doi:DOI``) -> the ids it cites: the citation graph's input.

        Read from one index beside the folder (``s2-references.marshal``), rebuilt from the records
        when the folder changed since (its mtime), so `papers next` reads one file, not one per paper."""
        index = self.directory.parent / "s2-references.marshal"
        try:
            stamp = os.stat(self.directory).st_mtime_ns
        except OSError:
            return {}
        try:
            saved, refs = marshal.loads(index.read_bytes())
            if saved == stamp and isinstance(refs, dict):
                return refs
        except (OSError, ValueError, EOFError, TypeError):
            pass
        refs = {}
        for name in sorted(os.listdir(self.directory)):
            try:
                data = json.loads((self.directory / name).read_bytes()) if name.endswith(".json") else None
            except (OSError, ValueError, RecursionError):
                continue
            if (
                not isinstance(data, dict)
                or data.get("source") != "s2"
                or not isinstance(data.get("asked"), str)
            ):
                continue
            cited = data.get("references")
            if isinstance(cited, list):
                kind, _, value = data["asked"].partition(":")
                refs[f"{kind.lower()}:{value}"] = tuple(r for r in cited if isinstance(r, str))
        with contextlib.suppress(OSError):
            atomic_write_bytes(index, marshal.dumps((stamp, refs)))
        return refs

    def put(self, meta: ScholarMeta) -> Path:
        return self._write(meta.asked, meta.to_dict())

    def put_missing(self, asked: str) -> Path:
        return self._write(asked, {"source": "s2", "asked": asked, "found": False})

    def _write(self, asked: str, data: dict[str, object]) -> Path:
        return _write_record(self.path(asked), data)


def _write_record(dest: Path, data: dict[str, object]) -> Path:
    """One record, atomically; a cache that cannot be written (a full disk) is one clear error."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(dest, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
    except OSError as err:
        raise CacheError(
            f"could not write the metadata cache at {dest.parent}: {err.strerror or err}. "
            "Free some space, or point PAPERS_CACHE_DIR at a writable folder"
        ) from None
    return dest
