"""Cell values as USAspending files write them: empty or ``NAN`` for missing, mixed date styles."""

from __future__ import annotations

import datetime as dt
import re

# ASCII digits only (``\d`` also takes full-width digits), as the SQL reader's patterns
_ISO = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.][0-9]+)?)?)?"
)
_SLASHED = re.compile(
    r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}|[0-9]{2})(?:\s+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?"
)
# dates an action was signed on: a narrower plausible range (``model.contracts.check_date``)
ACTION_DATE_COLUMNS = frozenset(
    {"action_date", "award_base_action_date", "award_latest_action_date"}
)
# POSIX strptime's %y convention: 69..99 -> 19xx, 00..68 -> 20xx.
_PIVOT = 69


class BadField(Exception):
    """A value the reader needs cannot be read: its record goes to quarantine."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def cell(text: str | None) -> str | None:
    """A cell's value, or None when empty. Spreadsheet exports wrote missing values as ``NAN``."""
    if text is None:
        return None
    value = text.strip()
    if not value or value.upper() == "NAN":
        return None
    return value


def parse_date(text: str, *, day_first: bool = True) -> dt.date:
    """``2018-06-22``, ``2007-08-30 00:00:00``, ``22/06/2018`` or ``22/06/18 00:00``.

    Slashed dates are day-first in the 2018 ICE export (``27/03/2014``); pass
    ``day_first=False`` for month-first files. Raises ValueError on anything else.
    """
    value = text.strip()
    iso = _ISO.fullmatch(value)
    try:
        if iso:
            year, month, day = (int(part) for part in iso.groups())
            return dt.date(year, month, day)
        slashed = _SLASHED.fullmatch(value)
        if slashed:
            first, second, year_text = slashed.groups()
            day, month = (int(first), int(second)) if day_first else (int(second), int(first))
            year = int(year_text)
            if len(year_text) == 2:
                year += 1900 if year >= _PIVOT else 2000
            return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"not a calendar date: {text!r}") from None
    raise ValueError(f"not a date: {text!r}")
