"""Versions of contract records: a change adds a version and closes the old one, the same record
again changes nothing, a late (older) file slots in before newer versions, and an award's
``latest``/``counts`` flags follow its records. Real records from fy14.csv."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.contracts import ICE_2018
from whosbehind.model.contracts import Award, Transaction
from whosbehind.model.timeutil import UTC
from whosbehind.pipeline.contracts.records import batch_from_records, merge_batch
from whosbehind.sources.usaspending.csv_reader import iter_csv_records
from whosbehind.store.contracts.schema import AWARDS, TRANSACTIONS, create_contract_tables
from whosbehind.store.engine import Engine
from whosbehind.store.schema import create_all

T1 = dt.datetime(2018, 7, 1, tzinfo=UTC)
T2 = dt.datetime(2019, 7, 1, tzinfo=UTC)
T0 = dt.datetime(2017, 7, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def records() -> list[Award | Transaction]:
    found = [
        r for r in iter_csv_records(ICE_2018 / "fy14.csv") if isinstance(r, Award | Transaction)
    ]
    assert len(found) == 2 * 193
    return found


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    opened = Engine(tmp_path / "versions.duckdb")
    create_all(opened)
    create_contract_tables(opened)
    return opened


def merge(engine: Engine, records: list[Award | Transaction], seq: int, when: dt.datetime):
    batch = batch_from_records(
        records, file="fy14.csv", grain="transaction", record_date=when.date()
    )
    with engine.transaction():
        return merge_batch(engine, batch, "usaspending-csv", seq, when)


def live(engine: Engine, table: str, when: dt.datetime | None = None) -> int:
    if when is None:
        return int(engine.scalar(f"SELECT count(*) FROM {table} WHERE record_to IS NULL"))
    return int(
        engine.scalar(
            f"SELECT count(*) FROM {table} WHERE record_from <= ? "
            "AND (record_to IS NULL OR record_to > ?)",
            [when, when],
        )
    )


def test_first_merge_inserts_every_record(engine: Engine, records: list) -> None:
    counts = merge(engine, records, 1, T1)
    assert (counts.transactions.inserted, counts.awards.inserted) == (193, 193)
    assert counts.closed == 0
    assert live(engine, TRANSACTIONS.name) == 193
    assert engine.scalar("SELECT count(*) FROM contract_award WHERE latest") == 193
    # awards read with their transactions never count their stated totals
    assert engine.scalar("SELECT count(*) FROM contract_award WHERE counts") == 0


def test_the_same_records_again_change_nothing(engine: Engine, records: list) -> None:
    merge(engine, records, 1, T1)
    counts = merge(engine, records, 2, T2)
    assert counts.inserted == 0 and counts.closed == 0
    assert engine.scalar("SELECT count(*) FROM contract_transaction") == 193


def test_a_changed_record_adds_a_version_and_closes_the_old(engine: Engine, records: list) -> None:
    merge(engine, records, 1, T1)
    first = next(r for r in records if isinstance(r, Transaction))
    changed = dataclasses.replace(first, federal_action_obligation=Decimal("1.23"))
    counts = merge(engine, [changed], 2, T2)
    assert (counts.transactions.inserted, counts.transactions.closed) == (1, 1)
    versions = engine.rows(
        "SELECT federal_action_obligation AS amount, record_from, record_to FROM "
        "contract_transaction WHERE award_key = ? AND modification_number = ? "
        "ORDER BY record_from",
        [first.award_key, first.modification_number],
    )
    assert [v["amount"] for v in versions] == [first.federal_action_obligation, Decimal("1.23")]
    assert versions[0]["record_to"] == versions[1]["record_from"] == T2
    assert versions[1]["record_to"] is None
    assert live(engine, TRANSACTIONS.name, T1) == 193 and live(engine, TRANSACTIONS.name) == 193


def test_an_older_file_slots_in_before_the_newer_versions(engine: Engine, records: list) -> None:
    merge(engine, records, 1, T1)
    first = next(r for r in records if isinstance(r, Transaction))
    older = dataclasses.replace(first, federal_action_obligation=Decimal("7.00"))
    counts = merge(engine, [older], 2, T0)  # an archive made before what the store holds
    assert counts.transactions.inserted == 1 and counts.transactions.closed == 0
    at = engine.rows(
        "SELECT federal_action_obligation AS amount, record_to FROM contract_transaction "
        "WHERE award_key = ? AND modification_number = ? ORDER BY record_from",
        [first.award_key, first.modification_number],
    )
    assert at == [
        {"amount": Decimal("7.00"), "record_to": T1},
        {"amount": first.federal_action_obligation, "record_to": None},
    ]


def test_duplicate_keys_in_one_batch_keep_the_last(engine: Engine, records: list) -> None:
    first = next(r for r in records if isinstance(r, Transaction))
    again = dataclasses.replace(first, federal_action_obligation=Decimal("5.00"))
    counts = merge(engine, [first, again], 1, T1)
    assert counts.transactions.duplicates == 1 and counts.transactions.inserted == 1
    assert engine.scalar("SELECT federal_action_obligation FROM contract_transaction") == Decimal(
        "5.00"
    )


def test_latest_award_record_and_summary_totals(engine: Engine, records: list) -> None:
    award = next(r for r in records if isinstance(r, Award))
    summary = dataclasses.replace(award, latest_action_date=dt.date(2015, 1, 1))
    batch = batch_from_records([award], file="api", grain="award", record_date=T1.date())
    later = batch_from_records([summary], file="api", grain="award", record_date=T1.date())
    with engine.transaction():
        merge_batch(engine, batch, "usaspending-api", 1, T1)
    assert engine.rows("SELECT latest, counts FROM contract_award") == [
        {"latest": True, "counts": True}
    ]
    with engine.transaction():
        merge_batch(engine, later, "usaspending-api", 2, T2)
    flags = engine.rows(f"SELECT as_of, latest, counts FROM {AWARDS.name} ORDER BY as_of")
    assert flags == [
        {"as_of": award.latest_action_date, "latest": False, "counts": False},
        {"as_of": dt.date(2015, 1, 1), "latest": True, "counts": True},
    ]
    # its transactions arrive: the stated total no longer counts, the transactions do
    transaction = next(
        r for r in records if isinstance(r, Transaction) and r.award_key == award.award_key
    )
    merge(engine, [transaction], 3, T2)
    assert engine.scalar("SELECT count(*) FROM contract_award WHERE counts") == 0


def test_an_interrupted_merge_leaves_nothing(engine: Engine, records: list) -> None:
    batch = batch_from_records(records, file="fy14.csv", grain="transaction", record_date=T1.date())
    with pytest.raises(RuntimeError), engine.transaction():
        merge_batch(engine, batch, "usaspending-csv", 1, T1)
        raise RuntimeError("killed")
    assert engine.scalar("SELECT count(*) FROM contract_transaction") == 0
    assert engine.scalar("SELECT count(*) FROM contract_award") == 0
