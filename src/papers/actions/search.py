"""`papers search`: ranked full-text search over titles, authors, abstracts, notes and remarks.

The index (`papers.search.index`) lives in the cache folder, one per catalogue. Before each search
it is brought in step: every item gets a signature of what its document is made from (its fields,
its note file's and its metadata record's mtime and size), and only documents whose signature
changed are rebuilt, so a search after `papers done X` re-indexes X alone, and a note edited in
another program is found after the edit. Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from papers.model.catalogue import Catalogue, Item, find_section
from papers.search import query as search_query
from papers.search.index import Document, Hit, Index, Synced
from papers.store import load as storage
from papers.store.paths import cache_dir

NOTE_BYTES = 1024 * 1024  # a note is indexed up to this much (a runaway file costs nothing more)


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
    cat = storage.load_catalogue(catalogue_file)
    sections = [find_section(cat, section).name] if section is not None else None
    statuses = ["todo", "reading"] if todo else ["done"] if done else None
    index = Index(index_path(catalogue_file), warn or _stderr)
    try:
        sync(index, cat, catalogue_file)
        hits = index.search(expression, sections=sections, statuses=statuses, limit=limit, field=field)
    finally:
        index.close()
    return SearchResult(cat, [_found(cat, hit) for hit in hits if hit.key in cat.keys])


def _found(cat: Catalogue, hit: Hit) -> Found:
    return Found(cat[hit.key], *hit[1:])


def _stderr(message: str) -> None:
    import sys

    sys.stderr.write(f"warning: {message}\n")


def sync(index: Index, cat: Catalogue, catalogue_file: Path) -> Synced:
    """Rebuild the documents whose sources changed since the last search; drop removed items."""
    sources = _Sources(cat, catalogue_file)
    signatures = {item.key: sources.signature(item) for item in cat.items}
    return index.sync(signatures, sources.document)


class _Sources:
    """Where each item's document comes from, and a cheap signature of it."""

    def __init__(self, cat: Catalogue, catalogue_file: Path) -> None:
        from papers.sources.cache import MetadataCache

        self.cat = cat
        self.folder = catalogue_file.parent
        self.notes = (self.folder / "notes").resolve()
        self.metadata = MetadataCache()
        self._note_names = _listing(self.folder / "notes")
        self._record_names = _listing(self.metadata.directory)

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
        return record if record.name in self._record_names else None

    def signature(self, item: Item) -> str:
        parts = (
            item.title,
            item.listed_as,
            item.section,
            item.status,
            item.authors,
            item.remark,
            getattr(item, "tags", ()),
            _stamp(self.note_file(item)),
            _stamp(self.record_file(item)),
        )
        return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()

    def document(self, key: str) -> Document:
        item = self.cat[key]
        record = self.record_file(item)
        meta = self.metadata.get(self._arxiv(item)) if record is not None else None
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


def _stamp(path: Path | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_mtime_ns, info.st_size
