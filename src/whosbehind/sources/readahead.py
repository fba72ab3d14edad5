"""Produce the items of an iterator in a thread, a few ahead of the consumer.

Reading a snapshot (a pipe from ``git cat-file``, a file) and hashing its bytes release the
GIL: done in a thread, they overlap with the parsing of the snapshot before, and the process
that produces the bytes never waits for the consumer to ask. At most ``depth`` items wait in
memory. Items come in order; an error the iterator raises comes after the items before it,
in the consumer's thread. When the consumer stops early, the thread stops at its next item.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from queue import Empty, Full, Queue
from typing import TypeVar

T = TypeVar("T")
_WAIT = 0.1  # seconds between checks that the other side is still there


def read_ahead(items: Iterator[T], depth: int) -> Iterator[T]:
    queue: Queue[tuple[bool, T | BaseException | None]] = Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[bool, T | BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                queue.put(entry, timeout=_WAIT)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
            put((False, None))
        except BaseException as error:  # handed to the consumer, raised in its thread
            put((False, error))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            try:
                more, value = queue.get(timeout=_WAIT)
            except Empty:
                if not thread.is_alive() and queue.empty():
                    return  # the thread ended without a last entry: nothing more comes
                continue
            if more:
                yield value  # type: ignore[misc]
            elif isinstance(value, BaseException):
                raise value
            else:
                return
    finally:
        stop.set()
