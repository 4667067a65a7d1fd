"""The markdown export's fast paths against the code they skip, byte for byte: the export written from
the items against ``to_markdown`` of the catalogue's tree, and each shortcut against its regex."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papers.formats.citation import _BARE_ARXIV_ID, _DATED_LABEL, _VENUES, LABELS, is_label
from papers.formats.markdown import export, is_own_arxiv_link, to_markdown
from papers.formats.markdown_line import _LONE_LINK, _is_title_text, _safe_link_text
from papers.formats.shapes import ItemDict, one_line
from papers.formats.types import ExportSource
from papers.model.arxiv_ids import arxiv_id_from_link
from papers.model.catalogue import Catalogue, to_tree
from papers.store.load import load_catalogue
from strategies import ARXIV_IDS, LINKS, TEXT, catalogues, selections

FIXTURE = Path(__file__).parent / "fixtures" / "catalogue" / "papers.yaml"


def tree_export(catalogue: Catalogue, keep: set[str] | None) -> str:
    """The export as it was written before: the tree's dicts, own arXiv links dropped, to_markdown."""

    def drop_own_arxiv_links(items: list[ItemDict]) -> None:
        for item in items:
            if item["arxiv"]:
                own = [
                    link
                    for link in item["links"]
                    if (found := arxiv_id_from_link(link)) and found.id == item["arxiv"]
                ]
                item["links"] = [link for link in item["links"] if link not in own]
            drop_own_arxiv_links(item["children"])

    tree = to_tree(catalogue, keep)
    for section in tree["sections"]:
        drop_own_arxiv_links(section["items"])
    return to_markdown(tree)


def exported(catalogue: Catalogue, keep: set[str] | None) -> str:
    selected = None if keep is None else [item for item in catalogue.items if item.key in keep]
    return export(ExportSource(catalogue, selected)).text


# Drawing a catalogue is slow on a busy machine; no timing is asserted.
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogues(), st.data())
def test_the_export_is_to_markdown_of_the_tree(catalogue: Catalogue, data: st.DataObject) -> None:
    keep = data.draw(selections(catalogue))
    assert exported(catalogue, keep) == tree_export(catalogue, keep)


def test_the_fixture_catalogue_exports_as_its_tree_does() -> None:
    catalogue = load_catalogue(FIXTURE)
    todo = {item.key for item in catalogue.items if item.status == "todo"}
    assert todo and len(todo) < len(catalogue.items)
    for keep in (None, todo):
        assert exported(catalogue, keep) == tree_export(catalogue, keep)


@given(LINKS | st.text(alphabet="arxivARXIV:/.0123456789 hts", max_size=40), st.sampled_from(ARXIV_IDS))
def test_an_own_arxiv_link_is_one_arxiv_id_from_link_reads_as_the_id(link: str, arxiv: str) -> None:
    found = arxiv_id_from_link(link)
    assert is_own_arxiv_link(link, arxiv) == (found is not None and found.id == arxiv)


@given(TEXT | st.text(alphabet="[]\\()ab `*_", max_size=12))
def test_a_title_is_safe_link_text_when_the_link_pattern_reads_it_back_whole(title: str) -> None:
    match = _LONE_LINK.fullmatch(f"[{title}](x)")
    reads_back = match is not None and match.group("text") == title
    assert _safe_link_text(title) == (bool(title) and _is_title_text(title) and reads_back)


_LABEL_WORDS = st.sampled_from(sorted(LABELS | _VENUES))
_LABELISH = st.tuples(
    _LABEL_WORDS | st.text(max_size=4),
    st.sampled_from(["", " ", ", ", " ,", "  ", ".", " x", "\t", " 17.07", ", 2017", " 1706.03762", " a b"]),
    st.sampled_from(["", "17.07", "2017", "x", "٣"]),
).map("".join)


@given(_LABELISH | st.sampled_from(["[2203.17275v1]", "**PyTorch**", "[ICML, 17.07]"]) | TEXT)
def test_is_label_answers_as_its_patterns_do(text: str) -> None:
    label = one_line(text.strip(" []*_`")).casefold()
    dated = _DATED_LABEL.fullmatch(label)
    patterns = (
        label in LABELS
        or _BARE_ARXIV_ID.fullmatch(label) is not None
        or (dated is not None and (dated.group(1) in LABELS or dated.group(1) in _VENUES))
    )
    assert is_label(text) == patterns
