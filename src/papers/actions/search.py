"""`papers search`: ranked full-text search over titles, authors, abstracts, notes and remarks.

The index (`papers.search.index`) lives in the cache folder, one per catalogue. Before each search
it is brought in step: every item gets a signature of what its document is made from (its fields,
its note file's and its metadata record's mtime and size), and only documents whose signature
changed are rebuilt, so a search after `papers done X` re-indexes X alone, and a note edited in
another program is found after the edit. Nothing here touches the network.

Computing 10,000 signatures costs more than the search itself, so the index also keeps a
fingerprint of everything they came from (`_State`): the catalogue's digest, each note's mtime and
size, and the metadata folder's own mtime. When a search finds the same fingerprint, nothing can
have changed and no signature is computed. The records are not stat'ed one by one while their
folder is unchanged: papers writes a record only by renaming a new file into the folder, which
changes the folder's mtime (a folder that changed less than `_RACY_NS` before it was looked at is
not trusted, for file systems with coarse clocks). A record edited in place by another program is
seen once the folder next changes, or after the index is deleted.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from papers.model.catalogue import Catalogue, Item, find_section
from papers.search import query as search_query
from papers.search.index import Document, Hit, Index, Synced
from papers.store import load as storage
from papers.store.paths import cache_dir

if TYPE_CHECKING:
    from papers.sources.cache import MetadataCache

NOTE_BYTES = 1024 * 1024  # a note is indexed up to this much (a runaway file costs nothing more)
_RACY_NS = 2_000_000_000  # a folder's mtime this close to the moment it was read is not trusted
_STATE_FORMAT = 1
# An `arxiv:` field already in the stored form: its record's name needs no parse (see _Sources).
_PLAIN_ARXIV = re.compile(r"\d{4}\.\d{4,5}")

Stamp = tuple[int, int] | None  # a file's mtime (ns) and size; None: no such file


@dataclass(frozen=True)
class Found:
    """One result: the item, how well it matched (BM25, lower is better) and where (`matched`);
    `title` and `snippet` (from `field`, if a field besides the title matched) hold the matched
    words between index.MARK_START and MARK_END."""

    item: Item
    score: float
    title: str
    matched: tuple[str, ...]
    field: str | None
    snippet: str


@dataclass(frozen=True)
class SearchResult:
    catalogue: Catalogue
    found: list[Found]


def index_path(catalogue_file: Path) -> Path:
    """The index of a catalogue: under the cache folder, never beside the catalogue."""
    name = hashlib.blake2b(str(catalogue_file.resolve()).encode(), digest_size=12).hexdigest()
    return cache_dir() / "search" / f"{name}.sqlite"


def search(
    path: str | os.PathLike[str],
    text: str,
    *,
    field: str | None = None,
    section: str | None = None,
    todo: bool = False,
    done: bool = False,
    limit: int = 20,
    warn: Callable[[str], None] | None = None,
) -> SearchResult:
    """The items best matching `text` (words, "a phrase", OR, -word, prefix*), best first."""
    expression = search_query.to_fts(text, field)
    catalogue_file = Path(path)
    before = _file_stamp(catalogue_file)
    cat = storage.load_catalogue(catalogue_file)
    digest = _digest(catalogue_file, before)
    sections = [find_section(cat, section).name] if section is not None else None
    statuses = ["todo", "reading"] if todo else ["done"] if done else None
    index = Index(index_path(catalogue_file), warn or _stderr)
    try:
        sync(index, cat, catalogue_file, digest=digest)
        hits = index.search(expression, sections=sections, statuses=statuses, limit=limit, field=field)
    finally:
        index.close()
    return SearchResult(cat, [_found(cat, hit) for hit in hits if hit.key in cat.keys])


def _found(cat: Catalogue, hit: Hit) -> Found:
    return Found(cat[hit.key], *hit[1:])


def _stderr(message: str) -> None:
    import sys

    sys.stderr.write(f"warning: {message}\n")


def _file_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size


def _digest(path: Path, before: tuple[int, int, int] | None) -> str | None:
    """The digest of the catalogue's bytes, or None unless the file is the one `before` was taken
    of (same inode, mtime and size: the catalogue just loaded came from these very bytes)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if before is None or _file_stamp(path) != before:
        return None
    return hashlib.blake2b(data, digest_size=20).hexdigest()


class _State(NamedTuple):
    """The fingerprint of the sources the index was last built from (saved with it)."""

    digest: str  # of the catalogue's bytes
    folder: tuple[int, int] | None  # the metadata folder's inode and mtime
    looked: int  # when the folder was looked at (ns since the epoch)
    notes: tuple[tuple[str, str, Stamp], ...]  # (key, note file, stamp) of each item with a note
    record_blob: bytes  # each record an item used -> its stamp, marshalled: read only when needed

    def dump(self) -> bytes:
        return marshal.dumps((_STATE_FORMAT, *self))

    def records(self) -> dict[str, Stamp]:
        """The stamp of each record an item used, as last seen."""
        try:
            stamps = marshal.loads(self.record_blob)
        except (ValueError, EOFError, TypeError):
            return {}
        return stamps if isinstance(stamps, dict) else {}

    @classmethod
    def load(cls, blob: bytes | None) -> _State | None:
        if blob is None:
            return None
        try:
            fmt, *fields = marshal.loads(blob)
            state = cls(*fields) if fmt == _STATE_FORMAT else None
        except (ValueError, EOFError, TypeError):
            return None
        return state if state is not None and isinstance(state.record_blob, bytes) else None


def sync(index: Index, cat: Catalogue, catalogue_file: Path, *, digest: str | None = None) -> Synced:
    """Rebuild the documents whose sources changed since the last search; drop removed items.

    `digest` is that of the bytes `cat` was loaded from: with it, a search that finds the sources
    as the last one left them computes no signature at all (without it, every signature is)."""
    sources = _Sources(cat, catalogue_file)
    previous = _State.load(index.state())
    looked = time.time_ns()
    folder = _folder_stamp(sources.record_folder)
    notes = sources.note_stamps()
    trusted = (  # the folder is as the last sync saw it, and had been for a while then
        previous is not None
        and previous.folder == folder
        and (folder is None or folder[1] < previous.looked - _RACY_NS)
    )
    if previous is not None and trusted:
        if digest is not None and previous.digest == digest and previous.notes == notes:
            return Synced(0, 0, False)  # the sources are as the index was built from
        sources.known = previous.records()  # the folder is unchanged: so is every record in it
    records, record_of = sources.record_stamps()
    note_of = {key: stamp for key, _, stamp in notes}
    signatures = {
        item.key: _signature(item, note_of.get(item.key), record_of.get(item.key)) for item in cat.items
    }
    state = (
        _State(digest, folder, looked, notes, marshal.dumps(records)).dump() if digest is not None else None
    )
    return index.sync(signatures, sources.document, state)


def _signature(item: Item, note: Stamp, record: Stamp) -> bytes:
    """What the item's document is made from, digested (marshal: four times quicker than repr)."""
    parts = (
        item.title,
        item.listed_as,
        item.section,
        item.status,
        item.authors,
        item.remark,
        item.tags,
        note,
        record,
    )
    return hashlib.blake2b(marshal.dumps(parts), digest_size=12).digest()


def _folder_stamp(folder: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(folder)
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


class _Sources:
    """Where each item's document comes from, and a cheap signature of it."""

    def __init__(self, cat: Catalogue, catalogue_file: Path) -> None:
        self.cat = cat
        self.folder = catalogue_file.parent
        self.notes = (self.folder / "notes").resolve()
        # sources.cache.default_cache_dir(), without importing the cache (json, the id parser)
        # for a search that reads no record (tests check the two agree).
        self.record_folder = cache_dir() / "arxiv"
        self._note_names = _listing(self.folder / "notes")
        self.known: Mapping[str, Stamp] = {}  # records known to be there as they were (sync's)

    @cached_property
    def metadata(self) -> MetadataCache:
        from papers.sources.cache import MetadataCache

        return MetadataCache(self.record_folder)

    @cached_property
    def record_names(self) -> frozenset[str]:
        """The metadata folder's file names, read when a record is not among the known ones."""
        return _listing(self.record_folder)

    def note_file(self, item: Item) -> Path | None:
        """The item's note: the file its `note:` names, else notes/KEY.md, if it is there."""
        if item.note:
            return self.folder / item.note
        name = f"{item.key}.md"
        return self.folder / "notes" / name if name in self._note_names else None

    def record_file(self, item: Item) -> Path | None:
        from papers.actions.fetch import item_arxiv_id

        if not (item.arxiv or item.url or item.links):
            return None
        arxiv_id = item_arxiv_id(item)
        if arxiv_id is None:
            return None
        record = self.metadata.path(arxiv_id.id)
        return record if record.name in self.known or record.name in self.record_names else None

    def record_name(self, item: Item) -> str | None:
        """The file name of the item's record, if the metadata folder holds one.

        An `arxiv:` field in the stored form (`1706.03762`) names its record directly; a record
        under that name can only have been written for that id, so the parse is skipped."""
        if item.arxiv and _PLAIN_ARXIV.fullmatch(item.arxiv):
            name = f"{item.arxiv}.json"
            return name if name in self.known or name in self.record_names else None
        record = self.record_file(item)
        return record.name if record is not None else None

    def record_stamps(self) -> tuple[dict[str, Stamp], dict[str, Stamp]]:
        """The stamp of every record an item uses, by file name and by item key: from `known`
        (still true), else from the file."""
        known = self.known
        stamps: dict[str, Stamp] = {}
        by_key: dict[str, Stamp] = {}
        directory = str(self.record_folder)
        for item in self.cat.items:
            if not (item.arxiv or item.url or item.links):
                continue
            name = self.record_name(item)
            if name is None:
                continue
            if name not in stamps:
                stamps[name] = known[name] if name in known else _stamp(os.path.join(directory, name))
            by_key[item.key] = stamps[name]
        return stamps, by_key

    def note_stamps(self) -> tuple[tuple[str, str, Stamp], ...]:
        """(key, note file, its stamp) for every item with a note, in catalogue order."""
        found = []
        folder, names = str(self.folder), self._note_names
        in_notes = os.path.join(folder, "notes", "")
        for item in self.cat.items:
            if item.note:
                note = os.path.join(folder, item.note)
            elif f"{item.key}.md" in names:
                note = f"{in_notes}{item.key}.md"
            else:
                continue
            found.append((item.key, note, _stamp(note)))
        return tuple(found)

    def document(self, key: str) -> Document:
        item = self.cat[key]
        has_record = (item.arxiv or item.url or item.links) and self.record_name(item) is not None
        meta = self.metadata.get(self._arxiv(item)) if has_record else None
        authors = meta.authors if meta is not None and meta.authors else item.authors
        note = self.note_file(item)
        return Document(
            key=item.key,
            section=item.section,
            status=item.status,
            title=item.title,
            wording=item.listed_as or "",
            authors=", ".join(authors),
            abstract=meta.abstract if meta is not None else "",
            notes=self._note_text(note) if note is not None else "",
            remark=" ".join(filter(None, (item.remark, *getattr(item, "tags", ())))),
        )

    @staticmethod
    def _arxiv(item: Item) -> str:
        if item.arxiv and _PLAIN_ARXIV.fullmatch(item.arxiv):
            return item.arxiv  # as record_name: already the id
        from papers.actions.fetch import item_arxiv_id

        found = item_arxiv_id(item)
        assert found is not None  # record_file found a record for it
        return found.id

    def _note_text(self, note: Path) -> str:
        """A regular file inside notes/, read up to NOTE_BYTES; anything else indexes as no text."""
        try:
            real = note.resolve()
            if not real.is_relative_to(self.notes):
                return ""
            fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        except (OSError, RuntimeError, ValueError):
            return ""
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return ""
            with os.fdopen(fd, "rb", closefd=False) as stream:
                return stream.read(NOTE_BYTES).decode("utf-8", errors="replace")
        except OSError:
            return ""
        finally:
            os.close(fd)


def _listing(folder: Path) -> frozenset[str]:
    try:
        return frozenset(os.listdir(folder))
    except OSError:
        return frozenset()


def _stamp(path: str | Path | None) -> Stamp:
    if path is None:
        return None
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_mtime_ns, info.st_size
