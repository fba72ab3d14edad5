"""Copies of USAspending files and responses without personal fields, for the raw archive.

The store keeps a copy of small inputs (``raw_object``) beside the hash of the bytes as
published. Officers' names and pay (``highly_compensated_officer_*``, ``executive_details``)
and phone and fax numbers are blanked in the copy, as they are never read; fields named for
contact data (``email``, ``phone``...) are dropped from responses; e-mail addresses are masked
in every value and phone numbers in descriptions (``whosbehind.model.redaction``).
"""

from __future__ import annotations

import csv
import io

import orjson

from whosbehind.model.redaction import (
    RedactionCounts,
    is_free_text_key,
    mask_contacts,
    mask_emails,
    redacted_tree,
)
from whosbehind.sources import jsonwrite
from whosbehind.sources.usaspending.columns import PERSONAL_COLUMNS

PERSONAL_JSON_KEYS = frozenset({"executive_details", "officers"})


def redacted_csv(
    content: bytes, columns: tuple[str, ...], counts: RedactionCounts | None = None
) -> bytes:
    """The CSV with the personal columns' cells emptied and contact data masked (header
    kept). ``columns`` are the file's columns in order (from its header, or its layout when
    it has none)."""
    counts = counts if counts is not None else RedactionCounts()
    blank = {index for index, name in enumerate(columns) if name in PERSONAL_COLUMNS}
    prose = {index for index, name in enumerate(columns) if is_free_text_key(name)}
    text = content.decode("utf-8-sig", errors="replace")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for position, cells in enumerate(csv.reader(io.StringIO(text, newline=""))):
        if position or cells != list(columns):
            for index, value in enumerate(cells):
                if index in blank:
                    cells[index] = ""
                elif index in prose:
                    cells[index] = counts.add(mask_contacts(value))
                elif "@" in value:
                    cells[index] = counts.add(mask_emails(value))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def redacted_json(content: bytes, counts: RedactionCounts | None = None) -> bytes:
    """The response without executive compensation and contact fields, e-mail addresses and
    phone numbers in descriptions masked. Raises ValueError if it is not JSON."""
    return jsonwrite.dumps(redacted_tree(orjson.loads(content), PERSONAL_JSON_KEYS, counts))
