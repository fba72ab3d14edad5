"""The ingest job for contract records: one snapshot per file, response or page, each written in
one transaction, and the summary of what a run read, stored, skipped and quarantined."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any

from whosbehind.model.redaction import RedactionCounts
from whosbehind.pipeline.contracts.csv_direct import insertion_order_kept
from whosbehind.pipeline.contracts.csv_files import (
    CsvFile,
    MemberFailure,
    first_row,
    hash_file,
    hash_in_thread,
    iter_csv_files,
    record_time_of,
    stated_record_time,
)
from whosbehind.pipeline.contracts.csv_junk import line_count, refuse_junk
from whosbehind.pipeline.contracts.csv_load import (
    Declined,
    FileResult,
    load_csv_file,
    load_once,
)
from whosbehind.pipeline.contracts.pages import (
    NotAnAwardResponse,
    ParsedPage,
    parse_api_snapshot,
    parse_fpds_snapshot,
)
from whosbehind.pipeline.contracts.records import BatchCounts, batch_from_records, merge_batch
from whosbehind.pipeline.contracts.summary import ContractIngestSummary, IngestedFile
from whosbehind.pipeline.isolation import item_failure
from whosbehind.pipeline.work_folder import work_folder
from whosbehind.sources.fpds import metadata as fpds_metadata
from whosbehind.sources.redaction import redacted_copy
from whosbehind.sources.snapshot import RawSnapshot, public_locator, public_of
from whosbehind.sources.usaspending import agency_list, metadata
from whosbehind.sources.usaspending.csv_layout import LayoutMatch, detect_layout
from whosbehind.sources.usaspending.redact import redacted_csv
from whosbehind.store import snapshots
from whosbehind.store.contracts.rollup import (
    ROLLUP,
    create_rollup,
    is_fresh,
    mark_stale,
    rebuild,
    settle,
)
from whosbehind.store.contracts.rollup import append as append_to_rollup
from whosbehind.store.contracts.schema import create_contract_tables
from whosbehind.store.contracts.snapshots import insert_quarantine, next_seq, stored_sizes
from whosbehind.store.engine import Engine
from whosbehind.store.schema import create_all

RAW_COPY_LIMIT = 16 * 1024 * 1024  # larger files are kept by path and sha256 only
MEMORY_ENV = "WHOSBEHIND_MEMORY_LIMIT"  # e.g. 2GB: bounds the memory an ingest uses
Progress = Callable[[str, int], None]
Hashing = Future[tuple[str, int, int]]  # sha256, size and lines (``hash_in_thread``)


class ContractIngest:
    def __init__(self, engine: Engine, progress: Progress | None = None) -> None:
        self.engine = engine
        limit = os.environ.get(MEMORY_ENV)
        if limit:  # DuckDB spills staged files to disk beyond it (default: 80% of RAM)
            engine.execute(f"SET memory_limit = '{limit.replace(chr(39), '')}'")
        create_all(engine)
        create_contract_tables(engine)
        create_rollup(engine)
        # snapshots ("feed:seq") loaded in one pass whose money the run's end sums into the
        # rollup in one sorted part, then into the copies (``settle``) when nothing else left
        # the rollup stale: as one more sorted part, or with everything sorted again
        self.appended: list[str] = []
        self.rollup_held_rows = bool(
            engine.scalar(f"SELECT count(*) FROM (SELECT 1 FROM {ROLLUP} LIMIT 1)")
        )
        self.rollup_rebuilt = not is_fresh(engine)  # stale before this run: rebuilt at its end
        # (feed, sha256): the same bytes read by another feed's reader are another item
        self.seen = snapshots.sha256_by_feed(engine)
        # a file of a size never stored cannot have been seen: it is hashed while it loads
        self.sizes = stored_sizes(engine)
        self.summary = ContractIngestSummary()
        self.progress = progress

    # -- USAspending CSV ------------------------------------------------------------------

    def add_csv(self, path: Path, explicit: bool = True) -> None:
        """Every CSV of ``path`` (a file, or a zip archive's members), each isolated: one
        that fails is recorded as failed, with where and why, and the next is read."""
        feed = metadata.FEED_CSV
        with work_folder(self.engine.path) as work:
            try:
                for file in iter_csv_files(path, str(path), explicit, work):
                    if isinstance(file, MemberFailure):
                        self.summary.snapshots_read += 1
                        self._failed(feed, "file", file.label, "", file.size, file.reason)
                        continue
                    try:
                        self._csv_file(file)
                    except Exception as error:
                        self._failed(
                            feed, "file", file.label, file.sha256, file.size, item_failure(error)
                        )
            except Exception as error:  # an archive that cannot be opened or listed
                self.summary.snapshots_read += 1
                self._failed(feed, "file", str(path), "", _size(path), item_failure(error))

    def _csv_file(self, file: CsvFile) -> None:
        summary = self.summary
        summary.snapshots_read += 1
        summary.bytes_read += file.size
        if self.progress:
            self.progress(file.label, file.size)
        pending = None
        if not file.sha256:
            if file.size in self.sizes:
                digest, _, lines = hash_file(file.path)
                file = replace(file, sha256=digest, lines=lines)
            else:
                pending = hash_in_thread(file.path)
        if (metadata.FEED_CSV, file.sha256) in self.seen:
            summary.already_seen += 1
            return
        feed = metadata.FEED_CSV
        try:
            header = first_row(file.path, file.label)
            match = detect_layout(header, file.label) if header is not None else None
        except Exception as error:
            reason = item_failure(error)
            file = _hashed(file, pending)
            self._failed(feed, "file", file.label, file.sha256, file.size, reason)
            return
        if match is None:
            file = _hashed(file, pending)
            reason = "empty file" if header is None else f"no known layout ({len(header)} columns)"
            if file.explicit:
                reason = f"not a USAspending contract CSV: {reason}"
                self._failed(feed, "file", file.label, file.sha256, file.size, reason)
            else:
                self._other(feed, "skipped", "file", file.label, file.sha256, file.size, reason)
                summary.skipped_files.append((file.label, reason))
            return
        seq = next_seq(self.engine, feed)
        try:
            file, result = self._load_csv(file, match, feed, seq, pending)
        except Exception as error:
            reason = item_failure(error)
            file = _hashed(file, pending)
            self._failed(feed, "file", file.label, file.sha256, file.size, reason)
            return
        self.seen.add((feed, file.sha256))
        self.sizes.add(file.size)
        summary.snapshots_stored += 1
        summary.rows_read += result.rows
        summary.rows_recovered += result.recovered
        summary.quarantined(result.quarantined)
        summary.count(result.counts)
        for column in match.unknown:
            summary.warnings[f"unknown column {column}"] += result.rows
        for column in match.missing:
            summary.warnings[f"missing column {column}"] += result.rows
        summary.files.append(
            IngestedFile(
                locator=file.label,
                seq=seq,
                layout=result.layout,
                record_time=file.record_time.isoformat(),
                rows=result.rows,
                quarantined=len(result.quarantined),
                inserted=result.counts.inserted,
                closed=result.counts.closed,
            )
        )

    def _load_csv(
        self, file: CsvFile, match: LayoutMatch, feed: str, seq: int, pending: Hashing | None
    ) -> tuple[CsvFile, FileResult]:
        """Store ``file`` as snapshot ``seq``: an award-summaries file in one read of it when
        it can be (``load_once``), else by the checked reads, after its record time and the
        junk check (``refuse_junk``, outside the transaction: it may fail)."""
        direct = True
        if match.layout.grain == "award":
            try:
                return self._stored(file, match, feed, seq, pending, once=True)
            except Declined as declined:  # rolled back: nothing of it is stored
                file, direct = declined.file, declined.direct
        if file.readable is None:
            file = stated_record_time(self.engine, file, match)
        refuse_junk(self.engine, file, match)
        return self._stored(file, match, feed, seq, pending, direct=direct)

    def _stored(
        self,
        file: CsvFile,
        match: LayoutMatch,
        feed: str,
        seq: int,
        pending: Hashing | None,
        once: bool = False,
        direct: bool = True,
    ) -> tuple[CsvFile, FileResult]:
        with insertion_order_kept(self.engine), self.engine.transaction():
            if once:
                file, result = load_once(
                    self.engine, file, match, feed, seq, _data_lines(file, match, pending)
                )
            else:
                result = load_csv_file(self.engine, file, match, feed, seq, direct)
            if result.one_pass and append_to_rollup(self.engine, feed, seq):
                self.appended.append(f"{feed}:{seq}")
            else:
                mark_stale(self.engine)
                self.rollup_rebuilt = True
            file = _hashed(file, pending)
            row = self._row(
                feed,
                seq,
                file.record_time,
                "file",
                file.label,
                file.sha256,
                file.size,
                result.counts,
                retrieved_at=file.retrieved_at,
            )
            snapshots.insert(self.engine, row)
            insert_quarantine(self.engine, feed, seq, result.quarantined)
            snapshots.insert_audit(self.engine, feed, seq, _layout_audit(match, result.rows))
            if file.size <= RAW_COPY_LIMIT:
                counts = RedactionCounts()
                stored = redacted_csv(file.path.read_bytes(), match.columns, counts)
                snapshots.store_raw(self.engine, file.sha256, stored, "csv+gzip, redacted")
                snapshots.insert_audit(self.engine, feed, seq, counts.audit())
        return file, result

    # -- API responses, FPDS pages, the agency list ---------------------------------------

    def add_page(self, raw: RawSnapshot, feed: str) -> ParsedPage | None:
        """Ingest one API response or FPDS page; the parsed page (for its next link). One that
        fails for any reason is recorded as failed, with where and why."""
        summary = self.summary
        summary.snapshots_read += 1
        summary.bytes_read += len(raw.content)
        if self.progress:
            self.progress(raw.locator, len(raw.content))
        try:
            return self._page(raw, feed)
        except Exception as error:
            reason = item_failure(error)
            self._failed(feed, raw.kind, raw.locator, raw.sha256, len(raw.content), reason)
            return None

    def _page(self, raw: RawSnapshot, feed: str) -> ParsedPage | None:
        summary = self.summary
        if (feed, raw.sha256) in self.seen:
            summary.already_seen += 1
            return None
        try:
            page = (
                parse_fpds_snapshot(raw)
                if feed == fpds_metadata.FEED
                else (parse_api_snapshot(raw))
            )
        except NotAnAwardResponse as why:
            reason = f"no contract records ({why})"
            self._other(
                feed, "skipped", raw.kind, raw.locator, raw.sha256, len(raw.content), reason
            )
            summary.skipped_files.append((raw.locator, reason))
            return None
        # an FPDS page: its entries' newest modification; an API response: when it was retrieved
        record_time = min(filter(None, (page.stated_time, raw.fallback_time)))
        batch = batch_from_records(
            page.records, file=raw.locator, grain=page.grain, record_date=record_time.date()
        )
        if page.skipped:
            summary.warnings[f"{page.kind} results outside scope (assistance, subawards)"] += (
                page.skipped
            )
        self._store_batch(raw, feed, record_time, batch, page.unknown_fields, page.kind)
        return page

    def add_agency_list(self, raw: RawSnapshot) -> None:
        summary = self.summary
        feed = agency_list.FEED
        summary.snapshots_read += 1
        summary.bytes_read += len(raw.content)
        if (feed, raw.sha256) in self.seen:
            summary.already_seen += 1
            return
        try:
            parsed = agency_list.parse_agency_list(raw.content, raw.locator)
        except Exception as error:
            reason = item_failure(error)
            self._failed(feed, raw.kind, raw.locator, raw.sha256, len(raw.content), reason)
            return
        if parsed.skipped:
            summary.warnings["agency rows without a subtier code"] += parsed.skipped
        record_time = record_time_of([raw.locator], raw.fallback_time)
        batch = batch_from_records(
            parsed.agencies, file=raw.locator, grain="award", record_date=record_time.date()
        )
        self._store_batch(raw, feed, record_time, batch, {}, "agency-list")

    def _store_batch(
        self,
        raw: RawSnapshot,
        feed: str,
        record_time: dt.datetime,
        batch: Any,
        unknown: dict[str, int],
        kind: str,
    ) -> None:
        seq = next_seq(self.engine, feed)
        with self.engine.transaction():
            counts = merge_batch(self.engine, batch, feed, seq, record_time)
            if batch.awards or batch.transactions:
                mark_stale(self.engine)
            snapshots.insert(
                self.engine,
                self._row(
                    feed,
                    seq,
                    record_time,
                    raw.kind,
                    raw.locator,
                    raw.sha256,
                    len(raw.content),
                    counts,
                    public_locator(raw),
                    retrieved_at=raw.fallback_time,
                ),
            )
            insert_quarantine(self.engine, feed, seq, batch.quarantined)
            snapshots.insert_audit(self.engine, feed, seq, unknown)
            if len(raw.content) <= RAW_COPY_LIMIT:
                removed = RedactionCounts()
                stored, encoding = _redacted(raw.content, feed, removed)
                snapshots.store_raw(self.engine, raw.sha256, stored, encoding)
                snapshots.insert_audit(self.engine, feed, seq, removed.audit())
        self.seen.add((feed, raw.sha256))
        summary = self.summary
        summary.snapshots_stored += 1
        rows = len(batch.awards) + len(batch.transactions) + len(batch.recipients)
        summary.rows_read += rows + len(batch.agencies) + len(batch.quarantined)
        summary.quarantined(batch.quarantined)
        summary.count(counts)
        summary.warnings.update(unknown)
        summary.files.append(
            IngestedFile(
                locator=raw.locator,
                seq=seq,
                layout=kind,
                record_time=record_time.isoformat(),
                rows=rows + len(batch.agencies),
                quarantined=len(batch.quarantined),
                inserted=counts.inserted,
                closed=counts.closed,
            )
        )

    def finish(self) -> None:
        """Rebuild the money rollups if a file of this run (or an earlier, interrupted one)
        left them stale; else, when this run appended parts to the rollup, write them into its
        copies, or sort everything again when needed (``settle``)."""
        if not is_fresh(self.engine):
            with self.engine.transaction():
                if self.rollup_rebuilt or not self.appended:
                    rebuild(self.engine)
                else:
                    settle(self.engine, self.appended, self.rollup_held_rows)
        self.appended = []
        self.rollup_held_rows = True
        self.rollup_rebuilt = False

    # -- snapshot rows ---------------------------------------------------------------------

    @staticmethod
    def _row(
        feed: str,
        seq: int,
        record_time: dt.datetime,
        kind: str,
        locator: str,
        sha256: str,
        size: int,
        counts: BatchCounts,
        public: str | None = None,
        retrieved_at: dt.datetime | None = None,
    ) -> snapshots.SnapshotRow:
        return snapshots.SnapshotRow(
            feed,
            seq,
            record_time,
            "ok",
            None,
            kind,
            locator,
            None,
            sha256,
            None,
            size,
            counts.inserted,
            counts.closed,
            public or public_of(kind, locator),
            retrieved_at=retrieved_at,
        )

    def _failed(
        self, feed: str, kind: str, locator: str, sha256: str, size: int, reason: str
    ) -> None:
        self.summary.failed += 1
        self.summary.errors.append(f"{locator}: {reason}")
        self._other(feed, "failed", kind, locator, sha256, size, reason)

    def _other(
        self, feed: str, status: str, kind: str, locator: str, sha256: str, size: int, reason: str
    ) -> None:
        if status == "skipped":
            self.summary.skipped += 1
        row = snapshots.SnapshotRow(
            feed,
            None,
            None,
            status,
            reason,
            kind,
            locator,
            None,
            sha256,
            None,
            size,
            public_locator=public_of(kind, locator),
        )
        snapshots.insert(self.engine, row)
        if sha256:
            self.seen.add((feed, sha256))
            self.sizes.add(size)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _hashed(file: CsvFile, pending: Hashing | None) -> CsvFile:
    if file.sha256 or pending is None:
        return file
    return replace(file, sha256=pending.result()[0])


def _data_lines(file: CsvFile, match: LayoutMatch, pending: Hashing | None) -> int:
    """The lines of ``file`` after its header, counted while it was hashed when it was."""
    if file.lines is not None:
        lines = file.lines
    elif pending is not None:
        lines = pending.result()[2]
    else:
        lines = line_count(file.path)
    return lines - (1 if match.has_header else 0)


def _layout_audit(match: LayoutMatch, rows: int) -> dict[str, int]:
    counts = {column: rows for column in match.unknown}
    counts.update({f"(missing) {column}": rows for column in match.missing})
    return counts


def _redacted(content: bytes, feed: str, counts: RedactionCounts) -> tuple[bytes, str]:
    kind = {fpds_metadata.FEED: "xml+gzip, redacted", agency_list.FEED: "csv+gzip"}
    try:
        return redacted_copy(feed, content, counts), kind.get(feed, "json+gzip, redacted")
    except ValueError:
        return b"", "unreadable"
