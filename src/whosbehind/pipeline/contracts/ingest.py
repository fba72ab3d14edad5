"""Ingest federal contract records: USAspending CSV downloads and API responses, FPDS ATOM pages,
and the agency list. Each file, response or page is one snapshot, written in one transaction.

A snapshot already seen (same sha256) changes nothing. A file that cannot be read at all, or
whose header lacks a column the reader needs, is recorded as failed with the reason; a CSV in a
folder or archive that is no contract CSV is recorded as skipped. A run killed mid-way leaves
the store as it was before the snapshot it was writing; the next run skips what is stored.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from whosbehind.errors import SourceError, UsageError
from whosbehind.pipeline.contracts.job import ContractIngest, Progress
from whosbehind.pipeline.contracts.summary import ContractIngestSummary
from whosbehind.sources.fetch import fetch_url, read_file
from whosbehind.sources.folder import list_folder
from whosbehind.sources.fpds import metadata as fpds_metadata
from whosbehind.sources.usaspending import agency_list, metadata
from whosbehind.store import snapshots
from whosbehind.store.engine import Engine

__all__ = [
    "ContractIngest",
    "ContractIngestSummary",
    "ingest_agencies",
    "ingest_fpds",
    "ingest_usaspending",
    "ingest_usaspending_api",
]

API_FETCHER = "whosbehind.sources.usaspending.api_fetch"  # the live API client


# -- sources ---------------------------------------------------------------------------------


def _paths(source: Path, job: ContractIngest) -> Iterator[tuple[Path, bool]]:
    if source.is_dir():
        yield from ((child, False) for child in _folder(source, (".csv", ".zip", ".json"), job))
    else:
        yield source, True


def _folder(source: Path, suffixes: tuple[str, ...], job: ContractIngest) -> list[Path]:
    """The folder's files with these suffixes; links out of it are recorded as skipped."""
    listing = list_folder(source, lambda path: path.suffix.lower() in suffixes, False)
    job.summary.skipped_files.extend((str(path), reason) for path, reason in listing.skipped)
    return listing.files


def ingest_usaspending(
    engine: Engine,
    source: str | Path,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
) -> ContractIngestSummary:
    """Ingest USAspending contract data from SOURCE: a CSV file, a zip archive of CSVs, a
    folder of them, recorded API responses (``.json``), or an API URL (GET)."""
    job = ContractIngest(engine, progress)
    text = str(source)
    if text.startswith(("http://", "https://")):
        job.add_page(fetch_url(text, client=client), metadata.FEED_API)
        job.finish()
        return job.summary
    path = Path(source)
    if not path.exists():
        raise SourceError(f"{source}: no such file, folder or URL")
    for item, explicit in _paths(path, job):
        if item.suffix.lower() == ".json":
            job.add_page(read_file(item), metadata.FEED_API)
        else:
            job.add_csv(item, explicit)
    job.finish()
    job.summary.found_nothing = job.summary.snapshots_read == 0
    return job.summary


def ingest_usaspending_api(
    engine: Engine,
    agency: str,
    start: dt.date,
    end: dt.date,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
    state_path: Path | None = None,
    base_url: str | None = None,
) -> ContractIngestSummary:
    """Ingest the live API's contract awards of ``agency`` with actions from ``start`` to
    ``end``: search pages, each award's detail and transactions, one response per snapshot
    (record time: when it was retrieved). The fetcher's position is saved to ``state_path``
    (default: beside the store) after each stored response, so an interrupted run resumes
    and a later run asks only for what changed."""
    try:
        fetcher = importlib.import_module(API_FETCHER)
    except ModuleNotFoundError as error:
        if error.name != API_FETCHER:
            raise
        raise UsageError(
            "the live USAspending API fetcher is not available in this version: ingest "
            "downloaded files (CSV, zip) or recorded API responses instead"
        ) from None
    job = ContractIngest(engine, progress)
    path = state_path or engine.path.with_name(engine.path.name + ".usaspending-api.json")
    state = fetcher.SyncState.load(path)
    if _stale(state, job):
        job.summary.warnings[STALE_STATE] += 1
        state = fetcher.SyncState(overlap=state.overlap)
    query = fetcher.ApiQuery(agency=agency, start=start, end=end)
    options = {"base_url": base_url} if base_url else {}
    for raw in fetcher.iter_api_pages(query, client=client, state=state, **options):
        job.add_page(raw, metadata.FEED_API)
        state.store_mark = raw.sha256  # recorded in the store now, whatever its status
        state.save(path)
    job.finish()
    return job.summary


STALE_STATE = (
    "sync state file describes another store (new, restored or replaced): "
    "ignored, this sync reads the whole period"
)


def _stale(state: Any, job: ContractIngest) -> bool:
    """A saved state belongs to the store holding the last response it saw. A state beside a
    new or restored store would make the sync incremental and miss every older award."""
    if not state.streams:
        return False
    if state.store_mark is not None:
        return (metadata.FEED_API, state.store_mark) not in job.seen
    # a state saved before states carried the mark: stale when the store has no API response
    return not snapshots.feed_count(job.engine, metadata.FEED_API)


def ingest_fpds(
    engine: Engine,
    source: str | Path,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
    max_pages: int | None = None,
) -> ContractIngestSummary:
    """Ingest FPDS ATOM pages: a file, a folder of ``.xml`` pages, or a feed URL (following its
    ``next`` links, up to ``max_pages``)."""
    job = ContractIngest(engine, progress)
    feed = fpds_metadata.FEED
    text = str(source)
    if text.startswith(("http://", "https://")):
        url: str | None = text
        pages = 0
        while url and (max_pages is None or pages < max_pages):
            page = job.add_page(fetch_url(url, client=client), feed)
            pages += 1
            url = page.next_url if page else None
        job.finish()
        return job.summary
    path = Path(source)
    if not path.exists():
        raise SourceError(f"{source}: no such file, folder or URL")
    files = _folder(path, (".xml",), job) if path.is_dir() else [path]
    for item in files:
        job.add_page(read_file(item), feed)
    job.finish()
    job.summary.found_nothing = job.summary.snapshots_read == 0
    return job.summary


def ingest_agencies(
    engine: Engine, source: str | Path | None = None, client: httpx.Client | None = None
) -> ContractIngestSummary:
    """Ingest the agency list (default: USAspending's authoritative list, 2019-06-13)."""
    job = ContractIngest(engine)
    text = str(source) if source is not None else agency_list.URL
    if text.startswith(("http://", "https://")):
        raw = fetch_url(text, client=client)
    else:
        raw = read_file(Path(text))
    job.add_agency_list(raw)
    return job.summary
