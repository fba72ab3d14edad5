"""USAspending's authoritative agency list: toptier agencies (CGAC) and their subtier agencies.

The CSV (``authoritative_agency_list.csv`` of usaspending-api, last published 2019-06-13)
has one row per subtier: ``CGAC AGENCY CODE``, ``FPDS DEPARTMENT ID``, ``AGENCY NAME``,
``AGENCY ABBREVIATION``, ``SUBTIER CODE``, ``SUBTIER NAME``, ``SUBTIER ABBREVIATION`` and
columns this reader does not need (missions, websites, FREC codes). Rows whose subtier code is
no four-character code (notes such as "Unknown (may not exist)") are skipped and counted.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from whosbehind.errors import SnapshotError
from whosbehind.model.agencies import Agency

URL = (
    "https://raw.githubusercontent.com/fedspendingtransparency/usaspending-api/"
    "6ae1d70466b2be56545bc077b80c87a6244b88f1/usaspending_api/data/authoritative_agency_list.csv"
)
FEED = "usaspending-agencies"
REQUIRED = ("CGAC AGENCY CODE", "AGENCY NAME", "SUBTIER CODE", "SUBTIER NAME")
_CODE = re.compile(r"[0-9A-Z]{4}")


@dataclass
class AgencyList:
    agencies: list[Agency] = field(default_factory=list)
    skipped: int = 0
    duplicates: int = 0


def parse_agency_list(content: bytes, locator: str) -> AgencyList:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SnapshotError(locator, f"not UTF-8: {error}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    lacking = [name for name in REQUIRED if name not in header]
    if lacking:
        raise SnapshotError(locator, f"not an agency list: no column {', '.join(lacking)}")
    reader.fieldnames = header
    result = AgencyList()
    seen: set[str] = set()
    for row in reader:
        code = (row.get("SUBTIER CODE") or "").strip().upper()
        if not _CODE.fullmatch(code):
            result.skipped += 1
            continue
        if code in seen:
            result.duplicates += 1
            continue
        seen.add(code)
        result.agencies.append(
            Agency(
                subtier_code=code,
                subtier_name=_text(row, "SUBTIER NAME"),
                subtier_abbreviation=_text(row, "SUBTIER ABBREVIATION"),
                toptier_code=_text(row, "CGAC AGENCY CODE"),
                toptier_name=_text(row, "AGENCY NAME"),
                toptier_abbreviation=_text(row, "AGENCY ABBREVIATION"),
                department_id=_text(row, "FPDS DEPARTMENT ID"),
            )
        )
    return result


def _text(row: dict[str, str | None], name: str) -> str | None:
    value = (row.get(name) or "").strip()
    return value or None
