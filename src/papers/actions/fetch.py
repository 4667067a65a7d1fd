"""`papers fetch` and `papers pdf`: from what a reader typed to metadata in the cache and on the items.

The network is asked only for what the metadata cache does not hold, always outside the
catalogue's lock; the catalogue is then locked, re-read and edited once, so a failed fetch
leaves it untouched and a partial one stores exactly what arrived.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papers.errors import PapersError, UnlinkedUrlError
from papers.model import catalogue as core
from papers.model.arxiv_ids import ArxivId, looks_like_arxiv, parse_arxiv_id
from papers.model.catalogue import Catalogue, Item
from papers.model.keys import unique_key
from papers.model.query import find_paper
from papers.sources.base import item_arxiv_id
from papers.store import load as storage
from papers.store.paths import cache_dir

if TYPE_CHECKING:
    from papers.model.paper import NewVersion, PaperMeta
    from papers.sources.base import Batch, Found, PaperId, Progress, Source
    from papers.sources.cache import MetadataCache
    from papers.sources.http import Transport

__all__ = [
    "AddOptions",
    "Plan",
    "Report",
    "arxiv_plan",
    "fetch_and_add",
    "item_arxiv_id",
    "plan_fetch",
    "run_fetch",
]

Notify = Callable[[str], None]


class NoPdfError(PapersError):
    """papers knows no PDF for an item (exit 1: the catalogue lacks something, not a usage error)."""


class NothingToFetchError(PapersError):
    """An item named by a fetch has no arXiv id and no link to read a title from (exit 1)."""


def title_is_missing(item: Item) -> bool:
    """An item whose title is only its link (as `papers import` makes from a bare URL)."""
    return item.title.startswith(("http://", "https://")) or not item.title.strip()


def cache_root(cache: MetadataCache | None = None) -> Path:
    """The folder holding each source's cache folder (``arxiv/``, ``s2/``): the parent of ``cache``'s."""
    return cache.directory.parent if cache is not None else cache_dir()


@dataclass
class Plan:
    """What one `papers fetch` will ask for: ids by source name (in the registry's order, each in the
    order the user named them), items whose title comes from their web page, and items named that
    nothing can be fetched for."""

    asks: dict[str, list[PaperId]] = field(default_factory=dict)
    pages: list[Item] = field(default_factory=list)
    unfetchable: list[PapersError] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.size or self.pages)

    @property
    def size(self) -> int:
        """How many ids are asked of all sources together (cached ones included)."""
        return sum(map(len, self.asks.values()))


def plan_fetch(
    catalogue: Catalogue,
    targets: Sequence[str],
    *,
    fetch_all: bool,
    refresh: bool,
    cache: MetadataCache | None = None,
    source: str | None = None,
) -> Plan:
    """Resolve every target before any request: malformed ids, unknown queries and an unknown
    ``source`` (UnknownSourceError, naming the choices of sources/registry.py) fail here.

    ``source``: a source's name (only it is asked, for every item it applies to), "all" (every
    source, for every item it applies to), or None: each item asked of the first source that
    applies (arXiv for what it has, Semantic Scholar for papers with a DOI and no arXiv id).
    `--all` takes the items each source's ``select`` keeps: those not cached, or not yet written
    onto the item, so a second run is as fast as a list.
    """
    from papers.sources import registry

    sources, chosen = registry.choose(source)
    root = cache_root(cache)
    plan = Plan(asks={s.name: [] for s in sources})

    def asked(item: Item) -> list[tuple[Source[Any], PaperId]]:
        applies = [(s, paper_id) for s in sources if (paper_id := s.paper_id(item)) is not None]
        return applies if chosen else applies[:1]

    if fetch_all:
        candidates: dict[str, list[tuple[Item, PaperId]]] = {s.name: [] for s in sources}
        for item in catalogue.items:
            for s, paper_id in asked(item):
                candidates[s.name].append((item, paper_id))
        for s in sources:
            plan.asks[s.name] = s.select(
                candidates[s.name], root / s.namespace, refresh=refresh, chosen=chosen
            )
    for target in targets:
        if looks_like_arxiv(target) and catalogue.get(target) is None:
            named = parse_arxiv_id(target)
            handling = [s for s in sources if s.handles(named)]
            for s in handling if chosen else handling[:1]:
                plan.asks[s.name].append(named)
            continue
        for item in _items_named(catalogue, target):
            applies = asked(item)
            for s, paper_id in applies:
                plan.asks[s.name].append(paper_id)
            if applies:
                continue
            if title_is_missing(item) and _web_link(item):
                plan.pages.append(item)
            else:
                plan.unfetchable.append(_nothing_to_fetch(item, sources))
    plan.asks = {name: list(dict.fromkeys(ids)) for name, ids in plan.asks.items() if ids}
    return plan


def _nothing_to_fetch(item: Item, sources: Sequence[Source[Any]]) -> NothingToFetchError:
    first, *others = dict.fromkeys(field for s in sources for field in s.reads)
    return NothingToFetchError(
        f"{item.key} has no arXiv id or arXiv link"
        + ("" if _web_link(item) else " and no link")
        + f", so there is nothing to fetch. Add {first} to it in papers.yaml"
        + "".join(f" (or {other})" for other in others)
    )


def _items_named(catalogue: Catalogue, target: str) -> list[Item]:
    """A pasted web link names the items that carry it; anything else is a query as in `papers done`."""
    if target.startswith(("http://", "https://")):
        linked = [item for item in catalogue.items if target in (item.url, *item.links)]
        if not linked:
            raise UnlinkedUrlError(target)
        return linked
    return find_paper(catalogue, target)


def _web_link(item: Item) -> str | None:
    """The item's own web address: its url, a link, or a title that is only a URL."""
    candidates = (item.url, *item.links, item.title)
    return next((link for link in candidates if link and link.startswith(("http://", "https://"))), None)


@dataclass
class Report:
    """What a fetch did: each source's records (in the registry's order, with the items holding
    each and the versions that appeared after one was read), the fields written, the items added
    and titled, and the errors."""

    found: list[tuple[Source[Any], list[Found[Any]]]] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # key -> fields changed
    added: list[str] = field(default_factory=list)
    titled: dict[str, str] = field(default_factory=dict)  # key -> title from its web page
    errors: list[PapersError] = field(default_factory=list)

    @property
    def since_read(self) -> list[tuple[str, NewVersion]]:
        """(key, version) for each done item a newer version of its paper appeared after (model/paper.py)."""
        return [
            (key, news) for _, found in self.found for record in found for key, news in record.news.items()
        ]

    @property
    def fetched(self) -> list[Found[PaperMeta]]:
        """arXiv's records: the papers `fetch --add` and `papers add ID` add."""
        return next((found for s, found in self.found if s.name == "arxiv"), [])

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
    cache: MetadataCache | None = None,
    add: AddOptions | None = None,
    progress: Progress | None = None,
    notify: Notify | None = None,
) -> Report:
    """Fetch what each source's cache lacks, store it, then edit the catalogue once under its lock.

    Only records that passed their checks are cached; the whole run is bounded by the sum of
    its requests' budgets (arXiv: 30 s and the 3 s spacing per 100 ids; Semantic Scholar: 30 s
    and 1 s per 500; 30 s per page).
    """
    from papers.sources.registry import SOURCES

    root = cache_root(cache)
    report = Report()
    batches: list[tuple[Source[Any], Batch[Any]]] = [
        (s, s.from_cache(plan.asks[s.name], root / s.namespace, refresh=refresh))
        for s in SOURCES
        if plan.asks.get(s.name)
    ]
    page_titles: dict[str, str] = {}
    asking = [(s, batch) for s, batch in batches if batch.wanted]
    if asking or plan.pages:
        from papers.sources.web import Web

        with default_transport(notify) as transport:
            # Every source's pacing holds for every request (a page may be on a source's host); the
            # sources asked come last, so a host two of them share is named after the one asked.
            for s in reversed(SOURCES):
                if all(s is not other for other, _ in asking):
                    s.connect(transport)
            clients = [(s, batch, s.connect(transport)) for s, batch in asking]
            transport.limit_command(
                sum(client.budget_for(len(batch.wanted)) for _, batch, client in clients)
                + transport.give_up_after * len(plan.pages)
            )
            for s, batch, client in clients:
                s.store(batch, client.fetch(batch.wanted, progress=progress), root / s.namespace)
            web = Web(transport)
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
    for s, batch in batches:
        report.found.append((s, list(batch.found.values())))
    report.errors = [err for _, batch in batches for err in batch.errors] + report.errors
    if any(found for _, found in report.found) or page_titles:
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
    plan = arxiv_plan(i if isinstance(i, ArxivId) else parse_arxiv_id(i) for i in ids)
    return run_fetch(
        path, plan, refresh=False, cache=cache, add=AddOptions(section or "", parent), notify=notify
    )


def arxiv_plan(ids: Iterable[ArxivId]) -> Plan:
    """A plan that asks arXiv for these ids, as `papers add ID` and `papers pdf` do."""
    return Plan(asks={"arxiv": list(dict.fromkeys(ids))})


def _apply(path: Path, report: Report, page_titles: dict[str, str], add: AddOptions | None) -> None:
    with storage.editing(path) as editor:
        cat = editor.catalogue
        pending: dict[str, dict[str, Any]] = {}
        for s, found in report.found:
            for key, fields in s.changes(cat, found).items():
                # An earlier source in the registry is the truth for a field both would write.
                held = pending.setdefault(key, {})
                held.update({name: value for name, value in fields.items() if name not in held})
        for key, fields in pending.items():
            report.updated[key] = list(fields)
        editor.apply([core.Change(key, fields, ", ".join(fields)) for key, fields in pending.items()])
        # The new items go in as one batch (the editor renumbers the lines below them once, not once
        # a paper), so each one's key is kept from the catalogue's and from those planned before it.
        news: list[core.NewItem] = []
        planned: set[str] = set()
        taken = _EitherOf(editor.catalogue.keys, planned)
        for s, found in report.found:
            for record in found:
                for key in record.keys:
                    since = s.since_read(cat[key], record.meta)
                    if since is not None:
                        record.news[key] = since
                made = s.new_item(record.meta) if not record.keys and add is not None else None
                if made is None or add is None:
                    continue
                title = made.pop("title")
                placed = {name: made.pop(name) for name in ("arxiv", "url") if name in made}
                new = core.plan_add(
                    editor.catalogue, title, section=add.section, parent=add.parent,
                    key=unique_key(" ".join(title.split()), taken), **placed,
                )  # fmt: skip
                new.fields.update(made)
                news.append(new)
                planned.add(new.fields["key"])
                record.keys = [new.fields["key"]]
                report.added.append(new.fields["key"])
        editor.add_items(news)
        for key, title in page_titles.items():
            item = editor.catalogue[key]
            editor.set_fields(key, {"title": title, **({} if item.listed_as else {"listed_as": item.title})})
            report.titled[key] = title


@dataclass(frozen=True)
class _EitherOf:
    """Keys in either of two collections, without copying the catalogue's (50,000 at scale)."""

    first: Container[str]
    second: Container[str]

    def __contains__(self, key: object) -> bool:
        return key in self.first or key in self.second


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
        report = run_fetch(path, arxiv_plan([arxiv_id]), refresh=False, cache=cache, notify=notify)
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
