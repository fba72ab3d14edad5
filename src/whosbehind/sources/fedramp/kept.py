"""Facts built from a few JSON rows, kept while the rows stay byte for byte the same.

A record that changed (a count, its description) mostly keeps its rows: a marketplace
product's mapping rows, a legacy provider's letters, whose facts cost more to build than the
rest of the record's. The last build for each key is kept with the rows' exact JSON (types and
order included: ``1`` and ``true`` are equal in Python, not here) and given again while that
JSON is the same; never kept when an implausible date was counted building it, nor outside
``timeutil.implausible_dates`` (such a date is counted each time it is read).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import orjson

from whosbehind.model.facts import Fact
from whosbehind.model.timeutil import implausible_counted

_BUILT: dict[tuple[str, ...], tuple[bytes, list[Fact]]] = {}


def kept_facts(
    key: tuple[str, ...], rows: Sequence[Any], build: Callable[[], list[Fact]]
) -> list[Fact]:
    """``build()``, or the list it gave last time for ``key`` if ``rows`` are the same JSON.
    ``key`` names everything else the facts depend on (the record's id, the kind of row)."""
    if not rows:
        return build()
    try:
        text = orjson.dumps(rows)
    except (orjson.JSONEncodeError, TypeError):  # not JSON as read: built each time
        return build()
    kept = _BUILT.get(key)
    if kept is not None and kept[0] == text:
        return kept[1]
    counted = implausible_counted()
    facts = build()
    if counted is not None and implausible_counted() == counted:
        _BUILT[key] = (text, facts)
    return facts
