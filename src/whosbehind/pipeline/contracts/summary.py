"""What a contract ingest run read, stored, skipped and quarantined."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from whosbehind.model.contracts import Quarantined
from whosbehind.pipeline.contracts.records import BatchCounts

QUARANTINE_SHOWN = 1000  # quarantined rows kept in the summary (all are in the store)


@dataclass(frozen=True, slots=True)
class IngestedFile:
    """One snapshot a contract ingest stored: its locator and sequence number, the layout it
    was read as, its record time (ISO text), rows read and quarantined, versions inserted
    and closed."""

    locator: str
    seq: int
    layout: str
    record_time: str
    rows: int
    quarantined: int
    inserted: int
    closed: int

    def to_json(self) -> dict[str, object]:
        """Every field, in order."""
        return {
            "locator": self.locator,
            "seq": self.seq,
            "layout": self.layout,
            "record_time": self.record_time,
            "rows": self.rows,
            "quarantined": self.quarantined,
            "inserted": self.inserted,
            "closed": self.closed,
        }


@dataclass
class ContractIngestSummary:
    """The counts of a contract ingest: files, rows, quarantined rows, versions inserted and
    closed."""

    snapshots_read: int = 0
    bytes_read: int = 0
    snapshots_stored: int = 0
    already_seen: int = 0
    failed: int = 0
    skipped: int = 0
    rows_read: int = 0
    rows_quarantined: int = 0
    rows_recovered: int = 0  # rejected by DuckDB's reader, read by the reference reader
    transactions_inserted: int = 0
    awards_inserted: int = 0
    other_inserted: int = 0  # recipients and agencies
    versions_closed: int = 0
    duplicate_keys: int = 0
    found_nothing: bool = False  # the source holds no file, archive member or page to read
    files: list[IngestedFile] = field(default_factory=list)
    quarantine: list[Quarantined] = field(default_factory=list)  # the first QUARANTINE_SHOWN
    skipped_files: list[tuple[str, str]] = field(default_factory=list)
    warnings: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def count(self, counts: BatchCounts) -> None:
        self.transactions_inserted += counts.transactions.inserted
        self.awards_inserted += counts.awards.inserted
        self.other_inserted += counts.recipients.inserted + counts.agencies.inserted
        self.versions_closed += counts.closed
        self.duplicate_keys += sum(
            c.duplicates
            for c in (counts.transactions, counts.awards, counts.recipients, counts.agencies)
        )

    def quarantined(self, rows: list[Quarantined]) -> None:
        self.rows_quarantined += len(rows)
        room = QUARANTINE_SHOWN - len(self.quarantine)
        self.quarantine.extend(rows[: max(room, 0)])
