"""An offering's history: every version of it in every feed, what it runs on, what runs on it,
who authorized it, and its dated status history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from whosbehind.analysis.fedramp.feeds import choose_snapshot
from whosbehind.errors import NotFoundError
from whosbehind.model.citation import Citation
from whosbehind.model.fedramp import Offering
from whosbehind.store import like
from whosbehind.store.asof import LIVE, SnapshotRef
from whosbehind.store.engine import Engine
from whosbehind.store.snapshots import public_locator_sql

HISTORY_FIELDS = ("provider", "name", "status_raw", "impact_raw", "path", "authorization_date")


@dataclass(frozen=True, slots=True)
class OfferingVersion:
    """One version of the offering in one feed: the record time it was first and last seen
    (``last_seen``: the last snapshot it was in, or the feed's newest while it is live), what
    it said, and where (``locator`` in the ``snapshot`` file)."""

    feed: str
    first_seen: dt.datetime
    last_seen: dt.datetime | None
    provider: str
    name: str
    status_raw: str
    impact_raw: str
    path: str | None
    authorization_date: dt.date | None
    locator: str
    snapshot: str

    def to_json(self) -> dict[str, object]:
        """Every field; times and dates as ISO text."""
        return _jsonable(self)


@dataclass(frozen=True, slots=True)
class OfferingAuthorization:
    """An authorization of the offering in the chosen snapshot: the initial one (JAB P-ATO
    or agency ATO) or one agency's ATO letter, with its dates."""

    kind: str
    agency: str
    subagency: str
    letter_date: dt.date | None
    last_sign_date: dt.date | None
    expiration_date: dt.date | None
    locator: str

    def to_json(self) -> dict[str, object]:
        """Every field; dates as ISO text."""
        return _jsonable(self)


@dataclass(frozen=True, slots=True)
class OfferingLink:
    """``package_id`` runs on ``underlying_id``; ``name``, ``provider`` and ``status`` are the
    other offering's (None where the snapshot lists only its id)."""

    package_id: str
    underlying_id: str
    name: str | None
    provider: str | None
    status: str | None

    def to_json(self) -> dict[str, object]:
        """Every field."""
        return _jsonable(self)


@dataclass(frozen=True, slots=True)
class OfferingStatus:
    """A dated status in the offering's history (valid time), as the organization export
    states it."""

    status: str
    status_raw: str
    start_date: dt.date | None
    feed: str

    def to_json(self) -> dict[str, object]:
        """Every field; the date as ISO text."""
        return _jsonable(self)


@dataclass(frozen=True, slots=True)
class OfferingReport:
    """An offering over record time (see :func:`whosbehind.fedramp_offering`): what the chosen
    ``snapshot`` says of it (``current``; None when it is not listed there), every version,
    its authorizations, what it runs on and what runs on it, its dated status history."""

    package_id: str
    current: Offering | None
    snapshot: SnapshotRef
    versions: tuple[OfferingVersion, ...]
    authorizations: tuple[OfferingAuthorization, ...]
    runs_on: tuple[OfferingLink, ...]
    runs_on_it: tuple[OfferingLink, ...]
    status_history: tuple[OfferingStatus, ...]
    citations: tuple[Citation, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The offering (with its feed), the snapshot, every list, the citations."""
        current = {"feed": self.snapshot.feed, **_jsonable(self.current)} if self.current else {}
        return {
            "package_id": self.package_id,
            "offering": current,
            "snapshot": self.snapshot.to_json(),
            "versions": [v.to_json() for v in self.versions],
            "authorizations": [a.to_json() for a in self.authorizations],
            "runs_on": [r.to_json() for r in self.runs_on],
            "runs_on_it": [r.to_json() for r in self.runs_on_it],
            "status_history": [s.to_json() for s in self.status_history],
            "citations": [c.to_json() for c in self.citations],
        }


def find_package_id(engine: Engine, text: str) -> str:
    """A package id given as such, or the offering whose name or provider matches best: one
    still listed first, then the one with the shortest name matched, then by package id."""
    exact = engine.scalar(
        "SELECT package_id FROM fedramp_offering WHERE upper(package_id) = upper(?) LIMIT 1", [text]
    )
    if exact:
        return str(exact)
    found = engine.rows(
        "SELECT package_id, max(to_seq IS NULL) AS current, min(length(name)) AS shortest "
        f"FROM fedramp_offering WHERE name ILIKE ? {like.ESCAPE} OR provider ILIKE ? {like.ESCAPE} "
        "GROUP BY package_id ORDER BY current DESC, shortest, package_id LIMIT 5",
        [like.contains(text), like.contains(text)],
    )
    if not found:
        raise NotFoundError(f"no FedRAMP offering with id or name matching {text!r}")
    return str(found[0]["package_id"])


def offering_report(
    engine: Engine, text: str, as_of: dt.datetime, feed: str = "auto"
) -> OfferingReport:
    snapshot = choose_snapshot(engine, as_of, feed)  # first: no FedRAMP data at all says so
    package_id = find_package_id(engine, text)
    live = snapshot.live_params()
    current = engine.rows(
        f"SELECT * FROM fedramp_offering WHERE feed = ? AND {LIVE} AND package_id = ?",
        [*live, package_id],
    )
    versions = engine.rows(
        "SELECT v.feed, s.record_time AS first_seen, "
        "coalesce(e.record_time, l.record_time) AS last_seen, "
        f"{', '.join('v.' + name for name in HISTORY_FIELDS)}, v.locator, "
        f"{public_locator_sql(engine, 's')} AS snapshot "
        "FROM fedramp_offering v "
        "JOIN snapshot s ON s.feed = v.feed AND s.seq = v.from_seq "
        "LEFT JOIN snapshot e ON e.feed = v.feed AND e.seq = v.to_seq - 1 "
        "LEFT JOIN (SELECT feed, max(seq) AS seq, max(record_time) AS record_time FROM snapshot "
        "           WHERE status = 'ok' GROUP BY feed) l ON l.feed = v.feed AND v.to_seq IS NULL "
        "WHERE v.package_id = ? AND s.record_time <= ? ORDER BY s.record_time, v.feed",
        [package_id, as_of],
    )
    authorizations = engine.rows(
        "SELECT kind, agency, subagency, letter_date, last_sign_date, expiration_date, locator "
        f"FROM fedramp_authorization WHERE feed = ? AND {LIVE} AND package_id = ? "
        "ORDER BY kind, coalesce(letter_date, last_sign_date), agency",
        [*live, package_id],
    )
    edges = (
        "SELECT r.package_id, r.underlying_id, o.name, o.provider, o.status FROM fedramp_runs_on r "
        "LEFT JOIN fedramp_offering o ON o.feed = r.feed AND o.package_id = {other} "
        "AND o.from_seq <= ? AND (o.to_seq IS NULL OR o.to_seq > ?) "
        "WHERE r.feed = ? AND r.from_seq <= ? AND (r.to_seq IS NULL OR r.to_seq > ?) AND {own} = ? "
        "ORDER BY 1, 2"
    )
    edge_params = [snapshot.seq, snapshot.seq, *live, package_id]
    runs_on = engine.rows(edges.format(other="r.underlying_id", own="r.package_id"), edge_params)
    runs_on_it = engine.rows(edges.format(other="r.package_id", own="r.underlying_id"), edge_params)
    status_history = engine.rows(
        "SELECT status, status_raw, start_date, feed FROM fedramp_status_event "
        "WHERE package_id = ? AND to_seq IS NULL ORDER BY ordinal",
        [package_id],
    )
    if not current and not versions:
        raise NotFoundError(f"{package_id} is not in any snapshot on or before {as_of.date()}")
    return OfferingReport(
        package_id,
        _offering(current[0]) if current else None,
        snapshot,
        tuple(OfferingVersion(**row) for row in versions),
        tuple(OfferingAuthorization(**row) for row in authorizations),
        tuple(OfferingLink(**row) for row in runs_on),
        tuple(OfferingLink(**row) for row in runs_on_it),
        tuple(OfferingStatus(**row) for row in status_history),
        (snapshot.cite(current[0]["locator"] if current else ""),),
    )


def _offering(row: dict[str, Any]) -> Offering:
    """The fact a stored offering row holds (the row's feed and version columns left out)."""
    return Offering(**{f.name: row[f.name] for f in fields(Offering)})


def _jsonable(row: Any) -> dict[str, object]:
    """A dataclass's fields in order, dates and times as ISO text."""
    return {
        f.name: value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
        for f in fields(row)
        for value in (getattr(row, f.name),)
    }
