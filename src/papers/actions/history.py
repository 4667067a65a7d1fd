"""`papers log` and `papers stats`: the reading history and its figures, from the items' dates.

Read-only and offline: the catalogue comes from the parse cache, the figures from
`papers.model.history` (pure, with `today` given; definitions in docs/statistics.md).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from papers.model import history
from papers.model.catalogue import Catalogue, Item, find_section
from papers.store import load as storage


def current_day() -> dt.date:
    """The day figures are computed for (tests replace it, as they inject any clock)."""
    return dt.date.today()


@dataclass(frozen=True)
class Log:
    catalogue: Catalogue
    events: list[history.Event]


def reading_log(
    path: str | os.PathLike[str], *, since: dt.date | None = None, until: dt.date | None = None
) -> Log:
    """What was started and finished between `since` and `until` (included), newest first."""
    cat = storage.load_catalogue(Path(path))
    return Log(cat, history.log(cat.items, since=since, until=until))


@dataclass(frozen=True)
class StatsReport:
    catalogue: Catalogue
    section: str | None  # the one section the figures are about, or None for the whole list
    stats: history.Stats
    items: Sequence[Item] = field(repr=False)  # the items the figures are about

    @cached_property
    def calendar(self) -> history.Calendar:
        """The last 52 weeks of these items, made when asked (`stats` without --calendar does not)."""
        return history.calendar(self.items, self.stats.today)


def reading_stats(
    path: str | os.PathLike[str], *, section: str | None = None, today: dt.date | None = None
) -> StatsReport:
    """The figures of `papers stats` (and its calendar), for the whole list or one section."""
    cat = storage.load_catalogue(Path(path))
    day = today or current_day()
    if section is not None:
        name = find_section(cat, section).name
        items = [item for item in cat.items if item.section == name]
        sections = []  # the one section is the whole: its forecast is the total's
    else:
        name, items, sections = None, list(cat.items), [s.name for s in cat.sections]
    return StatsReport(cat, name, history.stats(items, sections, day), items)
