"""whosbehind: the technology supply chain behind government agencies, from public records.

The public API: ingest with :func:`ingest_fedramp`, ask with the analysis functions. Every
result carries citations (source, locator, record time, content hash).
"""

from __future__ import annotations

from whosbehind.analysis.fedramp.changes import ChangeReport, fedramp_changes
from whosbehind.analysis.fedramp.offering import OfferingReport, offering_report
from whosbehind.analysis.fedramp.runs_on import RunsOnReport, runs_on_provider
from whosbehind.analysis.fedramp.share import ShareResult, fedramp_share
from whosbehind.analysis.fedramp.timeline import Timeline, fedramp_timeline
from whosbehind.errors import (
    NotFoundError,
    SnapshotError,
    SourceError,
    StoreError,
    UsageError,
    WhosbehindError,
)
from whosbehind.model.citation import Citation
from whosbehind.pipeline.ingest_fedramp import IngestSummary, ingest_fedramp
from whosbehind.store.engine import Engine, resolve_db_path

__version__ = "0.1.0"

__all__ = [
    "ChangeReport",
    "Citation",
    "Engine",
    "IngestSummary",
    "NotFoundError",
    "OfferingReport",
    "RunsOnReport",
    "ShareResult",
    "SnapshotError",
    "SourceError",
    "StoreError",
    "Timeline",
    "UsageError",
    "WhosbehindError",
    "fedramp_changes",
    "fedramp_share",
    "fedramp_timeline",
    "ingest_fedramp",
    "offering_report",
    "resolve_db_path",
    "runs_on_provider",
]
