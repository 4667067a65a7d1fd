"""Finding and looking back: search, log, stats."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from papers import render, render_find
from papers.cli.app import (
    DoneOpt,
    JsonOpt,
    SectionOpt,
    SinceOpt,
    TodoOpt,
    UntilOpt,
    catalogue_path,
    check_status_filter,
    command,
    note,
    parse_day,
)
from papers.errors import UsageError
from papers.store.paths import display_path

FieldOpt = Annotated[
    str | None,
    typer.Option(
        "--field",
        help="Only in this field: title (with the original wording), authors, abstract, notes or remark (with tags).",
        show_default=False,
    ),
]


@command("search")
def search(
    text: Annotated[
        list[str],
        typer.Argument(
            metavar="TEXT...", help="What to look for (the words of all arguments).", show_default=False
        ),
    ],
    field: FieldOpt = None,
    section: SectionOpt = None,
    todo: TodoOpt = False,
    done: DoneOpt = False,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=10_000, help="At most this many results.")
    ] = 20,
    json_: JsonOpt = False,
) -> None:
    """Search titles, authors, abstracts, notes and remarks; the best matches first.

    Every word must match; "a phrase" (quoted for the shell too: '"a phrase"') matches the words in
    order; OR between two words matches either; -word excludes; atten* matches words starting so.
    Case and accents do not matter. Abstracts are those `papers fetch` cached. A search that
    starts with -word goes after --. Examples: `papers search 'attention -vision' --todo`,
    `papers search '"key ideas"' --field notes`, `papers search -- '-vision transformer*'`.
    """
    from papers.actions.search import search as run_search

    check_status_filter(todo, done)
    result = run_search(
        catalogue_path(), " ".join(text), field=field, section=section, todo=todo, done=done, limit=limit
    )
    out, fmt = sys.stdout, render.choose_format(json_)
    if fmt.json:
        out.write(render_find.search_json(result.found) + "\n")
    elif not result.found:
        note("no paper matches the search")
    elif fmt.terminal:
        out.write(render_find.search_terminal(result.found, colour=fmt.colour))
    else:
        out.write(render_find.search_tsv(result.found))


@command("log")
def reading_log(since: SinceOpt = None, until: UntilOpt = None, json_: JsonOpt = False) -> None:
    """What was started and finished, by day, newest first.

    Days come from the items' started_on (papers start) and done_on (papers done). Papers ticked
    without a date are not in the log (papers stats counts them). Example: `papers log --since 2026-11-01`.
    """
    from papers.actions.history import reading_log as read_log

    first, last = parse_day(since), parse_day(until)
    log = read_log(catalogue_path(), since=first, until=last)
    out, fmt = sys.stdout, render.choose_format(json_)
    if fmt.json:
        out.write(render_find.log_json(log.events) + "\n")
    elif not log.events:
        note(
            "nothing was started or done" + (" in these days" if first or last else " on a recorded day yet")
        )
    elif fmt.terminal:
        out.write(render_find.log_terminal(log.events))
    else:
        out.write(render_find.log_tsv(log.events))


@command("stats")
def reading_stats(
    section: SectionOpt = None,
    calendar: Annotated[
        bool, typer.Option("--calendar", help="Draw the last 52 weeks as a heatmap, one square a day.")
    ] = False,
    svg: Annotated[
        Path | None,
        typer.Option(
            "--svg", metavar="FILE", help="With --calendar: save it as an SVG picture.", dir_okay=False
        ),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html", metavar="FILE", help="With --calendar: save it as an HTML page.", dir_okay=False
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Papers done per week and month, streaks, pace, time to read, and when the rest is done.

    A week runs Monday to Sunday; the pace is papers a week over the last 4 and 12 weeks; what is
    left is divided by the 12-week pace (docs/statistics.md defines every figure). Papers done
    without a date count as done, in no period. Examples: `papers stats --section vision`,
    `papers stats --calendar --svg calendar.svg`.
    """
    from papers.actions.history import reading_stats as read_stats

    if (svg or html) and not calendar:
        raise UsageError("--svg and --html save the calendar. Add --calendar")
    path = catalogue_path()
    report = read_stats(path, section=section)
    out, fmt = sys.stdout, render.choose_format(json_)
    if calendar:
        _show_calendar(path, report.calendar, svg, html, fmt)
    elif fmt.json:
        out.write(render_find.stats_json(report.stats, report.section) + "\n")
    elif fmt.terminal:
        out.write(render_find.stats_terminal(report.stats, report.section))
    else:
        out.write(render_find.stats_tsv(report.stats))


def _show_calendar(
    path: Path, calendar: Any, svg: Path | None, html: Path | None, fmt: render.OutputFormat
) -> None:
    from papers import actions, render_calendar

    pictures = [
        (target, draw)
        for target, draw in ((svg, render_calendar.calendar_svg), (html, render_calendar.calendar_html))
        if target
    ]
    for target, draw in pictures:
        actions.write_export(path, target, draw(calendar))
        note(f"wrote {display_path(target)}")
    if pictures:
        return
    out = sys.stdout
    if fmt.json:
        out.write(render.to_json(render_calendar.calendar_json(calendar)) + "\n")
    elif fmt.terminal:
        out.write(render_calendar.calendar_terminal(calendar, colour=fmt.colour))
    else:
        out.write(render_calendar.calendar_tsv(calendar))
