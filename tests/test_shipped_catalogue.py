"""The shipped `papers.yaml` is a faithful copy of the reader's seed list, and stays a valid one.

The seed is the reader's original markdown list. A copy lives in `tests/fixtures/seed/` so CI never
depends on anything outside the repository; when the shared original is reachable (walking up from the
repository root), the copy must still match it.

Two catalogues are checked. The frozen copy (`tests/fixtures/catalogue/`, conftest's SHIPPED) is the
list as shipped: these tests pin it down exactly (ticks, notes, order, links). The live `papers.yaml`
is the reader's own: they tick, start and add papers in it, so the `test_live_*` tests check only what
stays true whatever they do (it parses, the seed's sections and lines are all there, keys are unique,
ids are well formed, statuses are valid).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml

from conftest import (
    LIVE,
    REPO,
    SEED,
    SEED_KEPT_NOTES,
    SEED_LINES,
    SEED_SECTIONS,
    SEED_TICKED,
    SEED_TITLE,
    SHIPPED,
)
from papers import load_catalogue
from papers.model.arxiv_ids import parse_arxiv_id
from papers.model.keys import is_valid_key

CHECK_LINE = re.compile(r"^(?P<indent> *)- \[(?P<tick>[ xX])\] (?P<text>.*?)\s*$")
URL = re.compile(r"https?://[^\s)\]]+|(?<=\]\()\.{1,2}/[^\s)]+")
ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}")


@dataclass
class SeedLine:
    section: str
    text: str
    ticked: bool
    parent: str | None
    children: list[str] = field(default_factory=list)


@dataclass
class Seed:
    title: str
    notes: list[str]
    sections: list[str]
    section_notes: dict[str, list[str]]
    lines: list[SeedLine]


def parse_seed(text: str) -> Seed:
    title = ""
    notes: list[str] = []
    sections: list[str] = []
    section_notes: dict[str, list[str]] = {}
    lines: list[SeedLine] = []
    stack: list[tuple[int, SeedLine]] = []
    for raw in text.splitlines():
        if raw.startswith("## "):
            sections.append(raw[3:].rstrip())
            section_notes[sections[-1]] = []
            stack = []
        elif raw.startswith("# "):
            title = raw[2:].rstrip()
        elif m := CHECK_LINE.match(raw):
            depth = len(m["indent"])
            while stack and stack[-1][0] >= depth:
                stack.pop()
            parent = stack[-1][1] if stack else None
            line = SeedLine(sections[-1], m["text"], m["tick"] != " ", parent.text if parent else None)
            if parent:
                parent.children.append(line.text)
            lines.append(line)
            stack.append((depth, line))
        elif raw.strip():
            (section_notes[sections[-1]] if sections else notes).append(raw.rstrip())
    return Seed(title, notes, sections, section_notes, lines)


def walk(items: list[dict[str, Any]], parent: dict[str, Any] | None = None):
    """Yield (item, parent) depth first, in file order."""
    for item in items:
        yield item, parent
        yield from walk(item.get("children") or [], item)


@pytest.fixture(scope="module")
def seed() -> Seed:
    return parse_seed(SEED.read_text(encoding="utf-8"))


Flat = list[tuple[str, dict[str, Any], dict[str, Any] | None]]


def flatten(catalogue: dict[str, Any]) -> Flat:
    """(section name, item, parent item) for every item, depth first."""
    return [
        (section["name"], item, parent)
        for section in catalogue["sections"]
        for item, parent in walk(section.get("items") or [])
    ]


@pytest.fixture(scope="module")
def raw() -> str:
    return SHIPPED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def catalogue(raw: str) -> dict[str, Any]:
    return yaml.safe_load(raw)


@pytest.fixture(scope="module")
def all_items(catalogue: dict[str, Any]) -> Flat:
    return flatten(catalogue)


@pytest.fixture(scope="module")
def live_raw() -> str:
    return LIVE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def live(live_raw: str) -> dict[str, Any]:
    return yaml.safe_load(live_raw)


def nearest_listed_ancestor(item_parent: dict[str, Any] | None, parents: dict[int, Any]) -> str | None:
    while item_parent is not None and "listed_as" not in item_parent:
        item_parent = parents.get(id(item_parent))
    return item_parent["listed_as"] if item_parent is not None else None


# sha256 of ../shared/seed/reading-list.md, the reader's original, when it was copied into fixtures.
SEED_SHA256 = "f4fe8021a33035c2954864a6f1a09e4ebf8478f2292738a80a1eabfaf2645bc1"


def test_the_seed_fixture_is_the_readers_original():
    """The fixture is byte for byte the original: by its recorded digest in any checkout, and
    compared with the original itself where the shared folder is beside the checkout."""
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256
    for directory in [REPO, *REPO.parents]:
        shared = directory / "shared" / "seed" / "reading-list.md"
        if shared.is_file():
            assert shared.read_bytes() == SEED.read_bytes()
            break


def test_the_example_list_is_the_seed():
    """examples/reading-list.md is what the README imports: the same list papers.yaml was made from."""
    assert (REPO / "examples" / "reading-list.md").read_bytes() == SEED.read_bytes()


@pytest.mark.parametrize("which", ["frozen", "live"])
def test_no_duplicate_mapping_keys(which: str, raw: str, live_raw: str):
    """safe_load silently keeps the last of two equal keys; look at the composed node tree instead."""
    pending = [yaml.compose(raw if which == "frozen" else live_raw, Loader=yaml.SafeLoader)]
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            keys = [k.value for k, _ in node.value]
            assert len(keys) == len(set(keys)), f"duplicate key near line {node.start_mark.line + 1}"
            pending.extend(v for _, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)


def test_this_reading_of_the_seed_agrees_with_the_facts(seed: Seed):
    """The independent parser below is checked against the facts conftest states once."""
    assert (seed.title, seed.sections, len(seed.lines)) == (SEED_TITLE, SEED_SECTIONS, SEED_LINES)
    assert [line.text for line in seed.lines if line.ticked] == SEED_TICKED
    assert len(seed.notes) + sum(len(notes) for notes in seed.section_notes.values()) == SEED_KEPT_NOTES


def test_title_and_free_text_notes(seed: Seed, catalogue: dict[str, Any]):
    assert catalogue["title"] == seed.title
    assert catalogue["notes"] == seed.notes
    by_name = {s["name"]: s for s in catalogue["sections"]}
    for name, notes in seed.section_notes.items():
        assert by_name[name].get("notes", []) == notes


def test_sections_are_the_seed_headings_in_order(seed: Seed, catalogue: dict[str, Any]):
    assert [s["name"] for s in catalogue["sections"]] == seed.sections


def test_every_seed_line_is_an_item_in_place(seed: Seed, catalogue: dict[str, Any], all_items):
    parents = {id(item): parent for _, item, parent in all_items}
    listed = [
        (section, item["listed_as"], nearest_listed_ancestor(parent, parents))
        for section, item, parent in all_items
        if "listed_as" in item
    ]
    assert listed == [(line.section, line.text, line.parent) for line in seed.lines]


def test_ticks_follow_the_seed(seed: Seed, all_items):
    ticked = {line.text for line in seed.lines if line.ticked}
    assert sorted(ticked) == sorted(SEED_TICKED)
    for _, item, _ in all_items:
        assert item["status"] in {"todo", "reading", "done"}
        assert "done_on" not in item
        if "listed_as" in item:
            assert (item["status"] == "done") == (item["listed_as"] in ticked), item["key"]
    bundle = next(item for _, item, _ in all_items if item.get("listed_as", "").startswith("SGD - AdamW"))
    assert bundle["group"] is True
    assert [c["status"] for c in bundle["children"]] == ["done"] * 3


def test_every_item_writes_status_explicitly(raw: str, all_items):
    assert len(re.findall(r"^ *status: ", raw, flags=re.M)) == len(all_items)


def test_keys_are_unique_valid_slugs(all_items):
    keys = [item["key"] for _, item, _ in all_items]
    assert len(keys) == len(set(keys))
    assert all(is_valid_key(k) for k in keys), [k for k in keys if not is_valid_key(k)]


def test_arxiv_ids_are_quoted_versionless_strings(raw: str, all_items):
    for _, item, _ in all_items:
        if "arxiv" in item:
            assert isinstance(item["arxiv"], str) and ARXIV_ID.fullmatch(item["arxiv"]), item["key"]
    for line in re.findall(r"^ *arxiv: .*$", raw, flags=re.M):
        assert re.fullmatch(r' *arxiv: "\d{4}\.\d{4,5}"', line), line


def test_grouping_items_have_children(all_items):
    for _, item, _ in all_items:
        if item.get("group"):
            assert item.get("children"), item["key"]


@pytest.mark.parametrize(
    ("title", "arxiv"),
    [
        ("Attention Is All You Need", "1706.03762"),
        ("FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness", "2205.14135"),
        ("Language Models are Few-Shot Learners", "2005.14165"),
    ],
)
def test_spot_check_ids(all_items, title: str, arxiv: str):
    assert [item.get("arxiv") for _, item, _ in all_items if item["title"] == title] == [arxiv]


def test_both_infini_attention_entries(all_items):
    infini = [item for _, item, _ in all_items if "Infini-attention" in item["title"]]
    assert len(infini) == 2
    assert all(item["arxiv"] == "2404.07143" for item in infini)
    assert len({item["key"] for item in infini}) == 2


def test_every_seed_url_is_kept(seed: Seed, all_items):
    kept = set()
    for _, item, _ in all_items:
        kept.update([item["url"]] if "url" in item else [])
        kept.update(item.get("links") or [])
    seed_urls = {url for line in seed.lines for url in URL.findall(line.text)}
    assert "./mnist_generalization.ipynb" in seed_urls
    assert seed_urls - kept == set()


def test_the_frozen_copy_was_the_shipped_file():
    """The frozen copy is the catalogue as committed in 69ccfee; the reader's ticks never reach it."""
    catalogue = load_catalogue(SHIPPED)
    assert (len(catalogue.items), sum(item.status == "done" for item in catalogue.items)) == (77, 7)
    assert {item.status for item in catalogue.items} == {"todo", "done"}


# --- the live papers.yaml: only what stays true whatever the reader does with it -------------------------


def test_live_parses_with_papers_own_reader():
    """Strict: papers' loader refuses duplicate keys, unknown statuses, bad dates, tags and flow style."""
    catalogue = load_catalogue(LIVE)
    assert catalogue.items


def test_live_keeps_every_seed_section(seed: Seed, live: dict[str, Any]):
    names = [section["name"] for section in live["sections"]]
    assert [name for name in names if name in seed.sections] == seed.sections


def test_live_keeps_every_seed_line(seed: Seed, live: dict[str, Any]):
    """Each seed line is still an item, found by its original wording (listed_as) or, failing that, its title."""
    wording = {item.get("listed_as", item["title"]) for _, item, _ in flatten(live)}
    wording |= {item["title"] for _, item, _ in flatten(live)}
    assert [line.text for line in seed.lines if line.text not in wording] == []


def test_live_keys_are_unique_valid_slugs(live: dict[str, Any]):
    keys = [item["key"] for _, item, _ in flatten(live)]
    assert [k for k in keys if not is_valid_key(k)] == []
    assert sorted({k for k in keys if keys.count(k) > 1}) == []


def test_live_ids_are_well_formed(live: dict[str, Any]):
    """Any id papers accepts (old-style ones too), stored as papers stores it: a versionless string."""
    for _, item, _ in flatten(live):
        if "arxiv" in item:
            assert isinstance(item["arxiv"], str), item["key"]
            assert str(parse_arxiv_id(item["arxiv"])) == item["arxiv"], item["key"]


def test_live_statuses_are_valid(live: dict[str, Any]):
    assert {item.get("status", "todo") for _, item, _ in flatten(live)} <= {"todo", "reading", "done"}
