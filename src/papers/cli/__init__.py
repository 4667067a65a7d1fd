"""The `papers` command line: parse, call the core, render, exit with a meaningful code.

Exit codes: 0 success (also "nothing to do"), 1 a domain error, 2 a usage error,
3 arXiv or the network unavailable. Errors are one line on stderr; `--debug` or
PAPERS_DEBUG=1 shows the traceback instead.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from papers import __version__, render
from papers.errors import PapersError, UsageError
from papers.formats.registry import ExportFormat
from papers.model import catalogue
from papers.store import load as storage
from papers.store.paths import cache_dir, display_path, find_catalogue

app = typer.Typer(
    name="papers",
    no_args_is_help=True,
    help="Track your way through a reading list of research papers kept in papers.yaml.",
    epilog="Exit codes: 0 success, 1 no such paper or invalid catalogue, 2 usage error, 3 network unavailable.",
    pretty_exceptions_enable=False,
    add_completion=True,
    # Plain click output: a usage error ends in one `Error: ...` line and never draws a box in a pipe.
    rich_markup_mode=None,
)


class _State:
    file: Path | None = None
    debug: bool = False


state = _State()
F = TypeVar("F", bound=Callable[..., Any])


def _debugging() -> bool:
    return state.debug or os.environ.get("PAPERS_DEBUG", "") not in ("", "0")


def error(message: str) -> None:
    """One line on stderr: `Error: what happened. What to do.`"""
    line = " ".join(message.split())
    sys.stderr.write(f"Error: {line}{'' if line.endswith(('.', '?', '!')) else '.'}\n")


def note(message: str) -> None:
    sys.stderr.write(message.rstrip("\n") + "\n")


def reporting_errors(func: F) -> F:
    """Turn PapersError into its one-line message and exit code (or a traceback with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PapersError as err:
            if _debugging():
                raise
            error(str(err))
            raise typer.Exit(err.exit_code) from None
        except KeyboardInterrupt:
            if _debugging():
                raise
            error("interrupted. Nothing was changed unless a message above says so")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def command(name: str, **kwargs: Any) -> Callable[[F], F]:
    def register(func: F) -> F:
        app.command(name, **kwargs)(reporting_errors(func))
        return func

    return register


def catalogue_path(*, must_exist: bool = True) -> Path:
    return find_catalogue(state.file, must_exist=must_exist)


def complete_key(incomplete: str) -> list[str]:
    """Shell completion for QUERY arguments: the catalogue's keys."""
    try:
        keys = storage.load_catalogue(catalogue_path()).keys
    except PapersError:
        return []
    return sorted(key for key in keys if key.startswith(incomplete))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"papers {__version__}")
        raise typer.Exit()


# Options declared once and reused.
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]
QueryArg = Annotated[
    str,
    typer.Argument(
        metavar="QUERY",
        help="A key, an arXiv id, or part of a title.",
        autocompletion=complete_key,
        show_default=False,
    ),
]
TodoOpt = Annotated[bool, typer.Option("--todo", help="Only what is not done yet (todo and reading).")]
DoneOpt = Annotated[bool, typer.Option("--done", help="Only what is done.")]
SectionOpt = Annotated[
    str | None,
    typer.Option("--section", "-s", help="Only sections whose name starts with this (any case)."),
]
QueriesArg = Annotated[
    list[str],
    typer.Argument(
        metavar="QUERY...",
        help="Keys, arXiv ids or parts of titles; each argument is one query.",
        autocompletion=complete_key,
        show_default=False,
    ),
]


@app.callback()
def main_options(
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            help="The catalogue to use. Default: $PAPERS_FILE, else papers.yaml here or in a parent.",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Track your way through a reading list of research papers kept in papers.yaml."""
    state.file = file
    state.debug = debug


@command("list")
def list_papers(
    todo: TodoOpt = False, done: DoneOpt = False, section: SectionOpt = None, json_: JsonOpt = False
) -> None:
    """List the catalogue by section: status, key, title, arXiv id.

    In a terminal the list is aligned and coloured; piped, it is tab-separated
    (status, key, title, arxiv, section, note), one item per line.
    """
    cat = storage.load_catalogue(catalogue_path())
    items = catalogue.select(cat, todo=todo, done=done, section=section)
    out = sys.stdout
    if json_:
        out.write(render.render_list_json(items) + "\n")
    elif not items:
        note(
            "nothing to list"
            + (": the catalogue has no items yet" if not cat.items else " with these filters")
        )
    elif render.is_terminal(out):
        out.write(render.render_list_terminal(cat, items, colour=render.wants_colour(out)))
    else:
        out.write(render.render_list_tsv(items))


def _change_status(queries: list[str], status: str, verb: str) -> None:
    path = catalogue_path()
    with storage.editing(path) as editor:
        items = catalogue.resolve_all(editor.catalogue, queries)
        changes, unchanged = catalogue.set_status(items, status, dt.date.today().isoformat())
        editor.apply(changes)
    for change in changes:
        item = editor.catalogue[change.key]
        note(f"{verb} {item.key}: {item.title} ({change.summary})")
    for item in unchanged:
        note(f"{item.key} is already {status}: nothing to do")


@command("done")
def done(queries: QueriesArg) -> None:
    """Tick papers off: mark them done, recording today's date.

    A QUERY is a key, an arXiv id (every item holding it), or part of a title or key
    (any case; a close misspelling matches too). Every QUERY is resolved before anything changes: if one matches nothing or several
    papers, nothing is ticked. Ticking a parent does not tick its children.
    """
    _change_status(queries, "done", "done")


@command("undo")
def undo(queries: QueriesArg) -> None:
    """Mark papers as not done (todo) again and forget the date."""
    _change_status(queries, "todo", "undone")


@command("start")
def start(queries: QueriesArg) -> None:
    """Mark papers as being read (status `reading`)."""
    _change_status(queries, "reading", "reading")


@command("progress")
def show_progress(
    json_: JsonOpt = False,
    svg: Annotated[
        Path | None,
        typer.Option("--svg", help="Save the table with its bars as an SVG picture.", dir_okay=False),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Save the table with its bars as an HTML page.", dir_okay=False),
    ] = None,
) -> None:
    """Done/total per section with a bar, and a total. Grouping items do not count.

    With --svg or --html the picture is saved (atomically) instead of printed.
    """
    rows, total = catalogue.progress(storage.load_catalogue(catalogue_path()))
    pictures = [(kind, target) for kind, target in (("svg", svg), ("html", html)) if target is not None]
    for kind, target in pictures:
        storage.write_atomically(target, render.progress_picture(rows, total, kind))
        note(f"wrote {display_path(target)}")
    if pictures:
        return
    if json_:
        sys.stdout.write(render.progress_json(rows, total) + "\n")
    elif render.is_terminal(sys.stdout):
        render.console().print(render.progress_table(rows, total))
    else:
        sys.stdout.write(render.progress_tsv(rows, total))


@command("show")
def show(query: QueryArg, json_: JsonOpt = False) -> None:
    """Everything known about one paper."""
    from papers.actions.fetch import cached_metadata  # offline: the metadata cache, never the network

    cat = storage.load_catalogue(catalogue_path())
    for item in catalogue.find_paper(cat, query):
        meta = cached_metadata(item)
        if json_:
            sys.stdout.write(render.to_json(item.to_json() | {"metadata": meta and meta.to_dict()}) + "\n")
            continue
        rows = render.item_details(
            cat, item, render.metadata_rows(meta) if meta else None, note_preview=_note_preview(item)
        )
        if render.is_terminal(sys.stdout):
            render.console().print(render.details_table(rows))
        else:
            sys.stdout.write(render.details_text(rows))


def _note_preview(item: catalogue.Item) -> list[str] | None:
    if not item.note:
        return None
    from papers.notes import note_preview

    return note_preview(catalogue_path(), item.note)


@command("add")
def add(
    title: Annotated[str, typer.Argument(help="The paper's title.", show_default=False)],
    section: Annotated[
        str, typer.Option("--section", "-s", help="The section to add it to.", show_default=False)
    ],
    arxiv: Annotated[str | None, typer.Option("--arxiv", help="Its arXiv id, e.g. 2205.14135.")] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="Its canonical URL, when it is not on arXiv.")
    ] = None,
    parent: Annotated[
        str | None,
        typer.Option("--parent", help="Key of the item to put it under.", autocompletion=complete_key),
    ] = None,
    key: Annotated[
        str | None, typer.Option("--key", help="The key to type; default: made from the title.")
    ] = None,
    new_section: Annotated[
        bool, typer.Option("--new-section", help="Create the section if it does not exist.")
    ] = False,
) -> None:
    """Add a paper to the catalogue with a fresh, unique key."""
    arxiv_id = _parse_arxiv_option(arxiv)
    path = catalogue_path(must_exist=not new_section)
    with storage.editing(path, create=new_section) as editor:
        new = catalogue.plan_add(
            editor.catalogue,
            title,
            section=section,
            arxiv=arxiv_id,
            url=url,
            parent=parent,
            key=key,
            new_section=new_section,
        )
        editor.add_item(new)
    note(
        f"added {new.fields['key']}: {new.fields['title']} (in {new.section}{f', under {parent}' if parent else ''})"
    )
    sys.stdout.write(new.fields["key"] + "\n")


def _parse_arxiv_option(text: str | None) -> str | None:
    if text is None:
        return None
    from papers.sources.arxiv.ids import parse_arxiv_id

    return str(parse_arxiv_id(text).id)


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
        bool, typer.Option("--refresh", help="Ask arXiv again even when the cache has it.")
    ] = False,
    add: Annotated[
        bool, typer.Option("--add", help="Add papers no item holds yet, titled from arXiv (needs --section).")
    ] = False,
    section: Annotated[str | None, typer.Option("--section", "-s", help="Section for --add.")] = None,
    parent: Annotated[
        str | None, typer.Option("--parent", help="Parent key for --add.", autocompletion=complete_key)
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
    """
    from papers.actions import fetch as fetching
    from papers.sources.cache import MetadataCache

    if not targets and not fetch_all:
        raise UsageError("give at least one id or query, or --all. See papers fetch --help")
    if add and section is None and parent is None:
        raise UsageError("--add needs --section (or --parent) to know where the new paper goes")
    path = catalogue_path()
    cache = MetadataCache()
    plan = fetching.plan_fetch(
        storage.load_catalogue(path), targets or [], fetch_all=fetch_all, refresh=refresh, cache=cache
    )
    for message in plan.nothing_to_do:
        note(message)
    with render.progress_bar("asking arXiv", enabled=len(plan.ids) > 100) as progress:
        report = fetching.run_fetch(
            path, plan, refresh=refresh, client=fetching.default_client, cache=cache,
            add=fetching.AddOptions(section or "", parent) if add else None, progress=progress,
        )  # fmt: skip
    _print_fetch_report(report, json_)
    for err in report.errors:
        error(str(err))
    if report.exit_code or plan.nothing_to_do:
        raise typer.Exit(report.exit_code or 1)


def _print_fetch_report(report: Any, json_: bool) -> None:
    for key, fields in report.updated.items():
        note(f"updated {key}: {', '.join(fields)}")
    for key in report.added:
        note(f"added {key}")
    for key, title in report.titled.items():
        note(f"titled {key}: {title}")
    rows = [(f.meta, f.keys, f.from_cache) for f in report.fetched]
    if json_:
        payload = [
            {**meta.to_dict(), "year": meta.year, "items": keys, "from_cache": cached}
            for meta, keys, cached in rows
        ]
        sys.stdout.write(render.to_json(payload) + "\n")
    elif render.is_terminal(sys.stdout):
        if rows:
            render.console().print(render.fetched_table(rows))
    else:
        sys.stdout.write(render.fetched_tsv(rows))


@command("pdf")
def pdf(
    query: QueryArg,
    open_: Annotated[bool, typer.Option("--open", help="Open the PDF in your viewer.")] = False,
) -> None:
    """Download a paper's PDF into the cache (once) and print its path.

    The PDF comes from the paper's arXiv record (fetched first if need be), or from the
    item's own url when it ends in .pdf.
    """
    from papers.actions import fetch as fetching
    from papers.sources.cache import MetadataCache

    path = catalogue_path()
    item = catalogue.find_paper(storage.load_catalogue(path), query)[0]
    with render.progress_bar(f"downloading {item.key}", bytes_=True) as progress:
        dest = fetching.download_pdf(path, item, MetadataCache(), progress)
    sys.stdout.write(f"{dest}\n")
    if open_:
        typer.launch(str(dest))


@command("note")
def note_command(
    query: QueryArg,
    edit: Annotated[
        bool | None,
        typer.Option(
            "--edit/--no-edit",
            help="Open the note in $VISUAL or $EDITOR. Default: only when stdin and stdout are a terminal.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Start a markdown note on a paper (notes/KEY.md beside the catalogue) and open it.

    The note starts from a template with the paper's title, authors, links and abstract
    (when `papers fetch` has cached them). An existing note is opened, never overwritten.
    Prints the note's path.
    """
    from papers import notes

    path = catalogue_path()
    with storage.editing(path) as editor:
        (item,) = catalogue.find_paper(editor.catalogue, query, allow_many_same_id=False)
        started = notes.start_note(path, item)
        if started.record:
            editor.set_fields(item.key, {"note": started.record})
    shown = display_path(started.path)
    note(f"created {shown} for {item.key}" if started.created else f"{shown} exists: opening it as it is")
    if edit if edit is not None else sys.stdin.isatty() and sys.stdout.isatty():
        command = notes.editor_command()
        if command is None:
            note("no $VISUAL or $EDITOR is set: open the note yourself")
        else:
            notes.open_in_editor(command, started.path)
    sys.stdout.write(shown + "\n")


@command("import")
def import_list(
    source: Annotated[
        str, typer.Argument(metavar="LIST.md", help="A markdown checklist; - reads standard input.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Print what would change and write nothing.")
    ] = False,
) -> None:
    """Merge a markdown checklist into the catalogue (created if it does not exist yet).

    Headings become sections, checkbox lines items (indented ones their children), other
    lines section notes. An item already in the catalogue is matched, never added twice,
    and a ticked item is never unticked. See docs/markdown.md.
    """
    from papers.actions.importing import import_checklist

    text = _read_text(source)
    path = catalogue_path(must_exist=False)
    with storage.editing(path, create=True, dry_run=dry_run) as editor:
        report = import_checklist(editor, text, dt.date.today().isoformat())
    if report is None:
        note(f"{source} has no headings, checklist items or notes: nothing to import")
        return
    if dry_run:
        sys.stdout.write("".join(f"{line}\n" for line in report.changes))
    note(f"{'would have ' if dry_run else ''}{report.summary()}{'; nothing was written' if dry_run else ''}")


def _read_text(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except OSError as err:
        raise UsageError(f"cannot read {source}: {err.strerror or err}. Check the path") from None
    except UnicodeDecodeError:
        raise UsageError(f"{source} is not UTF-8 text. Save it as UTF-8") from None


@command("export")
def export(
    format_: Annotated[
        ExportFormat, typer.Option("--format", "-t", help="What to write.", case_sensitive=False)
    ] = ExportFormat.markdown,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file (atomically) instead of printing.", dir_okay=False
        ),
    ] = None,
    todo: TodoOpt = False,
    done: DoneOpt = False,
    section: SectionOpt = None,
) -> None:
    """Print the catalogue as a markdown checklist (the default), JSON or BibTeX.

    `papers import` reads the markdown back to the same sections, items, ticks, links,
    arXiv ids and nesting. The filters keep the chosen items in their sections; an item
    left out hands its kept children to the nearest kept parent. BibTeX covers the papers
    whose arXiv metadata was fetched (`papers fetch --all`), as @misc entries with eprint,
    archivePrefix and primaryClass, cite keys like vaswani2017attention.
    """
    from papers.formats import registry as exports

    path = catalogue_path()
    cat = storage.load_catalogue(path)
    selected = (
        catalogue.select(cat, todo=todo, done=done, section=section) if todo or done or section else None
    )
    if format_ is ExportFormat.bibtex:
        _, unfetched = exports.bibtex_sources(cat, selected)
        if unfetched:
            shown = ", ".join(unfetched[:5]) + (", ..." if len(unfetched) > 5 else "")
            note(
                f"left out {len(unfetched)} paper(s) with no fetched metadata ({shown}): run papers fetch --all"
            )
    text = exports.export(cat, format_, selected)
    if output is None:
        sys.stdout.write(text)
        return
    if output.resolve() == path.resolve():
        raise UsageError(f"--output {output} is the catalogue itself. Write the export to another file")
    storage.write_atomically(output, text)
    note(f"wrote {display_path(output)}")


@command("path")
def path(json_: JsonOpt = False) -> None:
    """Print the catalogue in use and the cache folder."""
    try:
        found: str | None = str(catalogue_path())
    except PapersError as err:
        found = None
        note(str(err))
    cache = str(cache_dir())
    if json_:
        sys.stdout.write(render.to_json({"catalogue": found, "cache": cache}) + "\n")
    else:
        sys.stdout.write(f"catalogue\t{found or '(none found)'}\ncache\t{cache}\n")
    if found is None:
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="papers")
