"""Importing a markdown reading list, exporting it back, and merging it into a catalogue."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SEED, SEED_KEPT_NOTES, SEED_LINES, SEED_SECTIONS, SEED_TICKED, SEED_TITLE
from papers.errors import ChecklistError
from papers.formats.markdown import DEFAULT_SECTION, MAX_DEPTH, check_checklist, parse_checklist, to_markdown
from papers.formats.merge import Addition, merge
from papers.model.keys import is_valid_key

# Deliberately not the parser's pattern: a second, simpler reading of what counts as a checklist line.
CHECKLIST_LINE = re.compile(r"^\s*[-*+] \[[ xX]\]", re.MULTILINE)
TICKED_LINE = re.compile(r"^\s*[-*+] \[[xX]\]", re.MULTILINE)


def walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for item in items:
        found.append(item)
        found.extend(walk(item.get("children", [])))
    return found


def all_items(catalogue: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for section in catalogue["sections"] for item in walk(section["items"])]


def by_title(catalogue: dict[str, Any], title: str) -> dict[str, Any]:
    (item,) = [item for item in all_items(catalogue) if item["title"] == title]
    return item


def travelling(catalogue: dict[str, Any]) -> dict[str, Any]:
    """The part of a catalogue markdown carries: what the round trip must give back."""

    def item_view(item: dict[str, Any]) -> dict[str, Any]:
        view = {name: item.get(name) for name in ("key", "title", "arxiv", "year", "links")}
        view["ticked"] = item.get("status") == "done"
        view["group"] = bool(item.get("group"))
        view["children"] = [item_view(child) for child in item.get("children", [])]
        return view

    return {
        "title": catalogue.get("title"),
        "notes": catalogue.get("notes"),
        "sections": [
            {
                "name": section["name"],
                "notes": section["notes"],
                "items": [item_view(item) for item in section["items"]],
            }
            for section in catalogue["sections"]
        ],
    }


EMPTY: dict[str, Any] = {"title": None, "notes": [], "sections": []}


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def seed(seed_text: str) -> dict[str, Any]:
    return parse_checklist(seed_text)


# --- importing the seed list into an empty catalogue -------------------------------------------------


def test_seed_sections_come_in_list_order(seed: dict[str, Any]) -> None:
    assert [section["name"] for section in seed["sections"]] == SEED_SECTIONS


def test_seed_top_heading_is_the_title_not_a_section(seed: dict[str, Any]) -> None:
    assert seed["title"] == SEED_TITLE


def test_seed_every_checklist_line_becomes_an_item(seed_text: str, seed: dict[str, Any]) -> None:
    expected = len(CHECKLIST_LINE.findall(seed_text))
    assert expected == SEED_LINES
    assert len(all_items(seed)) == expected


def test_seed_ticked_lines_are_done_and_only_those(seed_text: str, seed: dict[str, Any]) -> None:
    done = [item["listed_as"] for item in all_items(seed) if item["status"] == "done"]
    assert len(done) == len(TICKED_LINE.findall(seed_text)) == len(SEED_TICKED)
    assert done == SEED_TICKED
    assert {item["status"] for item in all_items(seed)} == {"todo", "done"}


def test_seed_nested_items_are_children_of_the_line_above(seed: dict[str, Any]) -> None:
    transformer = by_title(seed, "Transformer (Attention is all you need)")
    children = [child["title"] for child in transformer["children"]]
    assert len(children) == 20
    assert children[:4] == [
        "Self A, Multi Head A, Cross A (Attention)",
        "GPT [LLMs are multitask learners (Ilya)]",
        "BERT",
        "T5",
    ]
    assert children[-1] == "Sliding Window Attention"
    case_study = by_title(seed, "CNN Casestudy:")
    assert [child["title"] for child in case_study["children"]] == [
        "CNN - Le - Alex - ZF - VGG - GoogleNet (inception architecture)"
    ]
    visualizing = by_title(seed, "Visualizing CNN techniques")
    assert [child["title"] for child in visualizing["children"]] == ["DeepDream"]


def test_seed_arxiv_ids_come_from_pdf_links(seed: dict[str, Any]) -> None:
    assert [item["arxiv"] for item in all_items(seed) if "arxiv" in item] == [
        "2005.14165",
        "2207.14255",
        "2304.08467",
    ]
    few_shot = by_title(seed, "LM are Few Shot learners")
    assert few_shot["arxiv"] == "2005.14165"
    assert "links" not in few_shot


def test_seed_protip_and_todo_lines_are_kept_as_notes(seed: dict[str, Any]) -> None:
    assert seed["notes"] == ["protip, use  perplexity.ai as a resource scrapper"]
    normalization = seed["sections"][6]
    assert normalization["notes"] == [
        "(TODO: add more recently used normalization layers in chronological order, "
        "to know how one improved other for eg)"
    ]
    assert merge(EMPTY, parse_checklist(SEED.read_text(encoding="utf-8"))).kept_notes == SEED_KEPT_NOTES


def test_seed_years_titles_links_and_listed_as(seed: dict[str, Any]) -> None:
    bert = by_title(seed, "BERT")
    assert (bert["year"], bert["listed_as"], bert["key"]) == (2018, "BERT (2018)", "bert")
    assert by_title(seed, "Seq2Seq (Ilya, 2014)")["year"] == 2014
    sgd = by_title(seed, "SGD - AdamW / AdamScheduleFree (cs231n) see blog")
    assert sgd["links"] == ["https://akash5100.github.io/blog/2024/04/12/Optimization_techniques.html"]
    microscope = by_title(seed, "https://openai.com/research/microscope")
    assert microscope["links"] == ["https://openai.com/research/microscope"]
    assert microscope["key"] == "microscope"
    assert by_title(seed, "RMSNormLayer # most used, I think nowadays")["status"] == "todo"


def test_seed_keys_are_valid_and_unique(seed: dict[str, Any]) -> None:
    keys = [item["key"] for item in all_items(seed)]
    assert all(is_valid_key(key) for key in keys)
    assert len(set(keys)) == len(keys)


def test_items_use_only_schema_fields_and_omit_empty_ones(seed: dict[str, Any]) -> None:
    schema = {"key", "title", "status", "arxiv", "year", "links", "listed_as", "children"}
    for item in all_items(seed):
        assert set(item) <= schema
        assert all(value not in (None, "", []) for value in item.values())
    few_shot = by_title(seed, "LM are Few Shot learners")
    assert list(few_shot) == ["key", "title", "status", "arxiv", "listed_as"]


def test_keys_avoid_the_keys_already_taken(seed_text: str) -> None:
    catalogue = parse_checklist(seed_text, taken_keys={"bert", "rnn"})
    assert by_title(catalogue, "BERT")["key"] == "bert-2"
    assert by_title(catalogue, "RNN")["key"] == "rnn-2"


# --- round trip ----------------------------------------------------------------------------------------


def test_seed_round_trip_gives_back_what_markdown_carries(seed: dict[str, Any]) -> None:
    again = parse_checklist(to_markdown(seed))
    assert travelling(again) == travelling(seed)


def test_export_is_idempotent(seed: dict[str, Any]) -> None:
    exported = to_markdown(seed)
    assert to_markdown(parse_checklist(exported)) == exported


def test_export_looks_like_a_github_checklist(seed: dict[str, Any]) -> None:
    lines = to_markdown(seed).splitlines()
    assert lines[:5] == [
        "# Self notes for some research papers list",
        "",
        "protip, use  perplexity.ai as a resource scrapper",
        "",
        "## Optimization algorithm",
    ]
    transformer = "Transformer (Attention is all you need) <!-- key: transformer-attention-all-you -->"
    assert f"- [x] {transformer}" in lines
    assert "  - [ ] BERT (2018) <!-- key: bert -->" in lines
    assert (
        "- [ ] [LM are Few Shot learners](https://arxiv.org/abs/2005.14165)"
        " <!-- key: lm-few-shot-learners -->"
    ) in lines


def test_export_links_the_title_and_appends_other_links() -> None:
    catalogue = {
        "title": None,
        "notes": [],
        "sections": [
            {
                "name": "Papers",
                "notes": ["read in order"],
                "items": [
                    {
                        "key": "transformer",
                        "title": "Attention Is All You Need",
                        "status": "reading",
                        "arxiv": "1706.03762",
                        "year": 2017,
                        "authors": ["Ashish Vaswani"],
                        "links": ["https://jalammar.github.io/illustrated-transformer/"],
                        "remark": "read twice",
                        "children": [
                            {
                                "key": "report",
                                "title": "A report",
                                "status": "done",
                                "url": "https://example.org/r.pdf",
                            }
                        ],
                    }
                ],
            }
        ],
    }
    assert to_markdown(catalogue) == (
        "## Papers\n\nread in order\n\n"
        "- [ ] [Attention Is All You Need](https://arxiv.org/abs/1706.03762) (2017)"
        " [link](https://jalammar.github.io/illustrated-transformer/) (reading) <!-- key: transformer -->\n"
        "  - [x] [A report](https://example.org/r.pdf) <!-- key: report -->\n"
    )
    back = parse_checklist(to_markdown(catalogue))
    paper = back["sections"][0]["items"][0]
    assert (paper["arxiv"], paper["year"], paper["links"]) == (
        "1706.03762",
        2017,
        ["https://jalammar.github.io/illustrated-transformer/"],
    )
    # Documented: url comes back as the first link; authors and remark do not travel, "reading" does.
    assert paper["children"][0]["links"] == ["https://example.org/r.pdf"]
    assert "authors" not in paper and "remark" not in paper
    assert paper["status"] == "reading"


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("- [x] Paper (done 2026-11-20)", {"status": "done", "done_on": "2026-11-20"}),
        (
            "- [x] Paper (started 2026-11-02, done 2026-11-20) <!-- key: p -->",
            {"status": "done", "started_on": "2026-11-02", "done_on": "2026-11-20"},
        ),
        ("- [ ] Paper (started 2026-11-02)", {"status": "reading", "started_on": "2026-11-02"}),
        ("- [x] Paper (started 2026-11-02)", {"status": "done", "started_on": "2026-11-02"}),
        ("- [ ] Paper (reading)", {"status": "reading"}),
    ],
)
def test_the_days_at_the_end_of_a_line_are_read(line: str, fields: dict[str, str]) -> None:
    (item,) = parse_checklist(f"## S\n\n{line}\n")["sections"][0]["items"]
    assert item["title"] == "Paper" and "(" not in item["listed_as"]
    assert {name: item.get(name) for name in fields} == fields
    assert {"started_on", "done_on"} - set(fields) <= {"started_on", "done_on"} - set(item)


@pytest.mark.parametrize(
    "line",
    [
        "- [ ] Paper (done 2026-11-20)",  # done, yet not ticked
        "- [x] Paper (reading)",  # reading, yet ticked
        "- [x] Paper (done 2026-02-30)",  # no such day
        "- [x] Paper (done 2026-11-20) and more",  # not at the end
        "- [x] Paper (finished 2026-11-20)",
    ],
)
def test_anything_else_in_parentheses_stays_in_the_title(line: str) -> None:
    (item,) = parse_checklist(f"## S\n\n{line}\n")["sections"][0]["items"]
    assert item["title"].startswith("Paper (") and "done_on" not in item and "started_on" not in item
    assert item["status"] == ("done" if "[x]" in line else "todo")


@pytest.mark.parametrize(
    ("title", "year"),
    [("link", None), ("Brackets ] unbalanced", None), ("A (2018) B", 2018), ("Two (2018) years", 2019)],
)
def test_awkward_titles_still_round_trip(title: str, year: int | None) -> None:
    item: dict[str, Any] = {
        "key": "paper",
        "title": title,
        "status": "todo",
        "links": ["https://example.org/p"],
    }
    if year is not None:
        item["year"] = year
    catalogue = {"title": None, "notes": [], "sections": [{"name": "S", "notes": [], "items": [item]}]}
    exported = to_markdown(catalogue)
    back = parse_checklist(exported)
    assert travelling(back) == travelling(catalogue)
    assert to_markdown(back) == exported


_TITLE_CHARS = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 -:,.?!'/&+"))
_TITLES = st.text(_TITLE_CHARS, min_size=1, max_size=30).map(lambda s: " ".join(s.split())).filter(bool)


@st.composite
def catalogues(draw: st.DrawFn) -> dict[str, Any]:
    counter = iter(range(10_000))

    def item(depth: int) -> dict[str, Any]:
        made: dict[str, Any] = {
            "key": f"k{next(counter)}",
            "title": draw(_TITLES),
            "status": draw(st.sampled_from(["todo", "done"])),
        }
        if draw(st.booleans()):
            # Ids arXiv could have issued: papers.arxiv_ids refuses impossible ones, which then stay links.
            yymm = f"{draw(st.integers(15, 24))}{draw(st.integers(1, 12)):02d}"
            made["arxiv"] = f"{yymm}.{draw(st.integers(1, 99999)):05d}"
        if draw(st.booleans()):
            made["year"] = draw(st.integers(1950, 2030))
        if draw(st.booleans()):
            made["group"] = True
        url = st.from_regex(r"https://example\.org/[a-z0-9]{1,8}", fullmatch=True)
        links = draw(st.lists(url, max_size=3))
        if links:
            made["links"] = list(dict.fromkeys(links))
        children = [item(depth + 1) for _ in range(draw(st.integers(0, 2 if depth < 2 else 0)))]
        if children:
            made["children"] = children
        return made

    names = draw(st.lists(_TITLES, min_size=1, max_size=3, unique_by=str.casefold))
    return {
        "title": draw(st.none() | _TITLES),
        "notes": draw(st.lists(st.sampled_from(["a note", "(TODO: more)", "- a plain bullet"]), max_size=2)),
        "sections": [
            {"name": name, "notes": [], "items": [item(0) for _ in range(draw(st.integers(0, 3)))]}
            for name in names
        ],
    }


@settings(max_examples=150, deadline=None)
@given(catalogues())
def test_any_plain_catalogue_round_trips(catalogue: dict[str, Any]) -> None:
    exported = to_markdown(catalogue)
    back = parse_checklist(exported)
    assert travelling(back) == travelling(catalogue)
    assert to_markdown(back) == exported


# --- other markdown dialects ---------------------------------------------------------------------------


def only_item(text: str) -> dict[str, Any]:
    (item,) = all_items(parse_checklist(text))
    return item


@pytest.mark.parametrize(
    ("line", "ticked"),
    [
        ("* [ ] Star bullet", False),
        ("+ [x] Plus bullet", True),
        ("- [X] Capital X", True),
        ("1. [ ] Numbered with a dot", False),
        ("12) [x] Numbered with a parenthesis", True),
    ],
)
def test_every_bullet_style_is_an_item(line: str, ticked: bool) -> None:
    item = only_item(f"## S\n{line}\n")
    assert item["status"] == ("done" if ticked else "todo")
    assert item["listed_as"] == line.split("] ", 1)[1]


def test_plain_bullets_and_paragraphs_are_notes_not_items() -> None:
    imported = parse_checklist("## S\n- a plain bullet\nSome paragraph.\n- [] not a checkbox\n")
    assert imported["sections"][0] == {
        "name": "S",
        "notes": ["- a plain bullet", "Some paragraph.", "- [] not a checkbox"],
        "items": [],
    }
    assert merge(EMPTY, imported).kept_notes == 3


def test_tabs_and_spaces_nest_items() -> None:
    text = (
        "## S\n- [ ] Parent\n\t- [ ] Tab child\n\t\t- [ ] Grandchild\n    - [ ] Four-space child\n"
        "- [ ] Next\n"
    )
    parent, following = parse_checklist(text)["sections"][0]["items"]
    assert [child["title"] for child in parent["children"]] == ["Tab child", "Four-space child"]
    assert parent["children"][0]["children"][0]["title"] == "Grandchild"
    assert following["title"] == "Next"


def test_numbered_lists_nest_too() -> None:
    text = "## S\n1. [ ] One\n   1. [x] One point one\n2. [ ] Two\n"
    one, two = parse_checklist(text)["sections"][0]["items"]
    assert one["children"][0]["status"] == "done"
    assert two["title"] == "Two"


def test_every_heading_level_is_a_section_named_by_its_path_and_repeats_merge() -> None:
    text = (
        "# First\n- [ ] a\n### Third level\n- [ ] b\n###### Sixth ######\n- [ ] c\n# first\n- [ ] d\n"
        "## Topic\n### 2015\n- [ ] e\n## Other\n### 2015\n- [ ] f\n"
    )
    catalogue = parse_checklist(text)
    # Two level-one headings: neither is the list's title.
    assert catalogue["title"] is None
    assert [(s["name"], [i["title"] for i in s["items"]]) for s in catalogue["sections"]] == [
        ("First", ["a", "d"]),
        ("First / Third level", ["b"]),
        ("First / Third level / Sixth", ["c"]),
        # Same-named headings under different parents stay apart; parents holding nothing make no section.
        ("first / Topic / 2015", ["e"]),
        ("first / Other / 2015", ["f"]),
    ]


def test_an_empty_leaf_heading_is_still_a_section() -> None:
    catalogue = parse_checklist("## Empty\n## Full\n- [ ] a\n## Last\n")
    assert [s["name"] for s in catalogue["sections"]] == ["Empty", "Full", "Last"]


def test_items_before_any_heading_go_to_a_default_section() -> None:
    catalogue = parse_checklist("intro line\n- [ ] Loose item\n## Later\n- [ ] b\n")
    assert catalogue["notes"] == ["intro line"]
    assert [section["name"] for section in catalogue["sections"]] == [DEFAULT_SECTION, "Later"]


def test_fenced_code_is_kept_as_notes() -> None:
    catalogue = parse_checklist("## S\n```\n- [ ] not an item\n# not a heading\n```\n- [ ] real\n")
    (section,) = catalogue["sections"]
    assert section["notes"] == ["```\n- [ ] not an item\n# not a heading\n```"]  # one note, verbatim
    assert [item["title"] for item in section["items"]] == ["real"]


@pytest.mark.parametrize(
    ("text", "title", "links"),
    [
        (
            '[A paper](https://example.org/p "The title") and more',
            "A paper and more",
            ["https://example.org/p"],
        ),
        ("[Paper](<https://example.org/a b>)", "Paper", ["https://example.org/a b"]),
        (
            "[Wiki](https://en.wikipedia.org/wiki/Adam_(optimizer))",
            "Wiki",
            ["https://en.wikipedia.org/wiki/Adam_(optimizer)"],
        ),
        ("Read (see https://example.org/a).", "Read (see ).", ["https://example.org/a"]),
        ("Two https://a.org/x <https://b.org/y>", "Two", ["https://a.org/x", "https://b.org/y"]),
        ("https://example.org/only", "https://example.org/only", ["https://example.org/only"]),
        ("[A](https://a.org) [B](https://a.org)", "A B", ["https://a.org"]),
    ],
)
def test_links_are_collected_in_order_and_urls_leave_the_title(
    text: str, title: str, links: list[str]
) -> None:
    item = only_item(f"## S\n- [ ] {text}\n")
    assert (item["title"], item["links"], item["listed_as"]) == (title, links, text)


@pytest.mark.parametrize(
    ("url", "arxiv_id"),
    [
        ("https://arxiv.org/abs/1706.03762", "1706.03762"),
        ("https://arxiv.org/abs/1706.03762v7", "1706.03762"),
        ("https://arxiv.org/pdf/1706.03762", "1706.03762"),
        ("https://arxiv.org/pdf/1706.03762v2.pdf", "1706.03762"),
        ("http://www.arxiv.org/pdf/2207.14255.pdf", "2207.14255"),
        ("https://export.arxiv.org/abs/0704.0001", "0704.0001"),
        ("https://arxiv.org/abs/hep-th/9711200v3", "hep-th/9711200"),
        ("https://arxiv.org/abs/math.GT/0309136", "math/0309136"),
        ("https://doi.org/10.48550/arXiv.2005.14165", "2005.14165"),
    ],
)
def test_arxiv_links_become_the_arxiv_id(url: str, arxiv_id: str) -> None:
    item = only_item(f"## S\n- [ ] Paper [pdf]({url})\n")
    assert item["arxiv"] == arxiv_id
    assert "links" not in item


def test_a_second_arxiv_paper_stays_a_link() -> None:
    item = only_item(
        "## S\n- [ ] Paper https://arxiv.org/abs/1111.1111 see https://arxiv.org/abs/2202.22222\n"
    )
    assert item["arxiv"] == "1111.1111"
    assert item["links"] == ["https://arxiv.org/abs/2202.22222"]


def test_an_impossible_arxiv_link_stays_a_link() -> None:
    item = only_item("## S\n- [ ] Paper https://arxiv.org/abs/9999.99999\n")
    assert "arxiv" not in item
    assert item["links"] == ["https://arxiv.org/abs/9999.99999"]


def test_not_arxiv_urls_are_only_links() -> None:
    item = only_item("## S\n- [ ] https://arxiv.org/list/cs.LG/recent\n")
    assert "arxiv" not in item


def test_key_comment_sets_the_key() -> None:
    item = only_item("## S\n- [ ] [Title](https://example.org) <!-- key: bert -->\n")
    assert item["key"] == "bert"
    assert item["listed_as"] == "[Title](https://example.org)"


def test_key_comment_is_ignored_when_invalid_or_taken() -> None:
    text = "## S\n- [ ] Alpha <!-- key: Not A Key -->\n- [ ] Beta <!-- key: used -->\n"
    alpha, beta = parse_checklist(text, taken_keys={"used"})["sections"][0]["items"]
    assert (alpha["key"], beta["key"]) == ("alpha", "beta")


def test_explicit_keys_win_over_generated_ones_earlier_in_the_list() -> None:
    text = "## S\n- [ ] BERT\n- [ ] Another paper <!-- key: bert -->\n- [ ] Third <!-- key: bert -->\n"
    keys = [item["key"] for item in parse_checklist(text)["sections"][0]["items"]]
    assert keys == ["bert-2", "bert", "third"]


def test_an_item_listed_twice_stays_twice() -> None:
    first, second = parse_checklist("## S\n- [ ] VAE\n- [ ] VAE\n")["sections"][0]["items"]
    assert (first["key"], second["key"]) == ("vae", "vae-2")


def test_a_grouping_item_is_marked_in_its_closing_comment() -> None:
    catalogue = {
        "title": None,
        "notes": [],
        "sections": [
            {
                "name": "Vision",
                "notes": [],
                "items": [
                    {
                        "key": "cnn",
                        "title": "CNN case study",
                        "status": "todo",
                        "group": True,
                        "children": [{"key": "vgg", "title": "VGG", "status": "done", "group": False}],
                    }
                ],
            }
        ],
    }
    assert to_markdown(catalogue) == (
        "## Vision\n\n- [ ] CNN case study <!-- key: cnn; group -->\n  - [x] VGG <!-- key: vgg -->\n"
    )
    (cnn,) = parse_checklist(to_markdown(catalogue))["sections"][0]["items"]
    assert (cnn["key"], cnn["group"], cnn["listed_as"]) == ("cnn", True, "CNN case study")
    assert "group" not in cnn["children"][0]


@pytest.mark.parametrize(
    ("text", "title", "key", "group"),
    [
        ("Papers <!-- group -->", "Papers", "papers", True),
        ("Papers <!--group;key:mine-->", "Papers", "mine", True),
        ("Papers <!-- key: a; key: b -->", "Papers <!-- key: a; key: b -->", "papers-key-key-b", False),
        ("Papers <!-- todo: later -->", "Papers <!-- todo: later -->", "papers-todo-later", False),
        ("Papers <!---->", "Papers <!---->", "papers", False),
        ("A <!-- key: x --> B", "A <!-- key: x --> B", "key-x-b", False),
    ],
)
def test_only_a_closing_comment_of_key_and_group_is_read(
    text: str, title: str, key: str, group: bool
) -> None:
    item = only_item(f"## S\n- [ ] {text}\n")
    assert (item["title"], item["key"], item.get("group", False)) == (title, key, group)


@pytest.mark.parametrize(
    ("line", "section"),
    [
        ("## Closed ##", "Closed"),
        ("## Hash# kept", "Hash# kept"),
        ("##   Spaced  out   #####   ", "Spaced out"),
        ("   ### Indented", "Indented"),
        ("## #", "#"),
        ("##", "Untitled"),
    ],
)
def test_heading_forms(line: str, section: str) -> None:
    catalogue = parse_checklist(f"{line}\n- [ ] a\n")
    assert [s["name"] for s in catalogue["sections"]] == [section]


@pytest.mark.parametrize("line", ["####### Seven", "#NoSpace", "    ## Four spaces is code"])
def test_not_headings(line: str) -> None:
    catalogue = parse_checklist(f"## S\n{line}\n- [ ] a\n")
    assert catalogue["sections"][0]["notes"] == [line.strip()]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sections:\n  - name: A\n    items: []\n", "is a papers catalogue (YAML)"),
        ("title: Mine\nsections: []  # none yet\n", "is a papers catalogue (YAML)"),
        ("just prose\n", "has no headings and no checklist items"),
        ("a\x00b\n## S\n", "is not text (it holds NUL bytes)"),
    ],
)
def test_what_is_not_a_checklist(text: str, message: str) -> None:
    with pytest.raises(ChecklistError, match=re.escape(f"mine.md {message}")):
        parse_checklist(text, label="mine.md")


def test_blank_text_and_a_heading_alone_are_checklists() -> None:
    check_checklist(" \n\t\n")
    assert parse_checklist("# Only a title\nand a note\n")["notes"] == ["and a note"]


def test_depth_is_counted_per_section() -> None:
    deep = "".join(f"{'  ' * depth}- [ ] d{depth}\n" for depth in range(MAX_DEPTH))
    parse_checklist(f"## A\n{deep}## B\n{deep}")
    with pytest.raises(ChecklistError, match=f"^the list:{MAX_DEPTH + 2}: an item is nested more than"):
        parse_checklist(f"## A\n{deep}{'  ' * MAX_DEPTH}- [ ] too deep\n")


def test_empty_input_is_an_empty_catalogue() -> None:
    imported = parse_checklist("")
    assert imported == EMPTY
    assert to_markdown(imported) == ""


# --- merge ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pass_taken_keys", [False, True])
def test_importing_the_same_list_twice_adds_nothing(seed_text: str, pass_taken_keys: bool) -> None:
    existing = parse_checklist(seed_text)
    taken = {item["key"] for item in all_items(existing)} if pass_taken_keys else frozenset()
    result = merge(existing, parse_checklist(seed_text, taken_keys=taken))
    assert (result.added, result.matched, result.kept_notes) == (0, 63, 0)
    assert result.new_sections == [] and result.additions == [] and result.to_tick == []
    assert result.title is None and result.catalogue_notes == [] and result.section_notes == {}


def test_merging_into_an_empty_catalogue_adds_everything(seed_text: str) -> None:
    imported = parse_checklist(seed_text)
    result = merge(EMPTY, imported)
    assert result.added == 63 and result.matched == 0
    assert result.new_sections == imported["sections"]
    assert result.title == imported["title"]
    assert result.kept_notes == 2


def test_a_ticked_item_is_never_unticked_and_ticks_are_added(seed_text: str) -> None:
    existing = parse_checklist(seed_text)
    unticked_everywhere = seed_text.replace("[x]", "[ ]")
    assert merge(existing, parse_checklist(unticked_everywhere)).to_tick == []

    ticked_everywhere = seed_text.replace("[ ]", "[x]")
    result = merge(existing, parse_checklist(ticked_everywhere))
    assert len(result.to_tick) == 63 - 4
    assert "transformer-attention-all-you" not in result.to_tick
    assert "bert" in result.to_tick


def existing_catalogue() -> dict[str, Any]:
    return {
        "title": "Mine",
        "notes": ["kept"],
        "sections": [
            {
                "name": "Language models",
                "notes": [],
                "items": [
                    {
                        "key": "transformer",
                        "title": "Attention Is All You Need",
                        "status": "done",
                        "arxiv": "1706.03762",
                        "children": [
                            {"key": "bert", "title": "BERT", "status": "todo", "arxiv": "1810.04805"}
                        ],
                    },
                    {
                        "key": "blog",
                        "title": "A blog post",
                        "status": "todo",
                        "url": "https://example.org/post",
                    },
                ],
            }
        ],
    }


def test_matches_by_arxiv_link_key_and_title() -> None:
    imported = parse_checklist(
        "# Theirs\nkept\nnew note\n"
        "## language models\n"
        "- [ ] Transformer https://arxiv.org/pdf/1706.03762v5\n"
        "  - [x] Bidirectional encoders <!-- key: bert -->\n"
        "  - [ ] GPT-2\n"
        "- [ ] The post https://example.org/post\n"
        "- [ ] a blog POST\n"
        "## Vision\n- [ ] ViT\n  - [ ] BERT\n",
        taken_keys={"transformer"},
    )
    result = merge(existing_catalogue(), imported)
    # Matched: the Transformer by its arXiv link (GPT-2 goes under it), BERT by its key (ticked),
    # the blog post by its URL.
    assert result.to_tick == ["bert"]
    # "a blog POST" would match by title, but the blog item is already taken: listed twice, added twice.
    assert result.additions == [
        Addition(
            "Language models",
            "transformer",
            {"key": "gpt-2", "title": "GPT-2", "status": "todo", "listed_as": "GPT-2"},
        ),
        Addition(
            "Language models",
            None,
            {"key": "blog-post", "title": "a blog POST", "status": "todo", "listed_as": "a blog POST"},
        ),
    ]
    # BERT under ViT is new: the existing BERT was already matched by the key above.
    assert result.new_sections == [
        {
            "name": "Vision",
            "notes": [],
            "items": [
                {
                    "key": "vit",
                    "title": "ViT",
                    "status": "todo",
                    "listed_as": "ViT",
                    "children": [{"key": "bert-2", "title": "BERT", "status": "todo", "listed_as": "BERT"}],
                }
            ],
        }
    ]
    assert (result.added, result.matched) == (4, 3)
    assert result.title is None
    assert result.catalogue_notes == ["new note"]
    assert result.kept_notes == 1


def test_different_arxiv_ids_never_match() -> None:
    imported = parse_checklist("## Language models\n- [ ] BERT https://arxiv.org/abs/2005.14165\n")
    result = merge(existing_catalogue(), imported)
    assert result.matched == 0
    (addition,) = result.additions
    assert addition.item["key"] == "bert-2"


def test_new_children_of_a_matched_item_go_under_it_in_its_own_section() -> None:
    text = "## Elsewhere\n- [ ] https://arxiv.org/abs/1810.04805\n  - [ ] RoBERTa\n"
    imported = parse_checklist(text)
    result = merge(existing_catalogue(), imported)
    assert result.new_sections == [{"name": "Elsewhere", "notes": [], "items": []}]
    assert [(a.section, a.parent_key, a.item["title"]) for a in result.additions] == [
        ("Language models", "bert", "RoBERTa")
    ]


def test_merge_changes_neither_input(seed_text: str) -> None:
    existing = existing_catalogue()
    imported = parse_checklist(seed_text)
    before = (repr(existing), repr(imported))
    merge(existing, imported)
    assert (repr(existing), repr(imported)) == before


def test_repeated_note_lines_are_kept_and_lines_already_there_are_not() -> None:
    text = (
        "## Language models\n```\ncode\n```\n(TODO: add more)\n(TODO: add more)\n```\ncode\n```\n"
        "- [ ] https://arxiv.org/abs/1706.03762\n"
    )
    result = merge(existing_catalogue(), parse_checklist(text))
    notes = ["```\ncode\n```", "(TODO: add more)", "(TODO: add more)", "```\ncode\n```"]
    assert result.section_notes == {"Language models": notes}
    assert (result.kept_notes, result.added, result.matched) == (8, 0, 1)  # lines: a block is 3

    has_them = existing_catalogue()
    has_them["sections"][0]["notes"] = notes
    assert merge(has_them, parse_checklist(text)).section_notes == {}
    has_them["sections"][0]["notes"] = ["```\ncode\n```", "(TODO: add more)"]
    again = merge(has_them, parse_checklist(text))
    assert again.section_notes == {"Language models": ["(TODO: add more)", "```\ncode\n```"]}


def test_a_new_section_keeps_every_note_line() -> None:
    result = merge(existing_catalogue(), parse_checklist("## Fresh\n```\nx\n```\n- [ ] One\n"))
    assert [section["notes"] for section in result.new_sections] == [["```\nx\n```"]]


def test_a_section_named_twice_in_hand_made_input_is_created_once() -> None:
    section = {"name": "New", "notes": [], "items": [{"key": "a", "title": "A", "status": "todo"}]}
    twice = {"title": None, "notes": [], "sections": [section, {**section, "name": "NEW"}]}
    result = merge(existing_catalogue(), twice)
    assert [s["name"] for s in result.new_sections] == ["New"]
    assert [item["key"] for item in result.new_sections[0]["items"]] == ["a", "a-2"]
