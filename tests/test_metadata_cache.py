from __future__ import annotations

import json
from pathlib import Path

import pytest

from papers.model.arxiv_ids import ArxivId
from papers.sources.arxiv.atom import PaperMeta, parse_feed
from papers.sources.cache import MetadataCache, default_cache_dir

FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"


def recorded(fragment: str) -> PaperMeta:
    (path,) = FIXTURES.glob(f"*{fragment}*.xml")
    return parse_feed(path.read_bytes()).entries[0]


def test_put_get(tmp_path: Path) -> None:
    warnings: list[str] = []
    cache = MetadataCache(tmp_path / "arxiv", warn=warnings.append)
    meta = recorded("id_1707.08567_s0")
    assert cache.get("1707.08567") is None
    path = cache.put(meta)
    assert path == tmp_path / "arxiv" / "1707.08567.json"
    assert cache.get(ArxivId("1707.08567", 1)) == meta
    assert cache.get("1707.08567") == meta
    assert warnings == []  # a plain miss is not worth a warning
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


def _without(field: str) -> str:
    record = recorded("id_1605.08386").to_dict()
    del record[field]
    return json.dumps(record)


def _with(field: str, value: object) -> str:
    return json.dumps(recorded("id_1605.08386").to_dict() | {field: value})


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "Expecting value"),
        ("{not json", "Expecting property name"),
        ("\xff\xfe", "Expecting value"),  # read as UTF-16 by its BOM: still not a record
        ('{"arxiv_id": "1605.08386"}', "no abs_url, abstract, authors"),
        ("[]", "not a JSON object"),
        (_without("published"), "no published"),
        (_with("published", ""), "no published"),
        (_with("published", "yesterday"), "published is not a date: 'yesterday'"),
        (_with("title", None), "title is not text"),
        (_with("authors", "Ada"), "authors is not a list of names"),
        (_with("version", "2"), "version is not a positive number"),
        (_with("arxiv_id", "1605.00001"), "it holds 1605.00001"),
    ],
)
def test_a_bad_record_is_a_miss_with_a_warning(tmp_path: Path, content: str, problem: str) -> None:
    (tmp_path / "1605.08386.json").write_bytes(content.encode("latin-1" if "\xff" in content else "utf-8"))
    warnings: list[str] = []
    assert MetadataCache(tmp_path, warn=warnings.append).get("1605.08386") is None
    (warning,) = warnings
    assert warning.startswith(f"ignoring the cached record of 1605.08386 ({tmp_path / '1605.08386.json'}: ")
    assert problem in warning
    assert warning.endswith("); papers fetch will ask arXiv for it again")


def test_the_default_warning_is_one_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "1605.08386.json").write_text(_without("published"))
    assert MetadataCache(tmp_path).get("1605.08386") is None
    assert capsys.readouterr().err.startswith("warning: ignoring the cached record of 1605.08386 (")


def test_control_characters_in_a_record_are_stripped_when_read(tmp_path: Path) -> None:
    (tmp_path / "1605.08386.json").write_text(_with("title", "Heat\x1b[2J-bath\u009b"))
    meta = MetadataCache(tmp_path).get("1605.08386")
    assert meta is not None and meta.title == "Heat[2J-bath"


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


def test_a_cache_that_cannot_be_written_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from papers.errors import CacheError
    from papers.sources import cache as cache_module

    def full_disk(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache_module, "atomic_write_bytes", full_disk)
    with pytest.raises(CacheError) as caught:
        MetadataCache(tmp_path / "arxiv").put(recorded("id_1707.08567_s0"))
    assert str(caught.value) == (
        f"could not write the metadata cache at {tmp_path / 'arxiv'}: No space left on device. "
        "Free some space, or point PAPERS_CACHE_DIR at a writable folder"
    )
    assert caught.value.exit_code == 1
