"""Hypothesis strategies shared by the tests of the writers: awkward text and whole catalogues."""

from __future__ import annotations

from hypothesis import strategies as st

from papers.model.catalogue import Catalogue, Item, Section

# Text with what json escapes (quotes, backslashes, C0), what json_safe escapes (DEL, C1, bidi), what
# a `%` template must keep (`%s`, `%%`), what markdown reads (brackets, links, years, comments),
# wide and combining characters.
_AWKWARD = st.sampled_from(
    [
        *("%", "%s", "%%", '"', "\\", "\n", "\t", "\x00", "\x1b", "\x7f", "\x9b", "\u202e", "注", "e\u0301"),
        *("[", "]", "(", ")", "<", ">", " ", "  ", "link", "pdf", "(2017)", "<!--", "-->", ";", ","),
        *("https://arxiv.org/abs/1706.03762", "arXiv:", "https://example.org/a"),
    ]
)
TEXT = st.text() | st.lists(_AWKWARD | st.text(max_size=3), max_size=6).map("".join)
ARXIV_IDS = ("1706.03762", "2005.14165", "math/0309136")
# Links to the ids above in the forms a person pastes (some of them an item's own), and others.
LINKS = (
    st.sampled_from(
        [
            *(f"https://arxiv.org/abs/{i}" for i in ARXIV_IDS),
            "https://arxiv.org/pdf/1706.03762v5",
            "HTTPS://ARXIV.ORG/PDF/2005.14165.pdf",
            "arxiv.org/abs/1706.03762",
            "https://doi.org/10.48550/arXiv.2005.14165",
            "arXiv:1706.03762",
            "1706.03762",
            "https://example.org/1706.03762",
            "https://www.example.org/a (b)",
            "notes.md",
        ]
    )
    | TEXT
)
_KEYS = st.integers(0, 10**6).map(lambda n: f"k{n}") | st.sampled_from(["Not A Key", ""])


@st.composite
def catalogues(draw: st.DrawFn) -> Catalogue:
    """Sections of items nested at random, every field of an item drawn (texts awkward)."""
    keys = draw(st.lists(_KEYS, max_size=8, unique=True))
    names = draw(st.lists(TEXT, min_size=1, max_size=3, unique_by=str.casefold))
    parents: list[int | None] = []
    homes: list[int] = []
    for index in range(len(keys)):
        parent = draw(st.none() | st.integers(0, index - 1)) if index else None
        parents.append(parent)
        homes.append(homes[parent] if parent is not None else draw(st.integers(0, len(names) - 1)))
    items = []
    day = st.none() | st.just("2026-11-20")
    for index, key in enumerate(keys):
        parent = parents[index]
        depth, at = 0, parent
        while at is not None:
            depth, at = depth + 1, parents[at]
        items.append(
            Item(
                key=key,
                title=draw(TEXT),
                section=names[homes[index]],
                parent=None if parent is None else keys[parent],
                depth=depth,
                group=draw(st.booleans()),
                status=draw(st.sampled_from(["todo", "reading", "done"])),
                started_on=draw(day),
                done_on=draw(day),
                arxiv=draw(st.none() | st.sampled_from(ARXIV_IDS) | TEXT),
                year=draw(st.none() | st.integers(1900, 2030)),
                authors=tuple(draw(st.lists(TEXT, max_size=2))),
                url=draw(st.none() | LINKS),
                links=tuple(draw(st.lists(LINKS, max_size=3))),
                note=draw(st.none() | TEXT),
                tags=tuple(draw(st.lists(TEXT, max_size=2))),
                priority=draw(st.sampled_from(["normal", "high", "low"])),
                children=tuple(keys[i] for i, p in enumerate(parents) if p == index),
            )
        )
    sections = tuple(
        Section(
            name,
            tuple(draw(st.lists(TEXT, max_size=2))),
            tuple(k for k, h in zip(keys, homes, strict=True) if h == n),
        )
        for n, name in enumerate(names)
    )
    return Catalogue(draw(st.none() | TEXT), tuple(draw(st.lists(TEXT, max_size=2))), sections, tuple(items))


@st.composite
def selections(draw: st.DrawFn, catalogue: Catalogue) -> set[str] | None:
    """None (the whole catalogue) or a set of its keys, as an export filter gives them."""
    if not catalogue.keys:
        return None
    return draw(st.none() | st.sets(st.sampled_from(sorted(catalogue.keys))))
