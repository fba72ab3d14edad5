"""SQL aggregates that pick one of a group's values whatever order its rows were written in.

DuckDB's ``mode``, and ``arg_min``/``arg_max`` on a tied measure, take the value their scan
met first, and a scan follows the order rows were written (and the threads that read them):
two stores holding the same records could print different names, and a reader could not
reproduce an output. Every name picked from several spellings goes through one of these
(over rows counted already, ``most_counted``; in Python over fetched counts,
``analysis.contracts.spending_rollup._pick`` follows the same rule); ties break by sort order
(DuckDB's byte order of UTF-8 text is Python's order of ``str``). Engine-specific SQL text
(``histogram``, lambdas, struct ordering), like ``store/dialect.py``.
"""

from __future__ import annotations


def most_common(expression: str) -> str:
    """An aggregate: the most frequent non-NULL value of ``expression`` in the group, ties
    broken by the first in sort order; NULL when every value is NULL (as ``mode``, which
    answers the same wherever there is no tie). The histogram costs about 0.1 CPU-second per
    million rows more than ``mode`` (docs/benchmarks.md, session 9)."""
    return (
        f"list_min(list_transform(map_entries(histogram({expression})), "
        "lambda e: {'n': -CAST(e.value AS BIGINT), 's': e.key})).s"
    )


def shortest(expression: str) -> str:
    """An aggregate: the shortest non-NULL value of ``expression`` in the group, ties broken
    by the first in sort order; NULL when every value is NULL."""
    return f"arg_min({expression}, {{'n': length({expression}), 's': {expression}}})"


def newest(value: str, order: str) -> str:
    """An aggregate: ``value`` on the row with the greatest ``order`` (a number, never NULL),
    ties broken by the first value in sort order; rows whose value is NULL are skipped (as
    ``arg_max``)."""
    return f"arg_min({value}, {{'o': -({order}), 'v': {value}}})"


def most_counted(value: str, count: str) -> str:
    """An aggregate over rows counted already (one per value, with its ``count``): the value
    with the greatest count, ties broken by the first in sort order. Keep ``count`` a BIGINT:
    over a HUGEINT sum this costs about 13x (``most_common`` counts for itself)."""
    return f"arg_min({value}, {{'w': -{count}, 's': {value}}})"
