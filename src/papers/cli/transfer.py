"""Moving lists in and out: import, export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from papers import actions
from papers.cli.app import (
    DoneOpt,
    SectionOpt,
    TodoOpt,
    catalogue_path,
    check_status_filter,
    command,
    first_keys,
    note,
)
from papers.errors import UsageError
from papers.formats.registry import ExportFormat, ImportFormat
from papers.store.paths import display_path
from papers.text import printable


@command("import")
def import_list(
    source: Annotated[
        str,
        typer.Argument(
            metavar="LIST",
            help="A markdown list, a BibTeX file or a file of ids and links; - reads standard input; "
            "a web address (a GitHub file's page, a gist, any https URL) is fetched.",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Print what would change and write nothing.")
    ] = False,
    only_checkboxes: Annotated[
        bool,
        typer.Option("--only-checkboxes", help="Only checkbox lines become items; other bullets stay notes."),
    ] = False,
    format_: Annotated[
        ImportFormat | None,
        typer.Option(
            "--format", "-t", help="What the list is (default: from its content).", case_sensitive=False
        ),
    ] = None,
    into: Annotated[
        str | None,
        typer.Option(
            "--section",
            "-s",
            help="The section a BibTeX file or a list of links goes into (default: its name).",
        ),
    ] = None,
) -> None:
    """Merge a markdown list into the catalogue (created if it does not exist yet).

    Headings become sections (nested ones named by their path, like Topic / 2015), checkbox
    lines and list items that cite a paper (an arXiv, DOI, proceedings or PDF link, or an
    arXiv id) items (indented ones their children), other lines section notes. A BibTeX
    file, or a file of arXiv ids, links or DOIs one a line, is read as such. A web address is
    fetched first (a GitHub page as its raw file). An item already in the catalogue is matched,
    never added twice, and a ticked item is never unticked. See docs/markdown.md.

    Example: papers import https://github.com/OWNER/REPO/blob/main/README.md
    """
    path = catalogue_path(must_exist=False)
    if actions.is_url(source):
        report = actions.import_url(
            path,
            source,
            dry_run=dry_run,
            only_checkboxes=only_checkboxes,
            fmt=format_,
            section=into,
            notify=note,
        )
    elif source == "-":
        text = actions.read_list(sys.stdin.buffer, "standard input")
        report = actions.import_list(
            path,
            text,
            dry_run=dry_run,
            name="standard input",
            only_checkboxes=only_checkboxes,
            fmt=format_,
            section=into,
        )
    else:
        report = actions.import_file(
            path, source, dry_run=dry_run, only_checkboxes=only_checkboxes, fmt=format_, section=into
        )
    if report is None:
        note(f"{source} holds no section, item or note: nothing to import")
        return
    if dry_run:
        sys.stdout.write("".join(f"{printable(line, keep_layout=True)}\n" for line in report.changes))
    note(f"{'would have ' if dry_run else ''}{report.summary()}{'; nothing was written' if dry_run else ''}")


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
    archivePrefix and primaryClass, cite keys like vaswani2017attention; papers not on arXiv
    fetched from Semantic Scholar are @article (journal) or @inproceedings (booktitle).
    Example: `papers export --format bibtex --section models -o models.bib`.
    """
    check_status_filter(todo, done)
    path = catalogue_path()
    exported = actions.export(path, format_, todo=todo, done=done, section=section)
    if exported.unfetched:
        shown = first_keys(exported.unfetched)
        note(
            f"left out {len(exported.unfetched)} paper(s) with no fetched metadata ({shown}): run papers fetch --all"
        )
    if output is None:  # a terminal or a pipe: control characters from the file are shown, not sent
        sys.stdout.write(printable(exported.text, keep_layout=True))
        return
    if output.resolve() == path.resolve():  # write_export refuses too; this words it with the flag
        raise UsageError(f"--output {output} is the catalogue itself. Write the export to another file")
    actions.write_export(path, output, exported.text)
    note(f"wrote {display_path(output)}")
