"""The one exception tree of whosbehind.

    WhosbehindError                 root: anything the library raises on purpose
    ├── UsageError                  the request is malformed (bad date, unknown option)
    ├── NotFoundError               the thing asked about is not in the store
    │   └── MissingDataError        a kind of data is not loaded (names the command that loads it)
    ├── StoreError                  the store cannot be opened or is in an unexpected state
    └── SourceError                 a source could not be read at all (abort this source)
        └── SnapshotError           one snapshot is malformed: record it as failed, skip it, go on

Callers that loop over snapshots catch ``SnapshotError`` to skip one item; every other
``WhosbehindError`` aborts the run. The CLI prints ``str(error)`` on one line and exits non-zero.
"""

from __future__ import annotations


class WhosbehindError(Exception):
    """Root of every error whosbehind raises on purpose."""


class UsageError(WhosbehindError):
    """The request itself is malformed: a bad date, an unknown option value."""


class NotFoundError(WhosbehindError):
    """What was asked for is not in the store."""


class MissingDataError(NotFoundError):
    """A kind of data the request needs is not in the store at all: says which, and the command
    that loads it."""

    def __init__(self, missing: str, load: str) -> None:
        super().__init__(f"{missing} in this store; load it with {load}")
        self.missing = missing
        self.load = load


class StoreError(WhosbehindError):
    """The store cannot be opened, or holds something it should not."""


class SourceError(WhosbehindError):
    """A source cannot be read at all: missing file, unreachable URL, not a git repository."""


class SnapshotError(SourceError):
    """One snapshot cannot be read. Names where (file or commit) and what (position, field)."""

    def __init__(self, locator: str, reason: str) -> None:
        super().__init__(f"{locator}: {reason}")
        self.locator = locator
        self.reason = reason
