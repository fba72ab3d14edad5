"""Reading the store as of a record time: which snapshot, and which versions were live in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from whosbehind.model.citation import Citation
from whosbehind.store.engine import Engine
from whosbehind.store.snapshots import public_locator_sql

# A version is live in snapshot ``seq`` of its feed. Two parameters: the seq, twice.
LIVE = "(from_seq <= ? AND (to_seq IS NULL OR to_seq > ?))"


@dataclass(frozen=True, slots=True)
class SnapshotRef:
    """The snapshot of a feed an answer reads: feed, sequence number, record time; ``cite()``
    cites it."""

    feed: str
    seq: int
    record_time: dt.datetime
    locator: str
    sha256: str

    def live_params(self) -> list[object]:
        """The parameters of ``feed = ? AND {LIVE}``: the versions live in this snapshot."""
        return [self.feed, self.seq, self.seq]

    def cite(self, path: str = "") -> Citation:
        """The snapshot's citation, narrowed to the record at ``path`` (a stored fact's
        ``locator``, live in this snapshot) when one is given."""
        return Citation(self.feed, self.locator, self.record_time, self.sha256, path)

    def to_json(self) -> dict[str, object]:
        return {
            "feed": self.feed,
            "seq": self.seq,
            "record_time": self.record_time.isoformat(),
            "locator": self.locator,
            "sha256": self.sha256,
        }


def snapshot_at(engine: Engine, feed: str, instant: dt.datetime) -> SnapshotRef | None:
    """The newest good snapshot of ``feed`` published at or before ``instant``."""
    found = engine.rows(
        f"SELECT feed, seq, record_time, {public_locator_sql(engine)} AS locator, sha256 "
        "FROM snapshot WHERE feed = ? AND status = 'ok' AND record_time <= ? "
        "ORDER BY seq DESC LIMIT 1",
        [feed, instant],
    )
    return _ref(found[0]) if found else None


def snapshot_by_seq(engine: Engine, feed: str, seq: int) -> SnapshotRef | None:
    found = engine.rows(
        f"SELECT feed, seq, record_time, {public_locator_sql(engine)} AS locator, sha256 "
        "FROM snapshot WHERE feed = ? AND seq = ? AND status = 'ok'",
        [feed, seq],
    )
    return _ref(found[0]) if found else None


def feeds_with_snapshots(engine: Engine) -> list[str]:
    found = engine.rows("SELECT DISTINCT feed FROM snapshot WHERE status = 'ok' ORDER BY feed")
    return [row["feed"] for row in found]


def _ref(row: dict[str, object]) -> SnapshotRef:
    return SnapshotRef(
        str(row["feed"]),
        int(row["seq"]),  # type: ignore[call-overload]
        row["record_time"],  # type: ignore[arg-type]
        str(row["locator"]),
        str(row["sha256"]),
    )
