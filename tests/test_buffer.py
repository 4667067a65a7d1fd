"""Telling whether an edit gave back the text it started from (store.yamledit.buffer.same_text)
must agree with joining both texts and comparing them, whatever the lines."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from papers.store.yamledit.buffer import same_text

pieces = st.lists(st.sampled_from(["a", "b", "ab", "\n", "a\n", "b\n", "ab\n", ""]), max_size=8)


@given(pieces, pieces, pieces, pieces)
def test_same_text_is_equality_of_the_joined_lines(
    head: list[str], left: list[str], right: list[str], tail: list[str]
) -> None:
    lines, other = [*head, *left, *tail], [*head, *right, *tail]
    assert same_text(lines, other) == ("".join(lines) == "".join(other))
    assert same_text(lines, lines[:])


def test_lines_cut_elsewhere_can_still_be_the_same_text() -> None:
    assert same_text(["x\n", "ab", "c\n", "y\n"], ["x\n", "a", "bc\n", "y\n"])
    assert not same_text(["x\n", "- key: a\n", "y\n"], ["x\n", "- key: b\n", "y\n"])
