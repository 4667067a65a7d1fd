"""arXiv metadata cached on disk, one JSON file per paper, so a paper is fetched once.

arXiv asks clients to cache: a paper's metadata changes only when a new version is posted.
The directory is chosen by the caller (the CLI passes ``$XDG_CACHE_HOME/papers/arxiv``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from papers.sources.arxiv.ids import ArxivId
from papers.store.fileio import atomic_write_bytes
from papers.store.paths import cache_dir

if TYPE_CHECKING:
    from papers.sources.arxiv.atom import PaperMeta


def default_cache_dir() -> Path:
    """``arxiv/`` in papers' cache folder (``$XDG_CACHE_HOME/papers/arxiv`` by default)."""
    return cache_dir() / "arxiv"


class MetadataCache:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else default_cache_dir()

    def path(self, arxiv_id: ArxivId | str) -> Path:
        # Old-style ids hold a slash (math/0309136); it must not become a subdirectory.
        return self.directory / f"{str(arxiv_id).replace('/', '_')}.json"

    def has(self, arxiv_id: ArxivId | str) -> bool:
        return self.path(arxiv_id).is_file()

    def cached_ids(self) -> set[str]:
        """Every id with a record, from one listing of the folder (cheaper than a stat per paper)."""
        try:
            names = os.listdir(self.directory)
        except OSError:
            return set()
        return {name[:-5].replace("_", "/") for name in names if name.endswith(".json")}

    def get(self, arxiv_id: ArxivId | str) -> PaperMeta | None:
        """The cached metadata, or None if absent or unreadable (a cache miss, never an error)."""
        from papers.sources.arxiv.atom import PaperMeta  # deferred: its XML parser is not needed to read JSON

        try:
            data = json.loads(self.path(arxiv_id).read_text(encoding="utf-8"))
            meta = PaperMeta.from_dict(data)
        except (OSError, ValueError, TypeError, KeyError):
            return None
        return meta if meta.arxiv_id == str(arxiv_id) else None

    def put(self, meta: PaperMeta) -> Path:
        """Write atomically, so a killed run leaves the old entry or the new one, never half of one."""
        self.directory.mkdir(parents=True, exist_ok=True)
        dest = self.path(meta.arxiv_id)
        atomic_write_bytes(dest, json.dumps(meta.to_dict(), ensure_ascii=False, indent=2).encode("utf-8"))
        return dest
