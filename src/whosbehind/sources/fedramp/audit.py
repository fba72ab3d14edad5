"""Counting what a reader did not expect: an audit warning, never a crash, never silent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping


class FieldAudit:
    """Counts unexpected fields by path (``Providers[].New_Field``)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def check(self, where: str, record: Mapping[str, object], known: frozenset[str]) -> None:
        for name in record.keys() - known:
            self.counts[f"{where}.{name}"] += 1

    def check_all(
        self, where: str, records: Iterable[Mapping[str, object]], known: frozenset[str]
    ) -> None:
        for record in records:
            self.check(where, record, known)
