"""Opening the store."""

from __future__ import annotations

import os

from whosbehind.store.engine import Engine, damaged_store, resolve_db_path
from whosbehind.store.published_reader import DEFAULT_CHECK_EVERY

__all__ = ["PUBLISHED_CHECK_EVERY", "damaged_store", "open_store"]

PUBLISHED_CHECK_EVERY = DEFAULT_CHECK_EVERY
"""Seconds between a :class:`PublishedStore`'s looks for a newer published copy (default)."""


def open_store(path: str | os.PathLike[str] | None = None, *, read_only: bool = True) -> Engine:
    """The store at ``path`` (default: $WHOSBEHIND_DB, else ./whosbehind.duckdb), read-only
    unless an ingest or resolve is to write it. Close it, or use it in a ``with`` block."""
    return Engine(resolve_db_path(path), read_only=read_only)
