from __future__ import annotations

import datetime as dt

import pytest

from whosbehind.analysis.periods import period_ends
from whosbehind.errors import UsageError


def test_month_quarter_year_ends() -> None:
    months = period_ends(dt.date(2019, 11, 15), dt.date(2020, 2, 10), "month")
    assert [m.date() for m in months] == [
        dt.date(2019, 11, 30),
        dt.date(2019, 12, 31),
        dt.date(2020, 1, 31),
        dt.date(2020, 2, 10),
    ]
    quarters = period_ends(dt.date(2019, 2, 1), dt.date(2019, 12, 31), "quarter")
    assert [q.date().month for q in quarters] == [3, 6, 9, 12]
    years = period_ends(dt.date(2016, 6, 23), dt.date(2018, 3, 1), "year")
    assert [y.date() for y in years] == [
        dt.date(2016, 12, 31),
        dt.date(2017, 12, 31),
        dt.date(2018, 3, 1),
    ]
    assert all(y.tzinfo is not None and y.hour == 23 for y in years)


def test_bad_periods() -> None:
    with pytest.raises(UsageError):
        period_ends(dt.date(2020, 1, 1), dt.date(2019, 1, 1), "month")
    with pytest.raises(UsageError):
        period_ends(dt.date(2019, 1, 1), dt.date(2020, 1, 1), "week")


def test_the_calendar_edges() -> None:
    last = period_ends(dt.date(9999, 11, 2), dt.date(9999, 12, 31), "month")
    assert [m.date() for m in last] == [dt.date(9999, 11, 30), dt.date(9999, 12, 31)]
    assert [y.date() for y in period_ends(dt.date(1, 1, 1), dt.date(1, 2, 1), "year")] == [
        dt.date(1, 2, 1)
    ]
