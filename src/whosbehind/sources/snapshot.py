"""A raw snapshot: the exact bytes of one published file, with where and when they came from."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath


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
    upstream: str | None = None  # the upstream commit an archive's commit names
    public: str = ""  # where the public finds these bytes, when the reader knows better
    # the source's ``identity`` of the bytes (body digest, header time) when the reader made it
    # ahead, in its own thread (``with_identity``); never copied by ``dataclasses.replace``
    identity: tuple[str | None, dt.datetime | None] | None = field(
        default=None, init=False, compare=False
    )

    def __post_init__(self) -> None:
        if not self.sha256:
            object.__setattr__(self, "sha256", hashlib.sha256(self.content).hexdigest())


Identity = Callable[[bytes], tuple[str | None, dt.datetime | None]]


def with_identity(raw: RawSnapshot, identity: Identity) -> RawSnapshot:
    """``raw``, holding ``identity(raw.content)``."""
    object.__setattr__(raw, "identity", identity(raw.content))
    return raw


def public_locator(raw: RawSnapshot, repository: str = "") -> str:
    """Where anyone can find the same bytes, not where this machine read them.

    A git snapshot: the upstream ``repository@commit:path`` when the archive's commit names
    its upstream commit and the feed names its repository, else the archive's own name and
    commit (``legacy-history.git@<commit>:data/data.json``). A URL: the URL. A file: the
    publisher's file name (``fy18.csv``; a zip member ``archive.zip!member.csv``)."""
    if raw.public:
        return raw.public
    if raw.kind == "git" and raw.commit:
        archive, _, path = raw.locator.partition(f"@{raw.commit}:")
        if raw.upstream and repository:
            return f"{repository}@{raw.upstream}:{path}"
        return f"{PurePath(archive).name}@{raw.commit}:{path}"
    return public_of(raw.kind, raw.locator)


def public_of(kind: str, locator: str) -> str:
    """The public part of a file or URL locator: a URL whole, a path's file name."""
    if kind == "url" or "://" in locator:
        return locator
    archive, bang, member = locator.partition("!")
    return PurePath(archive).name + bang + member
