"""Metadata cached on disk, one JSON file per paper, so a paper is fetched once.

arXiv asks clients to cache: a paper's metadata changes only when a new version is posted.
The folder is ``$XDG_CACHE_HOME/papers/arxiv`` unless a caller passes another.

A record is checked when it is read (``PaperMeta.from_dict``): one that is unreadable, or
lacks a field papers needs, is a cache miss, with a warning, so the next fetch replaces it.
It never crashes ``show``, ``note``, ``export`` or ``fetch``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote

from papers.errors import CacheError
from papers.model.arxiv_ids import ArxivId
from papers.store.fileio import atomic_write_bytes
from papers.store.paths import cache_dir

if TYPE_CHECKING:
    from papers.model.paper import PaperMeta, ScholarMeta

_Record = TypeVar("_Record")


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
    except FileNotFoundError:
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

    def path(self, arxiv_id: ArxivId | str) -> Path:
        # Old-style ids hold a slash (math/0309136); it must not become a subdirectory.
        return self.directory / f"{str(arxiv_id).replace('/', '_')}.json"

    def cached_ids(self) -> set[str]:
        """Every id with a record, from one listing of the folder (cheaper than a stat per paper)."""
        try:
            names = os.listdir(self.directory)
        except OSError:
            return set()
        return {name[:-5].replace("_", "/") for name in names if name.endswith(".json")}

    def get(self, arxiv_id: ArxivId | str) -> PaperMeta | None:
        """The cached metadata, or None if absent or unusable (a cache miss, never an error)."""
        from papers.model.paper import PaperMeta

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
        return _write_record(self.path(meta.arxiv_id), meta.to_dict())


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
        import marshal

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
