"""Which FedRAMP feed answers for a date.

``auto`` takes, for each date, the first of these feeds that has a snapshot on or before it:
the marketplace feed (2023 on; the live one), the legacy feed (2016-2024; it stopped changing
on 2024-01-10), the organization export (products only, no letters or runs-on links).
"""

from __future__ import annotations

import datetime as dt

from whosbehind.errors import MissingDataError, NotFoundError, UsageError
from whosbehind.store.asof import SnapshotRef, snapshot_at
from whosbehind.store.engine import Engine

AUTO_ORDER = ("fedramp-marketplace", "fedramp-legacy", "fedramp-org-products")
FEED_NAMES = {
    "auto": "auto",
    "marketplace": "fedramp-marketplace",
    "legacy": "fedramp-legacy",
    "org": "fedramp-org-products",
}


def feed_name(choice: str) -> str:
    if choice in FEED_NAMES.values():
        return choice
    try:
        return FEED_NAMES[choice]
    except KeyError:
        raise UsageError(
            f"unknown feed {choice!r}; choose one of {', '.join(FEED_NAMES)}"
        ) from None


def choose_snapshot(engine: Engine, instant: dt.datetime, feed: str = "auto") -> SnapshotRef:
    """The snapshot that says what the record was at ``instant``."""
    candidates = AUTO_ORDER if feed_name(feed) == "auto" else (feed_name(feed),)
    for name in candidates:
        found = snapshot_at(engine, name, instant)
        if found:
            return found
    raise _none_before(engine, candidates, instant, feed)


def _none_before(
    engine: Engine, candidates: tuple[str, ...], instant: dt.datetime, feed: str
) -> NotFoundError:
    """No snapshot at ``instant``: say which dates the store covers, or that it has none."""
    marks = ", ".join("?" for _ in candidates)
    first = engine.scalar(
        f"SELECT min(record_time) FROM snapshot WHERE status = 'ok' AND feed IN ({marks})",
        list(candidates),
    )
    label = "FedRAMP" if feed == "auto" else f"FedRAMP {feed}"
    if first is None:
        return MissingDataError(
            f"no {label} snapshot", "`whosbehind ingest fedramp` (a URL, an archive or a file)"
        )
    return NotFoundError(
        f"no {label} snapshot on or before {instant.date().isoformat()}: the first date "
        f"covered is {first.date().isoformat()} (ask for that date or a later one)"
    )
