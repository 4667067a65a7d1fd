"""Metadata from the network: fetch, pdf."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from papers import render
from papers.cli.app import (
    JsonOpt,
    QueryArg,
    catalogue_path,
    command,
    complete_key,
    error,
    note,
)
from papers.errors import PaperNotFoundError, PapersError, UnlinkedUrlError, UsageError
from papers.model.query import find_paper
from papers.store import load as storage


@command("fetch")
def fetch(
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[ID_OR_URL_OR_QUERY]...",
            help="arXiv ids in any form (2005.14165, arXiv:2005.14165v2, hep-th/9711200, abs/pdf/html links, "
            "the 10.48550 DOI), or catalogue queries as in `papers done`.",
            autocompletion=complete_key,
            show_default=False,
        ),
    ] = None,
    fetch_all: Annotated[
        bool,
        typer.Option("--all", help="Every item with an arXiv id or link whose metadata is not cached yet."),
    ] = False,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh",
            help="Ask again even when the cache has it, and say which done papers have a newer arXiv "
            "version than the one read (see papers list --updated).",
        ),
    ] = False,
    add: Annotated[
        bool, typer.Option("--add", help="Add papers no item holds yet, titled from arXiv (needs --section).")
    ] = False,
    section: Annotated[str | None, typer.Option("--section", "-s", help="Section for --add.")] = None,
    parent: Annotated[
        str | None, typer.Option("--parent", help="Parent key for --add.", autocompletion=complete_key)
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="arxiv, s2 (Semantic Scholar: every arXiv id and DOI, with references) or all. "
            "Default: arXiv for arXiv papers, Semantic Scholar for papers with only a DOI.",
            show_default=False,
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Fetch arXiv metadata: canonical title, authors, year, dates, category, DOI, abstract.

    Each argument is an arXiv id in any form (2005.14165, 2005.14165v2, arXiv:2005.14165,
    hep-th/9711200, an abs/pdf/html link, the DOI 10.48550/arXiv.2005.14165) or a catalogue
    query as in `papers done` (key, part of a title).

    Items holding the paper gain its title, authors and year in papers.yaml (your own wording
    is kept as `listed_as`); the full record goes to the metadata cache, so `papers show`
    works offline and a second fetch asks arXiv nothing. The endpoint is $PAPERS_ARXIV_URL
    (default https://export.arxiv.org/api/query). Requests are batched and spaced 3 s apart.

    Papers not on arXiv (a `doi:` field or a doi.org link) are asked of Semantic Scholar, one
    request per 500 papers, at least 1 s apart: they gain title, authors, year and venue.
    `--source s2` asks it for every paper, which caches the references `papers graph` and
    `papers next` read. $SEMANTIC_SCHOLAR_API_KEY, if set, is sent as its API key; the
    endpoint is $PAPERS_S2_URL (default https://api.semanticscholar.org/graph/v1).

    Example: papers fetch --all --source s2
    """
    from papers.actions import fetch as fetching
    from papers.sources.registry import SOURCES, UnknownSourceError

    if not targets and not fetch_all:
        raise UsageError("give at least one id or query, or --all. See papers fetch --help")
    if add and section is None and parent is None:
        raise UsageError("--add needs --section (or --parent) to know where the new paper goes")
    path = catalogue_path()
    try:
        plan = fetching.plan_fetch(
            storage.load_catalogue(path), targets or [], fetch_all=fetch_all, refresh=refresh, source=source
        )
    except UnknownSourceError as unknown:
        raise UsageError(f"--source is {unknown.either}, not {unknown.name!r}") from None
    except UnlinkedUrlError as unlinked:
        raise PaperNotFoundError(
            f"{unlinked}. Add it first: papers add TITLE --section S --url {unlinked.url}"
        ) from None
    for problem in plan.unfetchable:
        error(str(problem))
    if fetch_all and not targets and plan.empty:
        note("nothing to fetch: every item with an arXiv id has its metadata (--refresh asks arXiv again)")
    asking = " and ".join(s.label for s in SOURCES if s.name in plan.asks)
    with render.progress_bar(f"asking {asking}", enabled=plan.size > 100) as progress:
        report = fetching.run_fetch(
            path, plan, refresh=refresh, notify=note, progress=progress,
            add=fetching.AddOptions(section or "", parent) if add else None,
        )  # fmt: skip
    _print_fetch_report(report, json_, hint=not add)
    for err in report.errors:
        error(str(err))
    worst = max([report.exit_code, *(p.exit_code for p in plan.unfetchable)])
    if worst:
        raise typer.Exit(worst)


def _print_fetch_report(report: Any, json_: bool, *, hint: bool) -> None:
    for key, fields in report.updated.items():
        note(f"updated {key}: {', '.join(fields)}")
    for key in report.added:
        note(f"added {key}")
    for key, title in report.titled.items():
        note(f"titled {key}: {title}")
    for source, found in report.found if hint else ():
        for record in found:
            made = source.new_item(record.meta) if not record.keys else None
            if made and made.get("arxiv"):
                paper = made["arxiv"]
                note(
                    f"not in the catalogue: {paper}. To add it: papers fetch {paper} --add --section SECTION"
                )
    for key, news in report.since_read:
        note(f"{news} ({key})")
    fmt = render.choose_format(json_)
    if fmt.json:
        payload = [
            {
                **f.meta.to_dict(), "year": f.meta.year, "items": f.keys, "from_cache": f.from_cache,
                "since_read": [{"item": key, **news.to_dict()} for key, news in f.news.items()],
            }
            for _, found in report.found
            for f in found
        ]  # fmt: skip
        sys.stdout.write(render.to_json(payload) + "\n")
    elif fmt.terminal:
        for source, found in report.found:
            if found:
                rows = [(f.meta, f.keys, f.from_cache) for f in found]
                render.console().print(render.fetched_table(rows, source.label))
    else:
        sys.stdout.write(
            render.fetched_tsv([(f.meta, f.keys, f.from_cache) for _, found in report.found for f in found])
        )


@command("pdf")
def pdf(
    query: QueryArg,
    open_: Annotated[bool, typer.Option("--open", help="Open the PDF in your viewer.")] = False,
) -> None:
    """Download a paper's PDF into the cache (once) and print its path.

    The PDF comes from the paper's arXiv record (fetched first if need be), or from the
    item's own url when it ends in .pdf; --open opens it.
    Example: `papers pdf flashattention --open`.
    """
    from papers.actions import fetch as fetching
    from papers.sources.cache import MetadataCache

    path = catalogue_path()
    item = find_paper(storage.load_catalogue(path), query)[0]
    with render.progress_bar(f"downloading {item.key}", bytes_=True) as progress:
        dest = fetching.download_pdf(path, item, MetadataCache(), progress, notify=note)
    sys.stdout.write(f"{dest}\n")
    if open_ and typer.launch(str(dest)) != 0:
        raise PapersError(f"no PDF viewer could be started for {dest}. Open the file yourself")
