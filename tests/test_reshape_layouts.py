"""rm, mv and rename hold for any hand-written layout: a property-based check.

The catalogues are the hand-written styles of test_yamltext.py (indentation, list style, key order,
quoting, comments between items, block scalars, CRLF), in two sections. Each command must change
only the lines of the items it names (and blank separators), keep every other item exactly as it
was, and a move there and back must give the original bytes.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from papers import actions
from papers.store.parse import parse_catalogue
from test_yamltext import item_lines

KEY_LINE = re.compile(r"[ -]*key: (item-[0-9-]+)\s*")
SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _layout(draw: st.DrawFn) -> tuple[int, bool, str, list[str], str, str, str]:
    """A hand-written layout: its indent, whether lists are indented under their key, its newline,
    its first lines, and the prefixes of a section's dash, a section's fields and an item's dash."""
    indent = draw(st.sampled_from([2, 4]))
    indented_lists = draw(st.booleans())
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = ["# a hand-written list"] if draw(st.booleans()) else []
    lines.append("sections:")
    dash = " " * indent if indented_lists else ""
    field = dash + " " * 2
    item_dash = field + (" " * indent if indented_lists else "")
    return indent, indented_lists, newline, lines, dash, field, item_dash


@st.composite
def catalogues(draw: st.DrawFn) -> str:
    indent, indented_lists, newline, lines, dash, field, item_dash = _layout(draw)
    count = 0
    for name in ("One", "Two"):
        lines += [f"{dash}- name: {name}", f"{field}items:"]
        for _ in range(draw(st.integers(1, 4))):
            lines += draw(item_lines(f"item-{count}", item_dash, indent, indented_lists, 0))
            count += 1
    return newline.join(lines) + (newline if draw(st.booleans()) else "")


def fields(text: str) -> dict[str, Any]:
    cat = parse_catalogue(text)
    return {item.key: item for item in cat.items}


def removed_lines(before: str, after: str) -> list[str]:
    """The lines `after` lacks; fails if `after` adds or changes any line (but a section's emptied
    `items:`, which becomes `items: []`)."""
    old, new = before.splitlines(), [line.replace("items: []", "items:") for line in after.splitlines()]
    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    assert all(op in ("equal", "delete") for op, *_ in ops), "\n".join(
        difflib.unified_diff(old, new, lineterm="")
    )
    return [line for op, i1, i2, _, _ in ops if op == "delete" for line in old[i1:i2]]


@SETTINGS
@given(text=catalogues(), picks=st.data())
def test_rm_removes_only_the_item_and_its_attached_lines(
    text: str, picks: st.DataObject, tmp_path: Path
) -> None:
    before = fields(text)
    key = picks.draw(st.sampled_from(sorted(before)))
    path = tmp_path / "papers.yaml"
    path.write_bytes(text.encode())

    removed = actions.remove(path, [key], children="with")

    after_text = path.read_bytes().decode()
    after = fields(after_text)
    assert set(after) == set(before) - set(removed.gone)
    for other, item in after.items():
        assert item == before[other]._replace(children=tuple(c for c in before[other].children if c != key))
    gone = removed_lines(text, after_text)
    keys_gone = {match[1] for line in gone if (match := KEY_LINE.fullmatch(line))}
    assert keys_gone == set(removed.gone)


@SETTINGS
@given(text=catalogues(), picks=st.data())
def test_mv_to_the_other_section_and_back_gives_the_same_bytes(
    text: str, picks: st.DataObject, tmp_path: Path
) -> None:
    before = fields(text)
    tops = [k for k, item in before.items() if item.parent is None]
    key = picks.draw(st.sampled_from(tops))
    item = before[key]
    other = "Two" if item.section == "One" else "One"
    siblings = [k for k in tops if before[k].section == item.section]
    index = siblings.index(key)
    path = tmp_path / "papers.yaml"
    path.write_bytes(text.encode())

    actions.move(path, [key], section=other)

    moved = fields(path.read_bytes().decode())
    assert moved[key].section == other
    for k, found in moved.items():
        if k not in (key, *before[key].children) and before[k].section == found.section:
            assert found == before[k]
    if index > 0:
        actions.move(path, [key], section=item.section, after=siblings[index - 1])
    elif len(siblings) > 1:
        actions.move(path, [key], section=item.section, before=siblings[1])
    else:
        actions.move(path, [key], section=item.section)
    assert path.read_bytes().decode() == text


@SETTINGS
@given(text=catalogues(), picks=st.data())
def test_mv_under_another_item_and_back_keeps_every_item(
    text: str, picks: st.DataObject, tmp_path: Path
) -> None:
    before = fields(text)
    tops = [k for k, item in before.items() if item.parent is None and not item.children]
    assume(len(tops) >= 2)
    key, parent = picks.draw(st.lists(st.sampled_from(tops), min_size=2, max_size=2, unique=True))
    path = tmp_path / "papers.yaml"
    path.write_bytes(text.encode())

    actions.move(path, [key], parent=parent)
    under = fields(path.read_bytes().decode())
    assert under[key].parent == parent and under[parent].children[-1] == key
    assert under[key]._replace(section="", parent=None, depth=0) == before[key]._replace(section="", depth=0)

    actions.move(path, [key], section=before[key].section)
    back = fields(path.read_bytes().decode())
    assert set(back) == set(before)
    for k, found in back.items():
        assert found._replace(children=()) == before[k]._replace(children=())
        assert set(found.children) == set(before[k].children)


@SETTINGS
@given(text=catalogues(), picks=st.data())
def test_rename_changes_only_the_key_line(text: str, picks: st.DataObject, tmp_path: Path) -> None:
    before = fields(text)
    key = picks.draw(st.sampled_from(sorted(before)))
    path = tmp_path / "papers.yaml"
    path.write_bytes(text.encode())

    actions.rename(path, key, "renamed")

    after_text = path.read_bytes().decode()
    old, new = text.splitlines(), after_text.splitlines()
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1] == changed[0][0].replace(f"key: {key}", "key: renamed")
    after = fields(after_text)
    assert after["renamed"]._replace(key=key) == before[key]


# --- sections --------------------------------------------------------------------------------------

SECTION_NAMES = ("One", "Two", "Three", "Four")


@st.composite
def sectioned(draw: st.DrawFn) -> str:
    """Two to four sections in a hand-written style: comments heading a section or ending its items,
    a comment on the name's line, section notes, the name after them, empty sections, 0-2 blank lines
    between sections, a comment at the very end, CRLF, a last line with no newline."""
    indent, indented_lists, newline, lines, dash, field, item_dash = _layout(draw)
    count = 0
    for name in SECTION_NAMES[: draw(st.integers(2, 4))]:
        if draw(st.booleans()):
            lines.append(f"{dash}# about {name}")
        notes = (
            ["notes:", f"{field}{'  ' if indented_lists else ''}- a note on {name}"]
            if draw(st.booleans())
            else []
        )
        name_line = f"name: {name}" + ("   # its name" if draw(st.booleans()) else "")
        if notes and draw(st.booleans()):
            lines += [f"{dash}- {notes[0]}", notes[1], f"{field}{name_line}"]
        else:
            lines.append(f"{dash}- {name_line}")
            lines += [f"{field}{notes[0]}", notes[1]] if notes else []
        n_items = draw(st.integers(0, 3))
        lines.append(f"{field}items:" + ("" if n_items else " []"))
        for _ in range(n_items):
            lines += draw(item_lines(f"item-{count}", item_dash, indent, indented_lists, 0))
            count += 1
        lines += [""] * draw(st.integers(0, 2))
    if draw(st.booleans()):
        lines.append("# the end")
    return newline.join(lines) + (newline if draw(st.booleans()) else "")


def section_names(text: str) -> list[str]:
    return [section.name for section in parse_catalogue(text).sections]


@SETTINGS
@given(text=sectioned(), picks=st.data())
def test_section_mv_and_back_gives_the_same_bytes(text: str, picks: st.DataObject, tmp_path: Path) -> None:
    names = section_names(text)
    before = fields(text)
    name = picks.draw(st.sampled_from(names))
    anchor = picks.draw(st.sampled_from([n for n in names if n != name]))
    after_it = picks.draw(st.booleans())
    path = tmp_path / "papers.yaml"
    path.write_bytes(text.encode())

    actions.move_section(path, name, **{"after" if after_it else "before": anchor})

    moved_text = path.read_bytes().decode()
    others = [n for n in names if n != name]
    expected = [*others]
    expected.insert(others.index(anchor) + after_it, name)
    assert section_names(moved_text) == expected
    assert fields(moved_text) == before  # every item as it was, in its section
    assert sorted(moved_text.splitlines()) == sorted(text.splitlines())  # lines move, none is made or lost
    index = names.index(name)
    if index == 0:
        actions.move_section(path, name, before=names[1])
    else:
        actions.move_section(path, name, after=names[index - 1])
    assert path.read_bytes().decode() == text


@SETTINGS
@given(text=sectioned(), picks=st.data())
def test_section_rename_changes_only_its_name(text: str, picks: st.DataObject, tmp_path: Path) -> None:
    names = section_names(text)
    before = fields(text)
    name = picks.draw(st.sampled_from(names))
    path = tmp_path / "papers.yaml"
    path.write_bytes(text.encode())

    actions.rename_section(path, name, "Renamed: it")

    after_text = path.read_bytes().decode()
    changed = [(a, b) for a, b in zip(text.splitlines(), after_text.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1] == changed[0][0].replace(
        f"name: {name}", 'name: "Renamed: it"'
    )
    assert section_names(after_text) == [("Renamed: it" if n == name else n) for n in names]
    after = fields(after_text)
    assert {k: i._replace(section="") for k, i in after.items()} == {
        k: i._replace(section="") for k, i in before.items()
    }


@SETTINGS
@given(text=sectioned(), picks=st.data())
def test_section_rm_keeps_every_other_line_and_revert_gives_the_bytes_back(
    text: str, picks: st.DataObject, tmp_path: Path
) -> None:
    names = section_names(text)
    before = fields(text)
    name = picks.draw(st.sampled_from(names))
    target = picks.draw(st.sampled_from([n for n in names if n != name]))
    path = tmp_path / "papers.yaml"
    path.write_bytes(text.encode())
    held = [k for k, item in before.items() if item.section == name]

    actions.remove_section(path, name, move_items_to=target if held else None)

    after_text = path.read_bytes().decode()
    assert section_names(after_text) == [n for n in names if n != name]
    after = fields(after_text)
    assert set(after) == set(before)
    for key, item in after.items():
        assert item._replace(section="") == before[key]._replace(section="")
        assert item.section == (target if key in held else before[key].section)
    if not held:
        ops = difflib.SequenceMatcher(
            None, text.splitlines(), after_text.splitlines(), autojunk=False
        ).get_opcodes()
        assert all(op in ("equal", "delete") for op, *_ in ops)  # lines only go
        gone = [line for op, i1, i2, _, _ in ops if op == "delete" for line in text.splitlines()[i1:i2]]
        assert any(line.lstrip(" -").startswith(f"name: {name}") for line in gone)
        assert all(line.strip() == "" or KEY_LINE.fullmatch(line) is None for line in gone)
    actions.revert(path)
    assert path.read_bytes().decode() == text


@st.composite
def three_sections(draw: st.DrawFn) -> str:
    """As catalogues(), in three sections, the middle one's items all between a move's two ends."""
    indent, indented_lists, newline, lines, dash, field, item_dash = _layout(draw)
    count = 0
    for name in ("One", "Mid", "Two"):
        lines += [f"{dash}- name: {name}", f"{field}items:"]
        for _ in range(draw(st.integers(1, 3))):
            lines += draw(item_lines(f"item-{count}", item_dash, indent, indented_lists, 0))
            count += 1
    return newline.join(lines) + (newline if draw(st.booleans()) else "")


@SETTINGS
@given(text=three_sections(), picks=st.data())
def test_a_move_to_another_section_leaves_the_outline_a_parse_of_the_new_text_gives(
    text: str, picks: st.DataObject, tmp_path: Path
) -> None:
    """A move into a section above or below renumbers the items between its two ends once, at the
    end (Editor.batched_shifts): where the parse cache then says every item and section starts must
    be where a parse of the written text finds them, the items in between too, which no read-back
    covers."""
    from papers.store import load
    from papers.store.parse import parse

    before = fields(text)
    key = picks.draw(st.sampled_from(sorted(before)))  # a child too
    target = picks.draw(
        st.sampled_from([name for name in ("One", "Mid", "Two") if name != before[key].section])
    )
    there = [k for k, item in before.items() if item.parent is None and item.section == target]
    where = picks.draw(
        st.sampled_from([{}, {"before": there[0]}, {"after": there[-1]}, {"before": there[-1]}])
    )
    path = tmp_path / "papers.yaml"
    path.write_bytes(text.encode())

    actions.move(path, [key], section=target, **where)

    data = path.read_bytes()
    assert fields(data.decode())[key].section == target
    assert load._load(path, data).parsed().outline == parse(data).outline
