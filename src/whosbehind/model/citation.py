"""Citations: every fact and every number points back to the public record it came from."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a fact was read.

    ``source`` names the publisher feed (``fedramp-legacy``), ``locator`` the exact place
    (file or URL, then ``@commit`` where there is one, then ``#`` and a JSON path or row),
    ``record_time`` when the record said it, ``content_hash`` the sha256 of the exact bytes read.
    """

    source: str
    locator: str
    record_time: dt.datetime
    content_hash: str

    @property
    def id(self) -> str:
        text = f"{self.source}|{self.locator}|{self.record_time.isoformat()}|{self.content_hash}"
        return "c" + hashlib.sha256(text.encode()).hexdigest()[:15]

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "source": self.source,
            "locator": self.locator,
            "record_time": self.record_time.isoformat(),
            "content_hash": self.content_hash,
        }
