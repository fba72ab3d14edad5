"""Every public source whosbehind reads (see ``sources.protocol``). A new source is a package
under ``sources/`` and one line here; ``tests/sources/test_registry.py`` checks what each
declares against the store, the resolver and the CLI."""

from __future__ import annotations

from whosbehind.sources.fedramp.source import FEDRAMP
from whosbehind.sources.fpds.source import FPDS
from whosbehind.sources.protocol import SnapshotSource, Source
from whosbehind.sources.sec.source import SEC
from whosbehind.sources.usaspending.source import USASPENDING

SOURCES: dict[str, Source] = {source.name: source for source in (FEDRAMP, USASPENDING, FPDS, SEC)}
SNAPSHOT_SOURCES: dict[str, SnapshotSource] = {FEDRAMP.name: FEDRAMP, SEC.name: SEC}


def source_of_feed(feed: str) -> Source | None:
    """The source that writes snapshots of ``feed``."""
    return next((source for source in SOURCES.values() if feed in source.feeds), None)
