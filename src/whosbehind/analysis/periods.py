"""Period ends for time series: the last instant of each month, quarter or year."""

from __future__ import annotations

import datetime as dt

from whosbehind.errors import UsageError
from whosbehind.model.timeutil import end_of_day

EVERY = {"month": 1, "quarter": 3, "year": 12}


def period_ends(start: dt.date, stop: dt.date, every: str) -> list[dt.datetime]:
    """End of each period that ends on or after ``start``, up to the one containing ``stop``."""
    if every not in EVERY:
        raise UsageError(f"unknown period {every!r}; choose month, quarter or year")
    if stop < start:
        raise UsageError(f"--to ({stop}) is before --from ({start})")
    step = EVERY[every]
    month = ((start.month - 1) // step + 1) * step  # last month of start's period
    year = start.year
    ends: list[dt.datetime] = []
    while True:
        last_day = _last_day(year, month)
        ends.append(end_of_day(min(last_day, stop) if last_day > stop else last_day))
        if last_day >= stop:
            return ends
        month += step
        if month > 12:
            year, month = year + 1, month - 12


def _last_day(year: int, month: int) -> dt.date:
    if month == 12:  # also the last day the calendar has, 9999-12-31
        return dt.date(year, 12, 31)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)
