"""The reading calendar: the last 52 weeks as a heatmap, in a terminal, as SVG, or as an HTML page.

Columns are weeks (the current one last), rows are days from Monday to Sunday, as on GitHub. Each
day's shade says how many papers were done that day (none, 1, 2, 3, 4 or more). In a terminal the
shades are characters of growing density (· ░ ▒ ▓ █), so the picture reads without colour; colour
only adds green. The SVG is drawn by hand (no library): plain rectangles with a tooltip each.
"""

from __future__ import annotations

import datetime as dt
import shutil
from html import escape
from typing import Any

from papers.model.history import CALENDAR_WEEKS, level

SHADES = "·░▒▓█"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_GREENS = ("#ebedf0", "#9be9a8", "#40c463", "#30a14e", "#216e39")  # GitHub's, none to 4+
_SGR = ("2", "38;5;114", "38;5;71", "38;5;28", "38;5;22")
_DAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "")


def _month_labels(weeks: list[list[Any]], first: dt.date) -> list[tuple[int, str]]:
    """(column, month name) for each column holding the 1st of a month, where there is room."""
    labels: list[tuple[int, str]] = []
    for column in range(len(weeks)):
        days = [first + dt.timedelta(days=7 * column + row) for row in range(7)]
        first_of_month = next((day for day in days if day.day == 1), None)
        # Three letters and a space: a label closer than that to the one before is left out.
        if first_of_month is not None and (not labels or column - labels[-1][0] >= 4):
            labels.append((column, MONTHS[first_of_month.month - 1]))
    return labels


def legend(calendar: Any) -> str:
    total = calendar.total
    return f"{total} paper{'' if total == 1 else 's'} done in the last 52 weeks"


def calendar_terminal(calendar: Any, *, colour: bool, width: int | None = None) -> str:
    """The heatmap, a column a week; a terminal narrower than 52 weeks shows the latest that fit
    (and says so), and the scale goes under the total when the two do not fit on one line."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    weeks = calendar.weeks()
    shown = max(min(len(weeks), width - 4), 1)
    first = calendar.first + dt.timedelta(weeks=len(weeks) - shown)
    weeks = weeks[len(weeks) - shown :]
    header = [" "] * (len(weeks) + 3)
    for column, name in _month_labels(weeks, first):
        if 4 + column + 3 <= width:  # a label on the last columns may not fit beside them
            header[column : column + 3] = list(name)
    lines = ["    " + "".join(header).rstrip()]

    def cell(count: int) -> str:
        shade = SHADES[level(count)]
        return f"\x1b[{_SGR[level(count)]}m{shade}\x1b[0m" if colour else shade

    for row in range(7):
        days = [week[row] for week in weeks]
        cells = "".join(" " if day is None else cell(calendar.counts.get(day, 0)) for day in days)
        lines.append(f"{_DAY_LABELS[row]:<4}{cells}".rstrip())
    scale = " ".join(cell(n) for n in range(5))
    total, key = legend(calendar), f"less {scale} more (4+)"
    plain_key = f"less {' '.join(SHADES)} more (4+)"  # its width: colour codes take no cell
    if 4 + len(total) + 4 + len(plain_key) <= width:
        lines += ["", f"    {total}    {key}"]
    else:
        lines += ["", f"    {total}", f"    {key}"]
    if shown < CALENDAR_WEEKS:
        lines.append(f"    (the last {shown} weeks shown)")
    return "\n".join(lines) + "\n"


def calendar_tsv(calendar: Any) -> str:
    """One day per line, oldest first: date, papers done."""
    return "".join(
        f"{day.isoformat()}\t{calendar.counts.get(day, 0)}\n"
        for week in calendar.weeks()
        for day in week
        if day is not None
    )


def calendar_json(calendar: Any) -> dict[str, Any]:
    return {
        "first": calendar.first.isoformat(),
        "today": calendar.today.isoformat(),
        "total": calendar.total,
        "days": {day.isoformat(): n for day, n in sorted(calendar.counts.items())},
    }


CELL, GAP = 11, 3
LEFT, TOP = 32, 22


def calendar_svg(calendar: Any, title: str = "papers: reading calendar") -> str:
    """A standalone SVG: 52 columns of 7 squares, month and day labels, a legend."""
    weeks = calendar.weeks()
    step = CELL + GAP
    width = LEFT + len(weeks) * step + 24  # room for a month label on the last column
    height = TOP + 7 * step + 30  # the legend line, and below it the margin above the grid
    font = 'font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="10" fill="#57606a"'
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(legend(calendar))}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for column, name in _month_labels(weeks, calendar.first):
        parts.append(f'<text x="{LEFT + column * step}" y="{TOP - 8}" {font}>{name}</text>')
    for row, name in enumerate(_DAY_LABELS):
        if name:
            parts.append(f'<text x="2" y="{TOP + row * step + CELL - 1}" {font}>{name}</text>')
    for column, week in enumerate(weeks):
        cells = []
        for row, day in enumerate(week):
            if day is None:
                continue
            count = calendar.counts.get(day, 0)
            tip = f"{day.isoformat()}: {count} paper{'' if count == 1 else 's'} done"
            cells.append(
                f'<rect class="day" x="{LEFT + column * step}" y="{TOP + row * step}" width="{CELL}" '
                f'height="{CELL}" rx="2" fill="{_GREENS[level(count)]}" data-date="{day.isoformat()}" '
                f'data-count="{count}"><title>{tip}</title></rect>'
            )
        parts.append(f'<g class="week">{"".join(cells)}</g>')
    base = TOP + 7 * step + 18
    parts.append(f'<text x="{LEFT}" y="{base}" {font}>{escape(legend(calendar))}</text>')
    scale_x = width - 10 - 5 * step - 60
    parts.append(f'<text x="{scale_x}" y="{base}" {font}>Less</text>')
    for n, colour in enumerate(_GREENS):
        x = scale_x + 28 + n * step
        parts.append(
            f'<rect x="{x}" y="{base - CELL + 1}" width="{CELL}" height="{CELL}" rx="2" fill="{colour}"/>'
        )
    parts.append(f'<text x="{scale_x + 28 + 5 * step + 2}" y="{base}" {font}>More</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def calendar_html(calendar: Any) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>papers: reading calendar</title>\n</head>\n<body>\n"
        + calendar_svg(calendar)
        + "</body>\n</html>\n"
    )
