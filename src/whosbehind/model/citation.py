"""Citations: every fact and every number points back to the public record it came from.

A citation names one stored snapshot (a published file, a git blob, an API response: its feed,
its *public* locator, its record time and the sha256 of its bytes) and, optionally, the record
in it (``selector``: the JSONPath of a FedRAMP record, ``piid=X`` in a contract file). Its id is
two hashes side by side, so that the store can find it again without any registry: the first
7 hex digits name the snapshot (``snapshot_part``), the last 9 the selector (``selector_part``).
``whosbehind cite`` finds the snapshots whose part matches, then the stored record whose
selector does (``store/citations.py``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from typing import Any

SNAPSHOT_DIGITS = 7
SELECTOR_DIGITS = 9


@functools.lru_cache(maxsize=65536)
def selector_part(selector: str) -> str:
    """The hex digits of an id that name the record in its snapshot ('' for the whole file);
    kept for the selectors asked last (a report names the same records many times)."""
    return hashlib.sha256(selector.encode()).hexdigest()[:SELECTOR_DIGITS]


@functools.lru_cache(maxsize=4096)
def snapshot_part(source: str, locator: str, record_time: dt.datetime, content_hash: str) -> str:
    """The hex digits of an id that name the snapshot (record time in UTC, whatever zone the
    database session returns it in, so the id is the same on every machine; a naive time is
    taken as UTC, never as this machine's zone); kept for the snapshots asked last (a report
    cites the same few files tens of thousands of times)."""
    aware = record_time if record_time.tzinfo else record_time.replace(tzinfo=dt.UTC)
    when = aware.astimezone(dt.UTC).isoformat()
    text = f"{source}|{locator}|{when}|{content_hash}"
    return hashlib.sha256(text.encode()).hexdigest()[:SNAPSHOT_DIGITS]


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a fact was read.

    ``source`` names the publisher feed (``fedramp-legacy``), ``locator`` the snapshot's public
    place (upstream repository, commit and path; the publisher's file name; the API URL),
    ``record_time`` when the record said it, ``content_hash`` the sha256 of the exact bytes as
    published, ``selector`` the record in them ('' for the whole file).
    """

    source: str
    locator: str
    record_time: dt.datetime
    content_hash: str
    selector: str = ""

    @property
    def id(self) -> str:
        snapshot = snapshot_part(self.source, self.locator, self.record_time, self.content_hash)
        return f"c{snapshot}{selector_part(self.selector)}"

    @property
    def where(self) -> str:
        """The locator and the selector, as a person reads them (``file#piid=X``)."""
        return f"{self.locator}#{self.selector}" if self.selector else self.locator

    def narrow(self, selector: str) -> Citation:
        """The same snapshot, narrowed to the record ``selector`` names."""
        return Citation(self.source, self.locator, self.record_time, self.content_hash, selector)

    def whole(self) -> Citation:
        return self.narrow("")

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "source": self.source,
            "locator": self.where,
            "selector": self.selector,
            "record_time": self.record_time.isoformat(),
            "content_hash": self.content_hash,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Citation:
        selector = str(data.get("selector") or "")
        where = str(data["locator"])
        return cls(
            str(data["source"]),
            where.removesuffix(f"#{selector}") if selector else where,
            dt.datetime.fromisoformat(str(data["record_time"])),
            str(data["content_hash"]),
            selector,
        )
