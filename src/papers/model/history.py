"""Reading history and statistics, from the dates on the items. Pure: no I/O, `today` is given.

Definitions (docs/statistics.md says the same for readers):

- A *week* runs Monday to Sunday (ISO 8601); a *month* is a calendar month. Periods are counted by
  `done_on`. An item done without a date (ticked by hand, or before papers recorded days) counts as
  done but in no period: `undated` says how many.
- A *streak* is a run of consecutive weeks each with at least one paper done. The current streak
  ends this week, or last week while this week has none yet (a week is not lost before it ends).
- The *pace* over N weeks is the papers done in the N*7 days ending today, divided by N.
- The *forecast* for what is left (the whole list, each section) divides the papers not done by
  the pace over 12 weeks, rounded up to whole weeks: for a section, the time it takes if you read
  only that section at your pace. With no paper done in 12 weeks there is no estimate.
- *Time to read* is the median number of days from `started_on` to `done_on`, over the papers
  that have both (a `done_on` before `started_on` is left out).
Grouping items are headings, not papers: they count nowhere, as in `papers progress`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from papers.model.catalogue import Item

Date = dt.date


def parse_day(text: str | None) -> Date | None:
    """A `YYYY-MM-DD` value as a date; None for None or a day that does not exist (2026-02-30)."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


class _Days(dict[str | None, Date | None]):
    """`parse_day` remembered: a catalogue holds far fewer distinct days than dates."""

    def __missing__(self, text: str | None) -> Date | None:
        day = self[text] = parse_day(text)
        return day


def week_start(day: Date) -> Date:
    """The Monday of the day's week."""
    return day - dt.timedelta(days=day.weekday())


def month_start(day: Date) -> Date:
    return day.replace(day=1)


def months_back(day: Date, n: int) -> Date:
    """The first day of the month `n` months before the day's month."""
    index = day.year * 12 + day.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


# --- the log -------------------------------------------------------------------------------------


class Event(NamedTuple):
    day: Date
    kind: str  # "started" or "done"
    item: Item


def events(items: Iterable[Item]) -> list[Event]:
    """Every start and finish the items record, newest first (finishes before starts on a day)."""
    found = []
    days = _Days()
    for item in items:
        if not item.counts_in_progress:
            continue
        started = days[item.started_on]
        if started is not None:
            found.append(Event(started, "started", item))
        done = days[item.done_on] if item.status == "done" else None
        if done is not None:
            found.append(Event(done, "done", item))
    # Newest day first; on a day, "done" before "started" (reverse=True keeps the sort stable).
    return sorted(found, key=lambda e: (e.day, e.kind == "done"), reverse=True)


def log(items: Iterable[Item], *, since: Date | None = None, until: Date | None = None) -> list[Event]:
    """The events between `since` and `until` (both included), newest first."""
    return [
        event
        for event in events(items)
        if (since is None or event.day >= since) and (until is None or event.day <= until)
    ]


# --- statistics ----------------------------------------------------------------------------------


class Period(NamedTuple):
    start: Date  # the Monday of a week, the first of a month
    done: int


class Forecast(NamedTuple):
    name: str  # a section's name, or "Total"
    left: int
    weeks: int | None  # None: no pace to estimate from
    finish: Date | None  # today + weeks

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "left": self.left,
            "weeks": self.weeks,
            "finish": self.finish.isoformat() if self.finish else None,
        }


class Stats(NamedTuple):
    today: Date
    papers: int  # papers counted (grouping items are not)
    done: int
    undated: int  # done, but with no (valid) done_on: in no period
    this_week: int
    this_month: int
    this_year: int
    weeks: list[Period]  # the last 12 weeks, oldest first, this week last
    months: list[Period]  # the last 12 months, oldest first, this month last
    current_streak: int  # weeks
    longest_streak: int
    longest_streak_end: Date | None  # the Monday of its last week
    pace_4: float  # papers a week
    pace_12: float
    median_days: float | None  # started_on -> done_on
    timed: int  # papers with both dates, behind median_days
    forecasts: list[Forecast]  # the whole list first, then each section

    def to_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "papers": self.papers,
            "done": self.done,
            "undated": self.undated,
            "this_week": self.this_week,
            "this_month": self.this_month,
            "this_year": self.this_year,
            "weeks": [{"week": p.start.isoformat(), "done": p.done} for p in self.weeks],
            "months": [{"month": p.start.isoformat()[:7], "done": p.done} for p in self.months],
            "streak": {
                "current": self.current_streak,
                "longest": self.longest_streak,
                "longest_ended": self.longest_streak_end.isoformat() if self.longest_streak_end else None,
            },
            "pace": {"weeks_4": round(self.pace_4, 2), "weeks_12": round(self.pace_12, 2)},
            "median_days_to_read": self.median_days,
            "timed": self.timed,
            "forecast": [forecast.to_json() for forecast in self.forecasts],
        }


def done_days(items: Iterable[Item], parsed: _Days | None = None) -> Counter[Date]:
    """Papers done per day (dated ones only)."""
    day_of = _Days() if parsed is None else parsed
    days: Counter[Date] = Counter()
    for item in items:
        if item.counts_in_progress and item.status == "done":
            day = day_of[item.done_on]
            if day is not None:
                days[day] += 1
    return days


def streaks(weeks_with_done: Iterable[Date], today: Date) -> tuple[int, int, Date | None]:
    """(current, longest, the Monday ending the longest) over the Mondays of weeks with a paper done."""
    mondays = sorted(set(weeks_with_done))
    longest, longest_end, run, previous = 0, None, 0, None
    for monday in mondays:
        run = run + 1 if previous is not None and (monday - previous).days == 7 else 1
        if run > longest:
            longest, longest_end = run, monday
        previous = monday
    present = set(mondays)
    this_week = week_start(today)
    cursor = this_week if this_week in present else this_week - dt.timedelta(days=7)
    current = 0
    while cursor in present:
        current += 1
        cursor -= dt.timedelta(days=7)
    return current, longest, longest_end


def pace(days: Counter[Date], today: Date, weeks: int) -> float:
    """Papers a week over the `weeks`*7 days ending today."""
    first = today - dt.timedelta(days=weeks * 7 - 1)
    return sum(n for day, n in days.items() if first <= day <= today) / weeks


def forecast(name: str, left: int, done_recently: int, weeks: int, today: Date) -> Forecast:
    """`left` papers at the pace of `done_recently` in `weeks` weeks, in whole weeks (rounded up)."""
    if left == 0:
        return Forecast(name, 0, 0, today)
    if done_recently <= 0:
        return Forecast(name, left, None, None)
    needed = -(
        -left * weeks // done_recently
    )  # in integers: 1 left at 4 in 12 weeks is 3 weeks, not 3.0000001
    return Forecast(name, left, needed, today + dt.timedelta(weeks=needed))


def median(values: Sequence[int]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None for none.
    Here rather than `statistics.median`: importing `statistics` costs more than `papers stats`."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def stats(items: Sequence[Item], sections: Sequence[str], today: Date) -> Stats:
    """Every figure `papers stats` shows, for these items (the catalogue's, or one section's)."""
    papers = [item for item in items if item.counts_in_progress]
    done = [item for item in papers if item.status == "done"]
    day_of = _Days()
    days = done_days(done, day_of)
    undated = len(done) - sum(days.values())
    this_monday, this_first = week_start(today), month_start(today)
    by_week: Counter[Date] = Counter()
    by_month: Counter[Date] = Counter()
    for day, n in days.items():  # each day once, not once for every period
        by_week[week_start(day)] += n
        by_month[month_start(day)] += n
    weeks = [
        Period(start, by_week[start])
        for start in (this_monday - dt.timedelta(weeks=back) for back in range(11, -1, -1))
    ]
    months = [
        Period(start, by_month[start]) for start in (months_back(today, back) for back in range(11, -1, -1))
    ]
    current, longest, longest_end = streaks({week_start(day) for day in days if day <= today}, today)
    durations = []
    for item in done:
        started, finished = day_of[item.started_on], day_of[item.done_on]
        if started is not None and finished is not None and finished >= started:
            durations.append((finished - started).days)
    pace_12 = pace(days, today, 12)
    recent = round(pace_12 * 12)
    left: Counter[str] = Counter(item.section for item in papers if item.status != "done")
    forecasts = [forecast("Total", sum(left.values()), recent, 12, today)]
    forecasts += [forecast(name, left[name], recent, 12, today) for name in sections]
    return Stats(
        today=today,
        papers=len(papers),
        done=len(done),
        undated=undated,
        this_week=sum(n for day, n in days.items() if this_monday <= day <= today),
        this_month=sum(n for day, n in days.items() if this_first <= day <= today),
        this_year=sum(n for day, n in days.items() if day.year == today.year and day <= today),
        weeks=weeks,
        months=months,
        current_streak=current,
        longest_streak=longest,
        longest_streak_end=longest_end,
        pace_4=pace(days, today, 4),
        pace_12=pace_12,
        median_days=median(durations),
        timed=len(durations),
        forecasts=forecasts,
    )


# --- the calendar --------------------------------------------------------------------------------

CALENDAR_WEEKS = 52


class Calendar(NamedTuple):
    """The last 52 weeks as columns of 7 days (Monday first), the current week last."""

    first: Date  # the Monday of the first column
    today: Date
    counts: dict[Date, int]  # papers done per day in the window (days with none are absent)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def weeks(self) -> list[list[Date | None]]:
        """Each column's days; None for the days after today."""
        return [
            [
                day if day <= self.today else None
                for day in (self.first + dt.timedelta(days=7 * column + row) for row in range(7))
            ]
            for column in range(CALENDAR_WEEKS)
        ]


def calendar(items: Iterable[Item], today: Date) -> Calendar:
    first = week_start(today) - dt.timedelta(weeks=CALENDAR_WEEKS - 1)
    counts = {day: n for day, n in done_days(items).items() if first <= day <= today}
    return Calendar(first, today, counts)


def level(count: int) -> int:
    """A day's shade in the calendar: 0 (none), 1, 2, 3, or 4 (four papers or more)."""
    return min(count, 4)
