"""The journal's states: a new state is stored as a delta against the one it came from (issue 13),
and reading any state gives back exactly the bytes that were journaled, or refuses."""

from __future__ import annotations

import itertools
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papers.store import journal


def prefix_of(a: bytes, b: bytes) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def suffix_of(a: bytes, b: bytes, limit: int) -> int:
    n = 0
    while n < limit and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


edits = st.lists(st.tuples(st.integers(0, 80), st.integers(0, 6), st.binary(max_size=6)), max_size=4)


def edited(base: bytes, changes: list[tuple[int, int, bytes]]) -> bytes:
    data = base
    for at, cut, new in changes:
        at = min(at, len(data))
        data = data[:at] + new + data[at + cut :]
    return data


@given(st.binary(max_size=80), edits, st.sampled_from([1, 3, 8, 1 << 16]))
def test_the_common_prefix_and_suffix_are_found_blockwise_exactly(
    base: bytes, changes: list[tuple[int, int, bytes]], block: int
) -> None:
    other = edited(base, changes)
    with mock.patch.object(journal, "_BLOCK", block):
        prefix = journal.common_prefix(base, other)
        limit = min(len(base), len(other)) - prefix
        assert prefix == prefix_of(base, other)
        assert journal.common_suffix(base, other, limit) == suffix_of(base, other, limit)


@given(st.binary(min_size=1, max_size=200), edits)
def test_a_delta_gives_back_the_exact_bytes(
    tmp_path_factory: pytest.TempPathFactory, base: bytes, changes: list[tuple[int, int, bytes]]
) -> None:
    states = tmp_path_factory.mktemp("states")
    new = edited(base, changes)
    old_name, new_name = journal.digest(base), journal.digest(new)
    journal._store(states, old_name, base)
    journal._store(states, new_name, new, (old_name, base))
    assert journal._rebuilt(states, new_name) == new
    assert journal._rebuilt(states, old_name) == base


def catalogue(n: int, marked: int | None = None) -> bytes:
    """A catalogue-like text of `n` items, item `marked` done (the rest todo)."""
    lines = [f"- key: p{i}\n  status: {'done' if i == marked else 'todo'}\n" for i in range(n)]
    return "".join(lines).encode()


def test_a_one_item_change_stores_a_small_delta(tmp_path: Path) -> None:
    path = tmp_path / "papers.yaml"
    before, after = catalogue(2000), catalogue(2000, marked=1000)
    entry = journal.record(path, before, after, "changed status of p1000")
    assert entry is not None
    states = journal.folder(path) / "states"
    assert (states / f"{entry.before}.z").exists()
    assert (states / f"{entry.after}.d").stat().st_size < 200 < len(after) // 100
    assert journal.state(path, entry.after) == after
    assert journal.state(path, entry.before) == before


def test_a_state_that_shares_little_with_its_base_is_stored_whole(tmp_path: Path) -> None:
    path = tmp_path / "papers.yaml"
    entry = journal.record(path, b"a" * 1000, b"b" * 1000, "rewrote")
    assert entry is not None
    assert (journal.folder(path) / "states" / f"{entry.after}.z").exists()
    assert journal.state(path, entry.after) == b"b" * 1000


def test_a_chain_of_deltas_is_at_most_chain_long(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal, "CHAIN", 4)
    path = tmp_path / "papers.yaml"
    texts = [catalogue(300, marked=None)] + [catalogue(300, marked=i) for i in range(1, 13)]
    for before, after in itertools.pairwise(texts):
        journal.record(path, before, after, "changed")
    states = journal.folder(path) / "states"
    depths = []
    for text in texts:
        name = journal.digest(text)
        delta = journal._read_delta(states / f"{name}.d")
        depths.append(0 if delta is None else delta.depth)
        assert journal.state(path, name) == text
    assert depths == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2]


def test_pruning_keeps_the_bases_of_a_branch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a revert the next change starts from an old state: its delta's base is that state,
    which no kept change may name any more, and pruning keeps it."""
    monkeypatch.setattr(journal, "MAX_ENTRIES", 2)
    path = tmp_path / "papers.yaml"
    zero, one, two = catalogue(300), catalogue(300, marked=1), catalogue(300, marked=2)
    journal.record(path, zero, one, "done p1")
    journal.record(path, one, zero, "reverted")  # zero is stored whole, one against it
    branch = catalogue(300, marked=3)
    for before, after in ((zero, branch), (branch, two), (two, branch)):
        journal.record(path, before, after, "changed")
    kept = journal.entries(path)
    assert [e.summary for e in kept] == ["changed", "changed"]
    names = {p.name for p in (journal.folder(path) / "states").iterdir()}
    assert f"{journal.digest(zero)}.z" in names  # the base of `branch`, named by no kept change
    assert f"{journal.digest(one)}.d" not in names  # a delta nothing needs
    for text in (branch, two):
        assert journal.state(path, journal.digest(text)) == text


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[:-3],  # cut short
        lambda raw: raw.replace(b"papers-delta 1", b"papers-delta 9"),  # not a delta papers wrote
        lambda raw: raw.split(b"\n", 1)[0] + b"\nabc 1 0 0\n" + raw.rsplit(b"\n", 1)[-1],  # no such base
        lambda raw: b"".join((journal._DELTA, b"x 1 99999 0\n", raw.rsplit(b"\n", 1)[-1])),  # too long
    ],
)
def test_a_damaged_delta_is_refused(tmp_path: Path, damage: object) -> None:
    path = tmp_path / "papers.yaml"
    entry = journal.record(path, catalogue(50), catalogue(50, marked=7), "done p7")
    assert entry is not None
    file = journal.folder(path) / "states" / f"{entry.after}.d"
    file.write_bytes(damage(file.read_bytes()))  # type: ignore[operator]
    with pytest.raises(journal.JournalError):
        journal.state(path, entry.after)


def test_a_delta_that_is_its_own_base_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "papers.yaml"
    entry = journal.record(path, catalogue(50), catalogue(50, marked=7), "done p7")
    assert entry is not None
    states = journal.folder(path) / "states"
    (states / f"{entry.before}.z").unlink()
    (states / f"{entry.before}.d").write_bytes(journal._DELTA + f"{entry.after} 1 0 0\n".encode())
    with pytest.raises(journal.JournalError):
        journal.state(path, entry.after)
