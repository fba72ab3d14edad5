"""What changed in the FedRAMP record between two dates: new and removed offerings, status
changes, re-stamped authorization dates, new and removed agency letters, new and removed
runs-on links. Both dates are read from the same feed, so that like is compared with like:
``auto`` takes the newest feed that covers both."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

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


@dataclass(frozen=True, slots=True)
class Change:
    """One change: its ``kind`` (one of ``KINDS``), the offering, and what the kind names
    (the offering's name and provider; the letter's agency; the underlying offering; the
    values ``before`` and ``after``). Fields a kind does not name are None."""

    kind: str
    package_id: str
    name: str | None = None
    provider: str | None = None
    agency: str | None = None
    subagency: str | None = None
    letter_kind: str | None = None
    underlying_id: str | None = None
    status: str | None = None
    field: str | None = None
    before: str | None = None
    after: str | None = None

    FIELDS: ClassVar[dict[str, tuple[str, ...]]] = {
        "new offering": ("name", "provider", "status"),
        "removed offering": ("name", "provider", "status"),
        "status change": ("name", "provider", "before", "after"),
        "re-stamped date": ("name", "provider", "field", "before", "after"),
        "re-stamped letter date": ("agency", "subagency", "letter_kind", "before", "after"),
        "new letter": ("agency", "subagency", "letter_kind"),
        "removed letter": ("agency", "subagency", "letter_kind"),
        "new runs-on": ("underlying_id",),
        "removed runs-on": ("underlying_id",),
    }

    @property
    def what(self) -> str | None:
        """The offering's name, the letter's agency or the underlying offering."""
        return self.name or self.agency or self.underlying_id

    @property
    def detail(self) -> str:
        """``before → after``, else the subagency or status."""
        if "before" in self.FIELDS[self.kind]:
            return f"{self.before} → {self.after}"
        return self.subagency or self.status or ""

    def to_json(self, citations: list[str]) -> dict[str, object]:
        """The fields its kind names, then the citation ids."""
        named = {name: getattr(self, name) for name in self.FIELDS[self.kind]}
        return {"kind": self.kind, "package_id": self.package_id, **named, "citations": citations}


@dataclass(frozen=True, slots=True)
class ChangeReport:
    """What changed in a FedRAMP feed between two record times (see
    :func:`whosbehind.fedramp_changes`)."""

    before: SnapshotRef
    after: SnapshotRef
    changes: list[Change]

    def counts(self) -> dict[str, int]:
        """How many changes of each kind (every kind, zeros included)."""
        return {kind: sum(1 for c in self.changes if c.kind == kind) for kind in KINDS}

    def to_json(self) -> dict[str, object]:
        """Both snapshots, the counts, every change citing both snapshots."""
        before, after = self.before.cite(), self.after.cite()
        return {
            "since": self.before.to_json(),
            "until": self.after.to_json(),
            "counts": self.counts(),
            "changes": [change.to_json([before.id, after.id]) for change in self.changes],
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
    changes: list[Change] = []
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
) -> list[Change]:
    live = f"SELECT DISTINCT {columns} FROM {table} WHERE feed = ? AND {LIVE}"
    changes = []
    for kind, first, second in (("new", after, before), ("removed", before, after)):
        found = engine.rows(
            f"{live} EXCEPT {live} ORDER BY ALL",  # every column: ties in one order
            [first.feed, first.seq, first.seq, second.feed, second.seq, second.seq],
        )
        changes += [Change(f"{kind} {noun}", **row) for row in found]
    return changes


def _restamped_letters(engine: Engine, before: SnapshotRef, after: SnapshotRef) -> list[Change]:
    """Letters present on both dates whose stated dates differ."""
    live = f"SELECT * FROM fedramp_authorization WHERE feed = ? AND {LIVE}"
    found = engine.rows(
        "SELECT b.package_id, b.agency, b.subagency, b.kind AS letter_kind, "
        "a.letter_date AS was, b.letter_date AS now "
        f"FROM ({live}) a JOIN ({live}) b ON a.package_id = b.package_id AND a.kind = b.kind "
        "AND a.agency = b.agency AND a.subagency = b.subagency AND a.ordinal = b.ordinal "
        "AND coalesce(a.agency_id, '') = coalesce(b.agency_id, '') "
        "WHERE a.letter_date IS DISTINCT FROM b.letter_date ORDER BY ALL",
        [before.feed, before.seq, before.seq, after.feed, after.seq, after.seq],
    )
    return [
        Change(
            "re-stamped letter date",
            row["package_id"],
            agency=row["agency"],
            subagency=row["subagency"],
            letter_kind=row["letter_kind"],
            before=_iso(row["was"]),
            after=_iso(row["now"]),
        )
        for row in found
    ]


def _change(kind: str, offering: dict[str, Any], **details: str | None) -> Change:
    return Change(kind, offering["package_id"], offering["name"], offering["provider"], **details)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
