"""A raw snapshot: the exact bytes of one published file, with where and when they came from."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RawSnapshot:
    """Bytes as published. ``fallback_time`` is the commit time, retrieval time or file time,
    used as record time only when the content carries no timestamp of its own."""

    locator: str
    content: bytes
    fallback_time: dt.datetime
    commit: str | None = None
    kind: str = "file"  # file, url or git
    sha256: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.sha256:
            object.__setattr__(self, "sha256", hashlib.sha256(self.content).hexdigest())
