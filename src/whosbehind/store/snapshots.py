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
    ingested_at = now_utc()
    engine.connection.executemany(
        "INSERT INTO snapshot (feed, seq, record_time, status, error, kind, locator, commit_id, "
        "sha256, payload_digest, size, inserted, closed, ingested_at, public_locator, "
        "retrieved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                row.feed,
                row.seq,
                row.record_time,
                row.status,
                row.error,
                row.kind,
                row.locator,
                row.commit_id,
                row.sha256,
                row.payload_digest,
                row.size,
                row.inserted,
                row.closed,
                ingested_at,
                row.public_locator or row.locator,
                row.retrieved_at,
            ]
            for row in rows
        ],
    )


def insert_audit(engine: Engine, feed: str, seq: int | None, counts: dict[str, int]) -> None:
    if counts:
        engine.connection.executemany(
            "INSERT INTO audit_field VALUES (?, ?, ?, ?)",
            [[feed, seq, path, count] for path, count in sorted(counts.items())],
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
