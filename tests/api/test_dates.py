"""A date given to the API: datetime as is, date as the end of that day UTC, text as the CLI."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whosbehind.api.dates import day, instant, instant_or_now
from whosbehind.errors import UsageError
from whosbehind.model.timeutil import parse_user_instant


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9998, 12, 31)))
def test_a_date_its_text_and_the_cli_agree(date: dt.date) -> None:
    as_text = instant(date.isoformat())
    assert instant(date) == as_text == parse_user_instant(date.isoformat())
    assert as_text is not None
    assert as_text.date() == date and as_text.tzinfo is not None
    assert as_text.time() == dt.time(23, 59, 59, 999999)
    assert day(date) == day(date.isoformat()) == date


def test_a_datetime_is_kept_and_none_stays_none() -> None:
    moment = dt.datetime(2020, 6, 30, 12, 0, tzinfo=dt.UTC)
    assert instant(moment) is moment
    assert instant(None) is None and day(None) is None
    before = dt.datetime.now(dt.UTC)
    assert before <= instant_or_now(None) <= dt.datetime.now(dt.UTC)


def test_bad_text_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="not a date: '2020-13-01'"):
        instant("2020-13-01")
