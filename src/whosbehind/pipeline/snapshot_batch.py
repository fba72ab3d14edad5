"""The writes of several snapshots, kept in memory and made in one transaction.

Each snapshot is still read, checked and diffed on its own, in order; what it writes (its
snapshot row, its new and closed versions, its audit counts, the copy of a file's bytes) waits
here until the batch is full, and then goes to the store in one transaction: a few statements
per batch instead of several per snapshot, and one commit (one flush to disk) instead of one
per snapshot. A run killed before the commit leaves the store as it was before the batch, and
the next run reads those snapshots again. The batch keeps the snapshots it holds, so that if
writing it fails, the ingest can read them again one at a time (``SnapshotIngest``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from whosbehind.sources.protocol import StoredCopy
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store import snapshots
from whosbehind.store.engine import Engine
from whosbehind.store.versions import Changes, write_many

MAX_SNAPSHOTS = 256  # the legacy history's unchanged days: a few statements per batch, not per 64
MAX_BYTES = 48 * 2**20  # of snapshot bytes held for a retry
MAX_SECONDS = 2.0  # of work a killed run would lose


@dataclass
class SnapshotBatch:
    raws: list[RawSnapshot] = field(default_factory=list)
    rows: list[snapshots.SnapshotRow] = field(default_factory=list)
    changes: list[tuple[str, int, Changes]] = field(default_factory=list)
    audits: list[tuple[str, int | None, dict[str, int]]] = field(default_factory=list)
    copies: list[tuple[str, StoredCopy]] = field(default_factory=list)  # (sha256, copy)
    size: int = 0
    started: float = field(default_factory=time.monotonic)

    def hold(self, raw: RawSnapshot) -> None:
        self.raws.append(raw)
        self.size += len(raw.content)

    def add(
        self,
        row: snapshots.SnapshotRow,
        changes: Changes | None = None,
        audit: dict[str, int] | None = None,
        copy: StoredCopy | None = None,
    ) -> None:
        """What one snapshot writes (``changes``, ``audit`` and ``copy``: a stored snapshot)."""
        self.rows.append(row)
        if changes is not None and row.seq is not None:
            self.changes.append((row.feed, row.seq, changes))
        if audit:
            self.audits.append((row.feed, row.seq, audit))
        if copy is not None:
            self.copies.append((row.sha256, copy))
            if copy.audit:
                self.audits.append((row.feed, row.seq, copy.audit))

    def full(self) -> bool:
        return (
            len(self.raws) >= MAX_SNAPSHOTS
            or self.size >= MAX_BYTES
            or time.monotonic() - self.started >= MAX_SECONDS
        )

    def write(self, engine: Engine) -> None:
        """Everything in one transaction: all of it is in the store afterwards, or none."""
        if not self.rows:
            return
        with engine.transaction():
            write_many(engine, self.changes)
            snapshots.insert_many(engine, self.rows)
            snapshots.insert_audits(engine, self.audits)
            for sha256, copy in self.copies:
                snapshots.store_raw(engine, sha256, copy.content, copy.encoding)
