"""SEC as a ``SnapshotSource``: ``company_tickers.json`` and ``company_tickers_exchange.json``,
each file one snapshot of its feed, read from a file or a folder holding either or both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx

from whosbehind.errors import SourceError
from whosbehind.model.facts import Fact, ParsedSnapshot
from whosbehind.model.sec import FACT_TYPES
from whosbehind.sources.fetch import read_file
from whosbehind.sources.folder import list_folder
from whosbehind.sources.protocol import Skipped, StoredCopy, Versioning
from whosbehind.sources.sec import metadata
from whosbehind.sources.sec.reader import feed_of, parse_sec_snapshot
from whosbehind.sources.snapshot import RawSnapshot, public_locator


class SecSource:
    name = "sec"
    publisher = metadata.PUBLISHER
    license = metadata.LICENSE
    feeds: tuple[str, ...] = (metadata.FEED_TICKERS, metadata.FEED_EXCHANGE)
    formats = ("company_tickers.json", "company_tickers_exchange.json", "folder of either")
    fact_types: tuple[type[Fact], ...] = FACT_TYPES
    versioning: Versioning = "snapshot"
    org_records = ("sec",)

    def snapshots(
        self,
        where: str,
        skip_commits: frozenset[str],
        client: httpx.Client | None,
        skipped: Skipped,
    ) -> Iterator[RawSnapshot]:
        path = Path(where)
        if not path.exists():
            raise SourceError(f"{where}: no such file or folder")
        if path.is_file():
            yield read_file(path)
            return
        names = set(metadata.FILE_NAMES.values())
        listing = list_folder(path, lambda file: file.name in names, recursive=False)
        for link, reason in listing.skipped:
            skipped(link, reason)
        for file in listing.files:
            yield read_file(file)

    def holds_nothing(self, where: str) -> bool:
        path = Path(where)
        if path.is_dir():
            return not any((path / name).is_file() for name in metadata.FILE_NAMES.values())
        return not path.exists()

    def feed_of(self, locator: str) -> str | None:
        return feed_of(locator)

    def identity(self, content: bytes) -> tuple[str | None, dt.datetime | None]:
        return None, None  # the files have no header: every new file is parsed

    def parse(self, raw: RawSnapshot) -> ParsedSnapshot:
        return parse_sec_snapshot(raw)

    def stored_copy(self, raw: RawSnapshot) -> StoredCopy:
        return StoredCopy(raw.content, "json+gzip")  # companies only: no personal fields

    def public_locator(self, raw: RawSnapshot, feed: str) -> str:
        return public_locator(raw)


SEC = SecSource()
