"""The search index: one SQLite database with an FTS5 table, kept in step one document at a time.

A document is one item: its title (with the original wording), authors, abstract (from the metadata
cache), note text and remark (with tags). Each carries a signature of what it was built from (the
item's fields, the note's and the record's mtime and size), so `sync` rebuilds only what changed:
a search after ticking one paper re-indexes that one item. The database is in WAL mode: searches
read while another process writes, and writers take turns (`BEGIN IMMEDIATE`, a busy timeout).
A file that is not a database, or a damaged one, is deleted and rebuilt with a warning.

Beside the documents the index keeps one opaque `state` (the caller's fingerprint of the sources
the documents were built from), written in the same transaction as the documents it describes, so
the two never disagree: a caller that finds the same fingerprint again may skip the signatures.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from papers.errors import PapersError, UsageError

_FORMAT = 1  # bump when the tables change: an index of another format is rebuilt
_FTS = "fts5"  # the module; named once so a test can ask for one SQLite lacks
_BUSY_MS = 30_000
# Title and its wording weigh most, so a title match ranks above an abstract match.
_WEIGHTS = (10.0, 6.0, 4.0, 1.0, 2.0, 2.0)
# In a snippet, the matched words sit between these (stripped from the text that is indexed).
MARK_START, MARK_END = "\x02", "\x03"
_SNIPPET_WORDS = 12
_STRIP = str.maketrans({MARK_START: " ", MARK_END: " "})


class SearchUnavailableError(PapersError):
    """This Python's SQLite has no FTS5 (exit code 1)."""


class SearchBusyError(PapersError):
    """Another process held the index for longer than the busy timeout (exit code 1)."""


def _busy(err: sqlite3.DatabaseError) -> bool:
    """A lock another process holds, not damage: the index must not be deleted for it."""
    return getattr(err, "sqlite_errorcode", None) in (5, 6) or "is locked" in str(err)  # BUSY, LOCKED


# SQLite's primary result codes for a database that cannot be written or opened (READONLY, IOERR,
# FULL, CANTOPEN): the cache folder's doing (read-only, full), not damage, so the file is not deleted.
_UNWRITABLE = frozenset({8, 10, 13, 14})


def _unwritable(err: sqlite3.DatabaseError) -> bool:
    return (getattr(err, "sqlite_errorcode", None) or 0) & 0xFF in _UNWRITABLE


def _busy_error(path: Path) -> SearchBusyError:
    return SearchBusyError(
        f"the search index {path} was held by another papers command for {_BUSY_MS / 1000:g} s. "
        "Try again when it is done"
    )


class Document(NamedTuple):
    key: str
    section: str
    status: str
    title: str
    wording: str  # the original wording (listed_as)
    authors: str
    abstract: str
    notes: str
    remark: str


class Hit(NamedTuple):
    key: str
    score: float  # BM25: lower is a better match
    title: str  # the title, its matched words between MARK_START and MARK_END
    matched: tuple[str, ...]  # every field a word was found in (title, listed_as, authors, ...)
    field: str | None  # the field `snippet` comes from: the first of SNIPPET_ORDER that matched
    snippet: str  # a few words around the matches in that field, marked like the title


SNIPPET_ORDER = ("abstract", "notes", "remark", "authors", "listed_as")


class Synced(NamedTuple):
    indexed: int  # documents (re)built
    removed: int
    rebuilt: bool  # the index was made from nothing


def _connect(path: Path | str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=_BUSY_MS / 1000, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
    return connection


def _create(connection: sqlite3.Connection, *, tables: bool = True) -> None:
    """Check that FTS5 is there (in the attached `probe`, in memory); make the tables if asked."""
    try:
        connection.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS probe.t USING {_FTS}(x)")
    except sqlite3.OperationalError as err:
        if "no such module" in str(err):
            raise SearchUnavailableError(
                f"this Python's SQLite ({sqlite3.sqlite_version}) has no FTS5 full-text search, which "
                "papers search needs. Use a Python whose sqlite3 module has FTS5 (python.org and most "
                "distributions build it in)"
            ) from None
        raise
    if not tables:
        return
    connection.executescript(
        f"""
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        BEGIN IMMEDIATE;
        CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE IF NOT EXISTS signatures (key TEXT PRIMARY KEY, rowid INTEGER, signature TEXT);
        CREATE VIRTUAL TABLE IF NOT EXISTS docs USING {_FTS}(
            key UNINDEXED, section UNINDEXED, status UNINDEXED,
            title, wording, authors, abstract, notes, remark,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        INSERT OR IGNORE INTO meta VALUES ('format', '{_FORMAT}');
        COMMIT;
        """
    )


class Index:
    """The index at `path` (made on first use). `warn` gets one line when it had to be rebuilt."""

    def __init__(self, path: Path, warn: Callable[[str], None]) -> None:
        self.path = path
        self._warn = warn
        self._where: Path | str = path  # ":memory:" once the cache folder would not take it
        self.connection = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:  # not a folder, or read-only
            return self._in_memory()
        fresh = not self.path.exists()
        try:
            connection = self._opened()
        except SearchUnavailableError:
            raise
        except sqlite3.DatabaseError as err:
            if _busy(err):
                raise _busy_error(self.path) from None
            if _unwritable(err):
                return self._in_memory()
            self._warn(f"the search index {self.path} was unreadable ({err}): rebuilding it")
            return self._rebuilt()
        self.fresh = fresh
        return connection

    def _rebuilt(self) -> sqlite3.Connection:
        """A new, empty index in place of the damaged one; in memory if it cannot be replaced."""
        try:
            self._delete()
            return self._opened()
        except OSError:
            return self._in_memory()
        except sqlite3.DatabaseError as err:
            if not _unwritable(err):
                raise
            return self._in_memory()

    def _in_memory(self) -> sqlite3.Connection:
        """An index for this command only: a cache folder that cannot be written (read-only, full,
        not a folder) costs a search the building of every document, never the search itself."""
        self._where, self.fresh = ":memory:", True
        return self._opened()

    def _opened(self) -> sqlite3.Connection:
        connection = _connect(self._where)
        try:
            connection.execute("ATTACH DATABASE ':memory:' AS probe")
            try:  # an index already made is only read: opening it takes no write lock
                made = connection.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
            except sqlite3.OperationalError as err:
                if _busy(err):
                    raise
                made = None
            _create(connection, tables=made is None)
            connection.execute("DETACH DATABASE probe")
            row = connection.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
            if row is None or row[0] != str(_FORMAT):
                raise sqlite3.DatabaseError(f"format {row and row[0]}, not {_FORMAT}")
            connection.execute("SELECT count(*) FROM signatures").fetchone()
        except BaseException:
            connection.close()
            raise
        return connection

    def _delete(self) -> None:
        if self._where != self.path:
            return
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{self.path}{suffix}").unlink()

    def close(self) -> None:
        self.connection.close()

    def state(self) -> bytes | None:
        """The `state` the last sync saved with the documents (None: none saved, or unreadable)."""
        try:
            row = self.connection.execute("SELECT value FROM meta WHERE name = 'state'").fetchone()
        except sqlite3.DatabaseError:
            return None  # the sync that follows finds the damage and rebuilds
        return row[0] if row is not None and isinstance(row[0], bytes) else None

    def sync(
        self, signatures: Mapping[str, bytes], build: Callable[[str], Document], state: bytes | None = None
    ) -> Synced:
        """Make the index hold exactly the documents `signatures` names: (re)build those whose
        signature changed (`build(key)`), drop the others, and save `state` with them. Nothing is
        written when all agree and the state is the one saved."""
        try:
            return self._sync(signatures, build, state)
        except SearchUnavailableError:
            raise
        except sqlite3.DatabaseError as err:
            if _busy(err):
                raise _busy_error(self.path) from None
            self.close()
            if _unwritable(err):
                self.connection = self._in_memory()
            else:
                self._warn(f"the search index {self.path} was damaged ({err}): rebuilding it")
                self.connection = self._rebuilt()
            result = self._sync(signatures, build, state)
            return result._replace(rebuilt=True)

    def _stale(self, signatures: Mapping[str, bytes]) -> tuple[list[str], list[str], bool]:
        """The keys whose signature changed (or that are new), those gone, and whether none is stored."""
        stored = dict(self.connection.execute("SELECT key, signature FROM signatures"))
        changed = [key for key, sig in signatures.items() if stored.get(key) != sig]
        gone = [key for key in stored if key not in signatures]
        return changed, gone, not stored

    def _sync(
        self, signatures: Mapping[str, bytes], build: Callable[[str], Document], state: bytes | None
    ) -> Synced:
        db = self.connection
        version = db.execute("PRAGMA data_version").fetchone()
        changed, gone, empty = self._stale(signatures)
        if not changed and not gone and self.state() == state:
            return Synced(0, 0, False)
        db.execute("BEGIN IMMEDIATE")  # one writer at a time; look again if another wrote meanwhile
        try:
            if db.execute("PRAGMA data_version").fetchone() != version:
                changed, gone, empty = self._stale(signatures)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('state', ?)", (state,))
            if not empty:  # the rows of what is rebuilt or gone (none to look up in a new index)
                for key in [*gone, *changed]:
                    row = db.execute("SELECT rowid FROM signatures WHERE key = ?", (key,)).fetchone()
                    if row is not None:
                        db.execute("DELETE FROM docs WHERE rowid = ?", row)
            db.executemany("DELETE FROM signatures WHERE key = ?", ((key,) for key in gone))
            for key in changed:
                document = Document(*(value.translate(_STRIP) for value in build(key)))
                rowid = db.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", document).lastrowid
                db.execute(
                    "INSERT OR REPLACE INTO signatures VALUES (?, ?, ?)", (key, rowid, signatures[key])
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return Synced(len(changed), len(gone), empty and bool(changed))

    def search(
        self,
        expression: str,
        *,
        sections: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        limit: int = 20,
        field: str | None = None,
    ) -> list[Hit]:
        """The best `limit` documents for an FTS5 expression, best first, with a snippet each."""
        where, params = ["docs MATCH ?"], [expression]
        for column, values in (("section", sections), ("status", statuses)):
            if values is not None:
                chosen = list(values)
                where.append(f"{column} IN ({', '.join('?' * len(chosen))})")
                params.extend(chosen)
        weights = ", ".join(map(str, _WEIGHTS))
        columns = ("title", "listed_as", "authors", "abstract", "notes", "remark")
        marks = f"'{MARK_START}', '{MARK_END}'"
        shown = [f"highlight(docs, 3, {marks})"] + [
            f"snippet(docs, {3 + i}, {marks}, '…', {_SNIPPET_WORDS})" for i in range(1, len(columns))
        ]
        # Ranked by rowid, which reads no column: ordering every match by key reads each one's row,
        # three times the cost of the ranking. Key only breaks ties, so when none straddles the cut
        # the first `limit` are the same documents, put in (score, key) order below; else ask again.
        ranked = (
            f"SELECT rowid, bm25(docs, 0, 0, 0, {weights}) AS score FROM docs "
            f"WHERE {' AND '.join(where)} ORDER BY score, {{}} LIMIT ?"
        )
        detail = f"SELECT key, {', '.join(shown)} FROM docs WHERE docs MATCH ? AND rowid = ?"
        db = self.connection
        try:
            db.execute("BEGIN")  # one snapshot for both questions, whatever a writer does meanwhile
            try:
                rows = db.execute(ranked.format("rowid"), [*params, limit + 1]).fetchall()
                if len(rows) > limit and rows[limit - 1][1] == rows[limit][1]:
                    rows = db.execute(ranked.format("key"), [*params, limit]).fetchall()
                shown_rows = []
                for rowid, score in rows[:limit]:
                    key, *texts = db.execute(detail, (expression, rowid)).fetchone()
                    shown_rows.append((key, score, *texts))
            finally:
                db.execute("COMMIT")
        except sqlite3.OperationalError as err:
            if _busy(err):
                raise _busy_error(self.path) from None
            raise UsageError(f"the search could not be read ({err}). Simplify it") from None
        shown_rows.sort(key=lambda row: (row[1], row[0]))
        hits = []
        order = SNIPPET_ORDER if field in (None, "title") else (field,)
        for key, score, *texts in shown_rows:
            by_column = dict(zip(columns, texts, strict=True))
            matched = tuple(name for name in columns if MARK_START in by_column[name])
            source = next((name for name in order if name in matched), None)
            if source == "listed_as" and "title" in matched:
                source = None  # the wording says little the marked title does not
            hits.append(
                Hit(key, score, by_column["title"], matched, source, by_column[source] if source else "")
            )
        return hits
