"""What changed in the FedRAMP record between two dates: new and removed offerings, status
changes, re-stamped authorization dates, new and removed agency letters, new and removed
runs-on links. Both dates are read from the same feed, so that like is compared with like:
``auto`` takes the newest feed that covers both."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from whosbehind.analysis.fedramp.feeds import AUTO_ORDER, choose_snapshot, feed_name
from whosbehind.errors import NotFoundError, UsageError
from whosbehind.store.asof import LIVE, SnapshotRef, snapshot_at
from whosbehind.store.engine import Engine

KINDS = (
    "new offering",
    "removed offering",
    "status change",
    "re-stamped date",
    "re-stamped letter date",
    "new letter",
    "removed letter",
    "new runs-on",
    "removed runs-on",
)


@dataclass
class ChangeReport:
    """What changed in a FedRAMP feed between two record times (see
    :func:`whosbehind.fedramp_changes`)."""

    before: SnapshotRef
    after: SnapshotRef
    changes: list[dict[str, Any]]

    def counts(self) -> dict[str, int]:
        return {kind: sum(1 for c in self.changes if c["kind"] == kind) for kind in KINDS}

    def to_json(self) -> dict[str, Any]:
        before, after = self.before.cite(), self.after.cite()
        return {
            "since": self.before.to_json(),
            "until": self.after.to_json(),
            "counts": self.counts(),
            "changes": [{**change, "citations": [before.id, after.id]} for change in self.changes],
            "citations": [before.to_json(), after.to_json()],
        }


def fedramp_changes(
    engine: Engine, since: dt.datetime, until: dt.datetime, feed: str = "auto"
) -> ChangeReport:
    if until < since:
        raise UsageError("--to is before --from")
    if feed_name(feed) == "auto":  # the newest feed that covers both dates
        feed = next((f for f in AUTO_ORDER if snapshot_at(engine, f, since)), feed)
    after = choose_snapshot(engine, until, feed)
    try:
        before = choose_snapshot(engine, since, after.feed)
    except NotFoundError:
        raise UsageError(
            f"the {after.feed} feed, which answers for {until.date()}, has no snapshot on or "
            f"before {since.date()}; pick a feed that covers both dates with --feed"
        ) from None
    changes: list[dict[str, Any]] = []
    old = _offerings(engine, before)
    new = _offerings(engine, after)
    for pid in sorted(new.keys() - old.keys()):
        changes.append(_change("new offering", new[pid], status=new[pid]["status_raw"]))
    for pid in sorted(old.keys() - new.keys()):
        changes.append(_change("removed offering", old[pid], status=old[pid]["status_raw"]))
    for pid in sorted(old.keys() & new.keys()):
        was, now = old[pid], new[pid]
        if was["status"] != now["status"] or was["status_raw"] != now["status_raw"]:
            changes.append(
                _change("status change", now, before=was["status_raw"], after=now["status_raw"])
            )
        if was["authorization_date"] != now["authorization_date"]:
            changes.append(
                _change(
                    "re-stamped date",
                    now,
                    field="authorization_date",
                    before=_iso(was["authorization_date"]),
                    after=_iso(now["authorization_date"]),
                )
            )
    changes += _set_changes(
        engine,
        before,
        after,
        "fedramp_authorization",
        "package_id, agency, subagency, kind AS letter_kind",
        "letter",
    )
    changes += _restamped_letters(engine, before, after)
    changes += _set_changes(
        engine, before, after, "fedramp_runs_on", "package_id, underlying_id", "runs-on"
    )
    return ChangeReport(before, after, changes)


def _offerings(engine: Engine, snapshot: SnapshotRef) -> dict[str, dict[str, Any]]:
    found = engine.rows(
        "SELECT package_id, name, provider, status, status_raw, authorization_date "
        f"FROM fedramp_offering WHERE feed = ? AND {LIVE}",
        snapshot.live_params(),
    )
    return {row["package_id"]: row for row in found}


def _set_changes(
    engine: Engine, before: SnapshotRef, after: SnapshotRef, table: str, columns: str, noun: str
) -> list[dict[str, Any]]:
    live = f"SELECT DISTINCT {columns} FROM {table} WHERE feed = ? AND {LIVE}"
    changes = []
    for kind, first, second in (("new", after, before), ("removed", before, after)):
        found = engine.rows(
            f"{live} EXCEPT {live} ORDER BY 1, 2",
            [first.feed, first.seq, first.seq, second.feed, second.seq, second.seq],
        )
        changes += [{"kind": f"{kind} {noun}", **row} for row in found]
    return changes


def _restamped_letters(
    engine: Engine, before: SnapshotRef, after: SnapshotRef
) -> list[dict[str, Any]]:
    """Letters present on both dates whose stated dates differ."""
    live = f"SELECT * FROM fedramp_authorization WHERE feed = ? AND {LIVE}"
    found = engine.rows(
        "SELECT b.package_id, b.agency, b.subagency, b.kind AS letter_kind, "
        "a.letter_date AS was, b.letter_date AS now "
        f"FROM ({live}) a JOIN ({live}) b ON a.package_id = b.package_id AND a.kind = b.kind "
        "AND a.agency = b.agency AND a.subagency = b.subagency AND a.ordinal = b.ordinal "
        "AND coalesce(a.agency_id, '') = coalesce(b.agency_id, '') "
        "WHERE a.letter_date IS DISTINCT FROM b.letter_date ORDER BY 1, 2, 3",
        [before.feed, before.seq, before.seq, after.feed, after.seq, after.seq],
    )
    return [
        {
            "kind": "re-stamped letter date",
            "package_id": row["package_id"],
            "agency": row["agency"],
            "subagency": row["subagency"],
            "letter_kind": row["letter_kind"],
            "before": _iso(row["was"]),
            "after": _iso(row["now"]),
        }
        for row in found
    ]


def _change(kind: str, offering: dict[str, Any], **details: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "package_id": offering["package_id"],
        "name": offering["name"],
        "provider": offering["provider"],
        **details,
    }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
