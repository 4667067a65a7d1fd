"""`papers fetch` and `papers pdf`: from what a reader typed to metadata in the cache and on the items.

The network is asked only for what the metadata cache does not hold, always outside the
catalogue's lock; the catalogue is then locked, re-read and edited once, so a failed fetch
leaves it untouched and a partial one stores exactly what arrived.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papers.errors import PaperNotFoundError, PapersError
from papers.model import catalogue as core
from papers.model.arxiv_ids import ArxivId, arxiv_id_from_link, parse_arxiv_id
from papers.model.catalogue import Catalogue, Item
from papers.model.query import find_paper
from papers.store import load as storage
from papers.store.paths import cache_dir

if TYPE_CHECKING:
    from papers.actions.scholar import ScholarFetched
    from papers.model.paper import PaperMeta
    from papers.sources.base import PaperId, Progress
    from papers.sources.cache import MetadataCache
    from papers.sources.http import Transport

Notify = Callable[[str], None]


class NoPdfError(PapersError):
    """papers knows no PDF for an item (exit 1: the catalogue lacks something, not a usage error)."""


class NothingToFetchError(PapersError):
    """An item named by a fetch has no arXiv id and no link to read a title from (exit 1)."""


# Text that is clearly meant as an arXiv id or link, so a malformed one is a typo to refuse
# (exit 2) rather than a catalogue query that finds nothing.
_ID_LIKE = re.compile(r"^arxiv:|arxiv\.org/|10\.48550/|^\d{4}\.\d|^[a-z-]+(?:\.[a-z]{2})?/\d", re.IGNORECASE)


def looks_like_arxiv(text: str) -> bool:
    return _ID_LIKE.search(text.strip()) is not None


def item_arxiv_id(item: Item) -> ArxivId | None:
    """The item's arXiv id: its `arxiv` field, else the first arXiv link among its url and links."""
    if item.arxiv:
        try:
            return parse_arxiv_id(item.arxiv)
        except PapersError:
            return None
    for link in (item.url, *item.links):
        found = arxiv_id_from_link(link) if link else None
        if found is not None:
            return ArxivId(found.id)
    return None


def title_is_missing(item: Item) -> bool:
    """An item whose title is only its link (as `papers import` makes from a bare URL)."""
    return item.title.startswith(("http://", "https://")) or not item.title.strip()


@dataclass
class Plan:
    """What one `papers fetch` will ask for."""

    ids: list[ArxivId] = field(default_factory=list)  # in the order the user named them
    s2: list[PaperId] = field(default_factory=list)  # asked of Semantic Scholar (arXiv ids and DOIs)
    pages: list[Item] = field(default_factory=list)  # items whose title comes from their web page
    unfetchable: list[PapersError] = field(
        default_factory=list
    )  # items named that nothing can be fetched for

    @property
    def empty(self) -> bool:
        return not (self.ids or self.pages or self.s2)


def plan_fetch(
    catalogue: Catalogue,
    targets: Sequence[str],
    *,
    fetch_all: bool,
    refresh: bool,
    cache: MetadataCache,
    source: str | None = None,
) -> Plan:
    """Resolve every target before any request: malformed ids and unknown queries fail here.

    `--all` takes the items whose paper is not cached or not yet written onto the item; an
    item already enriched from a cached record costs nothing, so a second run is as fast as a list.
    ``source``: "arxiv", "s2" (every arXiv id and DOI), "all" (both), or None: arXiv for what
    it has, Semantic Scholar for the papers with a DOI and no arXiv id.
    """
    from papers.actions.scholar import item_doi

    plan = Plan()
    use_arxiv, s2_all = source in (None, "arxiv", "all"), source in ("s2", "all")
    use_s2 = source != "arxiv"
    if fetch_all:
        cached = set() if refresh else cache.cached_ids()
        for item in catalogue.items:
            arxiv_id = item_arxiv_id(item)
            doi = None if arxiv_id is not None else item_doi(item)
            stale = refresh or not (item.authors and item.year)
            if arxiv_id is not None and use_arxiv and (stale or arxiv_id.id not in cached):
                plan.ids.append(arxiv_id)
            either: PaperId | None = arxiv_id or doi
            if s2_all and either is not None:
                plan.s2.append(either)
            elif use_s2 and doi is not None and stale:
                plan.s2.append(doi)
    for target in targets:
        if looks_like_arxiv(target) and catalogue.get(target) is None:
            named = parse_arxiv_id(target)
            if use_arxiv:
                plan.ids.append(named)
            if s2_all:
                plan.s2.append(ArxivId(named.id))
            continue
        for item in _items_named(catalogue, target):
            arxiv_id = item_arxiv_id(item)
            doi = None if arxiv_id is not None else item_doi(item)
            if arxiv_id is not None:
                if use_arxiv:
                    plan.ids.append(arxiv_id)
                if s2_all:
                    plan.s2.append(arxiv_id)
            elif doi is not None and use_s2:
                plan.s2.append(doi)
            elif title_is_missing(item) and _web_link(item):
                plan.pages.append(item)
            else:
                plan.unfetchable.append(
                    NothingToFetchError(
                        f"{item.key} has no arXiv id or arXiv link"
                        + ("" if _web_link(item) else " and no link")
                        + ", so there is nothing to fetch. Add `arxiv: ID` to it in papers.yaml"
                        + ("" if source == "arxiv" else " (or `doi: DOI`)")
                    )
                )
    plan.ids = list(dict.fromkeys(plan.ids))
    plan.s2 = list(dict.fromkeys(plan.s2))
    return plan


def _items_named(catalogue: Catalogue, target: str) -> list[Item]:
    """A pasted web link names the items that carry it; anything else is a query as in `papers done`."""
    if target.startswith(("http://", "https://")):
        linked = [item for item in catalogue.items if target in (item.url, *item.links)]
        if not linked:
            raise PaperNotFoundError(
                f"no item links to {target}. Add it first: papers add TITLE --section S --url {target}"
            )
        return linked
    return find_paper(catalogue, target)


def _web_link(item: Item) -> str | None:
    """The item's own web address: its url, a link, or a title that is only a URL."""
    candidates = (item.url, *item.links, item.title)
    return next((link for link in candidates if link and link.startswith(("http://", "https://"))), None)


def enrichment(item: Item, meta: PaperMeta) -> dict[str, Any]:
    """The fields of `item` that arXiv's metadata improves; the reader's own wording is kept."""
    fields: dict[str, Any] = {}
    if item.title != meta.title and meta.title:
        fields["title"] = meta.title
        if item.listed_as is None:
            fields["listed_as"] = item.title
    if item.arxiv != meta.arxiv_id:
        fields["arxiv"] = meta.arxiv_id
    if tuple(item.authors) != tuple(meta.authors):
        fields["authors"] = list(meta.authors)
    if item.year != meta.year:
        fields["year"] = meta.year
    return fields


@dataclass
class Fetched:
    meta: PaperMeta
    from_cache: bool
    keys: list[str] = field(default_factory=list)  # items that hold this paper


@dataclass
class Report:
    fetched: list[Fetched] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # key -> fields changed
    added: list[str] = field(default_factory=list)
    titled: dict[str, str] = field(default_factory=dict)  # key -> title from its web page
    errors: list[PapersError] = field(default_factory=list)
    scholar: list[ScholarFetched] = field(default_factory=list)  # Semantic Scholar's records

    @property
    def exit_code(self) -> int:
        return max((err.exit_code for err in self.errors), default=0)


@dataclass
class AddOptions:
    section: str
    parent: str | None = None


def default_transport(notify: Notify | None = None) -> Transport:
    """The transport the CLI uses: bounded waits, the User-Agent; ``notify`` hears of cross-host redirects."""
    from papers.sources.http import Transport

    return Transport(notify=notify)


def run_fetch(
    path: Path,
    plan: Plan,
    *,
    refresh: bool,
    cache: MetadataCache,
    add: AddOptions | None = None,
    progress: Progress | None = None,
    notify: Notify | None = None,
) -> Report:
    """Fetch what the cache lacks, store it, then edit the catalogue once under its lock.

    Only records that passed their checks are cached; the whole run is bounded by the sum of
    its requests' budgets (arXiv: 30 s and the 3 s spacing per 100 ids; 30 s per page).
    """
    report = Report()
    metas: dict[ArxivId, PaperMeta] = {}
    cached_ids: set[ArxivId] = set()
    if not refresh:
        for arxiv_id in plan.ids:
            hit = cache.get(arxiv_id.id)
            if hit is not None and (arxiv_id.version is None or hit.version == arxiv_id.version):
                metas[arxiv_id] = hit
                cached_ids.add(arxiv_id)
    wanted = [i for i in plan.ids if i not in metas]
    page_titles: dict[str, str] = {}
    from papers.actions import scholar
    from papers.sources.cache import ScholarCache

    s2_cache = ScholarCache(cache.directory.parent / "s2")
    s2_run, s2_wanted = scholar.from_cache(plan.s2, s2_cache, refresh=refresh)
    if wanted or plan.pages or s2_wanted:
        from papers.sources.arxiv.client import ArxivClient
        from papers.sources.web import Web

        with default_transport(notify) as transport:
            arxiv = ArxivClient(transport=transport)
            web = Web(transport)
            transport.limit_command(
                arxiv.budget_for(len(wanted)) + transport.give_up_after * len(plan.pages)
                + scholar.budget_for(len(s2_wanted), transport)
            )  # fmt: skip
            if wanted:
                result = arxiv.fetch(wanted, progress=progress)
                for found_id, meta in result.found.items():
                    assert isinstance(found_id, ArxivId)
                    cache.put(meta)
                    metas[found_id] = meta
                report.errors.extend(result.errors())
            for item in plan.pages:
                link = _web_link(item)
                assert link is not None
                try:
                    title = web.page_title(link)
                except PapersError as err:
                    report.errors.append(err)
                    continue
                if title:
                    page_titles[item.key] = title
            if s2_wanted:
                scholar.fetch_scholar(s2_run, s2_wanted, s2_cache, transport, progress)
    report.errors.extend(s2_run.errors)
    report.scholar = list(s2_run.fetched.values())
    report.fetched = [Fetched(meta, arxiv_id in cached_ids) for arxiv_id, meta in metas.items()]
    if metas or page_titles or report.scholar:
        _apply(path, report, page_titles, add)
    return report


def fetch_and_add(
    path: Path,
    ids: Sequence[str | ArxivId],
    *,
    section: str | None = None,
    parent: str | None = None,
    cache: MetadataCache | None = None,
    notify: Notify | None = None,
) -> Report:
    """Fetch these papers (cache first) and add each one no item holds to ``section`` / under ``parent``.

    Papers already in the catalogue are enriched, not duplicated: their keys are in
    ``report.fetched[i].keys`` and not in ``report.added``. Malformed ids raise before any request.
    """
    from papers.sources.cache import MetadataCache

    plan = Plan(ids=list(dict.fromkeys(i if isinstance(i, ArxivId) else parse_arxiv_id(i) for i in ids)))
    return run_fetch(
        path, plan, refresh=False, cache=cache or MetadataCache(), add=AddOptions(section or "", parent),
        notify=notify,
    )  # fmt: skip


def _apply(path: Path, report: Report, page_titles: dict[str, str], add: AddOptions | None) -> None:
    with storage.editing(path) as editor:
        cat = editor.catalogue
        by_id: dict[str, list[Item]] = {}
        for item in cat.items:
            arxiv_id = item_arxiv_id(item)
            if arxiv_id is not None:
                by_id.setdefault(arxiv_id.id, []).append(item)
        changes: list[core.Change] = []
        for fetched in report.fetched:
            holders = by_id.get(fetched.meta.arxiv_id, [])
            fetched.keys = [item.key for item in holders]
            for item in holders:
                fields = enrichment(item, fetched.meta)
                if fields:
                    changes.append(core.Change(item.key, fields, ", ".join(fields)))
                    report.updated[item.key] = list(fields)
        from papers.actions.scholar import scholar_changes

        for key, fields in scholar_changes(cat, report.scholar, item_arxiv_id).items():
            changes.append(core.Change(key, fields, ", ".join(fields)))
            report.updated[key] = list(fields)
        editor.apply(changes)
        for fetched in report.fetched:
            if not fetched.keys and add is not None:
                new = core.plan_add(
                    editor.catalogue, fetched.meta.title, section=add.section, parent=add.parent,
                    arxiv=fetched.meta.arxiv_id,
                )  # fmt: skip
                new.fields.update(authors=list(fetched.meta.authors), year=fetched.meta.year)
                editor.add_item(new)
                fetched.keys = [new.fields["key"]]
                report.added.append(new.fields["key"])
        for key, title in page_titles.items():
            item = editor.catalogue[key]
            editor.set_fields(key, {"title": title, **({} if item.listed_as else {"listed_as": item.title})})
            report.titled[key] = title


def cached_metadata(item: Item, cache: MetadataCache | None = None) -> PaperMeta | None:
    """The arXiv record fetched earlier for an item, from the cache only (never the network).

    A damaged record is None (and a warning on stderr), as if it had never been fetched."""
    from papers.sources.cache import MetadataCache

    arxiv_id = item_arxiv_id(item)
    return (cache or MetadataCache()).get(arxiv_id.id) if arxiv_id else None


def metadata_for(
    path: Path, item: Item, cache: MetadataCache, notify: Notify | None = None
) -> PaperMeta | None:
    """An item's arXiv record: cached, else fetched now (and written onto the item); None off arXiv."""
    arxiv_id = item_arxiv_id(item)
    if arxiv_id is None:
        return None
    meta = cache.get(arxiv_id.id)
    if meta is None:
        report = run_fetch(path, Plan(ids=[arxiv_id]), refresh=False, cache=cache, notify=notify)
        if report.errors:
            raise report.errors[0]
        meta = report.fetched[0].meta
    return meta


def download_pdf(
    path: Path,
    item: Item,
    cache: MetadataCache,
    progress: Progress | None = None,
    notify: Notify | None = None,
) -> Path:
    """The item's PDF in the cache folder, downloaded the first time only; never anything but a PDF."""
    meta = metadata_for(path, item, cache, notify)
    dest = pdf_path(item, meta)
    if not dest.is_file():
        from papers.sources.arxiv.client import ArxivClient, site_url
        from papers.sources.web import Web

        source = site_url(pdf_source(item, meta))
        with default_transport(notify) as transport:
            ArxivClient(transport=transport)  # arXiv's spacing also holds for its PDFs
            Web(transport).download_pdf(source, dest, progress=progress)
    return dest


def pdf_source(item: Item, meta: PaperMeta | None) -> str:
    """Where an item's PDF comes from: arXiv's PDF link, else a link of its own ending in .pdf."""
    if meta is not None:
        return meta.pdf_url
    for link in (item.url, *item.links):
        if link and link.lower().split("?")[0].endswith(".pdf") and link.startswith("http"):
            return link
    raise NoPdfError(
        f"papers knows no PDF for {item.key}. Give it an arXiv id (`arxiv: ID`) or a `url:` ending in .pdf"
    )


def pdf_path(item: Item, meta: PaperMeta | None) -> Path:
    """The PDF's place in the cache: one file per paper version, so a second call reuses it."""
    if meta is not None:
        name = f"{meta.arxiv_id.replace('/', '_')}v{meta.version or 1}.pdf"
    else:
        name = f"{item.key}.pdf"
    return cache_dir() / "pdfs" / name
