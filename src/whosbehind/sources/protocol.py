"""What a public source declares, so that adding one is a package and a line of registration.

Every source is a package under ``sources/`` with one object that satisfies ``Source``, listed
in ``sources/registry.py``. It declares who publishes it and under what terms, the feeds its
snapshots are stored under (every file, response or page read is one ``snapshot`` row: bytes'
sha256, public locator, record time), the formats it reads, the fact types it states (the
schema of its tables), how those facts are versioned, and which org records its stored facts
give to resolution (``resolve.records.COLLECTORS`` holds a collector under each name).

Two kinds of versioning exist:

- ``snapshot``: every snapshot of a feed is a complete statement; a fact version lives over
  an interval of the feed's snapshots (``store.versions``). Such a source is also a
  ``SnapshotSource``: it lists its snapshots and parses one into record groups, and
  ``pipeline.snapshot_ingest`` does the rest (dedup by sha256, one transaction per snapshot,
  failures isolated, mass removals held). FedRAMP and SEC.
- ``record``: a file states some records only (one fiscal year, one agency, one page); a
  version lives over a record-time interval of its key (``store.contracts``), ingested by
  ``pipeline.contracts``. USAspending and FPDS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import httpx

from whosbehind.model.facts import Fact, ParsedSnapshot
from whosbehind.sources.snapshot import RawSnapshot

Versioning = Literal["snapshot", "record"]
Skipped = Callable[[Path, str], None]


@dataclass(frozen=True, slots=True)
class StoredCopy:
    """The copy of a snapshot's bytes kept in ``raw_object``: personal fields removed where
    the source has any (``audit``: what was removed, by field path)."""

    content: bytes
    encoding: str
    audit: dict[str, int] = field(default_factory=dict)


class Source(Protocol):
    """What every source declares."""

    @property
    def name(self) -> str: ...  # "fedramp", "usaspending", "fpds", "sec"

    @property
    def publisher(self) -> str: ...

    @property
    def license(self) -> str: ...

    @property
    def feeds(self) -> tuple[str, ...]: ...  # the snapshot feeds it writes

    @property
    def formats(self) -> tuple[str, ...]: ...  # what it reads, as a user gives it

    @property
    def fact_types(self) -> tuple[type[Fact], ...]: ...  # the schema of its stored facts

    @property
    def versioning(self) -> Versioning: ...

    @property
    def org_records(self) -> tuple[str, ...]: ...  # names in resolve.records.COLLECTORS


class SnapshotSource(Source, Protocol):
    """A source whose snapshots are complete statements, read by ``pipeline.snapshot_ingest``."""

    def snapshots(
        self,
        where: str,
        skip_commits: frozenset[str],
        client: httpx.Client | None,
        skipped: Skipped,
    ) -> Iterator[RawSnapshot]:
        """Every snapshot ``where`` (a URL, a file, a folder, a git history) holds."""
        ...

    def holds_nothing(self, where: str) -> bool:
        """True when ``where`` holds no snapshot at all (an empty or wrong folder)."""
        ...

    def feed_of(self, locator: str) -> str | None:
        """The feed of a snapshot known from where it was read, before parsing."""
        ...

    def identity(self, content: bytes) -> tuple[str | None, dt.datetime | None]:
        """A digest of the content without its header, and the header's timestamp, read
        cheaply: a snapshot repeating the feed's newest body is stored without parsing.
        (None, None) when the source has no such shortcut."""
        ...

    def parse(self, raw: RawSnapshot) -> ParsedSnapshot:
        """The record groups of one snapshot; a ``SnapshotError`` names file, record, field."""
        ...

    def stored_copy(self, raw: RawSnapshot) -> StoredCopy:
        """The bytes kept of a file or URL snapshot (git snapshots stay in their archive)."""
        ...

    def public_locator(self, raw: RawSnapshot, feed: str) -> str:
        """Where anyone can find the same bytes (``sources.snapshot.public_locator``)."""
        ...
