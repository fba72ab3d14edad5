"""Reading ahead in a thread: the same items in the same order, errors where they happened,
at most ``depth`` items waiting, and a consumer that stops early stops the thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whosbehind.errors import SourceError
from whosbehind.sources.readahead import read_ahead


@given(st.lists(st.integers()), st.integers(min_value=1, max_value=5))
def test_the_same_items_in_the_same_order(items: list[int], depth: int) -> None:
    assert list(read_ahead(iter(items), depth)) == items


def test_an_error_comes_after_the_items_before_it_in_the_consumers_thread() -> None:
    def failing() -> Iterator[int]:
        yield 1
        yield 2
        raise SourceError("the third item cannot be read")

    got = []
    with pytest.raises(SourceError, match="third item"):
        for item in read_ahead(failing(), 2):
            got.append(item)
    assert got == [1, 2]


def test_no_more_than_depth_items_are_read_before_they_are_asked_for() -> None:
    produced: list[int] = []

    def counting() -> Iterator[int]:
        for number in range(100):
            produced.append(number)
            yield number

    items = read_ahead(counting(), 3)
    assert next(items) == 0
    time.sleep(0.5)  # time for the thread to read as far ahead as it may
    # 0 given, 3 waiting, and one read that waits for room
    assert len(produced) <= 1 + 3 + 1
    items.close()


def test_a_consumer_that_stops_early_stops_the_thread_and_closes_the_source() -> None:
    closed = threading.Event()

    def endless() -> Iterator[int]:
        try:
            number = 0
            while True:
                yield number
                number += 1
        finally:
            closed.set()

    items = read_ahead(endless(), 2)
    assert [next(items) for _ in range(5)] == [0, 1, 2, 3, 4]
    items.close()
    assert closed.wait(timeout=5)
    deadline = time.monotonic() + 5
    while any(t.name == "read-ahead" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the reading thread did not stop"
        time.sleep(0.05)
