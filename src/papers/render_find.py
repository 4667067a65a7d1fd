"""Search results, the reading log, statistics and the calendar: to a terminal, TSV or JSON.

A sibling of `render.py` (which is at its size limit), by the same rules: no decisions about data,
every text from a file shown through `printable`, colour only when asked, never rich.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import Any

from papers.render import STATUS_MARK, to_json
from papers.text import cell_width, clip, one_line, printable

_START, _END = "\x02", "\x03"  # the index's snippet marks (papers.search.index.MARK_START/END)
_BOLD, _RESET = "\x1b[1;33m", "\x1b[0m"


def plain_snippet(snippet: str) -> str:
    return one_line(snippet.replace(_START, "").replace(_END, ""))


def _marked_snippet(snippet: str, colour: bool, width: int, *, keep_match: bool = True) -> str:
    """The snippet on one line, cut to `width` cells, matched words bold (colour) or in *stars*.

    With `keep_match`, words before the first match are cut rather than the match itself."""
    opened, closed = (_BOLD, _RESET) if colour else ("*", "*")
    extra = 0 if colour else 2  # the cells a pair of stars takes; colour codes take none
    text = " ".join(snippet.split()).replace(_END, _START)
    lead, mark, rest = text.partition(_START)
    too_wide = cell_width(text) - 2 * text.count(_START) > width
    if (
        keep_match and mark and too_wide and cell_width(lead) > width // 3
    ):  # keep the first match in view: cut before it
        kept = lead[-(width // 3) :]
        text = "…" + kept[kept.find(" ") :] + mark + rest if " " in kept else "…" + kept + mark + rest
    out, used, inside = [], 0, False
    for part in text.split(_START):
        shown = printable(part)
        cost = extra if inside and shown else 0
        size = cell_width(shown) + cost
        if used + size > width:
            shown = clip(shown, max(width - used - cost, 1))
        out.append(f"{opened}{shown}{closed}" if inside and shown not in ("", "…") else shown)
        used += size
        if used > width:
            break
        inside = not inside
    return "".join(out)


def search_terminal(found: Sequence[Any], *, colour: bool, width: int | None = None) -> str:
    """Each result: mark, key and title (matched words marked); then, when a field besides the
    title matched, a line with that field's name and the words around the match."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    # The key column is capped at a quarter of the width: a longer key pushes only its own row.
    key_width = min(max((len(hit.item.key) for hit in found), default=0), max(8, width // 4))
    lines = []
    for hit in found:
        head = f"{STATUS_MARK[hit.item.status]} {hit.item.key.ljust(key_width)}  "
        lines.append(head + _marked_snippet(hit.title, colour, max(width - len(head), 8), keep_match=False))
        if hit.field:
            label = f"{' ' * (key_width + 2)}{hit.field.replace('_', ' ')}: "
            lines.append(label + _marked_snippet(hit.snippet, colour, max(width - len(label), 8)))
    return "\n".join(lines) + ("\n" if lines else "")


def search_tsv(found: Sequence[Any]) -> str:
    """One result per line: key, status, title, the field the snippet is from, snippet (no marks)."""
    return "".join(
        "\t".join(
            (
                hit.item.key,
                hit.item.status,
                one_line(hit.item.title),
                hit.field or "",
                plain_snippet(hit.snippet),
            )
        )
        + "\n"
        for hit in found
    )


def search_json(found: Sequence[Any]) -> str:
    return to_json(
        [
            {
                "key": hit.item.key,
                "status": hit.item.status,
                "title": hit.item.title,
                "section": hit.item.section,
                "score": round(hit.score, 4),
                "matched": list(hit.matched),
                "field": hit.field,
                "snippet": plain_snippet(hit.snippet) if hit.field else None,
            }
            for hit in found
        ]
    )


# --- log -----------------------------------------------------------------------------------------

_EVENT_MARK = {"done": STATUS_MARK["done"], "started": STATUS_MARK["reading"]}


def log_terminal(events: Sequence[Any], *, width: int | None = None) -> str:
    """The events under a heading per day, newest first: mark, what happened, key and title."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    key_width = min(max((len(e.item.key) for e in events), default=0), max(8, width // 4))
    lines: list[str] = []
    day = None
    for event in events:
        if event.day != day:
            day = event.day
            lines.append(day.isoformat())
        head = f"  {_EVENT_MARK[event.kind]} {event.kind:<7}  {event.item.key.ljust(key_width)}  "
        lines.append(head + clip(one_line(event.item.title), max(width - len(head), 8)))
    return "\n".join(lines) + ("\n" if lines else "")


def log_tsv(events: Sequence[Any]) -> str:
    """One event per line: date, done|started, key, title, section."""
    sections = {name: one_line(name) for name in {e.item.section for e in events}}
    return "".join(
        f"{e.day.isoformat()}\t{e.kind}\t{e.item.key}\t{one_line(e.item.title)}\t{sections[e.item.section]}\n"
        for e in events
    )


def log_json(events: Sequence[Any]) -> str:
    return to_json(
        [
            {
                "date": e.day.isoformat(),
                "event": e.kind,
                "key": e.item.key,
                "title": e.item.title,
                "section": e.item.section,
            }
            for e in events
        ]
    )


# --- stats ---------------------------------------------------------------------------------------


def _papers(n: int | float) -> str:
    return f"{n:g} paper" + ("" if n == 1 else "s")


def _weeks(n: int) -> str:
    return f"{n} week" + ("" if n == 1 else "s")


def _rate(per_week: float) -> str:
    return f"{per_week:.1f}" if per_week >= 1 or per_week == 0 else f"{per_week:.2f}"


def _bar(n: int, most: int, room: int = 30) -> str:
    return "█" * max(1, round(n * room / most)) + f" {n}" if n else "·"


def _wrapped(line: str, width: int) -> list[str]:
    """A sentence of the report on lines of at most `width` cells, the rest indented."""
    if len(line) <= width:
        return [line]
    import textwrap

    return textwrap.wrap(line, width, subsequent_indent="  ", break_on_hyphens=False) or [line]


def stats_terminal(stats: Any, section: str | None, *, width: int | None = None) -> str:
    """The figures as a short report: totals, streaks, pace, time to read, what is left, then the
    last 12 weeks and months as bars. In a narrow terminal the sentences wrap, what is left drops
    the pace it repeats (then clips the names), and the bars are shorter."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    s = stats
    sentences = [
        (f"{one_line(section)}: " if section else "")
        + f"{s.done} of {_papers(s.papers)} done"
        + (f" ({s.undated} without a date: counted as done, in no week or month)" if s.undated else ""),
        f"This week {s.this_week}, this month {s.this_month}, this year {s.this_year}",
        f"Streak: {_weeks(s.current_streak)} now, the longest {_weeks(s.longest_streak)}"
        + " (weeks with at least one paper done)",
        f"Pace: {_rate(s.pace_4)} a week over the last 4 weeks, {_rate(s.pace_12)} over the last 12",
        "Time to read: "
        + (
            f"median {s.median_days:g} days from start to done ({_papers(s.timed)} with both dates)"
            if s.median_days is not None
            else "no paper has both a start and a done date yet"
        ),
    ]
    lines = [part for sentence in sentences for part in _wrapped(sentence, width)]
    forecasts = s.forecasts if section is None else s.forecasts[:1]
    names = [one_line(section) if section and f.name == "Total" else one_line(f.name) for f in forecasts]
    pace = _rate(s.pace_12)
    wide, narrow = [], []  # the pace on every estimate, as it reads best; or once, in the heading
    for forecast in forecasts:
        if forecast.left == 0:
            wide.append("nothing left")
            narrow.append("nothing left")
        elif forecast.weeks is None:
            wide.append(f"{forecast.left} left, no estimate (nothing done in the last 12 weeks)")
            narrow.append(f"{forecast.left} left, no estimate")
        else:
            wide.append(f"{forecast.left} left, about {_weeks(forecast.weeks)} at {pace} a week")
            narrow.append(f"{forecast.left} left, about {_weeks(forecast.weeks)}")
    name_width = max(map(cell_width, names), default=0)
    if 4 + name_width + max(map(len, wide), default=0) <= width:
        texts, heading = wide, "Left at the 12-week pace"
    else:
        texts, heading = narrow, f"Left at the 12-week pace ({pace} a week)"
        name_width = max(min(name_width, width - 4 - max(map(len, texts), default=0)), 8)
    lines += ["", *_wrapped(heading, width)]
    for name, text in zip(names, texts, strict=True):
        shown = clip(name, name_width)
        lines.append(f"  {shown}{' ' * (name_width - cell_width(shown))}  {text}")
    most = max((p.done for p in (*s.weeks, *s.months)), default=0) or 1
    room = max(min(30, width - 14 - len(str(most)) - 1), 5)  # "  2026-11     " and " N" around the bar
    lines += ["", "Last 12 weeks (from Monday)"]
    lines += [f"  {p.start.isoformat()}  {_bar(p.done, most, room)}" for p in s.weeks]
    lines += ["", "Last 12 months"]
    lines += [f"  {p.start.isoformat()[:7]}     {_bar(p.done, most, room)}" for p in s.months]
    return "\n".join(lines) + "\n"


def stats_tsv(stats: Any) -> str:
    """One figure per line: name, value (periods as week:DATE / month:YYYY-MM, forecasts as left:NAME)."""
    s = stats
    rows: list[tuple[str, Any]] = [
        ("papers", s.papers),
        ("done", s.done),
        ("undated", s.undated),
        ("this_week", s.this_week),
        ("this_month", s.this_month),
        ("this_year", s.this_year),
        ("current_streak", s.current_streak),
        ("longest_streak", s.longest_streak),
        ("pace_4", round(s.pace_4, 2)),
        ("pace_12", round(s.pace_12, 2)),
        ("median_days", "" if s.median_days is None else s.median_days),
        *((f"week:{p.start.isoformat()}", p.done) for p in s.weeks),
        *((f"month:{p.start.isoformat()[:7]}", p.done) for p in s.months),
        *((f"left:{one_line(f.name)}", f.left) for f in s.forecasts),
        *((f"weeks_left:{one_line(f.name)}", "" if f.weeks is None else f.weeks) for f in s.forecasts),
    ]
    return "".join(f"{name}\t{value}\n" for name, value in rows)


def stats_json(stats: Any, section: str | None) -> str:
    return to_json({"section": section, **stats.to_json()})
