"""parse_feed on every recorded arXiv response (both API generations) and on hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from papers.errors import ArxivRejectedError, FetchError
from papers.model.arxiv_ids import parse_arxiv_id
from papers.sources.arxiv.atom import Feed, PaperMeta, normalise_abstract, parse_feed

FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"
ALL_RECORDED = sorted(FIXTURES.glob("*.xml"))
ERROR_FEED = "lukasschwab_arxiv.py_tests_fixtures_id_abc_s0_m100_b79c8dcf6bc3.xml"


def recorded(fragment: str) -> bytes:
    (path,) = [p for p in ALL_RECORDED if fragment in p.name]
    return path.read_bytes()


def only_entry(fragment: str) -> PaperMeta:
    (entry,) = parse_feed(recorded(fragment)).entries
    return entry


def test_every_recorded_file_is_listed_in_sources() -> None:
    sources = (FIXTURES / "SOURCES.txt").read_text()
    assert len(ALL_RECORDED) == 18
    for path in ALL_RECORDED:
        assert path.name in sources


@pytest.mark.parametrize("path", [p for p in ALL_RECORDED if p.name != ERROR_FEED], ids=lambda p: p.name[:70])
def test_every_recorded_response_parses_into_sane_entries(path: Path) -> None:
    for entry in parse_feed(path.read_bytes()).entries:
        assert parse_arxiv_id(entry.arxiv_id).id == entry.arxiv_id
        assert entry.version is not None and entry.version >= 1
        assert entry.title and entry.title == " ".join(entry.title.split())
        assert entry.authors and all(a == " ".join(a.split()) for a in entry.authors)
        assert entry.abstract and entry.abstract == entry.abstract.strip()
        assert "  " not in entry.abstract and "\n\n\n" not in entry.abstract
        assert entry.published.endswith("Z") and entry.updated.endswith("Z")
        assert entry.primary_category in entry.categories
        versioned = f"{entry.arxiv_id}v{entry.version}"
        assert entry.pdf_url == f"https://arxiv.org/pdf/{versioned}"
        assert entry.abs_url == f"https://arxiv.org/abs/{versioned}"


@pytest.mark.parametrize(
    ("fragment", "ids"),
    [
        ("id_0000.0000_", []),
        ("id_0808.05394_s0", []),
        ("id_0808.05394_1707.08567", ["1707.08567"]),
        ("id_1605.08386", ["1605.08386"]),
        ("id_2104.12255v1", ["2104.12255"]),
        ("id_astro-ph_0601001", ["astro-ph/0601001"]),
        ("id_quant-ph_0201082v1", ["quant-ph/0201082"]),
        ("q_testing", None),
        ("newapi-2025-11_src_response_tests_query_empty", []),
        ("newapi-2025-11_src_response_tests_query_missing_id", ["2201.13452"]),
        ("newapi-2025-11_src_response_tests_query_doc", ["2206.06921"]),
        ("newapi-2025-11_src_response_tests_query.xml", None),
        # The old API sent empty shells for ids it did not have.
        ("oldapi-2025-08_src_response_tests_query_empty", []),
        ("oldapi-2025-08_src_response_tests_query_missing_id", ["2201.13452"]),
        ("oldapi-2025-08_src_response_tests_query_doc", ["2206.06921"]),
        ("oldapi-2025-08_src_response_tests_query.xml", None),
    ],
)
def test_entries(fragment: str, ids: list[str] | None) -> None:
    feed = parse_feed(recorded(fragment))
    assert feed.rejected == {}
    if ids is None:
        assert len(feed.entries) == 10
    else:
        assert [e.arxiv_id for e in feed.entries] == ids


def test_error_entry_carries_arxivs_message() -> None:
    with pytest.raises(ArxivRejectedError) as info:
        parse_feed(recorded("id_abc_"))
    assert info.value.arxiv_message == "incorrect id format for abc"
    assert str(info.value) == "arXiv refused the request: incorrect id format for abc"
    assert info.value.exit_code == 1


def test_old_api_error_entry_is_detected_by_its_id() -> None:
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><entry>
  <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345</id><title>Error</title>
  <summary>incorrect id format for 1234.12345</summary><author><name>arXiv api core</name></author>
</entry></feed>"""
    with pytest.raises(ArxivRejectedError, match=r"incorrect id format for 1234\.12345"):
        parse_feed(body)


def test_title_zero_is_kept() -> None:
    assert only_entry("id_2104.12255v1").title == "0"


def test_utf8_author_names() -> None:
    entry = only_entry("id_1707.08567_s0")
    assert len(entry.authors) == 34
    assert "Dirk Wübben" in entry.authors


def test_old_api_wrapped_title_and_hard_wrapped_abstract() -> None:
    feed = parse_feed(recorded("oldapi-2025-08_src_response_tests_query.xml"))
    by_id = {e.arxiv_id: e for e in feed.entries}
    assert by_id["hep-ph/9411242"].title == (
        "Proton-ring and Electron-linac Collider (PRELC) as a (first) "
        "TeV-rangeelectron-proton or photon-proton collider"
    )
    abstract = by_id["astro-ph/9904306"].abstract
    assert abstract.startswith(
        "It is assumed that, in the primordial plasma, at the temperatures above the mass"
    )
    assert "\n" not in abstract


def test_both_generations_agree_on_the_same_paper() -> None:
    old = only_entry("oldapi-2025-08_src_response_tests_query_doc")
    new = only_entry("newapi-2025-11_src_response_tests_query_doc")
    for field in (
        "arxiv_id",
        "version",
        "title",
        "authors",
        "published",
        "primary_category",
        "doi",
        "journal_ref",
        "comment",
        "pdf_url",
        "abs_url",
    ):
        assert getattr(old, field) == getattr(new, field), field
    assert new.doi == "10.1512/iumj.2024.73.9928"
    assert new.journal_ref == "Indiana Univ. Math. J. 73 (2024), 1331-1356"
    assert new.categories == ("math.CA", "math.DS", "math.MG")
    # The old API also listed MSC classes as categories; they are kept as sent.
    assert set(new.categories) < set(old.categories)


def test_november_2025_bare_links_still_give_the_pdf_url() -> None:
    body = recorded("newapi-2025-11_src_response_tests_query_doc")
    assert b'<link href="https://arxiv.org/pdf/2206.06921v3"/>' in body
    assert only_entry("newapi-2025-11_src_response_tests_query_doc").pdf_url == (
        "https://arxiv.org/pdf/2206.06921v3"
    )


def entry_xml(links: str) -> bytes:
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
<entry><id>http://arxiv.org/abs/2005.14165v4</id><title>Language Models are Few-Shot Learners</title>
<updated>2020-07-22T19:47:17Z</updated><published>2020-05-28T13:29:03-04:00</published>
<summary>  x</summary><author><name>Tom B. Brown</name></author>
<category term="cs.CL"/>{links}</entry></feed>""".encode()


@pytest.mark.parametrize(
    ("links", "pdf_url"),
    [
        ('<link href="https://mirror.example/x" type="application/pdf"/>', "https://mirror.example/x"),
        ('<link href="https://mirror.example/y" title="pdf"/>', "https://mirror.example/y"),
        (
            '<link href="http://arxiv.org/pdf/2005.14165v4" rel="related"/>',
            "https://arxiv.org/pdf/2005.14165v4",
        ),
        ('<link href="https://arxiv.org/abs/2005.14165v4"/>', "https://arxiv.org/pdf/2005.14165v4"),
        ("", "https://arxiv.org/pdf/2005.14165v4"),
    ],
)
def test_pdf_link_by_title_type_or_path_else_built(links: str, pdf_url: str) -> None:
    (entry,) = parse_feed(entry_xml(links)).entries
    assert entry.pdf_url == pdf_url
    # No <arxiv:primary_category>: the first category stands in.
    assert entry.primary_category == "cs.CL"
    assert entry.published == "2020-05-28T17:29:03Z"
    assert entry.year == 2020


def test_abstract_normalisation() -> None:
    old = "  First line wrapped\nat eighty columns.\n  Second paragraph\nalso wrapped.\n"
    assert (
        normalise_abstract(old) == "First line wrapped at eighty columns.\n\nSecond paragraph also wrapped."
    )
    new = "Context. One.\n  Objective. Two.  "
    assert normalise_abstract(new) == "Context. One.\n\nObjective. Two."
    assert normalise_abstract("A\n\n\nB") == "A\n\nB"
    entry = next(e for e in parse_feed(recorded("q_testing")).entries if e.arxiv_id == "1812.11470")
    assert "\n\nObjective. In this systematic review" in entry.abstract


def test_meta_round_trips_through_json() -> None:
    for entry in parse_feed(recorded("q_testing")).entries:
        assert PaperMeta.from_dict(json.loads(json.dumps(entry.to_dict()))) == entry


# --- hostile and broken input --------------------------------------------------------------------

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2005.14165v1</id>
<title>&x;</title><published>2020-05-28T17:29:03Z</published></entry></feed>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol3;</title></feed>"""

PUBLIC_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE feed PUBLIC "-//x//y" "http://127.0.0.1:9/never.dtd">
<feed xmlns="http://www.w3.org/2005/Atom"/>"""


@pytest.mark.parametrize("body", [EXTERNAL_ENTITY, BILLION_LAUGHS, PUBLIC_DTD], ids=["file", "laughs", "dtd"])
def test_doctype_and_entities_are_refused(body: bytes) -> None:
    with pytest.raises(
        FetchError, match=r"^arXiv sent a response papers cannot read: it declares a DTD"
    ) as info:
        parse_feed(body)
    assert "root:" not in str(info.value)
    assert info.value.exit_code == 3


def test_undeclared_entity_is_broken_xml() -> None:
    with pytest.raises(FetchError, match="undefined entity"):
        parse_feed(b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title></feed>')


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"Rate exceeded.",
        b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry>",
        b"<html><head><title>503</title></head></html>",
        b"\xff\xfe<feed/>",
        recorded("id_1605.08386")[:-200],
    ],
    ids=["empty", "plain-text", "truncated", "html", "bad-encoding", "cut-short"],
)
def test_broken_responses_are_fetch_errors(body: bytes) -> None:
    with pytest.raises(FetchError, match=r"^arXiv sent a response papers cannot read: "):
        parse_feed(body)


def test_bad_date_rejects_the_entry_not_the_feed() -> None:
    body = entry_xml("").replace(b"2020-07-22T19:47:17Z", b"yesterday")
    feed = parse_feed(body)
    assert feed.entries == ()
    assert feed.rejected == {"2005.14165": "bad date 'yesterday'"}


@pytest.mark.parametrize(
    ("drop", "problem"),
    [
        (b"<published>2020-05-28T13:29:03-04:00</published>", "no published"),
        (b"<title>Language Models are Few-Shot Learners</title>", "no title"),
    ],
)
def test_an_entry_missing_a_required_field_is_rejected(drop: bytes, problem: str) -> None:
    body = entry_xml("").replace(drop, b"")
    assert parse_feed(body) == Feed(entries=(), rejected={"2005.14165": problem})


def test_a_missing_updated_date_falls_back_to_published() -> None:
    (entry,) = parse_feed(entry_xml("").replace(b"<updated>2020-07-22T19:47:17Z</updated>", b"")).entries
    assert entry.updated == entry.published == "2020-05-28T17:29:03Z"


@pytest.mark.parametrize(
    "title",
    [
        "Evil\x1b]0;pwned\x07 title",  # raw ESC and BEL: XML forbids them, so they would fail the parse
        "Evil&#27;]0;pwned&#x7; title",  # the same as character references
        "Evil\u009b31m title",  # C1 CSI: allowed by XML, harmful on a terminal
        "Evil\x7f title\u0085",
    ],
)
def test_control_characters_are_stripped_from_every_field(title: str) -> None:
    body = (
        entry_xml("")
        .replace(b"Language Models are Few-Shot Learners", title.encode())
        .replace(b"Tom B. Brown", title.encode())
        .replace(b"  x</summary>", title.encode() + b"</summary>")
    )
    (entry,) = parse_feed(body).entries
    clean = (
        "Evil]0;pwned title" if "pwned" in title else ("Evil31m title" if "31m" in title else "Evil title")
    )
    assert entry.title == clean
    assert entry.authors == (clean,)
    assert entry.abstract == clean


def test_an_invalid_utf8_byte_does_not_fail_the_batch() -> None:
    (entry,) = parse_feed(entry_xml("").replace(b"Few-Shot", b"Few\x9bShot")).entries
    assert entry.title == "Language Models are Few\ufffdShot Learners"
