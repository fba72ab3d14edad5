"""The snapshot registry: every snapshot read, with its record time, where it came from, the hash
of its exact bytes, and what it changed (or why it failed)."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from whosbehind.model.timeutil import now_utc
from whosbehind.store.engine import Engine


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    feed: str
    seq: int | None
    record_time: dt.datetime | None
    status: str
    error: str | None
    kind: str
    locator: str
    commit_id: str | None
    sha256: str
    payload_digest: str | None
    size: int
    inserted: int = 0
    closed: int = 0
    public_locator: str | None = None  # the public place of the bytes; ``locator``: this machine's
    # when the bytes were copied to disk or fetched (a contract file's modification time, an
    # API response's retrieval time), kept apart from ``record_time``: when the publisher
    # produced them. NULL where not recorded (FedRAMP snapshots: their record time is the
    # feed's own timestamp).
    retrieved_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class LatestSnapshot:
    seq: int
    record_time: dt.datetime
    payload_digest: str | None


def public_locator_sql(engine: Engine, alias: str = "") -> str:
    """The SQL of a snapshot's public locator. A store built before snapshots named their public
    source has no such column (read-only, it cannot be added): its rows cite the path they
    were read from (re-ingest into a new store for public locators)."""
    prefix = f"{alias}." if alias else ""
    if engine.has_column("snapshot", "public_locator"):
        return f"coalesce({prefix}public_locator, {prefix}locator)"
    return f"{prefix}locator"


def known_commits(engine: Engine) -> frozenset[str]:
    found = engine.connection.execute(
        "SELECT DISTINCT commit_id FROM snapshot WHERE commit_id IS NOT NULL"
    ).fetchall()
    return frozenset(row[0] for row in found)


def all_sha256(engine: Engine, feeds: Collection[str] | None = None) -> set[str]:
    """The sha256 of every snapshot recorded (of ``feeds`` only, when given): the same bytes
    read by another source's reader are another item."""
    if feeds is None:
        found = engine.connection.execute("SELECT sha256 FROM snapshot").fetchall()
    else:
        found = engine.connection.execute(
            "SELECT sha256 FROM snapshot WHERE list_contains(?, feed)", [sorted(feeds)]
        ).fetchall()
    return {row[0] for row in found}


def sha256_by_feed(engine: Engine) -> set[tuple[str, str]]:
    """(feed, sha256) of every snapshot recorded."""
    found = engine.connection.execute("SELECT feed, sha256 FROM snapshot").fetchall()
    return {(row[0], row[1]) for row in found}


def feed_count(engine: Engine, feed: str) -> int:
    """How many snapshots of ``feed`` the store recorded (any status)."""
    return int(engine.scalar("SELECT count(*) FROM snapshot WHERE feed = ?", [feed]) or 0)


def held(engine: Engine) -> list[tuple[str, str | None]]:
    """(sha256, commit) of every snapshot held for confirmation and not applied since."""
    found = engine.connection.execute(
        "SELECT sha256, commit_id FROM snapshot WHERE status = 'held' AND sha256 NOT IN "
        "(SELECT sha256 FROM snapshot WHERE status <> 'held')"
    ).fetchall()
    return [(row[0], row[1]) for row in found]


def latest(engine: Engine, feed: str) -> LatestSnapshot | None:
    found = engine.rows(
        "SELECT seq, record_time, payload_digest FROM snapshot "
        "WHERE feed = ? AND status = 'ok' ORDER BY seq DESC LIMIT 1",
        [feed],
    )
    if not found:
        return None
    row = found[0]
    return LatestSnapshot(row["seq"], row["record_time"], row["payload_digest"])


def insert(engine: Engine, row: SnapshotRow) -> None:
    insert_many(engine, [row])


def insert_many(engine: Engine, rows: Sequence[SnapshotRow]) -> None:
    """The rows in one Arrow insert (one ``executemany`` row costs about as much as a whole
    statement in DuckDB)."""
    if not rows:
        return
    import pyarrow as pa  # not at the top: query commands import this module, and not Arrow

    ingested_at = now_utc()
    stamp = pa.timestamp("us", tz="UTC")
    columns: dict[str, tuple[Any, list[Any]]] = {
        "feed": (pa.string(), [row.feed for row in rows]),
        "seq": (pa.int64(), [row.seq for row in rows]),
        "record_time": (stamp, [_utc(row.record_time) for row in rows]),
        "status": (pa.string(), [row.status for row in rows]),
        "error": (pa.string(), [row.error for row in rows]),
        "kind": (pa.string(), [row.kind for row in rows]),
        "locator": (pa.string(), [row.locator for row in rows]),
        "commit_id": (pa.string(), [row.commit_id for row in rows]),
        "sha256": (pa.string(), [row.sha256 for row in rows]),
        "payload_digest": (pa.string(), [row.payload_digest for row in rows]),
        "size": (pa.int64(), [row.size for row in rows]),
        "inserted": (pa.int64(), [row.inserted for row in rows]),
        "closed": (pa.int64(), [row.closed for row in rows]),
        "ingested_at": (stamp, [ingested_at] * len(rows)),
        "public_locator": (pa.string(), [row.public_locator or row.locator for row in rows]),
        "retrieved_at": (stamp, [_utc(row.retrieved_at) for row in rows]),
    }
    engine.insert_arrow(
        "snapshot",
        pa.table({name: pa.array(values, kind) for name, (kind, values) in columns.items()}),
    )


def _utc(when: dt.datetime | None) -> dt.datetime | None:
    """A naive time is UTC (what DuckDB made of one bound as a parameter, in a UTC session)."""
    if when is None:
        return None
    return when.astimezone(dt.UTC) if when.tzinfo else when.replace(tzinfo=dt.UTC)


def insert_audit(engine: Engine, feed: str, seq: int | None, counts: dict[str, int]) -> None:
    insert_audits(engine, [(feed, seq, counts)])


def insert_audits(engine: Engine, audits: Sequence[tuple[str, int | None, dict[str, int]]]) -> None:
    """The audit counts of several snapshots (feed, seq, path -> count) in one Arrow insert."""
    rows = [
        (feed, seq, path, count)
        for feed, seq, counts in audits
        for path, count in sorted(counts.items())
    ]
    if not rows:
        return
    import pyarrow as pa

    engine.insert_arrow(
        "audit_field",
        pa.table(
            {
                "feed": pa.array([row[0] for row in rows], pa.string()),
                "seq": pa.array([row[1] for row in rows], pa.int64()),
                "path": pa.array([row[2] for row in rows], pa.string()),
                "count": pa.array([row[3] for row in rows], pa.int64()),
            }
        ),
    )


def store_raw(engine: Engine, sha256: str, stored: bytes, encoding: str) -> None:
    """Keep a copy of a snapshot's bytes (gzip), once per content hash.

    ``sha256`` is the hash of the bytes as published; ``stored`` may be a redacted copy (personal
    contact fields removed), whose own hash is kept beside it."""
    if engine.scalar("SELECT count(*) FROM raw_object WHERE sha256 = ?", [sha256]):
        return
    engine.execute(
        "INSERT INTO raw_object VALUES (?, ?, ?, ?, ?)",
        [
            sha256,
            hashlib.sha256(stored).hexdigest(),
            len(stored),
            encoding,
            gzip.compress(stored, compresslevel=6),
        ],
    )


def raw_content(engine: Engine, sha256: str) -> bytes | None:
    found: Any = engine.scalar("SELECT content FROM raw_object WHERE sha256 = ?", [sha256])
    return gzip.decompress(found) if found is not None else None
