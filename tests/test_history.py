"""The figures of `papers stats` and `papers log`, on catalogues with dates made here, `today` given."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from papers.model import history
from papers.model.catalogue import Item

D = dt.date


def paper(key: str, done_on: str | None = None, *, section: str = "A", **fields: Any) -> Item:
    status = fields.pop("status", "done" if done_on else "todo")
    return Item(key, key.title(), section, None, 0, status=status, done_on=done_on, **fields)


def done_on(*days: str) -> list[Item]:
    return [paper(f"p{i}", day) for i, day in enumerate(days)]


def test_an_empty_catalogue_has_only_zeros() -> None:
    stats = history.stats([], [], D(2026, 11, 26))
    assert (stats.papers, stats.done, stats.undated, stats.this_week, stats.this_year) == (0, 0, 0, 0, 0)
    assert (stats.current_streak, stats.longest_streak, stats.longest_streak_end) == (0, 0, None)
    assert (stats.pace_4, stats.pace_12, stats.median_days) == (0, 0, None)
    assert [p.done for p in stats.weeks] == [0] * 12 and [p.done for p in stats.months] == [0] * 12
    assert stats.forecasts == [history.Forecast("Total", 0, 0, D(2026, 11, 26))]


def test_no_dates_at_all_count_as_done_in_no_period() -> None:
    items = [paper("a", status="done"), paper("b", status="done"), paper("c")]
    stats = history.stats(items, ["A"], D(2026, 11, 26))
    assert (stats.done, stats.undated, stats.this_year, stats.current_streak) == (2, 2, 0, 0)
    assert stats.forecasts[1] == history.Forecast("A", 1, None, None)  # no pace, no estimate
    assert history.log(items) == []


def test_a_single_day() -> None:
    items = [*done_on("2026-11-26", "2026-11-26"), paper("left")]
    stats = history.stats(items, ["A"], D(2026, 11, 26))
    assert (stats.this_week, stats.this_month, stats.this_year) == (2, 2, 2)
    assert (stats.current_streak, stats.longest_streak) == (1, 1)
    assert stats.pace_4 == 0.5 and stats.pace_12 == pytest.approx(2 / 12)
    assert stats.forecasts[0] == history.Forecast("Total", 1, 6, D(2027, 1, 7))  # ceil(1 / (2/12)) weeks


def test_week_boundaries_are_monday_to_sunday() -> None:
    # 2026-11-22 is a Sunday, 2026-11-23 a Monday.
    items = done_on("2026-11-22", "2026-11-23", "2026-11-29")
    stats = history.stats(items, [], D(2026, 11, 29))
    assert stats.this_week == 2  # Monday 23 and Sunday 29
    assert stats.weeks[-1] == history.Period(D(2026, 11, 23), 2)
    assert stats.weeks[-2] == history.Period(D(2026, 11, 16), 1)
    assert [p.start.weekday() for p in stats.weeks] == [0] * 12
    assert history.week_start(D(2026, 11, 29)) == D(2026, 11, 23)


def test_month_boundaries() -> None:
    items = done_on("2026-10-31", "2026-11-01", "2026-11-30", "2025-12-01", "2025-11-30")
    stats = history.stats(items, [], D(2026, 11, 30))
    assert stats.months[-1] == history.Period(D(2026, 11, 1), 2)
    assert stats.months[-2] == history.Period(D(2026, 10, 1), 1)
    assert stats.months[0] == history.Period(D(2025, 12, 1), 1)  # 12 months back; Nov 2025 is out
    assert stats.this_month == 2 and stats.this_year == 3


def test_streaks_across_a_year_end() -> None:
    # Weeks of Mon 2025-12-22, 2025-12-29 (holding Jan 1) and 2026-01-05: three in a row.
    items = done_on("2025-12-24", "2025-12-31", "2026-01-01", "2026-01-09", "2026-02-02")
    stats = history.stats(items, [], D(2026, 2, 3))
    assert stats.longest_streak == 3 and stats.longest_streak_end == D(2026, 1, 5)
    assert stats.current_streak == 1  # the week of 2026-02-02
    assert stats.this_year == 3


def test_the_current_streak_waits_for_this_week_to_end() -> None:
    items = done_on("2026-11-10", "2026-11-17")  # weeks of the 9th and the 16th
    assert history.stats(items, [], D(2026, 11, 25)).current_streak == 2  # this week has none yet
    assert history.stats(items, [], D(2026, 11, 30)).current_streak == 0  # a whole week without one


def test_a_date_after_today_or_impossible_is_in_no_streak() -> None:
    items = done_on("2026-12-20", "2026-02-30")
    stats = history.stats(items, [], D(2026, 11, 26))
    assert stats.current_streak == 0 and stats.undated == 1  # 02-30 does not exist


def test_pace_counts_the_days_ending_today() -> None:
    today = D(2026, 11, 26)
    inside = (today - dt.timedelta(days=27)).isoformat()
    outside = (today - dt.timedelta(days=28)).isoformat()
    stats = history.stats(done_on(inside, outside, today.isoformat()), [], today)
    assert stats.pace_4 == 2 / 4 and stats.pace_12 == 3 / 12


def test_forecast_per_section_at_the_overall_pace() -> None:
    today = D(2026, 11, 26)
    items = [
        *done_on(*[(today - dt.timedelta(weeks=w)).isoformat() for w in range(12)]),  # 1 a week
        *(paper(f"v{i}", section="Vision") for i in range(21)),
        paper("grouping", section="Vision", group=True),  # a heading: not a paper
    ]
    stats = history.stats(items, ["A", "Vision"], today)
    assert stats.pace_12 == 1.0
    assert stats.forecasts == [
        history.Forecast("Total", 21, 21, today + dt.timedelta(weeks=21)),
        history.Forecast("A", 0, 0, today),
        history.Forecast("Vision", 21, 21, today + dt.timedelta(weeks=21)),
    ]
    assert stats.papers == 33


def test_log_is_newest_first_and_bounded() -> None:
    items = done_on("2026-11-20", "2026-11-26", "2026-10-01")
    events = history.log(items)
    assert [e.day for e in events] == [D(2026, 11, 26), D(2026, 11, 20), D(2026, 10, 1)]
    bounded = history.log(items, since=D(2026, 11, 1), until=D(2026, 11, 20))
    assert [e.item.key for e in bounded] == ["p0"]


def test_a_done_date_on_an_item_no_longer_done_is_not_in_the_log() -> None:
    assert history.log([paper("a", "2026-11-20", status="todo")]) == []


def test_the_calendar_has_52_weeks_ending_this_week() -> None:
    today = D(2026, 11, 26)  # a Thursday
    calendar = history.calendar(done_on("2026-11-26", "2026-11-26", "2025-12-01", "2025-11-30"), today)
    weeks = calendar.weeks()
    assert len(weeks) == 52 and all(len(week) == 7 for week in weeks)
    assert calendar.first == D(2025, 12, 1) and calendar.first.weekday() == 0
    assert weeks[-1][3] == today and weeks[-1][4:] == [None, None, None]
    assert calendar.counts == {today: 2, D(2025, 12, 1): 1} and calendar.total == 3
    assert [history.level(n) for n in (0, 1, 2, 3, 4, 9)] == [0, 1, 2, 3, 4, 4]


def test_time_to_read_is_the_median_from_start_to_done() -> None:
    items = [
        paper("a", "2026-11-10", started_on="2026-11-01"),  # 9 days
        paper("b", "2026-11-10", started_on="2026-11-09"),  # 1 day
        paper("c", "2026-11-10", started_on="2026-11-10"),  # the same day: 0
        paper("d", "2026-11-01", started_on="2026-11-10"),  # done before started: left out
        paper("e", "2026-11-10"),  # no start: left out
        paper("f", None, status="reading", started_on="2026-11-20"),  # not done
    ]
    stats = history.stats(items, [], D(2026, 11, 26))
    assert (stats.median_days, stats.timed) == (1, 3)
    events = history.log(items, since=D(2026, 11, 10))
    assert [(e.day.day, e.kind, e.item.key) for e in events] == [
        (20, "started", "f"),
        (10, "done", "a"),
        (10, "done", "b"),
        (10, "done", "c"),
        (10, "done", "e"),
        (10, "started", "c"),
        (10, "started", "d"),
    ]


@pytest.mark.parametrize(
    ("values", "expected"), [([], None), ([3], 3), ([4, 1], 2.5), ([5, 1, 3], 3), ([2, 9, 4, 4], 4.0)]
)
def test_median_is_the_middle_or_the_mean_of_the_two_middle_values(
    values: list[int], expected: float | None
) -> None:
    assert history.median(values) == expected
