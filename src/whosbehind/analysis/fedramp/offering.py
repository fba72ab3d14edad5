"""An offering's history: every version of it in every feed, what it runs on, what runs on it,
who authorized it, and its dated status history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from whosbehind.analysis.fedramp.feeds import choose_snapshot
from whosbehind.errors import NotFoundError
from whosbehind.store import like
from whosbehind.store.asof import LIVE, SnapshotRef
from whosbehind.store.engine import Engine
from whosbehind.store.snapshots import public_locator_sql

HISTORY_FIELDS = ("provider", "name", "status_raw", "impact_raw", "path", "authorization_date")


@dataclass
class OfferingReport:
    """An offering over record time (see :func:`whosbehind.fedramp_offering`)."""

    package_id: str
    current: dict[str, Any]
    snapshot: SnapshotRef
    versions: list[dict[str, Any]]
    authorizations: list[dict[str, Any]]
    runs_on: list[dict[str, Any]]
    runs_on_it: list[dict[str, Any]]
    status_history: list[dict[str, Any]]
    citations: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "package_id": self.package_id,
            "offering": _jsonable(self.current),
            "snapshot": self.snapshot.to_json(),
            "versions": [_jsonable(v) for v in self.versions],
            "authorizations": [_jsonable(a) for a in self.authorizations],
            "runs_on": [_jsonable(r) for r in self.runs_on],
            "runs_on_it": [_jsonable(r) for r in self.runs_on_it],
            "status_history": [_jsonable(s) for s in self.status_history],
            "citations": self.citations,
        }


def find_package_id(engine: Engine, text: str) -> str:
    """A package id given as such, or the offering whose name or provider matches best."""
    exact = engine.scalar(
        "SELECT package_id FROM fedramp_offering WHERE upper(package_id) = upper(?) LIMIT 1", [text]
    )
    if exact:
        return str(exact)
    found = engine.rows(
        "SELECT package_id, any_value(name) AS name, max(to_seq IS NULL) AS current "
        f"FROM fedramp_offering WHERE name ILIKE ? {like.ESCAPE} OR provider ILIKE ? {like.ESCAPE} "
        "GROUP BY package_id ORDER BY current DESC, length(any_value(name)), package_id LIMIT 5",
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
        current[0] if current else {},
        snapshot,
        versions,
        authorizations,
        runs_on,
        runs_on_it,
        status_history,
        [snapshot.cite(current[0]["locator"] if current else "").to_json()],
    )


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
        for key, value in row.items()
        if key not in {"row_id", "row_hash", "group_key", "from_seq", "to_seq"}
    }
