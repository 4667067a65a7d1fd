"""parse_arxiv_id against the examples of arXiv's identifier scheme.

https://info.arxiv.org/help/arxiv_identifier.html
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papers.errors import InvalidArxivIdError
from papers.model.arxiv_ids import OLD_ARCHIVES, ArxivId, arxiv_id_from_link, parse_arxiv_id

TODAY = date(2026, 7, 15)

ACCEPT = [
    # bare ids
    ("2005.14165", "2005.14165", None),
    ("2005.14165v2", "2005.14165", 2),
    ("2005.14165V2", "2005.14165", 2),
    ("  2005.14165\n", "2005.14165", None),
    ("0704.0001", "0704.0001", None),
    ("0706.0001v1", "0706.0001", 1),
    ("1412.7878", "1412.7878", None),
    ("1412.9999", "1412.9999", None),
    ("1501.00001", "1501.00001", None),
    ("2607.00001", "2607.00001", None),  # this month
    ("hep-th/9901001", "hep-th/9901001", None),
    ("hep-th/9901001v1", "hep-th/9901001", 1),
    ("HEP-TH/9901001", "hep-th/9901001", None),
    ("math/0611800v2", "math/0611800", 2),
    ("math.CA/0611800v2", "math/0611800", 2),
    ("math.GT/0309136", "math/0309136", None),
    ("cond-mat/0207270", "cond-mat/0207270", None),
    ("cond-mat/0207270v1", "cond-mat/0207270", 1),
    ("astro-ph/0601001", "astro-ph/0601001", None),
    ("quant-ph/0201082v1", "quant-ph/0201082", 1),
    ("hep-th/9711200", "hep-th/9711200", None),
    ("cs/9901002v1", "cs/9901002", 1),
    ("hep-th/9108001", "hep-th/9108001", None),
    ("math/0703999", "math/0703999", None),
    # prefixes and citation strings
    ("arXiv:2005.14165", "2005.14165", None),
    ("arxiv:2005.14165", "2005.14165", None),
    ("ARXIV:2005.14165", "2005.14165", None),
    ("arXiv:2005.14165v4 [cs.CL]", "2005.14165", 4),
    ("arXiv:hep-th/9901001v3", "hep-th/9901001", 3),
    ("arXiv:math/9910001v1 [math.AT]", "math/9910001", 1),
    # URLs
    ("https://arxiv.org/abs/2005.14165", "2005.14165", None),
    ("https://arxiv.org/abs/2005.14165v2", "2005.14165", 2),
    ("http://arxiv.org/abs/2005.14165", "2005.14165", None),
    ("https://www.arxiv.org/abs/2005.14165", "2005.14165", None),
    ("https://export.arxiv.org/abs/2005.14165v1", "2005.14165", 1),
    ("https://arxiv.org/abs/2005.14165/", "2005.14165", None),
    ("https://arxiv.org/abs/2005.14165?context=cs", "2005.14165", None),
    ("https://arxiv.org/abs/2005.14165#S1", "2005.14165", None),
    ("https://arxiv.org/pdf/2005.14165", "2005.14165", None),
    ("https://arxiv.org/pdf/2005.14165v2", "2005.14165", 2),
    ("https://arxiv.org/pdf/2005.14165.pdf", "2005.14165", None),
    ("https://arxiv.org/pdf/2005.14165v2.pdf", "2005.14165", 2),
    ("https://arxiv.org/html/2005.14165v1", "2005.14165", 1),
    ("https://arxiv.org/html/2005.14165v1/", "2005.14165", 1),
    ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001", None),
    ("https://arxiv.org/pdf/hep-th/9901001v1.pdf", "hep-th/9901001", 1),
    ("https://arxiv.org/abs/arXiv:hep-th/9901001", "hep-th/9901001", None),
    ("https://arxiv.org/abs/math.GT/0309136", "math/0309136", None),
    ("HTTPS://ArXiv.org/ABS/2005.14165", "2005.14165", None),
    ("arxiv.org/abs/2005.14165", "2005.14165", None),
    ("https://arxiv.org/bibtex/2005.14165", "2005.14165", None),
    # DOIs
    ("10.48550/arXiv.2005.14165", "2005.14165", None),
    ("https://doi.org/10.48550/arXiv.2005.14165", "2005.14165", None),
    ("http://dx.doi.org/10.48550/arXiv.2005.14165", "2005.14165", None),
    ("doi:10.48550/arXiv.2005.14165", "2005.14165", None),
    ("10.48550/ARXIV.2405.13576", "2405.13576", None),
    ("10.48550/arXiv.hep-th/9901001", "hep-th/9901001", None),
]

REJECT = [
    ("2013.12345", "month 13"),
    ("0713.0001", "month 13"),
    ("0800.0001", "month 00"),
    ("2000.12345", "month 00"),
    ("0704.0000", "sequence number 0"),
    ("1501.00000", "sequence number 0"),
    ("0703.1234", "April 2007"),
    ("0612.1234", "April 2007"),
    ("1412.12345", "4-digit"),
    ("0808.05394", "4-digit"),
    ("1501.1234", "5-digit"),
    ("2005.1416", "5-digit"),
    ("0707.1", "4-digit"),
    ("0707.12", "4-digit"),
    ("0707.123", "4-digit"),
    ("0707.123456", "4-digit"),
    ("0707.000", "4-digit"),
    ("0707.00000", "4-digit"),
    ("1234.567", "month 34"),
    ("9912.12345", "not happened yet"),
    ("2608.00001", "not happened yet"),
    ("0001.00001", "April 2007"),
    ("2005.14165v0", "bad version"),
    ("2005.14165v01", "bad version"),
    ("2005.14165v", "bad version"),
    ("0707.2096va", "bad version"),
    ("1234.12345", "month 34"),
    ("1234.1234", "month 34"),
    ("abc", "form"),
    ("BAD_ID", "form"),
    ("", "empty"),
    ("   ", "empty"),
    ("/", "form"),
    ("0112019", "form"),
    ("9901001", "form"),
    ("hep-th/99", "form"),
    ("hep-th/990100", "7 digits"),
    ("hep-th/99010011", "7 digits"),
    ("quant-ph/94091", "7 digits"),
    ("quant-ph/9409000", "sequence number 000"),
    ("hep-lat/9108000", "sequence number 000"),
    ("hep-lat/9107001", "9108 to 0703"),
    ("hep-th/0704001", "9108 to 0703"),
    ("hep-th/9913001", "month 13"),
    ("cond—mat/0709123", "form"),
    ("nlin.zz/0101010", "two capital letters"),
    ("nlin.Z/0101010", "two capital letters"),
    ("foo-bar/9901001", "unknown archive"),
    ("0705.35950705.3595v1", "form"),
    ("https://example.com/abs/2005.14165", "not a link"),
    ("https://arxiv.org/list/cs.CL/new", "not a link"),
    ("10.1234/arXiv.2005.14165", "form"),
    ("2005.14165v1234567", "bad version"),
]


@pytest.mark.parametrize(("text", "expected_id", "version"), ACCEPT)
def test_accepts(text: str, expected_id: str, version: int | None) -> None:
    assert parse_arxiv_id(text, today=TODAY) == ArxivId(expected_id, version)


@pytest.mark.parametrize(("text", "reason"), REJECT)
def test_rejects_with_a_message_naming_the_input(text: str, reason: str) -> None:
    with pytest.raises(InvalidArxivIdError) as info:
        parse_arxiv_id(text, today=TODAY)
    message = str(info.value)
    assert message.startswith(f"not an arXiv id: {text!r} (")
    assert reason in message
    assert message.endswith("Give an id like 2005.14165 or a link to arxiv.org/abs/...")
    assert info.value.exit_code == 2


def test_the_exact_message_for_month_13() -> None:
    expected = r"^not an arXiv id: '2013\.12345' \(month 13\)\. Give an id like 2005\.14165 or a link"
    with pytest.raises(InvalidArxivIdError, match=expected):
        parse_arxiv_id("2013.12345")


def test_today_defaults_to_the_real_date() -> None:
    assert parse_arxiv_id("2005.14165") == ArxivId("2005.14165")
    with pytest.raises(InvalidArxivIdError, match="not happened yet"):
        parse_arxiv_id("9912.12345")


def test_a_month_the_real_date_showed_is_not_asked_again_but_a_later_one_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import papers.model.arxiv_ids as ids

    real = date.today()
    month = f"{real.year % 100:02d}{real.month:02d}"
    monkeypatch.setattr(ids, "_happened", "0000")
    asked: list[date] = []

    class Clock(date):
        @classmethod
        def today(cls) -> date:
            asked.append(real)
            return real

    monkeypatch.setattr(ids, "date", Clock)
    assert parse_arxiv_id(f"{month}.12345") == ArxivId(f"{month}.12345")
    assert parse_arxiv_id("2005.14165") == ArxivId("2005.14165")  # an earlier month: the clock is not read
    assert len(asked) == 1
    with pytest.raises(InvalidArxivIdError, match="not happened yet"):
        parse_arxiv_id("9912.12345")  # a later month: read again, and refused
    assert len(asked) == 2
    # An injected day is always the one checked against, whatever the real date showed.
    with pytest.raises(InvalidArxivIdError, match="not happened yet"):
        parse_arxiv_id("2005.14165", today=date(2020, 4, 30))


def test_str_is_the_versionless_id_and_versioned_adds_v() -> None:
    arxiv_id = parse_arxiv_id("arXiv:2005.14165v2")
    assert str(arxiv_id) == "2005.14165"
    assert arxiv_id.versioned == "2005.14165v2"
    assert ArxivId("math/0309136").versioned == "math/0309136"


def test_arxiv_id_from_link() -> None:
    assert arxiv_id_from_link("https://arxiv.org/pdf/1706.03762v7") == ArxivId("1706.03762", 7)
    assert arxiv_id_from_link("https://github.com/openai/gpt-3") is None
    assert arxiv_id_from_link("https://arxiv.org/abs/2013.12345") is None


# --- property: every valid id survives every form a person might paste ---------------------------


@st.composite
def new_style_ids(draw: st.DrawFn) -> str:
    year = draw(st.integers(2007, TODAY.year))
    last_month = TODAY.month if year == TODAY.year else 12
    month = draw(st.integers(4 if year == 2007 else 1, last_month))
    digits = 5 if year >= 2015 else 4
    number = draw(st.integers(1, 10**digits - 1))
    return f"{year % 100:02d}{month:02d}.{number:0{digits}d}"


@st.composite
def old_style_ids(draw: st.DrawFn) -> str:
    archive = draw(st.sampled_from(sorted(OLD_ARCHIVES)))
    year = draw(st.integers(1991, 2007))
    first = 8 if year == 1991 else 1
    last = 3 if year == 2007 else 12
    month = draw(st.integers(first, last))
    number = draw(st.integers(1, 999))
    return f"{archive}/{year % 100:02d}{month:02d}{number:03d}"


FORMS = [
    "{v}",
    "arXiv:{v}",
    "arxiv:{v}",
    "https://arxiv.org/abs/{v}",
    "http://arxiv.org/abs/{v}",
    "https://www.arxiv.org/abs/{v}",
    "https://export.arxiv.org/abs/{v}",
    "https://arxiv.org/abs/{v}/",
    "https://arxiv.org/abs/{v}?context=cs",
    "https://arxiv.org/pdf/{v}",
    "https://arxiv.org/pdf/{v}.pdf",
    "http://export.arxiv.org/pdf/{v}.pdf",
    "https://arxiv.org/html/{v}/",
    "https://arxiv.org/abs/arXiv:{v}",
    "  {v}  ",
]
DOI_FORMS = [
    "10.48550/arXiv.{i}",
    "10.48550/ARXIV.{i}",
    "https://doi.org/10.48550/arXiv.{i}",
    "http://dx.doi.org/10.48550/arXiv.{i}",
    "doi:10.48550/arXiv.{i}",
]


@given(
    base=st.one_of(new_style_ids(), old_style_ids()),
    version=st.one_of(st.none(), st.integers(1, 99)),
    form=st.sampled_from(FORMS),
    doi_form=st.sampled_from(DOI_FORMS),
)
def test_valid_ids_round_trip_through_every_form(
    base: str, version: int | None, form: str, doi_form: str
) -> None:
    versioned = base if version is None else f"{base}v{version}"
    assert parse_arxiv_id(form.format(v=versioned), today=TODAY) == ArxivId(base, version)
    # A DOI names the paper, never a version.
    assert parse_arxiv_id(doi_form.format(i=base), today=TODAY) == ArxivId(base, None)
    assert str(parse_arxiv_id(str(ArxivId(base, version)), today=TODAY)) == base
