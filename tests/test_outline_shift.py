"""Renumbering item lines after an edit (store.yamledit.outline.shift_batch) must move exactly what
starts at or below each shifted line, by the sum of the shifts at or above it: whether the items
are in file order (the fast path, renumbered a run at a time) or not (an added item comes last)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from papers.store.parse import Outline, Place
from papers.store.yamledit.outline import shift, shift_batch

starts = st.lists(st.integers(0, 60), min_size=0, max_size=30, unique=True)
batches = st.lists(st.tuples(st.integers(0, 70), st.integers(-3, 3)), max_size=6)


def _outline(lines: list[int]) -> Outline:
    outline = Outline()
    for n, line in enumerate(lines):
        outline.put(f"k{n}", Place(line, 2))
    outline.sections = {"A": Place(0, 2), "B": Place(35, 2)}
    return outline


def _expected(line: int, shifts: list[tuple[int, int]]) -> int:
    return line + sum(delta for end, delta in shifts if end <= line)


@given(starts, batches, st.booleans())
def test_every_start_moves_by_the_shifts_at_or_above_it(
    lines: list[int], shifts: list[tuple[int, int]], ordered: bool
) -> None:
    lines = sorted(lines) if ordered else lines
    outline = _outline(lines)
    shift_batch(outline, list(shifts))
    assert list(outline.lines) == [f"k{n}" for n in range(len(lines))]  # no key gained, lost or reordered
    assert list(outline.lines.values()) == [_expected(line, shifts) for line in lines]
    assert [p.line for p in outline.sections.values()] == [_expected(0, shifts), _expected(35, shifts)]
    assert set(outline.columns.values()) <= {2}


def test_one_shift_moves_only_what_starts_at_or_below_it() -> None:
    outline = _outline([1, 5, 9])
    shift(outline, 5, 2)
    assert list(outline.lines.values()) == [1, 7, 11]
    assert outline.sections["B"].line == 37
    shift(outline, 0, 0)
    assert list(outline.lines.values()) == [1, 7, 11]
