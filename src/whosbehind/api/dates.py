"""The dates the public API takes: a ``datetime``, a ``date`` (the end of that day, UTC) or
the same text the CLI takes (``2024-06-30``, an ISO timestamp)."""

from __future__ import annotations

import datetime as dt

from whosbehind.model.timeutil import END_OF_DAY, now_utc, parse_user_instant

When = dt.datetime | dt.date | str
"""A point in time: ``datetime`` as is, ``date`` as the end of that day UTC, text parsed."""


def instant(when: When | None) -> dt.datetime | None:
    """``when`` as an instant, ``None`` kept (the caller's default applies)."""
    if when is None or isinstance(when, dt.datetime):
        return when
    if isinstance(when, dt.date):
        return dt.datetime.combine(when, END_OF_DAY)
    return parse_user_instant(when)


def instant_or_now(when: When | None) -> dt.datetime:
    """``when`` as an instant; ``None``: now."""
    return instant(when) or now_utc()


def day(when: When | None) -> dt.date | None:
    """The date of ``when``."""
    found = instant(when)
    return None if found is None else found.date()
