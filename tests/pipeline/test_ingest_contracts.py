"""USAspending CSVs into the store: the real ICE files of 2018 and today's layout agree to the
cent with sums made independently from the files, match the reference reader record for record,
and ingesting again changes nothing."""

from __future__ import annotations

import dataclasses
import shutil
import zipfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.contracts import (
    AGENCY_LIST,
    FY_FILES,
    ICE_2018,
    ICE_LOCAL_GOV,
    build,
    rows_local_gov,
    table_counts,
    totals_2018,
    totals_local_gov,
)
from whosbehind.model.contracts import Award, Transaction
from whosbehind.pipeline.contracts.ingest import ingest_agencies, ingest_usaspending
from whosbehind.sources.usaspending.csv_reader import iter_csv_records
from whosbehind.store.engine import Engine


def test_fy13_to_fy18_totals_per_fiscal_year_agree_to_the_cent(ice_store: Path) -> None:
    per_year, _ = totals_2018()
    engine = Engine(ice_store, read_only=True)
    stored = dict(
        engine.connection.execute(
            "SELECT fiscal_year, sum(federal_action_obligation) FROM contract_transaction "
            "WHERE record_to IS NULL GROUP BY 1"
        ).fetchall()
    )
    engine.close()
    assert stored == per_year
    assert stored[2018] == Decimal("343840113.41")
    assert sum(stored.values()) == Decimal("832205941.18")


def test_fy13_to_fy18_totals_per_recipient_agree_to_the_cent(ice_store: Path) -> None:
    _, per_recipient = totals_2018()
    engine = Engine(ice_store, read_only=True)
    stored = dict(
        engine.connection.execute(
            "SELECT coalesce(recipient_duns, recipient_uei, 'name:' || upper(recipient_name)), "
            "sum(federal_action_obligation) FROM contract_transaction GROUP BY 1"
        ).fetchall()
    )
    engine.close()
    assert stored == per_recipient
    assert len(stored) > 1000


def test_the_fast_reader_matches_the_reference_reader(ice_store: Path) -> None:
    """DuckDB's read of every file equals ``csv_reader``'s, field for field."""
    transactions: set[tuple[object, ...]] = set()
    awards: dict[tuple[object, ...], Award] = {}
    for name in FY_FILES:
        for record in iter_csv_records(ICE_2018 / name):
            if isinstance(record, Transaction):
                transactions.add(
                    (
                        record.award_key,
                        record.modification_number,
                        record.transaction_number,
                        record.action_date,
                        record.fiscal_year,
                        record.federal_action_obligation,
                        record.action_type,
                        record.action_type_description,
                    )
                )
            elif isinstance(record, Award):
                awards[(record.award_key, record.latest_action_date)] = record
    engine = Engine(ice_store, read_only=True)
    stored = set(
        engine.connection.execute(
            "SELECT award_key, modification_number, transaction_number, action_date, "
            "fiscal_year, federal_action_obligation, action_type, action_type_description "
            "FROM contract_transaction"
        ).fetchall()
    )
    assert stored == transactions
    fields = [f.name for f in dataclasses.fields(Award) if f.name != "locator"]
    rows = engine.rows(f"SELECT {', '.join(fields)} FROM contract_award")
    engine.close()
    assert len(rows) == len(awards) == 5672
    for row in rows:
        reference = awards[(row["award_key"], row["latest_action_date"])]
        assert row == {name: getattr(reference, name) for name in fields}, row["award_key"]


def test_snapshots_cite_each_file_with_its_hash(ice_store: Path) -> None:
    engine = Engine(ice_store, read_only=True)
    snapshots = engine.rows(
        "SELECT locator, sha256, status, error FROM snapshot WHERE feed = 'usaspending-csv' "
        "ORDER BY locator"
    )
    raw = engine.rows("SELECT sha256, stored_sha256, encoding FROM raw_object")
    engine.close()
    stored = {Path(s["locator"]).name: s for s in snapshots if s["status"] == "ok"}
    assert sorted(stored) == list(FY_FILES)
    assert stored["fy18.csv"]["sha256"].startswith("61c70707602705bd")
    skipped = {Path(s["locator"]).name: s["error"] for s in snapshots if s["status"] == "skipped"}
    assert skipped["freezer.csv"] == "no known layout (14 columns)"
    copies = {r["sha256"]: r for r in raw}
    # small files are copied, with phone and fax numbers blanked (so the copy's hash differs)
    assert copies[stored["fy18.csv"]["sha256"]]["encoding"] == "csv+gzip, redacted"
    assert copies[stored["fy18.csv"]["sha256"]]["stored_sha256"] != stored["fy18.csv"]["sha256"]


def test_ingesting_again_changes_nothing(ice_store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "again.duckdb"
    shutil.copy(ice_store, copy)
    before = table_counts(copy)
    engine = Engine(copy)
    summary = ingest_usaspending(engine, ICE_2018)
    engine.close()
    assert summary.already_seen == 15 and summary.snapshots_stored == 0
    assert table_counts(copy) == before
    # the same bytes under another name: a new snapshot, but not one new version
    renamed = tmp_path / "fy18-copy.csv"
    shutil.copy(ICE_2018 / "fy18.csv", renamed)
    engine = Engine(copy)
    summary = ingest_usaspending(engine, renamed)
    engine.close()
    assert summary.already_seen == 1 and summary.transactions_inserted == 0


def test_new_bytes_with_the_same_records_store_no_new_version(
    ice_store: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "store.duckdb"
    shutil.copy(ice_store, copy)
    lines = (ICE_2018 / "fy18.csv").read_bytes().split(b"\n")
    reordered = tmp_path / "fy18-reordered.csv"
    reordered.write_bytes(b"\n".join(reversed([line for line in lines if line])) + b"\n")
    engine = Engine(copy)
    summary = ingest_usaspending(engine, reordered)
    engine.close()
    assert summary.snapshots_stored == 1 and summary.rows_read == 2203
    assert summary.transactions_inserted == summary.awards_inserted == 0


def test_an_older_archive_adds_history_before_what_is_stored(tmp_path: Path) -> None:
    """Record time comes from the publication date in the file name (when it is later than the
    rows' newest modification): an archive of 2018-07-10 ingested after a copy of the same
    records published 2018-08-01 slots in before it."""
    rows = (ICE_2018 / "fy18.csv").read_bytes()
    newer = tmp_path / "FY2018_7012_Contracts_Full_20180801.csv"
    newer.write_bytes(rows)
    older = tmp_path / "FY2018_7012_Contracts_Full_20180710.csv"
    older.write_bytes(rows + b"\n")
    engine = Engine(tmp_path / "store.duckdb")
    ingest_usaspending(engine, newer)
    summary = ingest_usaspending(engine, older)
    when = engine.scalar("SELECT record_time FROM snapshot WHERE locator = ?", [str(older)])
    live_then = engine.scalar(
        "SELECT count(*) FROM contract_transaction WHERE fiscal_year = 2018 "
        "AND record_from <= ? AND (record_to IS NULL OR record_to > ?)",
        [when, when],
    )
    live_now = engine.scalar(
        "SELECT count(*) FROM contract_transaction WHERE fiscal_year = 2018 AND record_to IS NULL"
    )
    engine.close()
    assert when.isoformat() == "2018-07-10T23:59:59+00:00"
    assert summary.transactions_inserted == 2203 and summary.versions_closed == 0
    assert live_then == live_now == 2203


def test_current_layout_totals_agree_to_the_cent(local_gov_store: Path) -> None:
    per_year, per_recipient = totals_local_gov()
    engine = Engine(local_gov_store, read_only=True)
    stored_years = dict(
        engine.connection.execute(
            "SELECT fiscal_year, sum(total_obligation) FROM contract_award WHERE counts GROUP BY 1"
        ).fetchall()
    )
    stored_recipients = dict(
        engine.connection.execute(
            "SELECT coalesce(recipient_duns, recipient_uei, 'name:' || upper(recipient_name)), "
            "sum(total_obligation) FROM contract_award WHERE counts GROUP BY 1"
        ).fetchall()
    )
    awards = engine.scalar("SELECT count(*) FROM contract_award WHERE latest")
    engine.close()
    assert stored_years == per_year
    assert stored_recipients == per_recipient
    assert awards == len(rows_local_gov()) == 1039  # 12 awards are in both files


def test_a_zip_archive_is_read_member_by_member(tmp_path: Path) -> None:
    archive = tmp_path / "FY2014_7012_Contracts_Full_20180801.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(ICE_2018 / "fy13.csv", "fy13.csv")
        bundle.write(ICE_2018 / "fy14.csv", "fy14.csv")
        bundle.writestr("readme.txt", "About these files")
    engine = Engine(tmp_path / "zip.duckdb")
    summary = ingest_usaspending(engine, archive)
    locators = engine.rows("SELECT locator, record_time FROM snapshot ORDER BY locator")
    total = engine.scalar("SELECT sum(federal_action_obligation) FROM contract_transaction")
    engine.close()
    assert summary.snapshots_stored == 2 and summary.transactions_inserted == 157 + 193
    assert [Path(r["locator"]).name for r in locators] == [
        "FY2014_7012_Contracts_Full_20180801.zip!fy13.csv",
        "FY2014_7012_Contracts_Full_20180801.zip!fy14.csv",
    ]
    assert {r["record_time"].date().isoformat() for r in locators} == {"2018-08-01"}
    per_year, _ = totals_2018()
    assert total == per_year[2013] + per_year[2014]


def test_both_layouts_in_one_store_count_each_award_once(tmp_path: Path) -> None:
    """Awards in the 2018 export and in today's summaries: their transactions count, and their
    summary totals do not (they would count the same money twice)."""
    path = tmp_path / "both.duckdb"
    build(path, ICE_2018, ICE_LOCAL_GOV, agencies=False)
    with_transactions = {
        record.award_key
        for name in FY_FILES
        for record in iter_csv_records(ICE_2018 / name)
        if isinstance(record, Transaction)
    }
    summaries = rows_local_gov()
    overlap = set(summaries) & with_transactions
    per_year, _ = totals_2018()
    expected = sum(per_year.values(), Decimal(0)) + sum(
        (Decimal(row["total_obligated_amount"]) for k, row in summaries.items()
         if k not in overlap),
        Decimal(0),
    )  # fmt: skip
    engine = Engine(path, read_only=True)
    counted = engine.scalar("SELECT count(*) FROM contract_award WHERE counts")
    total = engine.scalar(
        "SELECT (SELECT sum(federal_action_obligation) FROM contract_transaction) + "
        "(SELECT sum(total_obligation) FROM contract_award WHERE counts)"
    )
    engine.close()
    assert len(overlap) == 62
    assert counted == 1039 - len(overlap)
    assert total == expected


def test_the_agency_list(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "agencies.duckdb")
    summary = ingest_agencies(engine, AGENCY_LIST)
    again = ingest_agencies(engine, AGENCY_LIST)
    rows = engine.rows(
        "SELECT subtier_code, subtier_name, toptier_code, department_id FROM contract_agency "
        "WHERE subtier_code IN ('7012', '7000') ORDER BY 1"
    )
    when = engine.scalar("SELECT record_time FROM snapshot WHERE feed = 'usaspending-agencies'")
    engine.close()
    assert summary.other_inserted == 1475 and again.already_seen == 1
    assert rows == [
        {"subtier_code": "7000", "subtier_name": "Department of Homeland Security",
         "toptier_code": "070", "department_id": "7000"},
        {"subtier_code": "7012", "subtier_name": "U.S. Immigration and Customs Enforcement",
         "toptier_code": "070", "department_id": "7000"},
    ]  # fmt: skip
    assert when.date().isoformat() == "2019-06-13"


def test_per_award_sums_of_transactions(ice_store: Path) -> None:
    """The 2018 export holds one row per award and fiscal year; an award's money is the sum."""
    expected: defaultdict[str, Decimal] = defaultdict(Decimal)
    for name in FY_FILES:
        for record in iter_csv_records(ICE_2018 / name):
            if isinstance(record, Transaction):
                expected[record.award_key] += record.federal_action_obligation
    engine = Engine(ice_store, read_only=True)
    stored = dict(
        engine.connection.execute(
            "SELECT award_key, sum(federal_action_obligation) FROM contract_transaction GROUP BY 1"
        ).fetchall()
    )
    engine.close()
    assert stored == dict(expected)
    assert stored["CONT_IDV_HSCETC14C00002_7012"] == Decimal("2053653.84")


def test_memory_can_be_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a small memory limit DuckDB spills to disk; the result is the same."""
    monkeypatch.setenv("WHOSBEHIND_MEMORY_LIMIT", "64MB")
    engine = Engine(tmp_path / "small.duckdb")
    summary = ingest_usaspending(engine, ICE_2018 / "fy18.csv")
    limit = engine.scalar("SELECT current_setting('memory_limit')")
    total = engine.scalar("SELECT sum(federal_action_obligation) FROM contract_transaction")
    engine.close()
    assert summary.transactions_inserted == 2203 and limit.startswith("61")
    assert total == totals_2018()[0][2018]
