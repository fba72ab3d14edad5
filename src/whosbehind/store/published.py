"""The published copy: a read-only copy of the store that readers open while a writer works.

DuckDB lets one process write a database file, and refuses any other process, even a read-only
one, while it does ("Conflicting lock"); a read-only open in turn keeps writers out. So a
long-lived reader (``whosbehind serve``) never opens the store itself. A writer publishes a copy
beside it, ``NAME.published.duckdb`` for ``NAME.duckdb``: it checkpoints (every committed
transaction is then in the main file, none in the write-ahead log), copies the file to a
temporary name in the same folder and renames it over the published copy. A rename is atomic,
so a reader sees the previous copy or the new one, never a half-written file, and a writer killed
while copying leaves only a temporary file (removed by the next publish). Only committed data is
ever copied: a killed run leaves the store as it was and the published copy as it was.

Only for readers: a reader (``PublishedStore``) registers a mark beside the store,
``.NAME.duckdb.reader.PID.N``, removed when it closes (a dead reader's mark is ignored). A
writer publishes only while a live reader is registered: after a commit, at most every
``WHOSBEHIND_PUBLISH_EVERY`` seconds (default 30) and no more often than the copying takes 10%
of the run, and when it closes the store having changed it (``Publisher``). With no reader
nothing is copied: a large ingest would otherwise copy the whole store for nobody. A store that
changed without being published (no reader at the time, or a writer killed after its last
publish) is published by its next reader that finds it free (``publish_from_reader``); one that
starts while a writer works is served from the writer's next publish.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb

from whosbehind.errors import StoreError

EVERY_ENV = "WHOSBEHIND_PUBLISH_EVERY"
DEFAULT_EVERY = 30.0
COPY_SHARE = 0.1  # at most this share of a long run goes into copying the store


class _Executes(Protocol):
    def execute(self, sql: str, params: object = None) -> object: ...


def published_path(store: Path) -> Path:
    """``whosbehind.duckdb`` -> ``whosbehind.published.duckdb`` (beside it, same file system)."""
    return store.with_name(f"{store.stem}.published{store.suffix}")


def wal_path(store: Path) -> Path:
    return store.with_name(store.name + ".wal")


_marks = itertools.count()


def register_reader(store: Path) -> Path | None:
    """Mark ``store`` as read through its published copy by this process, so that writers
    publish it; the mark to remove with ``unregister_reader``. None when the folder takes no
    file (read-only): no writer can change the store there either."""
    mark = store.with_name(f".{store.name}.reader.{os.getpid()}.{next(_marks)}")
    try:
        mark.touch()
    except OSError:
        return None
    return mark


def unregister_reader(mark: Path) -> None:
    with suppress(OSError):
        mark.unlink()


def has_readers(store: Path) -> bool:
    """True when a live process has registered a reader of ``store`` (``register_reader``)."""
    prefix = f".{store.name}.reader."
    for mark in store.parent.glob(f"{prefix}*"):
        pid = mark.name.removeprefix(prefix).split(".")[0]
        if pid.isdigit() and (int(pid) == os.getpid() or _alive(int(pid))):
            return True
    return False


@dataclass(frozen=True, slots=True)
class PublishedVersion:
    """One published copy, told apart from the next by its inode, size and modification time."""

    path: Path
    inode: int
    size: int
    mtime_ns: int

    @property
    def published_at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.mtime_ns / 1e9, dt.UTC)

    @property
    def label(self) -> str:
        """The data version a page names: when the copy it reads was published (UTC)."""
        return self.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def current_version(store: Path) -> PublishedVersion | None:
    """The published copy beside ``store`` as it is now, or None when there is none."""
    path = published_path(store)
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return PublishedVersion(path, found.st_ino, found.st_size, found.st_mtime_ns)


def is_stale(store: Path) -> bool:
    """True when the store holds changes its published copy lacks (or it has none)."""
    version = current_version(store)
    if version is None:
        return store.exists()
    newest = max(_mtime(store), _mtime(wal_path(store)))
    return newest > version.mtime_ns


def publish(connection: _Executes, store: Path) -> PublishedVersion:
    """Publish ``store`` from the connection that writes it (no transaction open)."""
    connection.execute("CHECKPOINT")
    return _install(store, lambda temporary: _copy(store, temporary))


def publish_from_reader(store: Path) -> PublishedVersion:
    """Publish a store that no process is writing: its main file and write-ahead log are
    copied while a read-only connection keeps writers out, then the copy replays the log
    and is checkpointed before it is renamed into place. Raises ``StoreError`` when a
    writer holds the store (it publishes itself)."""
    try:
        guard = duckdb.connect(str(store), read_only=True)
    except duckdb.Error as error:
        raise StoreError(f"{store}: cannot publish it now ({str(error).splitlines()[0]})") from None
    try:

        def build(temporary: Path) -> None:
            _copy(store, temporary)
            if _mtime(wal_path(store)):
                _copy(wal_path(store), wal_path(temporary))
            replay = duckdb.connect(str(temporary))
            replay.execute("CHECKPOINT")
            replay.close()
            wal_path(temporary).unlink(missing_ok=True)

        return _install(store, build)
    finally:
        guard.close()


class Publisher:
    """Decides when a writing engine publishes: after a commit when due, and at close, both
    only while a reader is registered (``has_readers``)."""

    def __init__(self, store: Path, every: float | None = None) -> None:
        self.store = store
        self.every = _every_from_env() if every is None else every
        self._last = time.monotonic()
        self._copy_seconds = 0.0
        self._published_state = _state(store)

    def committed(self, connection: _Executes) -> None:
        due = max(self.every, self._copy_seconds / COPY_SHARE)
        if time.monotonic() - self._last >= due and has_readers(self.store):
            self._publish(connection)

    def closing(self, connection: _Executes) -> None:
        """Publish if the store changed since it was opened or last published and a reader
        is registered. A database DuckDB can no longer checkpoint (invalidated by a fatal
        error) is not published: its committed state is in its log, for the next writer or
        reader to publish."""
        if not has_readers(self.store):
            return
        try:
            connection.execute("CHECKPOINT")
        except duckdb.Error:
            return
        if _state(self.store) != self._published_state or current_version(self.store) is None:
            self._publish(connection)

    def _publish(self, connection: _Executes) -> None:
        started = time.monotonic()
        publish(connection, self.store)
        self._last = time.monotonic()
        self._copy_seconds = self._last - started
        self._published_state = _state(self.store)


def _install(store: Path, build: Callable[[Path], None]) -> PublishedVersion:
    target = published_path(store)
    _remove_leftovers(target)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        build(temporary)
        with temporary.open("rb+") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as error:
        raise StoreError(f"{target}: cannot publish the store ({error})") from None
    finally:
        temporary.unlink(missing_ok=True)
        wal_path(temporary).unlink(missing_ok=True)
    found = current_version(store)
    assert found is not None
    return found


def _copy(source: Path, target: Path) -> None:
    """Copy a file; ``copy_file_range`` shares the blocks on file systems that can (XFS,
    Btrfs), which makes publishing a large store nearly free there."""
    with source.open("rb") as reader, target.open("wb") as writer:
        remaining = os.fstat(reader.fileno()).st_size
        try:
            while remaining > 0:
                copied = os.copy_file_range(reader.fileno(), writer.fileno(), remaining)
                if copied == 0:
                    break
                remaining -= copied
        except OSError:
            reader.seek(0)
            writer.seek(0)
            writer.truncate()
            shutil.copyfileobj(reader, writer, 1 << 20)


def _remove_leftovers(target: Path) -> None:
    """Temporary copies of writers that were killed while publishing."""
    for leftover in target.parent.glob(f".{target.name}.*.tmp*"):
        pid = leftover.name.removeprefix(f".{target.name}.").split(".")[0]
        if pid.isdigit() and not _alive(int(pid)):
            with suppress(OSError):
                leftover.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def _state(store: Path) -> tuple[int, int, int]:
    wal = wal_path(store)
    size = store.stat().st_size if store.exists() else 0
    return _mtime(store), size, _mtime(wal)


def _every_from_env() -> float:
    text = os.environ.get(EVERY_ENV, "").strip()
    if not text:
        return DEFAULT_EVERY
    try:
        value = float(text)
    except ValueError:
        raise StoreError(f"{EVERY_ENV}={text!r}: not a number of seconds") from None
    if value < 0:
        raise StoreError(f"{EVERY_ENV}={text!r}: must be 0 or more seconds")
    return value
