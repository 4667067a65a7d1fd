from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SHIPPED
from papers.formats.bibtex import cite_keys, escape_latex, export, to_bibtex
from papers.formats.types import Exported, ExportSource, Record
from papers.model.catalogue import Item
from papers.sources.arxiv.atom import PaperMeta, parse_feed
from papers.store.load import load_catalogue

FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"


def paper(arxiv_id: str, title: str, authors: tuple[str, ...], published: str, **extra: object) -> PaperMeta:
    fields: dict[str, object] = {
        "arxiv_id": arxiv_id,
        "version": 1,
        "title": title,
        "authors": authors,
        "abstract": "",
        "published": published,
        "updated": published,
        "primary_category": "cs.CL",
        "categories": ("cs.CL",),
        "doi": None,
        "journal_ref": None,
        "comment": None,
        "pdf_url": f"https://arxiv.org/pdf/{arxiv_id}v1",
        "abs_url": f"https://arxiv.org/abs/{arxiv_id}v1",
    } | extra
    return PaperMeta(**fields)  # type: ignore[arg-type]


ATTENTION = paper(
    "1706.03762", "Attention Is All You Need", ("Ashish Vaswani", "Noam Shazeer"), "2017-06-12T17:57:34Z"
)
GPT3 = paper(
    "2005.14165",
    "Language Models are Few-Shot Learners",
    ("Tom B. Brown", "Dario Amodei"),
    "2020-05-28T17:29:03Z",
)
NASTY = paper(
    "2101.00001",
    r"100% of {R&D} costs $x_1$ #1 ~ a^b \o/",
    ("Dirk Wübben", "Jane_Doe"),
    "2021-01-01T00:00:00Z",
    doi="10.1000/a_b%c",
)


def all_recorded() -> list[PaperMeta]:
    entries: list[PaperMeta] = []
    for path in sorted(FIXTURES.glob("*.xml")):
        if "id_abc_" not in path.name:
            entries.extend(parse_feed(path.read_bytes()).entries)
    return entries


def test_arxiv_preprint_convention() -> None:
    assert to_bibtex([ATTENTION]) == (
        "@misc{vaswani2017attention,\n"
        "  title = {{Attention Is All You Need}},\n"
        "  author = {Ashish Vaswani and Noam Shazeer},\n"
        "  year = {2017},\n"
        "  eprint = {1706.03762},\n"
        "  archivePrefix = {arXiv},\n"
        "  primaryClass = {cs.CL},\n"
        "  url = {https://arxiv.org/abs/1706.03762},\n"
        "}\n"
    )


def test_year_is_v1s_and_doi_is_bare() -> None:
    (doc,) = parse_feed(
        (FIXTURES / "autobib_rsxiv_newapi-2025-11_src_response_tests_query_doc.xml").read_bytes()
    ).entries
    text = to_bibtex([doc])
    assert text.startswith("@misc{rutar2022attainable,\n")
    assert "  year = {2022},\n" in text  # v3 is from 2025
    assert "  doi = {10.1512/iumj.2024.73.9928},\n" in text
    assert "  eprint = {2206.06921},\n" in text and "v3" not in text


def test_cite_keys() -> None:
    assert cite_keys([ATTENTION, GPT3]) == ["vaswani2017attention", "brown2020language"]
    assert cite_keys([NASTY]) == ["wubben2021100"]


def test_clashing_keys_get_letter_suffixes_deterministically() -> None:
    again = dataclasses.replace(ATTENTION, arxiv_id="1706.99999")
    assert cite_keys([ATTENTION, again, again]) == [
        "vaswani2017attention",
        "vaswani2017attentiona",
        "vaswani2017attentionb",
    ]
    # A suffixed key never takes the bare key of another entry.
    other = dataclasses.replace(ATTENTION, authors=("Ashish Vaswani",), title="Attentiona")
    assert cite_keys([ATTENTION, ATTENTION, other]) == [
        "vaswani2017attention",
        "vaswani2017attentionb",
        "vaswani2017attentiona",
    ]


def test_latex_specials_are_escaped_and_utf8_kept() -> None:
    assert escape_latex("& % $ # _ { } ~ ^ \\") == (
        r"\& \% \$ \# \_ \{ \} \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )
    text = to_bibtex([NASTY])
    assert (
        r"title = {{100\% of \{R\&D\} costs \$x\_1\$ \#1 "
        r"\textasciitilde{} a\textasciicircum{}b \textbackslash{}o/}}," in text
    )
    assert "author = {Dirk Wübben and Jane\\_Doe}," in text
    assert "doi = {10.1000/a_b%c}," in text


def test_loads_in_bibtexparser_without_failed_blocks() -> None:
    entries = [ATTENTION, GPT3, NASTY, *all_recorded()]
    library = bibtexparser.parse_string(to_bibtex(entries))
    assert library.failed_blocks == []
    assert len(library.entries) == len(entries)
    assert len({e.key for e in library.entries}) == len(entries)
    first = library.entries[0]
    assert first.entry_type == "misc"
    assert first.fields_dict["eprint"].value == "1706.03762"
    assert first.fields_dict["archivePrefix"].value == "arXiv"
    wubben = next(e for e in library.entries if e.key.startswith("wubben"))
    assert wubben.fields_dict["author"].value == "Dirk Wübben and Jane\\_Doe"


def test_loads_in_bibtex_itself(tmp_path: Path) -> None:
    if shutil.which("bibtex") is None:
        # .ci/run installs BibTeX, so in CI a missing binary is a failure, never a silent skip.
        if os.environ.get("CI"):
            pytest.fail("CI must have the bibtex binary: .ci/run installs it")
        pytest.skip("the bibtex binary is not installed (apt-get install texlive-binaries texlive-base)")
    entries = [ATTENTION, GPT3, NASTY, *all_recorded()]
    (tmp_path / "refs.bib").write_text(to_bibtex(entries), encoding="utf-8")
    (tmp_path / "doc.aux").write_text("\\citation{*}\n\\bibdata{refs}\n\\bibstyle{plain}\n")
    run = subprocess.run(["bibtex", "doc"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "error message" not in run.stdout


def test_export_names_each_paper_once_and_the_unfetched_ones() -> None:
    catalogue = load_catalogue(SHIPPED)
    fetched = {"1706.03762": ATTENTION, "2404.07143": GPT3}  # a record per id, whatever its content

    def record(item: Item) -> Record | None:
        return Record(item.arxiv, fetched.get(item.arxiv)) if item.arxiv else None

    exported = export(ExportSource(catalogue, None, record))
    assert exported.text == to_bibtex([ATTENTION, GPT3])  # 2404.07143 is listed twice, exported once
    with_id = [item.key for item in catalogue.items if item.arxiv and item.arxiv not in fetched]
    assert list(exported.unfetched) == with_id and len(with_id) > 10
    # No record lookup at all: nothing to cite, and nothing left out for want of a fetch.
    assert export(ExportSource(catalogue)) == Exported("", ())


def _cite_keys_by_definition(bases: list[str]) -> list[str]:
    """The rule as first written: each entry tries its bare base, then a, b, ... from the start."""
    from papers.formats.bibtex import _letters

    keys: list[str] = []
    for base in bases:
        key, suffix = base, 0
        while key in keys or (key != base and key in bases):
            key, suffix = base + _letters(suffix), suffix + 1
        keys.append(key)
    return keys


@given(st.lists(st.sampled_from(["x2020a", "x2020", "x2020aa", "x2020b", "y2021z", "x2020ab"]), max_size=40))
def test_cite_keys_resuming_the_suffix_search_gives_the_keys_of_the_rule(bases: list[str]) -> None:
    from papers.formats import bibtex

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bibtex, "cite_key_base", lambda base: base)
        assert cite_keys(bases) == _cite_keys_by_definition(bases)  # type: ignore[arg-type]
