"""The readers' side of the published copy (``store/published.py``): a long-lived process
(``whosbehind serve``) reads the newest published copy of a store and never opens the store
itself, so writers are never locked out and it keeps answering while they work. It registers
itself beside the store while it is open (``register_reader``): writers publish only then.

Every ``check_every`` seconds at most, a request looks at the published copy's inode, size and
time; when a writer has published a newer one, the next requests read it, and the copy they
read before is closed once the last request reading it is done (a renamed-over file stays
readable while it is open). A store changed without a publish (a writer killed after its last
publish) is published from here when no writer holds it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from whosbehind.errors import StoreError
from whosbehind.store.engine import Engine
from whosbehind.store.published import (
    PublishedVersion,
    current_version,
    is_stale,
    publish_from_reader,
    register_reader,
    unregister_reader,
)

T = TypeVar("T")
DEFAULT_CHECK_EVERY = 2.0


class _Opened:
    """One published copy, open, with the requests reading it and what was built from it."""

    def __init__(self, version: PublishedVersion) -> None:
        self.version = version
        self.engine = Engine(version.path, read_only=True, isolated=True)
        self.readers = 0
        self.retired = False
        self.built: dict[str, Any] = {}
        self.building = threading.Lock()


class PublishedStore:
    """The newest published copy of ``store``, read-only, reopened when a writer publishes."""

    def __init__(self, store: str | Path, check_every: float = DEFAULT_CHECK_EVERY) -> None:
        self.store = Path(store)
        self.check_every = check_every
        self._lock = threading.Lock()
        self._current: _Opened | None = None
        self._checked = float("-inf")
        self._mark: Path | None = register_reader(self.store)

    @contextmanager
    def reading(self) -> Iterator[Engine]:
        """An engine on the newest published copy for this thread, until the block ends."""
        opened = self._acquire()
        try:
            cursor = opened.engine.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
        finally:
            self._release(opened)

    def version(self) -> PublishedVersion:
        """The published copy requests read now (the data version a page names)."""
        opened = self._acquire()
        self._release(opened)
        return opened.version

    def built(self, key: str, build: Callable[[Engine], T]) -> T:
        """``build(engine)`` once per published copy (a search index, a cache), reused by
        every request until a newer copy is published."""
        opened = self._acquire()
        try:
            with opened.building:
                if key not in opened.built:
                    cursor = opened.engine.cursor()
                    try:
                        opened.built[key] = build(cursor)
                    finally:
                        cursor.close()
                found: T = opened.built[key]
                return found
        finally:
            self._release(opened)

    def refresh(self) -> PublishedVersion:
        """Look for a newer published copy now, whatever the time since the last look."""
        with self._lock:
            self._checked = float("-inf")
        return self.version()

    def close(self) -> None:
        with self._lock:
            if self._mark is not None:
                unregister_reader(self._mark)
                self._mark = None
            if self._current is not None:
                self._retire(self._current)
                self._current = None

    def _acquire(self) -> _Opened:
        with self._lock:
            now = time.monotonic()
            if now - self._checked >= self.check_every:
                self._checked = now
                self._look()
            if self._current is None:
                raise StoreError(
                    f"{self.store}: no published copy to read yet (a writer publishes one "
                    "after its first commits; `whosbehind ingest` first if there is no store)"
                )
            self._current.readers += 1
            return self._current

    def _release(self, opened: _Opened) -> None:
        with self._lock:
            opened.readers -= 1
            if opened.retired and opened.readers == 0:
                opened.engine.close()

    def _look(self) -> None:
        if is_stale(self.store):
            with suppress(StoreError):  # a writer holds the store: it publishes itself
                publish_from_reader(self.store)
        found = current_version(self.store)
        if found is None or (self._current is not None and self._current.version == found):
            return
        fresh = _Opened(found)
        if self._current is not None:
            self._retire(self._current)
        self._current = fresh

    def _retire(self, opened: _Opened) -> None:
        opened.retired = True
        if opened.readers == 0:
            opened.engine.close()
