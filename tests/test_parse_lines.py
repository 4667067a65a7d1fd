"""store.parse.parse_lines: a new catalogue's items read a piece at a time give exactly what one
parse of the whole text gives, and any layout it cannot cut safely is parsed whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from papers.errors import CatalogueError
from papers.store import parse as parse_module
from papers.store.parse import parse, parse_lines
from papers.store.yamledit.emit import render_catalogue

SHIPPED = Path(__file__).resolve().parents[1] / "papers.yaml"


def _item(n: int | str, children: int = 0) -> dict[str, object]:
    return {
        "key": f"paper-{n}",
        "title": f'Paper {n}: "quoted", #not a comment',
        "status": "done" if str(n).endswith("3") else "todo",
        "links": [f"https://example.com/{n}"],
        "children": [_item(f"{n}-child-{c}") for c in range(children)],
    }


def _new_catalogue(per_section: int) -> str:
    sections = [
        {
            "name": f"Section {s}",
            "notes": [f"note {s}"],
            "items": [_item(s * 1000 + i, i % 4) for i in range(per_section)],
        }
        for s in range(3)
    ]
    return render_catalogue({"title": "Big", "notes": ["a note"], "sections": [*sections, {"name": "Empty"}]})


def _whole_parse_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def whole(data: bytes | str, label: str) -> None:
        raise AssertionError("parsed whole")

    monkeypatch.setattr(parse_module, "_parse", whole)


@pytest.mark.parametrize("per_section", [1, 49, 50, 51, 260])
def test_a_new_catalogue_read_in_pieces_is_what_one_parse_gives(
    per_section: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _new_catalogue(per_section)
    expected = parse(text)
    _whole_parse_forbidden(monkeypatch)
    got = parse_lines(text.splitlines(keepends=True))
    assert got.catalogue == expected.catalogue
    assert got.outline == expected.outline
    assert len(got.catalogue.items) == 3 * per_section + 3 * sum(i % 4 for i in range(per_section))


def test_the_shipped_catalogue_reads_the_same() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    expected = parse(text)
    got = parse_lines(text.splitlines(keepends=True))
    assert (got.catalogue, got.outline) == (expected.catalogue, expected.outline)


HEAD = "sections:\n  - name: A\n    items:\n"
ITEM = "      - key: k{n}\n        title: T{n}\n"


@pytest.mark.parametrize(
    "text",
    [
        # a quoted title that runs over the cut before the next item
        HEAD
        + ITEM.format(n=0)
        + '      - key: q\n        title: "runs\n      - key: over"\n'
        + ITEM.format(n=1),
        # a flow list that does
        HEAD + "      - key: f\n        links: [a,\n      - b]\n        title: F\n",
        # the section's own field after its items
        HEAD + ITEM.format(n=0) + "    notes: [after]\n",
        # a top-level field after the sections
        HEAD + ITEM.format(n=0) + "title: Late\n",
        # items in the section's own column (no indentation)
        "sections:\n  - name: A\n    items:\n    - key: a\n      title: A\n",
        # items written inline, or a section with items first
        "sections:\n  - name: A\n    items: [{key: a, title: A}]\n",
        "sections:\n  - items:\n      - key: a\n        title: A\n    name: A\n",
        # the items: line inside a block scalar of notes
        "sections:\n  - name: A\n    notes: |\n      x\n    items:\n      - key: a\n        title: A\n",
        "sections: []\n",
        "title: T\nsections:\n# nothing yet\n",
        "sections:\n  name: A\n  items:\n    - key: a\n      title: A\n",
        HEAD + ITEM.format(n=0) + "...\n---\n" + HEAD + ITEM.format(n=1),
    ],
    ids=[
        "quoted",
        "flow",
        "section field after",
        "top-level after",
        "indentless",
        "inline",
        "items first",
        "notes",
        "no sections line",
        "no sections",
        "sections not a list",
        "a second document",
    ],
)
def test_a_layout_that_cannot_be_cut_safely_reads_as_one_parse_does(text: str) -> None:
    try:
        expected = parse(text)
    except CatalogueError as err:
        with pytest.raises(CatalogueError) as caught:
            parse_lines(text.splitlines(keepends=True))
        assert str(caught.value) == str(err)
    else:
        got = parse_lines(text.splitlines(keepends=True))
        assert (got.catalogue, got.outline) == (expected.catalogue, expected.outline)


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda text: text.replace("key: paper-2010\n", "key: paper-1\n"), "duplicate key 'paper-1'"),
        (
            lambda text: text.replace("name: Section 2\n", "name: Section 0\n"),
            "duplicate section 'Section 0'",
        ),
        (lambda text: text.replace("status: todo\n", "status: later\n", 1), "unknown status 'later'"),
        (
            lambda text: text.replace("key: paper-2002\n", "key: &a paper-2002\n").replace(
                "key: paper-1\n", "key: *a\n"
            ),
            "undefined alias",
        ),
    ],
)
def test_an_error_reads_exactly_as_one_parse_gives_it(edit: object, problem: str) -> None:
    text = edit(_new_catalogue(60))  # type: ignore[operator]
    with pytest.raises(CatalogueError) as whole:
        parse(text)
    with pytest.raises(CatalogueError) as pieces:
        parse_lines(text.splitlines(keepends=True))
    assert str(pieces.value) == str(whole.value)
    assert problem in str(whole.value) or "alias" in str(whole.value)
