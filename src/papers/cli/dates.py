"""The one way a day is typed on the command line (--since, --until, --on): YYYY-MM-DD or `today`.

Apart from cli/app.py, which turns a bad day into typer's usage error, so that the quick path
(cli/quick.py) reads days the same way without importing typer.
"""

from __future__ import annotations

import datetime as dt


def read_day(value: str) -> dt.date:
    """The day `value` names; ValueError if it names none."""
    if value == "today":
        return dt.date.today()
    return dt.date.fromisoformat(value)
