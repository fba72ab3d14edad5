"""Where the app gets its store: a ``StoreProvider`` hands out an open, read-only ``Engine`` for
one request, and names the data version it holds.

``FileStore`` keeps one read-only DuckDB connection on a store file and lets one request use it
at a time (a DuckDB connection is not shared between threads). Another provider (a published
copy that is swapped while an ingest writes the original) plugs in through the same protocol.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from whosbehind import Engine


@dataclass(frozen=True, slots=True)
class FeedVersion:
    feed: str
    seq: int
    record_time: str  # ISO date-time of the newest good snapshot of the feed
    sha256: str


@dataclass(frozen=True, slots=True)
class DataVersion:
    """What a page was built from: the newest good snapshot of every feed, and a short digest
    of them all (two stores with the same snapshots have the same digest)."""

    feeds: tuple[FeedVersion, ...]
    digest: str

    def to_json(self) -> dict[str, object]:
        return {
            "digest": self.digest,
            "feeds": [
                {"feed": f.feed, "seq": f.seq, "record_time": f.record_time, "sha256": f.sha256}
                for f in self.feeds
            ],
        }


class StoreProvider(Protocol):
    def engine(self) -> AbstractContextManager[Engine]:
        """An open read-only engine for one request."""
        ...

    def version(self) -> DataVersion:
        """The data version the engine of the next request reads."""
        ...


def data_version(engine: Engine) -> DataVersion:
    rows = engine.connection.execute(
        "SELECT feed, max_by(seq, {'t': record_time, 's': seq}), max(record_time), "
        "max_by(sha256, {'t': record_time, 's': seq}) "
        "FROM snapshot WHERE status = 'ok' GROUP BY feed ORDER BY feed"
    ).fetchall()
    feeds = tuple(
        FeedVersion(str(feed), int(seq or 0), when.isoformat() if when else "", str(sha))
        for feed, seq, when, sha in rows
    )
    text = "|".join(f"{f.feed}:{f.seq}:{f.sha256}" for f in feeds)
    return DataVersion(feeds, hashlib.sha256(text.encode()).hexdigest()[:12])


class FileStore:
    """One store file, opened read-only once; requests take turns on its connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._engine = Engine(path, read_only=True)
        self._lock = threading.Lock()
        self._version = data_version(self._engine)

    @contextmanager
    def engine(self) -> Iterator[Engine]:
        with self._lock:
            # a result left unread on the connection makes DuckDB refuse the next user's
            # register() ("unfinished result"). No page leaves one (tests/web/conftest.py
            # checks after every request); a caller's own query on this engine may: a test's
            # fetchone() did, and the company page then failed. Each user starts clean.
            self._engine.connection.raw.abort()
            yield self._engine

    def version(self) -> DataVersion:
        return self._version

    def close(self) -> None:
        with self._lock:
            self._engine.close()
