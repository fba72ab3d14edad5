"""Synthetic contracts, part 1: constants, CSV cells and the real rows and reference lists
the generator samples (``contracts_generate.py``).
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from whosbehind.sources.usaspending.columns import AWARDS_2018, PERSONAL_COLUMNS
from whosbehind.sources.usaspending.values import parse_date

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (REPO_ROOT / "../shared/data").resolve()
GENERATOR = "benchmarks/contracts_generate.py v1"
FIRST_FY, LAST_FY = 2008, 2024
LAST_DAY = np.datetime64("2024-09-30")
CHUNK_ROWS = 50_000
DEFAULT_FILE_ROWS = 1_000_000
HOME_AGENCY_SHARE = 0.6  # share of a recipient's awards from its home agency
OWN_CODES_SHARE = 0.7  # share of a recipient's awards under its own PSC/NAICS
ICE = "7012"
ICE_RANK = 8  # ICE's rank in the Zipf order of subtiers
UEI_ALPHABET = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", dtype=np.uint8)
# 2018 export names of columns that today's layout renamed.
RENAMED_2018 = {
    "parent_award_id": "parent_award_id_piid",
    "award_description": "prime_award_base_transaction_description",
    "gfe_gfp_code": "government_furnished_property_code",
    "gfe_gfp": "government_furnished_property",
    "alaskan_native_owned_corporation_or_firm": "alaskan_native_corporation_owned_firm",
    "native_hawaiian_owned_business": "native_hawaiian_organization_owned_firm",
    "tribally_owned_business": "tribally_owned_firm",
    "receives_grants": "receives_financial_assistance",
    "receives_contracts_and_grants": "receives_contracts_and_financial_assistance",
    "foreign_owned_and_located": "foreign_owned",
}
# Columns whose real value would contradict the synthetic award: left empty.
BLANK = frozenset(PERSONAL_COLUMNS) | {
    "disaster_emergency_fund_codes",
    "outlayed_amount_from_COVID-19_supplementals",
    "obligated_amount_from_COVID-19_supplementals",
    "outlayed_amount_from_IIJA_supplemental",
    "obligated_amount_from_IIJA_supplemental",
    "treasury_accounts_funding_this_award",
    "federal_accounts_funding_this_award",
    "object_classes_funding_this_award",
    "program_activities_funding_this_award",
    "solicitation_date",
    "total_outlayed_amount",
}
NAME_STOP = frozenset(
    "LLC INC INC. CORP CORP. CORPORATION CO CO. COMPANY LTD LP LLP THE OF AND & COUNTY CITY "
    "STATE DEPARTMENT SERVICES SERVICE GROUP SOLUTIONS TECHNOLOGIES SYSTEMS INTERNATIONAL "
    "OFFICE SHERIFF SHERIFFS SHERIFF'S ASSOCIATES".split()
)
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')
TYPE_LETTER = {"A": "A", "B": "P", "C": "F", "D": "C"}


def csv_cell(value: str) -> str:
    """A value as a CSV cell (quoted only when needed, like the real files)."""
    if _NEEDS_QUOTES.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def escape(array: pa.Array) -> pa.Array:
    """``csv_cell`` over an Arrow string array."""
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(array, '"', '""'), '"', "")
    return pc.if_else(pc.match_substring_regex(array, _NEEDS_QUOTES.pattern), quoted, array)


def text_pool(values: Iterable[str]) -> pa.Array:
    return pa.array([csv_cell(value) for value in values], pa.string())


# ---- the real data ----------------------------------------------------------------------


@dataclass
class RealRows:
    header: tuple[str, ...]
    rows: list[dict[str, str]]  # every real row by current column name ('' when absent)


def _clean(value: str) -> str:
    value = value.strip()
    return "" if value.upper() == "NAN" else value


def read_real_rows(data: Path) -> RealRows:
    local = data / "contracts/ice-local-gov"
    header: tuple[str, ...] | None = None
    rows: list[dict[str, str]] = []
    for path in sorted(local.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(stream)
            names = tuple(next(reader))
            header = header or names
            rows += [{n: _clean(v) for n, v in zip(names, cells, strict=True)} for cells in reader]
    if header is None:
        raise SystemExit(f"no real award-summaries files under {local}")
    old = data / "contracts/ice-fy13-fy18"
    for path in sorted(old.glob("fy*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            for cells in csv.reader(stream):
                if len(cells) != len(AWARDS_2018) or cells[0] == AWARDS_2018[0]:
                    continue
                rows.append(
                    {
                        RENAMED_2018.get(name, name): _clean(value)
                        for name, value in zip(AWARDS_2018, cells, strict=True)
                    }
                )
    for row in rows:
        for key in ("recipient_duns", "recipient_parent_duns"):
            value = row.get(key, "")
            if value.isdigit() and len(value) < 9:
                row[key] = value.zfill(9)
    return RealRows(header, rows)


def read_agencies(data: Path) -> list[tuple[str, str, str, str, str]]:
    """(toptier code, toptier name, subtier code, subtier name, subtier abbreviation)."""
    path = data / "reference/authoritative_agency_list_2019-06-13.csv"
    found: dict[str, tuple[str, str, str, str, str]] = {}
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as stream:
        for row in csv.DictReader(stream):
            code = row["SUBTIER CODE"].strip()
            if row["IS_FREC"].strip().upper() == "TRUE" or len(code) != 4 or code in found:
                continue
            found[code] = (
                row["CGAC AGENCY CODE"].strip(),
                row["AGENCY NAME"].strip(),
                code,
                row["SUBTIER NAME"].strip(),
                row["SUBTIER ABBREVIATION"].strip(),
            )
    return list(found.values())


def read_psc(data: Path) -> list[tuple[str, str]]:
    path = data / "reference/psc_codes.csv"
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as stream:
        return [
            (row["PSC CODE"].strip(), row["PRODUCT AND SERVICE CODE NAME"].strip().upper())
            for row in csv.DictReader(stream)
            if len(row["PSC CODE"].strip()) == 4
            and not row["END DATE"].strip()
            and row["PRODUCT AND SERVICE CODE NAME"].strip()
        ]


def read_naics(data: Path) -> list[tuple[str, str]]:
    """6-digit NAICS 2017 codes and titles, read from the .xlsx with the standard library."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(data / "reference/naics_2-6_digit_2017_Code_File.xlsx") as book:
        strings = [
            "".join(node.itertext())
            for node in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).iterfind(
                "m:si", ns
            )
        ]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    found: list[tuple[str, str]] = []
    for row in sheet.iter(f"{{{ns['m']}}}row"):
        cells: dict[str, str] = {}
        for cell in row.findall("m:c", ns):
            value = cell.find("m:v", ns)
            if value is None or value.text is None:
                continue
            text = strings[int(value.text)] if cell.get("t") == "s" else value.text
            cells[re.sub(r"\d", "", cell.get("r", ""))] = text.strip()
        code, title = cells.get("A", ""), cells.get("B", "")
        if re.fullmatch(r"\d{6}", code) and title:
            found.append((code, title.upper()))
    return found


def _day(text: str) -> np.datetime64 | None:
    if not text:
        return None
    try:
        day = parse_date(text, day_first="/" in text)
    except ValueError:
        return None
    return np.datetime64(day.isoformat())


def _money(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


# ---- the model: everything sampled, built once from the seed ------------------------------
