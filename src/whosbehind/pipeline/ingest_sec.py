"""Ingest the SEC's company ticker files: each file one snapshot of its feed, its registrants
versioned like every snapshot source's facts (``pipeline.snapshot_ingest``). ``resolve`` then
reads them from the store (``resolve.records.sec_records``)."""

from __future__ import annotations

from whosbehind.pipeline.snapshot_ingest import IngestSummary, Progress, SnapshotIngest
from whosbehind.sources.sec.source import SEC
from whosbehind.store.engine import Engine


def ingest_sec(
    engine: Engine,
    source: str,
    progress: Progress | None = None,
    accept_removals: bool = False,
) -> IngestSummary:
    """Ingest ``company_tickers.json`` and/or ``company_tickers_exchange.json``: a file, or a
    folder holding either or both."""
    return SnapshotIngest(SEC, engine, accept_removals).run(source, progress)
