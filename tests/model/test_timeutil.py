"""Dates and timestamps: user input (end of day, inclusive) and record dates as FedRAMP
stamps them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whosbehind.errors import UsageError
from whosbehind.model.timeutil import (
    END_OF_DAY,
    UTC,
    end_of_day,
    implausible_dates,
    parse_record_date,
    parse_record_timestamp,
    parse_user_instant,
)

EASTERN = ZoneInfo("America/New_York")
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))

# ---------------------------------------------------------------- user input


def test_bare_date_is_end_of_that_day_utc() -> None:
    value = parse_user_instant("2019-01-01")
    assert value == dt.datetime(2019, 1, 1, 23, 59, 59, 999999, tzinfo=dt.UTC)
    assert value.utcoffset() == dt.timedelta(0)
    assert parse_user_instant(" 2019-01-01 ") == value


@given(dates)
def test_bare_date_is_inclusive(day: dt.date) -> None:
    limit = parse_user_instant(day.isoformat())
    last_moment = dt.datetime.combine(day, dt.time(23, 59, 59, 999999), tzinfo=dt.UTC)
    assert dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC) <= limit
    assert last_moment <= limit
    assert limit < dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)
    assert limit == end_of_day(day)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-01-01T10:00:00Z", dt.datetime(2019, 1, 1, 10, tzinfo=dt.UTC)),
        ("2019-01-01T10:00:00", dt.datetime(2019, 1, 1, 10, tzinfo=dt.UTC)),  # naive = UTC
        (
            "2019-01-01T10:00:00+02:00",
            dt.datetime(2019, 1, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        ),
        ("2024-01-10T05:00:00.000Z", dt.datetime(2024, 1, 10, 5, tzinfo=dt.UTC)),
    ],
)
def test_timestamps(text: str, expected: dt.datetime) -> None:
    value = parse_user_instant(text)
    assert value == expected
    assert value.tzinfo is not None


@pytest.mark.parametrize(
    "text", ["", "yesterday", "2019-13-01", "2019-02-30", "01/02/2019", "2019-01-01T25:00"]
)
def test_bad_user_input_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="not a date"):
        parse_user_instant(text)


@pytest.mark.parametrize("text", ["20190101"])
def test_basic_format_date_is_end_of_day_or_rejected(text: str) -> None:
    try:
        value = parse_user_instant(text)
    except UsageError:
        return
    assert value == end_of_day(dt.date(2019, 1, 1))


def test_end_of_day_constant() -> None:
    assert END_OF_DAY.tzinfo is UTC
    assert end_of_day(dt.date(2020, 2, 29)) == dt.datetime(
        2020, 2, 29, 23, 59, 59, 999999, tzinfo=dt.UTC
    )


# ---------------------------------------------------------------- record dates


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2017-01-18T05:00:00.000Z", dt.date(2017, 1, 18)),  # legacy: midnight EST
        ("2016-08-09T04:00:00.000Z", dt.date(2016, 8, 9)),  # legacy: midnight EDT
        ("2016-05-20T20:00:00.000Z", dt.date(2016, 5, 20)),  # marketplace: 20:00Z
        ("2024-12-31T20:00:00.000Z", dt.date(2024, 12, 31)),
        ("2024-01-01T05:00:00.000Z", dt.date(2024, 1, 1)),  # not the UTC date's previous day
    ],
)
def test_parse_record_date_forms(stamp: str, expected: dt.date) -> None:
    assert parse_record_date(stamp) == expected


def _midnight_eastern(day: dt.date) -> str:
    local = dt.datetime.combine(day, dt.time(0), tzinfo=EASTERN)
    return local.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@given(dates)
def test_legacy_stamp_round_trips(day: dt.date) -> None:
    stamp = _midnight_eastern(day)
    assert stamp[11:13] in {"04", "05"}
    assert parse_record_date(stamp) == day


@given(dates)
def test_marketplace_stamp_round_trips(day: dt.date) -> None:
    assert parse_record_date(f"{day.isoformat()}T20:00:00.000Z") == day


@given(dates, st.sampled_from(["T04:00:00.000Z", "T05:00:00.000Z", "T20:00:00.000Z"]))
def test_stamp_forms_of_one_date_agree_when_the_publisher_used_them(
    day: dt.date, suffix: str
) -> None:
    """Every form the feeds use gives the date written in the string, as long as the
    04/05 form matches the Eastern offset of that day (as it does in every real record)."""
    if suffix != "T20:00:00.000Z" and _midnight_eastern(day)[10:] != suffix:
        return
    assert parse_record_date(day.isoformat() + suffix) == day


@pytest.mark.parametrize(
    "junk",
    [
        None,
        "",
        "   ",
        "Not Active",
        "N/A",
        "No FRR Date",
        "#REF!",
        "#N/A",
        "11/13",
        "1/2/2020",
        "+275760-09-13T00:00:00.000Z",
        20240110,
        3.5,
        ["2024-01-10"],
        {"date": "2024-01-10"},
    ],
)
def test_record_junk_is_none(junk: object) -> None:
    assert parse_record_timestamp(junk) is None
    assert parse_record_date(junk) is None


@given(st.one_of(st.text(), st.none(), st.integers(), st.floats()))
def test_parse_record_timestamp_never_raises(value: object) -> None:
    parsed = parse_record_timestamp(value)
    assert parsed is None or parsed.utcoffset() == dt.timedelta(0)


def test_parse_record_timestamp_is_utc() -> None:
    assert parse_record_timestamp("2026-08-22T04:40:51.791Z") == dt.datetime(
        2026, 8, 22, 4, 40, 51, 791000, tzinfo=dt.UTC
    )
    assert parse_record_timestamp("2023-02-15T14:40:43-05:00") == dt.datetime(
        2023, 2, 15, 19, 40, 43, tzinfo=dt.UTC
    )
    naive = parse_record_timestamp("2023-02-15T14:40:43")
    assert naive is not None and naive.tzinfo is not None


@given(
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59)),
    st.sampled_from(["Z", "", "+00:00", "-05:00", "+14:00", "-12:00"]),
)
def test_a_record_date_in_any_year_never_overflows(moment: dt.datetime, zone: str) -> None:
    """Year 1 and year 9999, with any offset, are read as empty and counted, never an
    OverflowError; a plausible year gives its US Eastern calendar date."""
    text = moment.replace(microsecond=0).isoformat() + zone
    with implausible_dates() as found:
        day = parse_record_date(text)
    offset = (
        dt.timedelta(0)
        if zone in ("Z", "")
        else dt.timedelta(hours=int(zone[1:3]) * (-1 if zone[0] == "-" else 1))
    )
    try:
        utc: dt.datetime | None = moment.replace(tzinfo=dt.timezone(offset)).astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is not None and 1900 <= utc.year < 2200:
        assert day == utc.astimezone(EASTERN).date() and not found
    else:
        assert day is None and found == {f"(implausible date, read as empty) {text}": 1}
