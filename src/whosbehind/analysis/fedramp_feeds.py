"""Which FedRAMP feed answers for a date.

``auto`` takes, for each date, the first of these feeds that has a snapshot on or before it:
the marketplace feed (2023 on; the live one), the legacy feed (2016-2024; it stopped changing
on 2024-01-10), the organization export (products only, no letters or runs-on links).
"""

from __future__ import annotations

import datetime as dt

from whosbehind.errors import NotFoundError, UsageError
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
    raise NotFoundError(
        f"no {'FedRAMP' if feed == 'auto' else feed} snapshot on or before "
        f"{instant.date().isoformat()} in the store (run `whosbehind ingest fedramp` first)"
    )
