"""`papers add`: one new item with a fresh key, placed in a section or under a parent.

A title that is an arXiv id, an arXiv link or the arXiv DOI is not a title: the paper is fetched
and added exactly as `papers fetch ID --add` adds it (the same function, the same endpoint,
$PAPERS_ARXIV_URL). A paper the catalogue already holds (same arXiv id, DOI, link or title) is
refused unless `duplicate` is set, so a second `add` of the same paper changes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from papers.errors import DuplicatePaperError, PapersError, UsageError
from papers.model import catalogue as core
from papers.model.catalogue import Catalogue
from papers.model.query import find_duplicate, find_items
from papers.model.schema import PRIORITIES
from papers.store import load as storage

if TYPE_CHECKING:
    from papers.actions.fetch import Notify
    from papers.model.paper_ids import PaperId
    from papers.store.yamledit.editor import Editor


class Added(NamedTuple):
    """The item that was added, and whether its title and authors came from arXiv."""

    key: str
    title: str
    section: str
    parent: str | None
    fetched: bool = False


def add_paper(
    path: str | os.PathLike[str],
    title: str,
    *,
    section: str | None = None,
    arxiv: str | None = None,
    url: str | None = None,
    parent: str | None = None,
    key: str | None = None,
    new_section: bool = False,
    duplicate: bool = False,
    priority: str | None = None,
    notify: Notify | None = None,
) -> Added:
    """Add a paper, like `papers add TITLE`: `section` is a name or its start (any case), and may
    be left out with a `parent` (the parent's section is taken). `arxiv` is an id in any form.

    A `title` that is an arXiv id, link or DOI fetches the paper and adds it titled from arXiv.
    Raises DuplicatePaperError (naming the item that has it) for a paper already listed, unless
    `duplicate`; a placement or key problem raises before anything is fetched or written.
    """
    path = Path(path)
    if priority is not None and priority not in PRIORITIES:
        raise UsageError(f"unknown priority '{priority}'. Use one of: {', '.join(PRIORITIES)}")
    paper_id = paper_id_in(title)
    if paper_id is not None:
        if key is not None or url is not None or arxiv is not None or new_section:
            raise UsageError(
                f"'{title.strip()}' is an id: the paper is fetched, keyed from its title and placed in an "
                "existing section, so no key, url, arXiv id or new section can be given with it"
            )
        fetched = _add_fetched(
            path, paper_id, section=section, parent=parent, duplicate=duplicate, notify=notify
        )
        if priority not in (None, "normal"):
            from papers.actions.tagging import prioritize

            prioritize(path, [fetched.key], priority)
        return fetched
    arxiv_id = _canonical_arxiv(arxiv)

    def add_new(editor: Editor) -> core.NewItem:
        # Runs again on the new file if another program saves it meanwhile (see storage.edit).
        new = core.plan_add(
            editor.catalogue, title, section=section, arxiv=arxiv_id, url=url, parent=parent, key=key,
            new_section=new_section,
        )  # fmt: skip
        if not duplicate:
            _refuse_duplicate(editor.catalogue, new.fields["title"], arxiv=arxiv_id, url=url)
        if priority not in (None, "normal"):
            new = new._replace(fields={**new.fields, "priority": priority})
        editor.add_item(new)
        return new

    new = storage.edit(path, add_new, create=new_section)
    return Added(new.fields["key"], new.fields["title"], new.section, parent)


def paper_id_in(title: str) -> PaperId | None:
    """The arXiv id or DOI a title consists of, else None. A malformed arXiv id raises (exit 2).
    The id grammar is the model's: telling a title from an id imports no metadata source."""
    from papers.model.arxiv_ids import looks_like_arxiv
    from papers.model.paper_ids import parse_paper_id

    text = title.strip()
    if looks_like_arxiv(text):
        return parse_paper_id(text)  # a typo in an id is refused, not made into a title
    try:
        return parse_paper_id(text)
    except UsageError:
        return None


def _add_fetched(
    path: Path,
    paper_id: PaperId,
    *,
    section: str | None,
    parent: str | None,
    duplicate: bool,
    notify: Notify | None,
) -> Added:
    from papers.actions import fetch as fetching
    from papers.model.arxiv_ids import ArxivId

    cat = storage.load_catalogue(path)
    core.plan_add(cat, "placeholder", section=section, parent=parent)  # where it goes: checked before asking
    if not isinstance(paper_id, ArxivId):
        held = find_items(cat, str(paper_id))
        if held and not duplicate:
            raise _duplicate(held[0], f"the same DOI {paper_id}")
        raise PapersError(
            f"papers fetches only arXiv papers, and {paper_id} is not on arXiv. "
            f"Give its title, with the link https://doi.org/{paper_id}"
        )
    from papers.sources.cache import MetadataCache

    cache = MetadataCache()
    if not duplicate:
        _refuse_duplicate(cat, arxiv=paper_id.id)
        # The record first (into the cache; no item holds the id, so nothing is written), so that
        # a paper listed under the same title without its id is refused too; the add reads the cache.
        first = fetching.run_fetch(
            path, fetching.arxiv_plan([paper_id]), refresh=False, cache=cache, notify=notify
        )
        if first.errors:
            raise first.errors[0]
        _refuse_duplicate(storage.load_catalogue(path), first.fetched[0].meta.title)
    report = fetching.fetch_and_add(
        path, [paper_id], section=section, parent=parent, cache=cache, notify=notify
    )
    if report.errors:
        raise report.errors[0]
    (fetched,) = report.fetched
    meta = fetched.meta
    if report.added:
        added_key = report.added[0]
    else:  # already held, and a duplicate was asked for: fetch enriched the holders, add one more
        with storage.editing(path) as editor:
            new = core.plan_add(
                editor.catalogue, meta.title, section=section, parent=parent, arxiv=meta.arxiv_id
            )
            new.fields.update(authors=list(meta.authors), year=meta.year)
            editor.add_item(new)
        added_key = new.fields["key"]
    item = storage.load_catalogue(path)[added_key]
    return Added(item.key, item.title, item.section, item.parent, fetched=True)


def _canonical_arxiv(text: str | None) -> str | None:
    if text is None:
        return None
    from papers.model.arxiv_ids import parse_arxiv_id

    return parse_arxiv_id(text).id


def _refuse_duplicate(
    cat: Catalogue, title: str | None = None, *, arxiv: str | None = None, url: str | None = None
) -> None:
    found = find_duplicate(cat, title, arxiv=arxiv, url=url)
    if found is not None:
        raise _duplicate(*found)


def _duplicate(item: core.Item, reason: str) -> DuplicatePaperError:
    return DuplicatePaperError(
        f"'{item.title}' is already in the catalogue as {item.key} ({reason}): nothing was changed", item.key
    )
