"""Facts: the typed rows a source reads out of one snapshot.

A fact class is a frozen dataclass that names its store table and its key fields. The store
keeps every observed version of a fact, keyed by ``(feed, *key)``, as an interval of snapshots.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import operator
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Protocol

from whosbehind.errors import SnapshotError


class Fact(Protocol):
    TABLE: ClassVar[str]
    KEY: ClassVar[tuple[str, ...]]
    __dataclass_fields__: ClassVar[dict[str, Any]]


@functools.cache
def fact_columns(kind: type[Fact]) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind))


@functools.cache
def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The attributes ``names`` of an object as one tuple, read in C (``attrgetter`` of a
    single name returns the value itself, not a tuple)."""
    if len(names) == 1:
        single = operator.attrgetter(names[0])
        return lambda item: (single(item),)
    getter: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(*names)
    return getter


def fact_values(fact: Fact) -> tuple[Any, ...]:
    return _getter(fact_columns(type(fact)))(fact)


def fact_key(fact: Fact) -> tuple[Any, ...]:
    return _getter(fact.KEY)(fact)


def fact_hash(fact: Fact) -> str:
    """A digest of every value, stable across processes (``hash()`` is salted per run)."""
    return values_hash(fact_values(fact))


def values_hash(values: tuple[Any, ...]) -> str:
    """``fact_hash`` of the fact whose ``fact_values`` are ``values``."""
    return hashlib.blake2b(repr(values).encode(), digest_size=12).hexdigest()


@dataclasses.dataclass(slots=True)
class RecordGroup:
    """The facts one source record yields, built only when the record changed.

    ``raw`` is the record as parsed; when it equals the previous snapshot's record of the same
    ``group`` the facts are known unchanged and ``build`` is never called.
    """

    group: str
    raw: object
    build: Callable[[], Sequence[Fact]]


@dataclasses.dataclass(slots=True)
class ParsedSnapshot:
    """One snapshot read into record groups, with what the reader did not expect.

    ``locator``: where the snapshot was read. When set, a record whose facts cannot be built
    (a date out of range, a value of the wrong type) fails the snapshot with a
    ``SnapshotError`` naming it and the record (``facts_of``)."""

    feed: str
    record_time: dt.datetime | None
    groups: list[RecordGroup]
    unknown_fields: dict[str, int] = dataclasses.field(default_factory=dict)
    locator: str = ""

    def facts_of(self, name: str, groups: Sequence[RecordGroup]) -> list[Fact]:
        """The facts of the groups of one record ``name`` (built only when it changed)."""
        try:
            return [fact for group in groups for fact in group.build()]
        except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as error:
            if not self.locator:
                raise
            reason = f"record {name}: {type(error).__name__}: {error}"
            raise SnapshotError(self.locator, reason) from error
