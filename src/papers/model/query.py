"""Queries: which items a reader's words name, and the papers an `add` would duplicate.

A command that changes the catalogue acts only on what a query names exactly (a key, an arXiv
id, a DOI, a link) or contains (part of a key, title or original wording); an item that is only
similar is offered as a suggestion and never acted on. Pure functions over the model: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, count, repeat
from operator import attrgetter, contains
from typing import Any

from papers.errors import AmbiguousQueryError, PaperNotFoundError
from papers.model.catalogue import Catalogue, Item, find_section

# A DOI in any form a reader pastes: bare, `doi:`, or a doi.org link (https://www.doi.org/help/).
_DOI = re.compile(r"(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)", re.IGNORECASE)


def doi_of(text: str) -> str | None:
    """The DOI a text spells (bare, `doi:` or a doi.org link), casefolded as DOIs compare; else None."""
    match = _DOI.fullmatch(text.strip())
    return match[1].casefold() if match else None


def _link_form(link: str) -> str:
    """A link as it compares: no scheme, no `www.`, host in lowercase, no trailing slash."""
    rest = link.strip().split("://", 1)[-1]
    host, _, path = rest.partition("/")
    host = host.lower().removeprefix("www.")
    return f"{host}/{path}".rstrip("/")


def find_items(catalogue: Catalogue, query: str) -> list[Item]:
    """Every item a query names exactly or by containing it; never one that is merely similar.

    In order of precedence: the key (any case); else every item holding the arXiv id or the DOI
    the query spells in any form (a paper listed twice is found twice); else every item carrying
    the link; else every item whose key, title or original wording (`listed_as`) contains the
    query, in any case. A near miss (`xlnet` for `lenet`) names nothing: see `suggestions`.
    """
    query = query.strip()
    exact = catalogue.get(query) or catalogue.get(query.lower())
    if exact is not None:
        return [exact]
    from papers.model.arxiv_ids import arxiv_id_from_link  # deferred: only queries need the id grammar

    # Any form of an id finds the items holding it: 2005.14165v2, arXiv:2005.14165, an abs/pdf link.
    arxiv_id = arxiv_id_from_link(query)
    if arxiv_id is not None:
        by_id = [item for item in catalogue.items if item.arxiv == arxiv_id.id]
        if by_id:
            return by_id
    doi = doi_of(query)
    if doi is not None:
        by_doi = [item for item in catalogue.items if any(doi_of(link) == doi for link in _links(item))]
        if by_doi:
            return by_doi
    if query.startswith(("http://", "https://")):
        form = _link_form(query)
        linked = [item for item in catalogue.items if any(_link_form(link) == form for link in _links(item))]
        if linked:
            return linked
    folded = query.casefold()
    if not folded:
        return []
    return [item for item in catalogue.items if any(folded in text for text in _searchable(item))]


def _links(item: Item) -> list[str]:
    return [link for link in (item.url, *item.links) if link]


def _searchable(item: Item) -> tuple[str, ...]:
    """What a substring query is looked for in: key, title and the original wording, casefolded."""
    texts = (item.key, item.title.casefold())
    return (*texts, item.listed_as.casefold()) if item.listed_as else texts


# How alike (0-100, rapidfuzz's normalised Indel similarity) a key or title must be to be suggested.
SUGGESTION_CUTOFF = 50


def suggestions(catalogue: Catalogue, query: str, limit: int = 3) -> list[Item]:
    """The items most like a query that named nothing, best first: offered, never acted on."""
    folded = query.strip().casefold()
    if not folded or not catalogue.items:
        return []
    # Deferred: only a query that matched nothing pays for the import (about 30 ms).
    from rapidfuzz import fuzz, process

    choices = [(index, text) for index, item in enumerate(catalogue.items) for text in _searchable(item)]
    best: dict[int, float] = {}
    for _, score, position in process.extract(
        folded, [text for _, text in choices], scorer=fuzz.ratio, limit=None, score_cutoff=SUGGESTION_CUTOFF
    ):
        index = choices[position][0]
        best[index] = max(score, best.get(index, 0.0))
    ranked = sorted(best, key=lambda index: (-best[index], index))
    return [catalogue.items[index] for index in ranked[:limit]]


def find_paper(catalogue: Catalogue, query: str, *, allow_many_same_id: bool = True) -> list[Item]:
    """The item(s) one query names, or a PapersError explaining why there is no single answer.

    Several items are returned only when they hold the query's arXiv id (one paper listed twice).
    A query that names nothing fails with the closest items as suggestions, never picks one.
    """
    matches = find_items(catalogue, query)
    if not matches:
        near = suggestions(catalogue, query)
        hint = (
            "Did you mean " + ", ".join(f"{item.key} ({item.title})" for item in near) + "?"
            if near
            else "See `papers list` for the keys."
        )
        raise PaperNotFoundError(f"no paper matches '{query}'. {hint}")
    same_paper = allow_many_same_id and len({item.arxiv for item in matches}) == 1 and matches[0].arxiv
    if len(matches) > 1 and not same_paper:
        raise AmbiguousQueryError(
            f"'{query}' matches {len(matches)} papers: "
            + ", ".join(item.key for item in matches[:8])
            + (", ..." if len(matches) > 8 else "")
            + ". Use one of these keys."
        )
    return matches


def resolve_all(catalogue: Catalogue, queries: Iterable[str]) -> list[Item]:
    """Resolve every query before anything changes; one failing query fails the whole batch.

    Each failure is reported; the error raised names them all.
    """
    resolved: list[Item] = []
    problems: list[Exception] = []
    for query in queries:
        try:
            resolved.extend(find_paper(catalogue, query))
        except (PaperNotFoundError, AmbiguousQueryError) as err:
            problems.append(err)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise type(problems[0])("; ".join(str(p).rstrip(".") for p in problems) + ". Nothing was changed.")
    unique: dict[str, Item] = {}
    for item in resolved:
        unique.setdefault(item.key, item)
    return list(unique.values())


def find_duplicate(
    catalogue: Catalogue, title: str | None = None, *, arxiv: str | None = None, url: str | None = None
) -> tuple[Item, str] | None:
    """The item that already is the paper an `add` describes, and what gives it away; else None.

    The same paper: the same arXiv id (as `arxiv:` or in a link), the same DOI or link as `url`,
    or the same title in any case and spacing.
    """
    from papers.model.arxiv_ids import arxiv_id_from_link  # deferred, as in find_items

    wanted_title = " ".join(title.split()).casefold() if title else None
    doi = doi_of(url) if url else None
    form = _link_form(url) if url else None
    if arxiv is None and doi is None and form is None:  # `add TITLE`: only the title can match
        return _same_title(catalogue, wanted_title)
    for item in catalogue.items:
        links = _links(item)
        if arxiv is not None and (item.arxiv == arxiv or arxiv in _arxiv_ids(links, arxiv_id_from_link)):
            return item, f"the same arXiv id {arxiv}"
        if doi is not None and any(doi_of(link) == doi for link in links):
            return item, f"the same DOI {doi}"
        if form is not None and any(_link_form(link) == form for link in links):
            return item, "the same link"
        if wanted_title is not None and " ".join(item.title.split()).casefold() == wanted_title:
            return item, "the same title"
    return None


_TITLE = attrgetter("title")


def _same_title(catalogue: Catalogue, wanted: str | None) -> tuple[Item, str] | None:
    """The first item whose title is `wanted` in any case and spacing, as find_duplicate says it.
    Every title is compared by C functions mapped over the items: no Python frame per item (an
    `add` at 50,000 items compared them in a Python loop)."""
    if wanted is None:
        return None
    items = catalogue.items
    for index in _title_candidates(items, wanted):
        if " ".join(items[index].title.split()).casefold() == wanted:
            return items[index], "the same title"
    return None


def _title_candidates(items: Sequence[Item], wanted: str) -> Iterable[int]:
    """The indices, in order, of the items whose title could be `wanted` once normalised: a superset.

    Casefolding works one character at a time and leaves spaces alone, so every space-free piece
    of a normalised title is in the casefolded raw title; testing the longest piece of `wanted`
    there costs one casefold and one substring search per title, where normalising every title
    (split, join, casefold) took 25 ms at 50,000 items."""
    piece = max(wanted.split(" "), key=len)
    if not piece:  # a blank title: every title could normalise to it
        return range(len(items))
    return compress(count(), map(contains, map(str.casefold, map(_TITLE, items)), repeat(piece)))


def _arxiv_ids(links: Iterable[str], parse: Callable[[str], Any]) -> set[str]:
    return {found.id for found in map(parse, links) if found is not None}


def select(
    catalogue: Catalogue,
    *,
    todo: bool = False,
    done: bool = False,
    section: str | None = None,
    reading: bool = False,
    since: str | None = None,
    until: str | None = None,
) -> list[Item]:
    """Items shown by `papers list`: filtered by status and by one section (a name or its prefix);
    `since`/`until` (YYYY-MM-DD, included) keep only items done on those days."""
    if todo + done + reading > 1:
        raise ValueError("todo, done and reading exclude each other: ask for one of them")
    items: Iterable[Item] = catalogue.items
    if section is not None:
        name = find_section(catalogue, section).name
        items = (item for item in items if item.section == name)
    if todo:
        items = (item for item in items if item.status != "done")
    elif done:
        items = (item for item in items if item.status == "done")
    elif reading:
        items = (item for item in items if item.status == "reading")
    if since is not None or until is not None:
        first, last = since or "0000-00-00", until or "9999-99-99"
        items = (i for i in items if i.status == "done" and i.done_on and first <= i.done_on <= last)
    return list(items)


# --- titles, as `papers resolve` compares them --------------------------------------------------

TITLE_MATCH = 0.9
"""The similarity above which `papers resolve --yes` writes a match: close titles that differ in
case, punctuation or a word, never silently (resolve shows what matched)."""


def title_words(title: str) -> list[str]:
    """A title's words, lower case, punctuation dropped and hyphens split (arXiv's search recipe)."""
    return re.findall(r"[^\W_]+", title.casefold().replace("-", " "))


def title_similarity(a: str, b: str) -> float:
    """How alike two titles are once normalised (case, punctuation, spacing): 0.0 to 1.0."""
    from difflib import SequenceMatcher

    left, right = " ".join(title_words(a)), " ".join(title_words(b))
    if not left or not right:
        return 0.0
    return SequenceMatcher(None, left, right, autojunk=False).ratio()


def sorted_in_place(catalogue: Catalogue, items: Iterable[Item], key: Callable[[Item], Any]) -> list[Item]:
    """``items`` ordered by ``key`` where they stand: sections keep the file's order, and within a
    section each paper's shown children (or, when it is hidden, its shown descendants) stay under
    it and are ordered among themselves; ties keep the file's order. So a sorted list reads as the
    tree it is, never a child under a paper it does not belong to."""
    shown = list(items)
    keys = {item.key for item in shown}
    # At 10,000 items this is a Python loop or two per item, so each step is as plain as it goes:
    # each item's key computed once, then each group of places sorted by it in C (a stable sort:
    # ties keep the file's order); a paper with no shown parent filed under its section's name, one
    # with a shown parent under (section, parent); and only the papers known to have shown children
    # looked up for them.
    ranks = list(map(key, shown))
    under: dict[str | tuple[str, str], list[int]] = {}
    for at, item in enumerate(shown):
        parent = item.parent
        while parent is not None and parent not in keys:
            parent = catalogue[parent].parent
        spot = item.section if parent is None else (item.section, parent)
        group = under.get(spot)
        if group is None:
            under[spot] = group = []
        group.append(at)
    rank, place = ranks.__getitem__, shown.__getitem__
    placed = {spot: list(map(place, sorted(group, key=rank))) for spot, group in under.items()}
    parents = {spot[1] for spot in placed if type(spot) is tuple}
    ordered: list[Item] = []
    for section in dict.fromkeys(s.name for s in catalogue.sections):
        stack = list(reversed(placed.get(section, ())))
        while stack:
            item = stack.pop()
            ordered.append(item)
            if item.key in parents:
                stack.extend(reversed(placed.get((section, item.key), ())))
    return ordered
