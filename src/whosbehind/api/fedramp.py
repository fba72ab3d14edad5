"""FedRAMP answers: shares, timelines, an offering's history, what runs on a provider, changes.

``as_of`` is record time (what the FedRAMP record said on that date; default now) and
``valid_at`` valid time (authorizations dated on or before it; default ``as_of``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from whosbehind.api.dates import When, day, instant, instant_or_now
from whosbehind.api.options import Attribution, Feed, Impact, Measure, Period, ShareBy
from whosbehind.errors import MissingDataError
from whosbehind.model.timeutil import now_utc

if TYPE_CHECKING:  # each answer imports its own module when called (start-up: fedramp share)
    from whosbehind.analysis.fedramp.changes import ChangeReport
    from whosbehind.analysis.fedramp.offering import OfferingReport
    from whosbehind.analysis.fedramp.runs_on import RunsOnReport
    from whosbehind.analysis.fedramp.share import ShareResult
    from whosbehind.analysis.fedramp.timeline import Timeline
    from whosbehind.store.engine import Engine


def fedramp_share(
    engine: Engine,
    *,
    as_of: When | None = None,
    valid_at: When | None = None,
    measure: Measure = Measure.AUTHORIZATIONS,
    attribution: Attribution = Attribution.INFRASTRUCTURE,
    impact: Impact | None = None,
    feed: Feed = Feed.AUTO,
    by: ShareBy = ShareBy.PROVIDER,
) -> ShareResult:
    """Shares of FedRAMP authorizations by provider (or ultimate parent), with HHI and CR4."""
    from whosbehind.analysis.fedramp import share as share_module

    return share_module.fedramp_share(
        engine,
        instant_or_now(as_of),
        instant(valid_at),
        measure,
        attribution,
        impact,
        feed,
        by,
    )


def fedramp_timeline(
    engine: Engine,
    *,
    start: When | None = None,
    stop: When | None = None,
    every: Period = Period.YEAR,
    valid_at: When | None = None,
    measure: Measure = Measure.AUTHORIZATIONS,
    attribution: Attribution = Attribution.INFRASTRUCTURE,
    impact: Impact | None = None,
    feed: Feed = Feed.AUTO,
) -> Timeline:
    """Shares over time, one point per period end from ``start`` (default: the first FedRAMP
    snapshot) to ``stop`` (default: today); each point is a :func:`fedramp_share` as of it."""
    from whosbehind.analysis.fedramp import timeline as timeline_module

    first = day(start) or timeline_module.first_snapshot_date(engine)
    if first is None:
        raise MissingDataError("no FedRAMP snapshot", "`whosbehind ingest fedramp`")
    return timeline_module.fedramp_timeline(
        engine,
        first,
        day(stop) or now_utc().date(),
        every,
        measure,
        attribution,
        impact,
        feed,
        instant(valid_at),
    )


def fedramp_offering(
    engine: Engine, offering: str, *, as_of: When | None = None, feed: Feed = Feed.AUTO
) -> OfferingReport:
    """An offering (package id, or part of its name or provider) over record time: its
    versions, status history, authorizing agencies, what it runs on and what runs on it."""
    from whosbehind.analysis.fedramp import offering as offering_module

    return offering_module.offering_report(engine, offering, instant_or_now(as_of), feed)


def fedramp_runs_on(
    engine: Engine, provider: str, *, as_of: When | None = None, feed: Feed = Feed.AUTO
) -> RunsOnReport:
    """Offerings that run on a provider's infrastructure, with their authorizing agencies."""
    from whosbehind.analysis.fedramp import runs_on as runs_on_module

    return runs_on_module.runs_on_provider(engine, provider, instant_or_now(as_of), feed)


def fedramp_changes(
    engine: Engine, *, since: When, until: When | None = None, feed: Feed = Feed.AUTO
) -> ChangeReport:
    """What changed between the record as of ``since`` and as of ``until`` (default now):
    new and removed offerings, status changes, letters, runs-on links, re-stamped dates."""
    from whosbehind.analysis.fedramp import changes as changes_module

    return changes_module.fedramp_changes(
        engine, instant_or_now(since), instant_or_now(until), feed
    )


def plot_timeline(timeline: Timeline, path: Path, *, top: int = 5) -> Path:
    """Draw a timeline's leading ``top`` shares as ``path`` (.png or .svg)."""
    from whosbehind.analysis import charts

    return charts.plot_timeline(timeline, path, top)
