"""Records read in Python (API responses, FPDS pages, the agency list, CSV rows the reference
reader recovered) turned into staged tables and merged into the versioned contract tables.

Amounts travel to the engine as text and are cast there to DECIMAL(38,2); an amount with
fractions of a cent cannot be stored exactly and sends its record to quarantine.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyarrow as pa

from whosbehind.model.agencies import Agency
from whosbehind.model.contracts import (
    Award,
    ContractRecord,
    Quarantined,
    Recipient,
    Transaction,
    fiscal_year,
)
from whosbehind.store.contracts.schema import (
    AGENCIES,
    AWARDS,
    RECIPIENTS,
    TRANSACTION_ATTRIBUTES,
    TRANSACTIONS,
    TableSpec,
    sql_type,
)
from whosbehind.store.contracts.snapshots import drop_tables, stage_arrow
from whosbehind.store.contracts.versions import (
    MergeCounts,
    award_flags_on_insert,
    awards_now_with_transactions,
    merge_versions,
    refresh_award_flags,
)
from whosbehind.store.engine import Engine

CENT = Decimal("0.01")
_LIMIT = Decimal(10) ** 28
_POSITION = re.compile(r"(?:results|entry)\[(\d+)\]|L(\d+)")
_ARROW = {
    "text": pa.string(),
    "date": pa.date32(),
    "int": pa.int64(),
    "money": pa.string(),
    "bool": pa.bool_(),
}


def storable(amount: Decimal | None) -> bool:
    return amount is None or (abs(amount) < _LIMIT and amount == amount.quantize(CENT))


def position_of(locator: str) -> str | None:
    """The record's place in its snapshot: what follows ``#`` in a reader's locator."""
    return locator.split("#", 1)[1] if "#" in locator else None


def line_of(locator: str) -> int:
    """A 1-based position for a quarantine row: the file line, or the result/entry number."""
    found = _POSITION.search(position_of(locator) or "")
    if not found:
        return 0
    return int(found.group(1)) + 1 if found.group(1) is not None else int(found.group(2))


@dataclass
class RecordBatch:
    """Rows for each contract table from one snapshot, and what could not be stored."""

    awards: list[dict[str, Any]] = field(default_factory=list)
    transactions: list[dict[str, Any]] = field(default_factory=list)
    recipients: list[dict[str, Any]] = field(default_factory=list)
    agencies: list[dict[str, Any]] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.awards or self.transactions or self.recipients or self.agencies)


def batch_from_records(
    records: Iterable[ContractRecord | Recipient | Agency],
    *,
    file: str,
    grain: str,
    record_date: dt.date,
) -> RecordBatch:
    """``grain`` is ``award`` when award records state totals (API), ``transaction`` when they
    come with their transactions (FPDS, CSV rows)."""
    batch = RecordBatch()
    items = list(records)
    latest: dict[str, Award] = {}
    for item in items:
        if isinstance(item, Award):
            previous = latest.get(item.award_key)
            if previous is None or (item.latest_action_date or dt.date.min) >= (
                previous.latest_action_date or dt.date.min
            ):
                latest[item.award_key] = item
    for item in items:
        if isinstance(item, Quarantined):
            batch.quarantined.append(item)
        elif isinstance(item, Award):
            bad = _unstorable(item, ("total_obligation", "base_and_exercised"))
            bad = bad or _unstorable(item, ("potential_total_value",))
            if bad:
                batch.quarantined.append(_cent_quarantine(file, item.locator, bad, item.piid))
            else:
                batch.awards.append(award_row(item, grain, record_date))
        elif isinstance(item, Transaction):
            if not storable(item.federal_action_obligation):
                batch.quarantined.append(
                    _cent_quarantine(
                        file, item.locator, "federal_action_obligation", item.award_key
                    )
                )
            else:
                batch.transactions.append(transaction_row(item, latest.get(item.award_key)))
        elif isinstance(item, Recipient):
            batch.recipients.append(_plain(item))
        elif isinstance(item, Agency):
            batch.agencies.append(_plain(item))
    return batch


def _unstorable(award: Award, names: tuple[str, ...]) -> str | None:
    return next((name for name in names if not storable(getattr(award, name))), None)


def _cent_quarantine(file: str, locator: str, name: str, what: str) -> Quarantined:
    return Quarantined(
        file,
        line_of(locator),
        name,
        "amount has fractions of a cent: it cannot be stored exactly as dollars and cents",
        f"record={what!r}"[:240],
    )


def _plain(item: Recipient | Agency) -> dict[str, Any]:
    row = {f.name: getattr(item, f.name) for f in dataclasses.fields(item) if f.name != "locator"}
    row["position"] = position_of(getattr(item, "locator", "") or "")
    return row


def award_row(award: Award, grain: str, record_date: dt.date) -> dict[str, Any]:
    row = {f.name: getattr(award, f.name) for f in dataclasses.fields(award)}
    row.pop("locator")
    as_of = award.latest_action_date or award.base_action_date or record_date
    row.update(as_of=as_of, fiscal_year=fiscal_year(as_of), grain=grain)
    row["position"] = position_of(award.locator)
    return row


def transaction_row(transaction: Transaction, award: Award | None) -> dict[str, Any]:
    row = {f.name: getattr(transaction, f.name) for f in dataclasses.fields(transaction)}
    row.pop("locator")
    for name, _ in TRANSACTION_ATTRIBUTES:
        row[name] = getattr(award, name) if award is not None else None
    row["attributes_stated"] = award is not None
    row["position"] = position_of(transaction.locator)
    return row


def arrow_table(spec: TableSpec, rows: list[dict[str, Any]], first_ord: int = 0) -> pa.Table:
    columns: dict[str, pa.Array] = {}
    for name, kind in spec.data:
        values = [row.get(name) for row in rows]
        if kind == "money":
            values = [None if v is None else str(v) for v in values]
        columns[name] = pa.array(values, type=_ARROW[kind])
    columns["position"] = pa.array([row.get("position") for row in rows], type=pa.string())
    ordinals = [row.get("_ord", first_ord + index) for index, row in enumerate(rows)]
    columns["_ord"] = pa.array(ordinals, type=pa.int64())
    return pa.table(columns)


def stage_rows(engine: Engine, name: str, spec: TableSpec, rows: list[dict[str, Any]]) -> None:
    casts = {n: sql_type(kind, engine.dialect) for n, kind in spec.data if kind == "money"}
    stage_arrow(engine, name, arrow_table(spec, rows), casts)


@dataclass
class BatchCounts:
    awards: MergeCounts = field(default_factory=MergeCounts)
    transactions: MergeCounts = field(default_factory=MergeCounts)
    recipients: MergeCounts = field(default_factory=MergeCounts)
    agencies: MergeCounts = field(default_factory=MergeCounts)

    @property
    def inserted(self) -> int:
        return sum(
            c.inserted for c in (self.awards, self.transactions, self.recipients, self.agencies)
        )

    @property
    def closed(self) -> int:
        return sum(
            c.closed for c in (self.awards, self.transactions, self.recipients, self.agencies)
        )


def merge_batch(
    engine: Engine, batch: RecordBatch, feed: str, seq: int, record_time: dt.datetime
) -> BatchCounts:
    """Merge every table of ``batch`` (call inside a transaction)."""
    counts = BatchCounts()
    steps: list[tuple[TableSpec, list[dict[str, Any]], MergeCounts]] = [
        (TRANSACTIONS, batch.transactions, counts.transactions),
        (AWARDS, batch.awards, counts.awards),
        (RECIPIENTS, batch.recipients, counts.recipients),
        (AGENCIES, batch.agencies, counts.agencies),
    ]
    for spec, rows, target in steps:
        if not rows:
            continue
        stage_rows(engine, "_staged_records", spec, rows)
        extra = award_flags_on_insert() if spec is AWARDS else None
        target.add(merge_versions(engine, spec, "_staged_records", feed, seq, record_time, extra))
        if spec is TRANSACTIONS:
            awards_now_with_transactions(engine, feed, seq)
        if spec is AWARDS:
            refresh_award_flags(engine, feed, seq)
    drop_tables(engine, ["_staged_records"])
    return counts
