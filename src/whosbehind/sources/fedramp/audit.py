"""Counting what a reader did not expect: an audit warning, never a crash, never silent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any


class ShapeError(ValueError):
    """A value has the wrong type where the format needs a list or an object: the snapshot is
    malformed (``reader.parse_snapshot`` names its file or commit)."""


class FieldAudit:
    """Counts unexpected fields by path (``Providers[].New_Field``)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def check(self, where: str, record: Mapping[str, object], known: frozenset[str]) -> None:
        if known.issuperset(record):  # the usual record: one test in C, no set built
            return
        for name in record.keys() - known:
            self.counts[f"{where}.{name}"] += 1

    def check_all(self, where: str, records: list[Any], known: frozenset[str]) -> None:
        for record in records:
            if isinstance(record, dict) and known.issuperset(record):
                continue
            if isinstance(record, Mapping):
                self.check(where, record, known)
            else:
                self.counts[f"{where} entry that is not an object"] += 1


def listed(value: object, where: str | Callable[[], str]) -> list[Any]:
    """A list the format requires: absent, null or ``""`` is empty; any other non-list value
    is a malformed snapshot, never read as an empty list (its letters, say, would be closed).
    ``where`` may be a function: it is then called only to name a value that is not a list."""
    if isinstance(value, list):
        return value
    if value is None or value == "":
        return []
    place = where if isinstance(where, str) else where()
    raise ShapeError(f"{place} is {kind_of(value)}, not a list")


def kind_of(value: object) -> str:
    """A JSON value's type in words, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        return "a string"
    return f"a {type(value).__name__}"
