"""Ingest FedRAMP snapshots: the FedRAMP source (``sources.fedramp.source``) through the
snapshot ingest every snapshot source shares (``pipeline.snapshot_ingest``)."""

from __future__ import annotations

import httpx

from whosbehind.pipeline.snapshot_ingest import IngestSummary, Progress, SnapshotIngest
from whosbehind.sources.fedramp.source import FEDRAMP
from whosbehind.store.engine import Engine

__all__ = ["FedrampIngest", "IngestSummary", "ingest_fedramp"]


class FedrampIngest(SnapshotIngest):
    """``accept_removals``: apply snapshots that would remove most of a feed's records at
    once (held by an earlier run, or met in this one) instead of holding them."""

    def __init__(self, engine: Engine, accept_removals: bool = False) -> None:
        super().__init__(FEDRAMP, engine, accept_removals)


def ingest_fedramp(
    engine: Engine,
    source: str | None = None,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
    accept_removals: bool = False,
) -> IngestSummary:
    """Ingest every snapshot SOURCE holds (default: the live marketplace feed)."""
    return FedrampIngest(engine, accept_removals).run(source, progress, client)
