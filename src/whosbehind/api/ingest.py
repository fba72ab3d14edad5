"""Reading public records into the store. Each ingest needs a writable engine
(``open_store(path, read_only=False)``), runs one transaction per snapshot or file, and returns
its counts; a bad snapshot or record is recorded (failed, held, quarantined), not raised."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from whosbehind.api.dates import When, day
from whosbehind.errors import UsageError
from whosbehind.pipeline.contracts import ingest as ingest_contracts
from whosbehind.pipeline.contracts.ingest import ContractIngestSummary
from whosbehind.pipeline.ingest_fedramp import FedrampIngest
from whosbehind.pipeline.ingest_sec import ingest_sec as pipeline_ingest_sec
from whosbehind.pipeline.snapshot_ingest import IngestSummary
from whosbehind.sources.fpds import metadata as fpds_metadata
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store.engine import Engine

ContractProgress = Callable[[str, int], None]
"""Called with what is being read and how many rows so far."""


@dataclass(frozen=True, slots=True)
class ContractQuery:
    """A query of a live contract feed: an agency code and a range of dates (action dates for
    USAspending, last-modified dates for FPDS), both included."""

    agency: str
    start: dt.date
    stop: dt.date

    @classmethod
    def between(cls, agency: str, start: When, stop: When) -> ContractQuery:
        """The query of ``agency`` from ``start`` to ``stop`` (dates, or text as the CLI takes)."""
        first, last = day(start), day(stop)
        assert first is not None and last is not None  # day() keeps None only
        return cls(agency, first, last)

    def __post_init__(self) -> None:
        if self.stop < self.start:
            raise UsageError(f"--to ({self.stop}) is before --from ({self.start})")


def ingest_fedramp(
    engine: Engine,
    source: str | None = None,
    *,
    accept_removals: bool = False,
    progress: Callable[[IngestSummary], None] | None = None,
) -> IngestSummary:
    """Ingest FedRAMP Marketplace snapshots from a feed URL (default: the live feed), a JSON
    file, a folder of snapshot files, or a git repository whose history holds them.
    ``accept_removals``: apply snapshots that remove most of a feed's records at once (held
    by default). ``progress`` is called with the running counts after each snapshot."""
    job = FedrampIngest(engine, accept_removals)

    def step(raw: RawSnapshot) -> None:
        if progress is not None:
            progress(job.summary)

    return job.run(source, progress=step)


def ingest_sec(
    engine: Engine, source: str | Path, *, accept_removals: bool = False
) -> IngestSummary:
    """Ingest the SEC's company ticker files (``company_tickers.json``,
    ``company_tickers_exchange.json``, or a folder with either or both): registrants with CIK,
    name, tickers and exchanges, which :func:`resolve` joins to the other records."""
    return pipeline_ingest_sec(engine, str(source), accept_removals=accept_removals)


def ingest_usaspending(
    engine: Engine,
    source: str | Path | ContractQuery,
    *,
    progress: ContractProgress | None = None,
) -> ContractIngestSummary:
    """Ingest USAspending contract awards and transactions from a CSV download (today's or the
    2018 layout), a zip of them, a folder of them and recorded API responses, an API URL, or
    the live API (a :class:`ContractQuery`: awarding agency and action dates)."""
    if isinstance(source, ContractQuery):
        return ingest_contracts.ingest_usaspending_api(
            engine, source.agency, source.start, source.stop, progress=progress
        )
    return ingest_contracts.ingest_usaspending(engine, source, progress=progress)


def ingest_fpds(
    engine: Engine,
    source: str | Path | ContractQuery,
    *,
    max_pages: int | None = None,
    progress: ContractProgress | None = None,
) -> ContractIngestSummary:
    """Ingest FPDS ATOM feed pages (contract actions) from a page, a folder of pages, a feed
    URL, or the live feed (a :class:`ContractQuery`: contracting agency and last-modified
    dates). ``max_pages``: follow at most this many pages."""
    if isinstance(source, ContractQuery):
        query = fpds_metadata.agency_query(source.agency, source.start, source.stop)
        source = fpds_metadata.feed_url(query)
    return ingest_contracts.ingest_fpds(engine, source, progress=progress, max_pages=max_pages)


def ingest_agencies(engine: Engine, source: str | Path | None = None) -> ContractIngestSummary:
    """Ingest the agency hierarchy (toptier and subtier codes and names) from the agency list
    CSV, a file or URL (default: USAspending's)."""
    return ingest_contracts.ingest_agencies(engine, source)
