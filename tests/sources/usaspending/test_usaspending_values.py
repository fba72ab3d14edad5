from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whosbehind.sources.usaspending.values import cell, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27/03/2014", dt.date(2014, 3, 27)),  # action_date in the 2018 export
        ("01/05/14 00:00", dt.date(2014, 5, 1)),  # period_of_performance_start_date, same file
        ("31/12/99", dt.date(1999, 12, 31)),
        ("2007-05-16", dt.date(2007, 5, 16)),
        ("2007-08-30 00:00:00", dt.date(2007, 8, 30)),  # current download, potential end date
        (" 2025-08-23T00:00:00 ", dt.date(2025, 8, 23)),
    ],
)
def test_parse_date_accepts_the_styles_found_in_the_files(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


def test_month_first_when_asked() -> None:
    assert parse_date("9/8/2016", day_first=False) == dt.date(2016, 9, 8)
    assert parse_date("9/8/2016") == dt.date(2016, 8, 9)


@pytest.mark.parametrize(
    "text", ["", "NAN", "2014-13-01", "31/02/2014", "2014/03/27", "27.03.2014"]
)
def test_parse_date_rejects_what_is_no_date(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", None), ("  ", None), ("NAN", None), ("nan", None), (" ICE ", "ICE"), (None, None)],
)
def test_cell_treats_empty_and_nan_as_missing(text: str | None, expected: str | None) -> None:
    assert cell(text) == expected


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_day_first_four_digit_years_round_trip(day: dt.date) -> None:
    assert parse_date(day.strftime("%d/%m/") + f"{day.year:04d}") == day


@given(st.dates(min_value=dt.date(1969, 1, 1), max_value=dt.date(2068, 12, 31)), st.times())
def test_two_digit_years_with_a_time_round_trip(day: dt.date, time: dt.time) -> None:
    text = day.strftime("%d/%m/%y ") + time.strftime("%H:%M")
    assert parse_date(text) == day


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_iso_dates_round_trip(day: dt.date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.isoformat()} 00:00:00") == day
