"""FedRAMP as a ``SnapshotSource``: the marketplace, legacy and organization-export feeds,
read from the live URL, a file, a folder of files or a git history of dated snapshots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial

import httpx

from whosbehind.model.facts import Fact, ParsedSnapshot
from whosbehind.model.fedramp import FACT_TYPES
from whosbehind.model.redaction import RedactionCounts
from whosbehind.sources.fedramp import metadata
from whosbehind.sources.fedramp.reader import (
    header_order,
    load_json,
    parse_snapshot,
    quick_identity,
    redacted_json,
)
from whosbehind.sources.fetch import holds_no_snapshot, iter_source
from whosbehind.sources.protocol import Skipped, StoredCopy, Versioning
from whosbehind.sources.snapshot import RawSnapshot, public_locator, with_identity


class FedrampSource:
    name = "fedramp"
    publisher = metadata.PUBLISHER
    license = metadata.LICENSE
    feeds: tuple[str, ...] = tuple(metadata.FEEDS)
    formats = ("feed URL", "JSON file", "folder of JSON files", "git history of snapshots")
    fact_types: tuple[type[Fact], ...] = FACT_TYPES
    versioning: Versioning = "snapshot"
    org_records = ("fedramp",)
    default_location = metadata.DEFAULT_URL

    def snapshots(
        self,
        where: str,
        skip_commits: frozenset[str],
        client: httpx.Client | None,
        skipped: Skipped,
    ) -> Iterator[RawSnapshot]:
        return iter_source(
            where,
            metadata.ALL_GIT_PATHS,
            skip_commits,
            client,
            header_order,
            skipped,
            partial(with_identity, identity=quick_identity),
        )

    def holds_nothing(self, where: str) -> bool:
        return holds_no_snapshot(where, metadata.ALL_GIT_PATHS)

    def feed_of(self, locator: str) -> str | None:
        for feed in metadata.FEEDS.values():
            for path in feed.git_paths:
                if locator.endswith((":" + path, "/" + path)) or locator == path:
                    return feed.name
        return None

    def identity(self, content: bytes) -> tuple[str | None, dt.datetime | None]:
        return quick_identity(content)

    def parse(self, raw: RawSnapshot) -> ParsedSnapshot:
        return parse_snapshot(raw)

    def stored_copy(self, raw: RawSnapshot) -> StoredCopy:
        counts = RedactionCounts()
        stored = redacted_json(load_json(raw), counts)
        return StoredCopy(stored, "json+gzip, redacted", counts.audit())

    def public_locator(self, raw: RawSnapshot, feed: str) -> str:
        known = metadata.FEEDS.get(feed)
        return public_locator(raw, known.repository if known else "")


FEDRAMP = FedrampSource()
