"""Facts: the typed rows a source reads out of one snapshot.

A fact class is a frozen dataclass that names its store table and its key fields. The store
keeps every observed version of a fact, keyed by ``(feed, *key)``, as an interval of snapshots.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Protocol


class Fact(Protocol):
    TABLE: ClassVar[str]
    KEY: ClassVar[tuple[str, ...]]
    __dataclass_fields__: ClassVar[dict[str, Any]]


@functools.cache
def fact_columns(kind: type[Fact]) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind))


def fact_values(fact: Fact) -> tuple[Any, ...]:
    return tuple(getattr(fact, name) for name in fact_columns(type(fact)))


def fact_key(fact: Fact) -> tuple[Any, ...]:
    return tuple(getattr(fact, name) for name in fact.KEY)


def fact_hash(fact: Fact) -> str:
    """A digest of every value, stable across processes (``hash()`` is salted per run)."""
    return hashlib.blake2b(repr(fact_values(fact)).encode(), digest_size=12).hexdigest()


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
    """One snapshot read into record groups, with what the reader did not expect."""

    feed: str
    record_time: dt.datetime | None
    groups: list[RecordGroup]
    unknown_fields: dict[str, int] = dataclasses.field(default_factory=dict)
