"""The SQL picks answer from the values alone, never from the order rows were written in:
the most common value (ties: the first in sort order) and the shortest (the same ties),
checked against the same rule computed in Python, in every order, and against ``mode``."""

from __future__ import annotations

from collections import Counter
from random import Random
from typing import TypeVar

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from whosbehind.store.picks import most_common, most_counted, newest, shortest

# few distinct values, so that ties are common; any text, NULLs among them
value = st.one_of(
    st.none(), st.sampled_from(["", "a", "b", "B", "ab", "ba", "é", "z z"]), st.text()
)
values = st.lists(value, max_size=12)
T = TypeVar("T")


def _orders(listed: list[T], random: Random) -> list[list[T]]:
    """The values as listed, shuffled and reversed: a pick must answer the same for each."""
    shuffled = list(listed)
    random.shuffle(shuffled)
    return [listed, shuffled, listed[::-1]]


_CONNECTION = duckdb.connect()
_CONNECTION.execute("SET threads = 1")  # rows met in the order listed


def _pick(sql: str, listed: list[str | None]) -> object:
    found = _CONNECTION.execute(
        f"SELECT {sql} FROM (SELECT unnest(CAST(? AS VARCHAR[])) AS x)", [listed]
    ).fetchall()
    return found[0][0]


def _expected_most_common(listed: list[str | None]) -> str | None:
    counts = Counter(value for value in listed if value is not None)
    return min(counts, key=lambda value: (-counts[value], value)) if counts else None


def _expected_shortest(listed: list[str | None]) -> str | None:
    present = [value for value in listed if value is not None]
    return min(present, key=lambda value: (len(value), value)) if present else None


@settings(max_examples=100, deadline=None)
@given(values, st.randoms(use_true_random=False))
def test_the_most_common_value_does_not_depend_on_row_order(
    listed: list[str | None], random: Random
) -> None:
    orders = _orders(listed, random)
    expected = _expected_most_common(listed)
    assert [_pick(most_common("x"), order) for order in orders] == [expected] * 3
    counts = Counter(value for value in listed if value is not None).most_common(2)
    if len(counts) < 2 or counts[0][1] > counts[1][1]:  # no tie: as mode answers
        assert _pick("mode(x)", orders[1]) == expected


@settings(max_examples=100, deadline=None)
@given(values, st.randoms(use_true_random=False))
def test_the_shortest_value_does_not_depend_on_row_order(
    listed: list[str | None], random: Random
) -> None:
    expected = _expected_shortest(listed)
    assert [_pick(shortest("x"), order) for order in _orders(listed, random)] == [expected] * 3


def _pick_pair(sql: str, listed: list[tuple[str | None, int]]) -> object:
    found = _CONNECTION.execute(
        f"SELECT {sql} FROM (SELECT unnest(CAST(? AS STRUCT(x VARCHAR, o BIGINT)[])) AS r)",
        [[{"x": x, "o": o} for x, o in listed]],
    ).fetchall()
    return found[0][0]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(value, st.integers(-3, 3)), max_size=12),
    st.randoms(use_true_random=False),
)
def test_the_newest_value_does_not_depend_on_row_order(
    listed: list[tuple[str | None, int]], random: Random
) -> None:
    present = [(x, o) for x, o in listed if x is not None]
    expected = min(present, key=lambda pair: (-pair[1], pair[0]))[0] if present else None
    sql = newest("r.x", "r.o")
    assert [_pick_pair(sql, order) for order in _orders(listed, random)] == [expected] * 3


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(st.text(), st.integers(0, 3), max_size=12),
    st.randoms(use_true_random=False),
)
def test_the_most_counted_value_does_not_depend_on_row_order(
    counts: dict[str, int], random: Random
) -> None:
    listed: list[tuple[str | None, int]] = list(counts.items())  # one row per value, counted
    expected = min(listed, key=lambda pair: (-pair[1], pair[0]))[0] if listed else None
    sql = most_counted("r.x", "r.o")
    assert [_pick_pair(sql, order) for order in _orders(listed, random)] == [expected] * 3


def test_mode_itself_follows_row_order() -> None:
    """Why the picks exist: on a tie ``mode`` answers differently for the same values in
    another order (the picks do not)."""
    orders: list[list[str | None]] = [["b", "a", "b", "a"], ["a", "b"]]
    assert {_pick("mode(x)", order) for order in orders} == {"a", "b"}
    assert {_pick(most_common("x"), order) for order in orders} == {"a"}
