from __future__ import annotations

from pathlib import Path

import pytest

from papers.sources.arxiv.atom import PaperMeta, parse_feed
from papers.sources.arxiv.ids import ArxivId
from papers.sources.cache import MetadataCache, default_cache_dir

FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"


def recorded(fragment: str) -> PaperMeta:
    (path,) = FIXTURES.glob(f"*{fragment}*.xml")
    return parse_feed(path.read_bytes()).entries[0]


def test_put_get_has(tmp_path: Path) -> None:
    cache = MetadataCache(tmp_path / "arxiv")
    meta = recorded("id_1707.08567_s0")
    assert not cache.has("1707.08567") and cache.get("1707.08567") is None
    path = cache.put(meta)
    assert path == tmp_path / "arxiv" / "1707.08567.json"
    assert cache.has(ArxivId("1707.08567", 1))
    assert cache.get("1707.08567") == meta
    assert "Dirk Wübben" in path.read_text(encoding="utf-8")  # readable UTF-8, not \u escapes


def test_old_style_ids_get_a_flat_file_name(tmp_path: Path) -> None:
    cache = MetadataCache(tmp_path)
    meta = recorded("astro-ph_0601001")
    assert cache.put(meta) == tmp_path / "astro-ph_0601001.json"
    assert cache.get(ArxivId("astro-ph/0601001")) == meta
    assert [p.name for p in tmp_path.iterdir()] == ["astro-ph_0601001.json"]


def test_put_replaces_and_leaves_no_temp_files(tmp_path: Path) -> None:
    cache = MetadataCache(tmp_path)
    meta = recorded("id_1605.08386")
    cache.put(meta)
    cache.put(meta)
    assert [p.name for p in tmp_path.iterdir()] == ["1605.08386.json"]


@pytest.mark.parametrize("content", ["", "{not json", '{"arxiv_id": "1605.08386"}', "[]"])
def test_a_corrupt_entry_is_a_miss(tmp_path: Path, content: str) -> None:
    (tmp_path / "1605.08386.json").write_text(content)
    assert MetadataCache(tmp_path).get("1605.08386") is None


def test_default_directory_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_cache_dir() == tmp_path / "cache" / "papers" / "arxiv"  # set by conftest
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "papers" / "arxiv"
    assert MetadataCache().directory == default_cache_dir()


def test_cached_ids_lists_every_record_old_style_ones_included(tmp_path: Path) -> None:
    cache = MetadataCache(tmp_path / "arxiv")
    assert cache.cached_ids() == set()  # no folder yet: nothing cached, no error
    cache.put(recorded("astro-ph_0601001"))
    cache.put(recorded("id_1605.08386"))
    assert cache.cached_ids() == {"astro-ph/0601001", "1605.08386"}
