from __future__ import annotations

import json
from collections.abc import Callable
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


def test_a_cache_folder_under_a_file_holds_no_record_and_warns_nothing(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("PAPERS_CACHE_DIR set to a file")
    warnings: list[str] = []
    assert MetadataCache(tmp_path / "file" / "arxiv", warn=warnings.append).get("1707.08567") is None
    assert warnings == []


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


# The bulk index (MetadataCache.preload): derived data, never trusted beyond what the files say.


@pytest.fixture
def no_racy_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records written just now are indexed too (tests cannot wait out the coarse-clock margin)."""
    from papers.sources import cache as cache_module

    monkeypatch.setattr(cache_module, "_RACY_NS", -(10**12))


def _file_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from papers.sources import cache as cache_module

    reads: list[str] = []
    real = cache_module._read_checked

    def counting(path: str, name: str) -> object:
        reads.append(name)
        return real(path, name)

    monkeypatch.setattr(cache_module, "_read_checked", counting)
    return reads


def _two_records(tmp_path: Path) -> tuple[MetadataCache, PaperMeta, PaperMeta]:
    cache = MetadataCache(tmp_path / "arxiv")
    old_style, new_style = recorded("astro-ph_0601001"), recorded("id_1605.08386")
    cache.put(old_style)
    cache.put(new_style)
    return cache, old_style, new_style


def _preloaded(directory: Path, warnings: list[str] | None = None) -> MetadataCache:
    cache = MetadataCache(directory, warn=(warnings if warnings is not None else []).append)
    cache.preload()
    return cache


def test_preload_answers_as_the_files_do_and_reads_them_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_racy_margin: None
) -> None:
    _, old_style, new_style = _two_records(tmp_path)
    reads = _file_reads(monkeypatch)
    for _ in range(2):
        warnings: list[str] = []
        cache = _preloaded(tmp_path / "arxiv", warnings)
        assert cache.get(ArxivId("astro-ph/0601001")) == old_style
        assert cache.get("1605.08386") == new_style
        assert cache.get("1707.08567") is None
        assert warnings == []
    assert sorted(reads) == ["1605.08386.json", "astro-ph_0601001.json"]  # the second run read the index
    assert (tmp_path / "arxiv-index.marshal").exists()
    assert sorted(p.name for p in (tmp_path / "arxiv").iterdir()) == [
        "1605.08386.json",
        "astro-ph_0601001.json",
    ]


def test_a_record_written_just_now_is_read_but_not_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, new_style = _two_records(tmp_path)
    reads = _file_reads(monkeypatch)
    for _ in range(2):
        assert _preloaded(tmp_path / "arxiv").get("1605.08386") == new_style
    assert reads.count("1605.08386.json") == 2  # its clock may be too coarse to tell its next version


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "Expecting value"),
        ("{not json", "Expecting property name"),
        (_without("published"), "no published"),
        (_with("title", None), "title is not text"),
        (_with("arxiv_id", "1605.00001"), "it holds 1605.00001"),
    ],
)
def test_a_record_damaged_after_it_was_indexed_is_a_miss_with_a_warning(
    tmp_path: Path, content: str, problem: str, no_racy_margin: None
) -> None:
    _two_records(tmp_path)
    _preloaded(tmp_path / "arxiv")
    (tmp_path / "arxiv" / "1605.08386.json").write_text(content)
    for _ in range(2):  # and again: a damaged record is never indexed
        warnings: list[str] = []
        cache = _preloaded(tmp_path / "arxiv", warnings)
        assert cache.get("1605.08386") is None
        (warning,) = warnings
        assert warning.startswith(
            f"ignoring the cached record of 1605.08386 ({tmp_path / 'arxiv' / '1605.08386.json'}: "
        )
        assert problem in warning
        assert cache.get("astro-ph/0601001") is not None


def test_a_record_edited_in_place_with_its_size_and_mtime_kept_is_read_again(
    tmp_path: Path, no_racy_margin: None
) -> None:
    import os

    _, _, new_style = _two_records(tmp_path)
    _preloaded(tmp_path / "arxiv")
    path = tmp_path / "arxiv" / "1605.08386.json"
    before = os.stat(path)
    text = path.read_text(encoding="utf-8")
    edited = text.replace(new_style.title, new_style.title.swapcase())
    assert edited != text and len(edited.encode()) == before.st_size
    with open(path, "r+b") as handle:  # the same inode, the same size
        handle.write(edited.encode())
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old mtime: only ctime tells
    meta = _preloaded(tmp_path / "arxiv").get("1605.08386")
    assert meta is not None and meta.title == new_style.title.swapcase()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),
        lambda data: b"",
        lambda data: b"\x00" * 64,
        lambda data: data.replace(b"index 4", b"index 3"),
        # The abstracts' size in the head, its top bit flipped: an offset past what pread takes.
        lambda data: data[:32] + bytes([data[32] ^ 0x80]) + data[33:],
        lambda data: data[:39] + bytes([data[39] ^ 0x01]) + data[40:],  # its lowest bit: CRCs differ
    ],
    ids=["truncated", "one bit", "empty", "zeros", "another format", "size past 2**63", "size off by one"],
)
def test_a_damaged_index_costs_one_rebuild_and_no_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[bytes], bytes], no_racy_margin: None
) -> None:
    _, old_style, new_style = _two_records(tmp_path)
    _preloaded(tmp_path / "arxiv")
    index = tmp_path / "arxiv-index.marshal"
    good = index.read_bytes()
    index.write_bytes(damage(good))
    reads = _file_reads(monkeypatch)
    warnings: list[str] = []
    cache = _preloaded(tmp_path / "arxiv", warnings)
    assert (cache.get("astro-ph/0601001"), cache.get("1605.08386")) == (old_style, new_style)
    assert warnings == []
    assert sorted(reads) == ["1605.08386.json", "astro-ph_0601001.json"]
    assert index.read_bytes() == good  # rebuilt
    index.unlink()
    assert _preloaded(tmp_path / "arxiv").get("1605.08386") == new_style


def test_abstracts_are_read_from_the_index_preloaded_only_when_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_racy_margin: None
) -> None:
    import os

    from papers.sources import cache as cache_module

    _, old_style, new_style = _two_records(tmp_path)
    _preloaded(tmp_path / "arxiv")
    index = tmp_path / "arxiv-index.marshal"
    reads: list[int] = []
    real_pread = os.pread

    def counting(fd: int, size: int, offset: int) -> bytes:
        reads.append(size)
        return real_pread(fd, size, offset)

    monkeypatch.setattr(cache_module.os, "pread", counting)
    cache = _preloaded(tmp_path / "arxiv")
    meta = cache.get("1605.08386")
    assert meta is not None and meta.title == new_style.title
    assert len(reads) == 2  # the head and the columns
    index.unlink()  # and another index written since: the abstracts come from the one preloaded
    _preloaded(tmp_path / "arxiv")
    assert meta.abstract == new_style.abstract
    assert len(reads) == 3
    assert cache.get("astro-ph/0601001") == old_style
    assert len(reads) == 3  # all abstracts read at once
    assert meta.checked_fields() == new_style.checked_fields()
    assert "abstract" not in meta.checked_fields()
    with pytest.raises(AttributeError, match="no attribute 'abstrakt'"):
        meta.abstrakt  # noqa: B018


def test_a_damaged_abstracts_part_gives_the_record_files_abstracts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_racy_margin: None
) -> None:
    _, old_style, new_style = _two_records(tmp_path)
    _preloaded(tmp_path / "arxiv")
    index = tmp_path / "arxiv-index.marshal"
    data = bytearray(index.read_bytes())
    at = data.index(new_style.abstract[:20].encode())
    data[at] ^= 1
    index.write_bytes(bytes(data))
    warnings: list[str] = []
    cache = _preloaded(tmp_path / "arxiv", warnings)
    (tmp_path / "arxiv" / "astro-ph_0601001.json").unlink()  # gone since: no abstract to give
    new, old = cache.get("1605.08386"), cache.get("astro-ph/0601001")
    assert new is not None and old is not None
    assert (new.abstract, old.abstract) == (new_style.abstract, "")
    assert old.title == old_style.title
    assert warnings == []


def test_put_after_preload_is_seen_and_a_removed_record_is_a_miss(
    tmp_path: Path, no_racy_margin: None
) -> None:
    cache, _, new_style = _two_records(tmp_path)
    _preloaded(tmp_path / "arxiv")
    (tmp_path / "arxiv" / "1605.08386.json").unlink()
    cache = _preloaded(tmp_path / "arxiv")
    assert cache.get("1605.08386") is None
    cache.put(new_style)
    assert cache.get("1605.08386") == new_style


WRITER = """
import sys
from papers.sources.cache import MetadataCache
from papers.sources.arxiv.atom import parse_feed
from collections.abc import Callable
from pathlib import Path
meta = parse_feed(Path(sys.argv[2]).read_bytes()).entries[0]
cache = MetadataCache(Path(sys.argv[1]))
versions = [meta, type(meta)(**{**meta.__dict__, "title": meta.title + " (revised, and so longer)"})]
for n in range(int(sys.argv[3])):
    cache.put(versions[n % 2])
"""


def test_preloading_while_another_process_writes_reads_old_or_new_records_only(
    tmp_path: Path, no_racy_margin: None
) -> None:
    import subprocess
    import sys

    (fixture,) = FIXTURES.glob("*id_1605.08386*.xml")
    _, _, meta = _two_records(tmp_path)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path / "arxiv"), str(fixture), "401"])
    titles, warnings = set(), []
    try:
        while writer.poll() is None:
            got = _preloaded(tmp_path / "arxiv", warnings).get("1605.08386")
            assert got is not None
            titles.add(got.title)
    finally:
        writer.wait()
    assert warnings == []
    assert titles <= {meta.title, meta.title + " (revised, and so longer)"}
    final = _preloaded(tmp_path / "arxiv").get("1605.08386")
    assert final is not None and final.title == meta.title  # the last of 401 puts
    assert _preloaded(tmp_path / "arxiv").get("1605.08386") == final  # from the index now


def test_plain_ids_are_only_those_that_parse_to_themselves(tmp_path: Path) -> None:
    cache = MetadataCache(tmp_path / "arxiv")
    cache.put(recorded("id_1605.08386"))
    cache.put(recorded("astro-ph_0601001"))
    record = recorded("id_1605.08386").to_dict()
    for bad in ("2013.12345", "0612.1234", "1605.8386"):  # month 13, before 0704, too few digits
        (tmp_path / "arxiv" / f"{bad}.json").write_text(json.dumps(record | {"arxiv_id": bad}))
    cache = _preloaded(tmp_path / "arxiv")
    assert cache.plain_ids == {"1605.08386"}
    assert cache.get("2013.12345") is not None  # a record all the same: only the shortcut is refused
