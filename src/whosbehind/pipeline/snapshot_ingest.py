"""Ingest the snapshots of a ``SnapshotSource`` (FedRAMP, SEC): each snapshot in one
transaction, recording only what changed.

A snapshot already seen changes nothing. A malformed one, or one that cannot be read for any
other reason, is recorded as failed, with where and why, and skipped: one bad snapshot never
stops the run (``isolation``). One that would remove most of a feed's records at once is held,
not applied, until confirmed (``removal_guard``). A run killed mid-way leaves the store as it
was before the snapshots it was writing; the next run goes on from there (git commits already
read are not read again). A run writes its snapshots in batches (``snapshot_batch``), each in
one transaction; ``add`` on its own writes each snapshot at once.
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from whosbehind.errors import UsageError
from whosbehind.model.facts import ParsedSnapshot
from whosbehind.model.timeutil import implausible_dates
from whosbehind.pipeline.isolation import aborts_the_run, item_failure
from whosbehind.pipeline.removal_guard import HOLD_HINT, removal_to_hold
from whosbehind.pipeline.snapshot_batch import SnapshotBatch
from whosbehind.sources.protocol import SnapshotSource, StoredCopy
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store import snapshots
from whosbehind.store.engine import Engine
from whosbehind.store.schema import create_all
from whosbehind.store.versions import Changes, FeedState, RowIds, load_state

Progress = Callable[[RawSnapshot], None]
# objects allocated between two collections of the youngest generation while a run reads
# (Python's default: 700). A parsed snapshot allocates hundreds of thousands of containers and
# the state keeps the previous one's: at 700, the marketplace history cost 168 full
# collections, a fifth of the run's CPU; the few cycles an ingest makes wait a little longer.
RUN_GC_THRESHOLD = 50_000
# seconds a thread waiting for the GIL waits before the running one must hand it over (Python's
# default: 0.005). The thread that reads ahead needs the GIL back after each read and hash, a
# few times a snapshot: at 5 ms each it falls behind a parse that runs Python all the time,
# and the parse then waits for it, so the two threads run one after the other, not at once.
RUN_SWITCH_INTERVAL = 0.0005


@contextmanager
def while_reading() -> Iterator[None]:
    """Cyclic garbage collection less often inside, and the GIL handed over sooner to the
    thread that reads ahead; both as they were after."""
    before, interval = gc.get_threshold(), sys.getswitchinterval()
    gc.set_threshold(max(before[0], RUN_GC_THRESHOLD), *before[1:])
    sys.setswitchinterval(min(interval, RUN_SWITCH_INTERVAL))
    try:
        yield
    finally:
        gc.set_threshold(*before)
        sys.setswitchinterval(interval)


@dataclass
class IngestSummary:
    """The counts of a snapshot ingest: snapshots read, stored, unchanged, failed, held."""

    snapshots_read: int = 0
    bytes_read: int = 0
    snapshots_stored: int = 0
    unchanged: int = 0
    already_seen: int = 0
    failed: int = 0
    held: int = 0
    skipped: int = 0
    versions_inserted: int = 0
    versions_closed: int = 0
    found_nothing: bool = False  # the source holds no snapshot at all (empty, wrong folder)
    warnings: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # the failed snapshots: where and why
    held_items: list[str] = field(default_factory=list)  # the held ones: where and why

    @property
    def changes_stored(self) -> int:
        return self.versions_inserted + self.versions_closed


class SnapshotIngest:
    """``accept_removals``: apply snapshots that would remove most of a feed's records at
    once (held by an earlier run, or met in this one) instead of holding them."""

    def __init__(
        self, source: SnapshotSource, engine: Engine, accept_removals: bool = False
    ) -> None:
        self.source = source
        self.engine = engine
        create_all(engine)
        self.states: dict[str, FeedState] = {}
        self.row_ids = RowIds()  # shared by the feeds' states
        self.latest: dict[str, snapshots.LatestSnapshot | None] = {}
        # this source's snapshots only: the same bytes given to another reader are another item
        self.seen = snapshots.all_sha256(engine, {*source.feeds, source.name})
        self.commits = set(snapshots.known_commits(engine))
        self.accept_removals = accept_removals
        if accept_removals:  # read the held snapshots again
            held = snapshots.held(engine)
            self.seen -= {sha256 for sha256, _ in held}
            self.commits -= {commit for _, commit in held if commit}
        self.summary = IngestSummary()
        self.batching = False  # True while ``run`` reads: writes wait in ``self.batch``
        self.batch = SnapshotBatch()
        self._before_batch: tuple[IngestSummary, set[str], set[str], dict[str, Any]] | None = None

    def run(
        self,
        source: str | None = None,
        progress: Progress | None = None,
        client: httpx.Client | None = None,
    ) -> IngestSummary:
        skip = frozenset(self.commits)
        where = source or getattr(self.source, "default_location", None)
        if not where:
            raise UsageError(f"give the {self.source.name} files to read (a file or a folder)")
        self.batching = True
        try:
            with while_reading():
                for raw in self.source.snapshots(where, skip, client, self._skipped):
                    self.add(raw)
                    if progress:
                        progress(raw)
                self._flush()
        except BaseException:
            self.batch = SnapshotBatch()  # not written: the store stays as it was before it
            raise
        finally:
            self.batching = False
        if self.summary.snapshots_read == 0:
            self.summary.found_nothing = self.source.holds_nothing(where)
        return self.summary

    def add(self, raw: RawSnapshot) -> None:
        """Read one snapshot. Whatever goes wrong with it is recorded as its failure, with
        where and why, and the run goes on; only what must abort the run is raised."""
        if self.batching:
            if not self.batch.raws:  # what to go back to if writing the batch fails
                self._before_batch = (
                    deepcopy(self.summary),
                    set(self.seen),
                    set(self.commits),
                    dict(self.latest),
                )
            self.batch.hold(raw)
        summary = self.summary
        summary.snapshots_read += 1
        summary.bytes_read += len(raw.content)
        try:
            self._add(raw)
        except Exception as error:
            reason = item_failure(error)
            for state in self.states.values():
                state.rollback()
            summary.failed += 1
            summary.errors.append(f"{raw.locator}: {reason}")
            feed = self.source.feed_of(raw.locator) or self.source.name
            self._record_other(raw, feed, "failed", reason)
        if self.batching and self.batch.full():
            self._flush()

    def _flush(self) -> None:
        """Write the batch. If that fails for a reason that does not stop the run, the store
        is as it was before the batch: read its snapshots again, each written at once, so
        that the one that fails is recorded as failed and the others are stored."""
        batch, before = self.batch, self._before_batch
        self.batch, self._before_batch = SnapshotBatch(), None
        try:
            batch.write(self.engine)
        except Exception as error:
            if aborts_the_run(error) or before is None:
                raise
            self.summary, self.seen, self.commits, self.latest = before
            # the feeds' states are loaded again from the store, which holds none of the batch
            self.states, self.row_ids = {}, RowIds()
            self.batching = False
            try:
                for raw in batch.raws:
                    self.add(raw)
            finally:
                self.batching = True

    def _write(
        self,
        row: snapshots.SnapshotRow,
        changes: Changes | None = None,
        audit: dict[str, int] | None = None,
        copy: StoredCopy | None = None,
    ) -> None:
        """What one snapshot writes: into the batch while ``run`` reads, else at once."""
        if self.batching:
            self.batch.add(row, changes, audit, copy)
            return
        alone = SnapshotBatch()
        alone.add(row, changes, audit, copy)
        alone.write(self.engine)

    def _add(self, raw: RawSnapshot) -> None:
        summary = self.summary
        feed_hint = self.source.feed_of(raw.locator)
        if raw.sha256 in self.seen:
            summary.already_seen += 1
            if raw.commit and raw.commit not in self.commits:
                # remember the commit, so that the next run does not read it again
                self._record_other(
                    raw,
                    feed_hint or self.source.name,
                    "duplicate",
                    "same bytes as a stored snapshot",
                )
            return
        digest, header_time = raw.identity or self.source.identity(raw.content)
        if digest and feed_hint and self._repeats_latest(feed_hint, digest, header_time):
            self._store(raw, feed_hint, header_time or raw.fallback_time, digest, None)
            return
        parsed = self.source.parse(raw)
        self._store(raw, parsed.feed, parsed.record_time or raw.fallback_time, digest, parsed)

    def _skipped(self, path: Path, reason: str) -> None:
        self.summary.skipped += 1
        self.summary.warnings[f"{path}: skipped, {reason}"] += 1

    def _latest(self, feed: str) -> snapshots.LatestSnapshot | None:
        if feed not in self.latest:
            self.latest[feed] = snapshots.latest(self.engine, feed)
        return self.latest[feed]

    def _repeats_latest(self, feed: str, digest: str, when: dt.datetime | None) -> bool:
        latest = self._latest(feed)
        return bool(
            latest and latest.payload_digest == digest and when and when > latest.record_time
        )

    def _store(
        self,
        raw: RawSnapshot,
        feed: str,
        record_time: dt.datetime,
        digest: str | None,
        parsed: ParsedSnapshot | None,
    ) -> None:
        summary = self.summary
        latest = self._latest(feed)
        if latest and record_time <= latest.record_time < raw.fallback_time:
            # new content under the previous snapshot's own timestamp: the publish time decides
            summary.warnings["snapshots whose own timestamp repeats an earlier one"] += 1
            record_time = raw.fallback_time
        if latest and record_time <= latest.record_time:
            summary.skipped += 1
            self._record_other(
                raw,
                feed,
                "skipped",
                f"record time {record_time.isoformat()} is "
                f"not after the newest stored snapshot ({latest.record_time})",
            )
            return
        seq = (latest.seq + 1) if latest else 1
        state = self._state(feed)
        with implausible_dates() as placeholders:  # flagged in the snapshot's audit
            changes = state.diff(parsed) if parsed else Changes()
        if parsed and placeholders:
            parsed.unknown_fields.update(placeholders)
        hold = None if self.accept_removals or parsed is None else removal_to_hold(state)
        if hold:
            state.rollback()
            summary.held += 1
            summary.held_items.append(f"{raw.locator}: {hold}")
            self._record_other(raw, feed, "held", f"{hold}; {HOLD_HINT}")
            return
        row = snapshots.SnapshotRow(
            feed,
            seq,
            record_time,
            "ok",
            None,
            raw.kind,
            raw.locator,
            raw.commit,
            raw.sha256,
            digest,
            len(raw.content),
            changes.inserted,
            changes.closed,
            self.source.public_locator(raw, feed),
        )
        if parsed is None:
            self._write(row)
            self._stored(raw, feed, row)
            return
        try:
            # a file or URL snapshot: keep its redacted copy, and count what was removed
            kept = self.source.stored_copy(raw) if raw.kind != "git" else None
            self._write(row, changes, parsed.unknown_fields, kept)
        except BaseException:
            state.rollback()
            raise
        state.commit(changes)
        summary.warnings.update(parsed.unknown_fields)
        if changes.duplicates:
            summary.warnings["facts with a duplicate key (first kept)"] += changes.duplicates
        self._stored(raw, feed, row)

    def _stored(self, raw: RawSnapshot, feed: str, row: snapshots.SnapshotRow) -> None:
        assert row.seq is not None and row.record_time is not None
        self.latest[feed] = snapshots.LatestSnapshot(row.seq, row.record_time, row.payload_digest)
        self.seen.add(raw.sha256)
        if raw.commit:
            self.commits.add(raw.commit)
        summary = self.summary
        summary.snapshots_stored += 1
        summary.unchanged += row.inserted + row.closed == 0
        summary.versions_inserted += row.inserted
        summary.versions_closed += row.closed

    def _state(self, feed: str) -> FeedState:
        if feed not in self.states:
            self.states[feed] = load_state(self.engine, feed, self.row_ids)
        return self.states[feed]

    def _record_other(self, raw: RawSnapshot, feed: str, status: str, error: str) -> None:
        row = snapshots.SnapshotRow(
            feed,
            None,
            None,
            status,
            error,
            raw.kind,
            raw.locator,
            raw.commit,
            raw.sha256,
            None,
            len(raw.content),
            public_locator=self.source.public_locator(raw, feed),
        )
        self._write(row)
        self.seen.add(raw.sha256)
        if raw.commit:
            self.commits.add(raw.commit)
