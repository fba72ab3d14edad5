"""Contract test helpers: stores built from the real files in ../shared/data, and totals computed
independently from the same files with nothing but the csv module and Decimal."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from whosbehind.pipeline.contracts.ingest import (
    ContractIngestSummary,
    ingest_agencies,
    ingest_usaspending,
)
from whosbehind.store.engine import Engine

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
ICE_2018 = SHARED_DATA / "contracts" / "ice-fy13-fy18"
ICE_LOCAL_GOV = SHARED_DATA / "contracts" / "ice-local-gov"
AGENCY_LIST = SHARED_DATA / "reference" / "authoritative_agency_list_2019-06-13.csv"
API_RESPONSES = SHARED_DATA / "usaspending-api"
FPDS_PAGES = SHARED_DATA / "fpds-atom"
FY_FILES = ("fy13.csv", "fy14.csv", "fy15.csv", "fy16.csv", "fy17.csv", "fy18.csv")
LOCAL_GOV_FILES = ("us-local-gov-ice-contracts.csv", "us-reg-state-gov-ice-contracts.csv")


def build(path: Path, *sources: Path, agencies: bool = True) -> list[ContractIngestSummary]:
    engine = Engine(path)
    try:
        summaries = [ingest_usaspending(engine, source) for source in sources]
        if agencies:
            summaries.append(ingest_agencies(engine, AGENCY_LIST))
        return summaries
    finally:
        engine.close()


def duns(value: str) -> str | None:
    text = value.strip()
    if not text:
        return None
    return text.zfill(9) if text.isdigit() and len(text) < 9 else text


def recipient_key(row: dict[str, str]) -> str:
    """The ``spending --by recipient`` group: DUNS, else UEI, else the name as written."""
    name = row["recipient_name"].strip()
    return (
        duns(row.get("recipient_duns", ""))
        or (row.get("recipient_uei") or "").strip()
        or (f"name:{name.upper()}" if name else "-")
    )


def rows_2018(folder: Path = ICE_2018) -> list[dict[str, str]]:
    """Every FY13-FY18 row, named by the data dictionary (only fy13.csv has a header)."""
    with (folder / "follow_the_money_data_dictionary.csv").open(newline="") as stream:
        names = [name for _, name in csv.reader(stream)]
    rows: list[dict[str, str]] = []
    for name in FY_FILES:
        with (folder / name).open(newline="", encoding="utf-8") as stream:
            lines = list(csv.reader(stream))
        rows.extend(dict(zip(names, line, strict=True)) for line in lines[name == "fy13.csv" :])
    return rows


def totals_2018() -> tuple[dict[int, Decimal], dict[str, Decimal]]:
    """Obligations per fiscal year (of the action date, dd/mm/yyyy) and per recipient."""
    per_year: defaultdict[int, Decimal] = defaultdict(Decimal)
    per_recipient: defaultdict[str, Decimal] = defaultdict(Decimal)
    for row in rows_2018():
        _, month, year = (int(part) for part in row["action_date"].split("/"))
        fiscal = year + 1 if month >= 10 else year
        amount = Decimal(row["federal_action_obligation"])
        per_year[fiscal] += amount
        per_recipient[recipient_key(row)] += amount
    return dict(per_year), dict(per_recipient)


def rows_local_gov() -> dict[str, dict[str, str]]:
    """Award summary rows by award key (12 awards are in both files, identical)."""
    found: dict[str, dict[str, str]] = {}
    for name in LOCAL_GOV_FILES:
        with (ICE_LOCAL_GOV / name).open(newline="", encoding="utf-8") as stream:
            for row in csv.DictReader(stream):
                found[row["contract_award_unique_key"]] = row
    return found


def totals_local_gov() -> tuple[dict[int, Decimal], dict[str, Decimal]]:
    """Total obligated per fiscal year of the latest action, and per recipient."""
    per_year: defaultdict[int, Decimal] = defaultdict(Decimal)
    per_recipient: defaultdict[str, Decimal] = defaultdict(Decimal)
    for row in rows_local_gov().values():
        amount = Decimal(row["total_obligated_amount"])
        per_year[int(row["award_latest_action_date_fiscal_year"])] += amount
        per_recipient[recipient_key(row)] += amount
    return dict(per_year), dict(per_recipient)


def fiscal_year(day: dt.date) -> int:
    return day.year + 1 if day.month >= 10 else day.year


def table_counts(path: Path) -> dict[str, Any]:
    """Rows of every table of a store (to show that nothing changed)."""
    engine = Engine(path, read_only=True)
    try:
        names = [
            row[0]
            for row in engine.connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                "ORDER BY 1"
            ).fetchall()
        ]
        counts: dict[str, Any] = {n: engine.scalar(f"SELECT count(*) FROM {n}") for n in names}
        counts["open versions"] = engine.scalar(
            "SELECT count(*) FROM contract_award WHERE record_to IS NULL"
        )
        return counts
    finally:
        engine.close()
