"""Reading USAspending API v2 JSON: exact numbers, typed field access, pagination, audit."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from whosbehind.errors import SnapshotError
from whosbehind.model.contracts import (
    Award,
    Quarantined,
    Recipient,
    Transaction,
    check_date,
    money_from_json,
    normalize_duns,
)
from whosbehind.sources.award_fields import Kind
from whosbehind.sources.usaspending.values import BadField, parse_date

ApiRecord = Award | Transaction | Recipient | Quarantined
_EXCERPT_LIMIT = 240


def load_json(raw: bytes | str) -> Any:
    """Parse a response keeping every number's exact text: floats become Decimal."""
    return json.loads(raw, parse_float=Decimal)


@dataclass(frozen=True, slots=True)
class PageInfo:
    """Where a paged response stands. Search endpoints page by number and also return a
    cursor (``last_record_*``); list endpoints give ``next`` and ``total``."""

    page: int
    has_next: bool
    next_page: int | None
    total: int | None
    last_record_unique_id: int | None
    last_record_sort_value: str | None


def page_info(payload: Mapping[str, Any], locator: str) -> PageInfo:
    meta = payload.get("page_metadata")
    if not isinstance(meta, Mapping):
        raise SnapshotError(locator, "no page_metadata object")
    page = meta.get("page")
    has_next = meta.get("hasNext")
    if not isinstance(page, int) or not isinstance(has_next, bool):
        raise SnapshotError(locator, f"page_metadata lacks page/hasNext: {dict(meta)!r}")
    next_page = meta.get("next")
    if not isinstance(next_page, int):
        next_page = page + 1 if has_next else None
    total = meta.get("total")
    unique_id = meta.get("last_record_unique_id")
    sort_value = meta.get("last_record_sort_value")
    return PageInfo(
        page=page,
        has_next=has_next,
        next_page=next_page,
        total=total if isinstance(total, int) else None,
        last_record_unique_id=unique_id if isinstance(unique_id, int) else None,
        last_record_sort_value=None if sort_value is None else str(sort_value),
    )


@dataclass(slots=True)
class ApiResult:
    """Records read from one response. ``skipped`` counts results outside this reader's
    scope (assistance awards, subawards); ``unknown_fields`` counts unexpected keys by path."""

    records: list[ApiRecord] = field(default_factory=list)
    page: PageInfo | None = None
    skipped: int = 0
    unknown_fields: dict[str, int] = field(default_factory=dict)

    def audit(self, where: str, record: Mapping[str, Any], known: frozenset[str]) -> None:
        for name in sorted(record.keys() - known):
            path = f"{where}.{name}"
            self.unknown_fields[path] = self.unknown_fields.get(path, 0) + 1

    def quarantine(self, locator: str, position: int, bad: BadField, excerpt: str) -> None:
        self.records.append(
            Quarantined(locator, position, bad.field, bad.reason, excerpt[:_EXCERPT_LIMIT])
        )


class Fields:
    """Typed access to one JSON object; a malformed value raises BadField naming its path."""

    __slots__ = ("_data", "_where")

    def __init__(self, data: Mapping[str, Any], where: str = "") -> None:
        self._data = data
        self._where = where

    def path(self, name: str) -> str:
        return f"{self._where}.{name}" if self._where else name

    def read(self, kind: Kind, path: str) -> object:
        """The value at ``path`` (``a/b/c``: nested objects) read as an ``Award`` field of
        ``kind`` (``sources.award_fields``)."""
        *parents, name = path.split("/")
        fields = self
        for parent in parents:
            fields = fields.sub(parent)
        if kind == "money":
            return fields.money(name)
        if kind in ("date", "action_date"):
            return fields.date(name, action=kind == "action_date")
        text = fields.text(name)
        return normalize_duns(text) if kind == "duns" else text

    def sub(self, name: str) -> Fields:
        value = self._data.get(name)
        return Fields(value if isinstance(value, Mapping) else {}, self.path(name))

    def text(self, name: str) -> str | None:
        value = self._data.get(name)
        if value is None or isinstance(value, bool | Mapping | list):
            return None
        result = str(value).strip()
        return result or None

    def money(self, name: str) -> Decimal | None:
        try:
            return money_from_json(self._data.get(name))
        except ValueError as error:
            raise BadField(self.path(name), str(error)) from None

    def date(self, name: str, action: bool = False) -> dt.date | None:
        """The date ``name`` states; ``action`` for a date an action was signed (a narrower
        plausible range, see ``check_date``)."""
        value = self.text(name)
        if value is None:
            return None
        try:
            return check_date(parse_date(value, day_first=False), action)
        except ValueError as error:
            raise BadField(self.path(name), str(error)) from None

    def required_text(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise BadField(self.path(name), "missing")
        return value

    def excerpt(self, *names: str) -> str:
        return "; ".join(f"{name}={self._data.get(name)!r}" for name in names)


def results_of(payload: Any, locator: str) -> list[Mapping[str, Any]]:
    if not isinstance(payload, Mapping) or not isinstance(payload.get("results"), list):
        raise SnapshotError(locator, "expected an object with a results list")
    results: list[Mapping[str, Any]] = []
    for position, item in enumerate(payload["results"], start=1):
        if not isinstance(item, Mapping):
            raise SnapshotError(locator, f"result {position} is not an object")
        results.append(item)
    return results
