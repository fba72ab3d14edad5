"""One bad item, never the run: which errors skip an item and which abort the run.

Every reader loop (FedRAMP snapshots, contract CSV files and zip members, API responses, FPDS
pages) hands any exception raised while reading or storing one item to ``item_failure``. An
error that says the item is bad (a ``SnapshotError``, and any other ``Exception``: an
``OverflowError`` from a date, a ``TypeError`` from a value of the wrong type, a
``RecursionError`` from a document nested too deep) becomes a one-line reason recorded with the
item, and the run goes on. An error that says the run cannot go on is raised again: an
interrupt, ``MemoryError``, a store that cannot be written (``StoreError``, DuckDB I/O or
fatal errors, a full disk), a source that cannot be read at all (``SourceError`` other than
``SnapshotError``), a usage error.
"""

from __future__ import annotations

import errno

import duckdb

from whosbehind.errors import SnapshotError, SourceError, StoreError, UsageError

# DuckDB errors after which the store itself cannot be trusted to take the next item
_STORE_FAILURES: tuple[type[BaseException], ...] = (
    duckdb.IOException,
    duckdb.FatalException,
    duckdb.InternalException,
    duckdb.OutOfMemoryException,
    duckdb.PermissionException,
    duckdb.TransactionException,
)
_REASON_LIMIT = 500


def aborts_the_run(error: BaseException) -> bool:
    """True when ``error`` must stop the run rather than skip one item."""
    if not isinstance(error, Exception) or isinstance(error, MemoryError):
        return True  # KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError
    if isinstance(error, SnapshotError):
        return False
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True  # the disk is full: the next item would fail the same way
    return isinstance(error, (StoreError, UsageError, SourceError, *_STORE_FAILURES))


def item_failure(error: BaseException) -> str:
    """The reason one item failed, on one line; re-raises ``error`` when it aborts the run."""
    if aborts_the_run(error):
        raise error
    if isinstance(error, SnapshotError):
        reason = error.reason
    else:
        detail = str(error).strip() or "no message"
        reason = f"{type(error).__name__}: {detail}"
    reason = " ".join(reason.split())
    if len(reason) > _REASON_LIMIT:
        reason = reason[: _REASON_LIMIT - 1] + "…"
    return reason
