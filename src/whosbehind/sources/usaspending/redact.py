"""Copies of USAspending files and responses without personal fields, for the raw archive.

The store keeps a copy of small inputs (``raw_object``) beside the hash of the bytes as
published. Officers' names and pay (``highly_compensated_officer_*``, ``executive_details``)
and phone and fax numbers are blanked in the copy, as they are never read.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson

from whosbehind.sources.usaspending.columns import PERSONAL_COLUMNS

PERSONAL_JSON_KEYS = frozenset({"executive_details", "officers"})


def redacted_csv(content: bytes, columns: tuple[str, ...]) -> bytes:
    """The CSV with the personal columns' cells emptied (header kept). ``columns`` are the
    file's columns in order (from its header, or its layout when it has none)."""
    blank = [index for index, name in enumerate(columns) if name in PERSONAL_COLUMNS]
    if not blank:
        return content
    text = content.decode("utf-8-sig", errors="replace")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for position, cells in enumerate(csv.reader(io.StringIO(text, newline=""))):
        if position or cells != list(columns):
            for index in blank:
                if index < len(cells):
                    cells[index] = ""
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def redacted_json(content: bytes) -> bytes:
    """The response without executive compensation. Raises ValueError if it is not JSON."""
    return orjson.dumps(_redact(orjson.loads(content)))


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _redact(v) for k, v in value.items() if k not in PERSONAL_JSON_KEYS}
    if isinstance(value, list):
        return [_redact(item) for item in value]
    return value
