"""Dates and timestamps as the two clocks need them.

A date given by a user (``2019-01-01``) means the end of that day, UTC, inclusive.
Timestamps from records are kept as aware UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from whosbehind.errors import UsageError

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
UTC = dt.UTC
US_EASTERN = ZoneInfo("America/New_York")
END_OF_DAY = dt.time(23, 59, 59, 999999, tzinfo=UTC)
# a record's calendar date outside these years is a placeholder (0001-01-01, 9999-12-31) or a
# typo, never a date the publisher meant: read as empty and counted (``implausible_dates``)
PLAUSIBLE_YEARS = range(1900, 2200)
IMPLAUSIBLE = "(implausible date, read as empty) "
_implausible: ContextVar[Counter[str] | None] = ContextVar("implausible", default=None)


@contextmanager
def implausible_dates() -> Iterator[Counter[str]]:
    """Counts, by value, the implausible dates ``parse_record_date`` reads as empty inside."""
    found: Counter[str] = Counter()
    token = _implausible.set(found)
    try:
        yield found
    finally:
        _implausible.reset(token)


def implausible_counted() -> int | None:
    """How many implausible dates the enclosing ``implausible_dates`` has counted so far (None
    outside one): what a cache of values built from dates checks, so as to keep only those
    whose dates were all plausible (an implausible one is counted each time it is read)."""
    found = _implausible.get()
    return None if found is None else found.total()


def now_utc() -> dt.datetime:
    return dt.datetime.now(UTC)


def parse_user_instant(text: str) -> dt.datetime:
    """A command-line date or timestamp. A bare date is the end of that day, UTC."""
    text = text.strip()
    try:
        if _DATE.fullmatch(text):
            return dt.datetime.combine(dt.date.fromisoformat(text), END_OF_DAY)
        if not _TIMESTAMP.match(text):
            raise ValueError(text)
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"not a date: {text!r} (expected YYYY-MM-DD or an ISO timestamp)"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_record_timestamp(value: object) -> dt.datetime | None:
    """A timestamp as a record states it (ISO 8601, with or without zone); None if absent."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def parse_eastern_wall_clock(value: object) -> dt.datetime | None:
    """A timestamp written as US Eastern wall-clock time, whatever zone suffix it carries.

    The marketplace feed's ``meta.last_change`` is Eastern local time with a ``Z`` appended:
    every snapshot is committed seconds after it read as Eastern, 4 or 5 hours after it read
    as UTC (see docs/fedramp.md).
    """
    stamp = parse_record_timestamp(value)
    if stamp is None:
        return None
    text = str(value).strip().replace("Z", "+00:00")
    wall = dt.datetime.fromisoformat(text).replace(tzinfo=None)
    return wall.replace(tzinfo=US_EASTERN).astimezone(UTC)


def parse_record_date(value: object) -> dt.date | None:
    """A valid-time calendar date from a record.

    FedRAMP stores dates as instants: midnight US Eastern in the legacy feed
    (``2017-01-18T05:00:00.000Z``), 20:00Z of the same day in the marketplace feed
    (``2016-05-20T20:00:00.000Z``). Read in US Eastern, both give the date the publisher meant.
    A date outside ``PLAUSIBLE_YEARS`` is None, and counted inside ``implausible_dates``.
    """
    if isinstance(value, str):
        known = _READ_DATES.get(value, _UNREAD)
        if known is not _UNREAD:
            return known  # type: ignore[return-value]
    try:
        stamp = parse_record_timestamp(value)
    except OverflowError:  # a zone offset beyond year 9999
        stamp = dt.datetime.max.replace(tzinfo=UTC)
    if stamp is not None and stamp.year not in PLAUSIBLE_YEARS:
        found = _implausible.get()  # counted each time read: never remembered
        if found is not None:
            found[f"{IMPLAUSIBLE}{str(value).strip()[:40]}"] += 1
        return None
    day = stamp.astimezone(US_EASTERN).date() if stamp is not None else None
    if isinstance(value, str):
        if len(_READ_DATES) >= _READ_DATES_LIMIT:
            _READ_DATES.clear()
        _READ_DATES[value] = day
    return day


# the dates already read, by text: a feed repeats the same few thousand in every snapshot
_READ_DATES: dict[str, dt.date | None] = {}
_READ_DATES_LIMIT = 100_000
_UNREAD = object()


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, END_OF_DAY)
