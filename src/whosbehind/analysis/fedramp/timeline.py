"""FedRAMP shares over time: one share computation per period end."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from whosbehind.analysis.fedramp.share import ShareResult, fedramp_share
from whosbehind.analysis.periods import period_ends
from whosbehind.errors import NotFoundError, UsageError
from whosbehind.store.engine import Engine

# Each point is a whole share computation; a range of centuries by month (which a web client
# can ask for) would run for hours. 600 points is fifty years by month.
MAX_POINTS = 600


@dataclass
class Timeline:
    """FedRAMP shares at each period end (see :func:`whosbehind.fedramp_timeline`)."""

    every: str
    points: list[ShareResult]

    def leaders(self, top: int) -> list[str]:
        """Providers among the ``top`` of any point, ordered by their best share."""
        best: dict[str, float] = {}
        for point in self.points:
            for row in point.rows[:top]:
                best[row.provider] = max(best.get(row.provider, 0.0), row.share)
        return sorted(best, key=lambda name: -best[name])[: max(top, 1)]

    def to_json(self, top: int | None = None) -> dict[str, object]:
        return {"every": self.every, "points": [point.to_json(top) for point in self.points]}


def fedramp_timeline(
    engine: Engine,
    start: dt.date,
    stop: dt.date,
    every: str = "year",
    measure: str = "offerings",
    attribution: str = "direct",
    impact: str | None = None,
    feed: str = "auto",
    valid_at: dt.datetime | None = None,
) -> Timeline:
    ends = period_ends(start, stop, every)
    first = first_snapshot_date(engine)
    if first is not None:  # a period ending before the first snapshot has no point
        ends = [end for end in ends if end.date() >= first]
    if len(ends) > MAX_POINTS:
        raise UsageError(
            f"{len(ends):,} periods (every {every}) from {start} to {stop} with FedRAMP data; "
            f"at most {MAX_POINTS}: choose a longer period or a shorter range"
        )
    points = []
    for end in ends:
        try:
            points.append(fedramp_share(engine, end, valid_at, measure, attribution, impact, feed))
        except NotFoundError:
            continue  # before the first snapshot
    if not points:
        raise NotFoundError(f"no FedRAMP snapshot between {start} and {stop} in the store")
    return Timeline(every, points)


def first_snapshot_date(engine: Engine) -> dt.date | None:
    found = engine.scalar(  # the store also holds contract files: FedRAMP feeds only
        "SELECT min(record_time) FROM snapshot WHERE status = 'ok' AND feed LIKE 'fedramp-%'"
    )
    return found.date() if found else None
