"""The bytes of a snapshot as whosbehind keeps and shows them: personal fields removed.

One entry point per use, the same rules: ingest keeps this copy in the store (``raw_object``),
and ``whosbehind cite`` passes whatever bytes it re-reads (from the store, the git archive or
the file) through it before it prints a record. Each source says what is personal
(``fedramp.reader``, ``usaspending.redact``, ``fpds.redact``).
"""

from __future__ import annotations

import csv
import io

import orjson

from whosbehind.errors import SnapshotError
from whosbehind.model.redaction import RedactionCounts
from whosbehind.sources.fedramp import reader as fedramp
from whosbehind.sources.fpds import metadata as fpds_metadata
from whosbehind.sources.fpds.redact import redacted_page
from whosbehind.sources.usaspending import agency_list, redact
from whosbehind.sources.usaspending.csv_layout import detect_layout
from whosbehind.sources.usaspending.metadata import FEED_CSV


def redacted_copy(feed: str, content: bytes, counts: RedactionCounts | None = None) -> bytes:
    """``content`` of a snapshot of ``feed`` without personal fields, contact data masked
    (``counts`` adds up what was removed). Raises ValueError when the bytes are not what the
    feed publishes (not JSON)."""
    if feed.startswith("fedramp"):
        return fedramp.redacted_json(orjson.loads(content), counts)
    if feed == fpds_metadata.FEED:
        return redacted_page(content, counts)
    if feed == agency_list.FEED:
        return content  # agencies and codes, nobody's contact
    if feed == FEED_CSV:
        return redact.redacted_csv(content, csv_columns(content), counts)
    return redact.redacted_json(content, counts)


def csv_columns(content: bytes) -> tuple[str, ...]:
    """A contract file's columns: its header, or its layout's when it has none (2018)."""
    text = content[: 1 << 16].decode("utf-8-sig", errors="replace")
    first = next(csv.reader(io.StringIO(text, newline="")), [])
    try:
        match = detect_layout(first, "cited file")
    except SnapshotError:
        match = None
    return match.columns if match is not None else tuple(first)
