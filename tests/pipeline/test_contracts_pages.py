"""FPDS ATOM pages and USAspending API responses (recorded, and replayed by a live local server)
into the store, each response a snapshot, every record citable."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import httpx

from tests.support.contracts import API_RESPONSES, FPDS_PAGES, fiscal_year
from tests.support.replay_server import ReplayServer, UsaspendingReplay
from whosbehind.pipeline.contracts.ingest import (
    ingest_fpds,
    ingest_usaspending,
    ingest_usaspending_api,
)
from whosbehind.store.engine import Engine

FPDS = "{https://www.fpds.gov/FPDS}"
ATOM = "{http://www.w3.org/2005/Atom}"


def fpds_totals(page: Path) -> dict[int, Decimal]:
    """Obligations per fiscal year of the signed date, read with ElementTree alone."""
    totals: defaultdict[int, Decimal] = defaultdict(Decimal)
    for entry in ET.parse(page).getroot().iter(f"{ATOM}entry"):
        signed = entry.find(f".//{FPDS}relevantContractDates/{FPDS}signedDate")
        amount = entry.find(f".//{FPDS}dollarValues/{FPDS}obligatedAmount")
        assert signed is not None and amount is not None and signed.text and amount.text
        totals[fiscal_year(dt.date.fromisoformat(signed.text[:10]))] += Decimal(amount.text)
    return dict(totals)


def test_fpds_pages_ingest_with_citations(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "fpds.duckdb")
    summary = ingest_fpds(engine, FPDS_PAGES)
    stored = dict(
        engine.connection.execute(
            "SELECT fiscal_year, sum(federal_action_obligation) FROM contract_transaction "
            "WHERE record_to IS NULL GROUP BY 1"
        ).fetchall()
    )
    cited = engine.rows(
        "SELECT s.locator, s.sha256, s.kind, t.position FROM contract_transaction t "
        "JOIN snapshot s ON s.feed = t.feed AND s.seq = t.seq WHERE t.record_to IS NULL "
        "ORDER BY t.position"
    )
    raw = engine.rows("SELECT sha256, encoding, content FROM raw_object")
    engine.close()
    # truncated_response.xml repeats the first entry of full_response.xml; its record time (its
    # entry's <modified>) is before the full page's (its newest entry's), so that statement is
    # a version slotted in before the full page's (same values), which stays the live one
    assert summary.snapshots_stored == 2 and summary.transactions_inserted == 11
    assert summary.rows_quarantined == 0
    assert stored == fpds_totals(FPDS_PAGES / "full_response.xml")
    assert {Path(c["locator"]).name for c in cited} == {"full_response.xml"}
    assert all(c["position"].startswith("entry[") for c in cited)
    assert {r["encoding"] for r in raw} == {"xml+gzip, redacted"}


def test_recorded_api_responses_ingest_with_citations(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "api.duckdb")
    summary = ingest_usaspending(engine, API_RESPONSES / "awards")
    detail = json.loads((API_RESPONSES / "awards" / "contract.json").read_text())
    award = engine.rows(
        "SELECT a.total_obligation, a.potential_total_value, a.recipient_name, a.position, "
        "s.locator, s.sha256 FROM contract_award a JOIN snapshot s USING (feed, seq) "
        "WHERE a.award_key = ? AND s.locator LIKE '%contract.json'",
        [detail["generated_unique_award_id"]],
    )
    transactions = engine.rows(
        "SELECT award_key, modification_number, federal_action_obligation AS amount, "
        "attributes_stated FROM contract_transaction ORDER BY modification_number"
    )
    engine.close()
    skipped = {Path(name).name for name, _ in summary.skipped_files}
    assert skipped == {
        "accounts.json",
        "award_funding_grant.json",
        "grant.json",
        "loan.json",
        "search_results_subawards.json",  # subawards are not prime awards
    }
    assert summary.failed == 0 and summary.rows_quarantined == 0
    (row,) = award
    assert row["total_obligation"] == Decimal(str(detail["total_obligation"]))
    assert row["recipient_name"] == detail["recipient"]["recipient_name"]
    assert row["locator"].endswith("awards/contract.json") and len(row["sha256"]) == 64
    recorded = json.loads((API_RESPONSES / "awards" / "transactions.json").read_text())
    expected = {
        (r["modification_number"], Decimal(str(r["federal_action_obligation"])))
        for r in recorded["results"]
    }
    assert {(t["modification_number"], t["amount"]) for t in transactions} == expected
    assert {t["award_key"] for t in transactions} == {"CONT_AWD_80GSFC18C0008_8000_-NONE-_-NONE-"}
    assert not any(t["attributes_stated"] for t in transactions)


def test_responses_that_hold_no_contract_records_are_skipped_and_named(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "api.duckdb")
    summary = ingest_usaspending(engine, API_RESPONSES)
    engine.close()
    reasons = dict(summary.skipped_files)
    by_name = {Path(name).name: reason for name, reason in reasons.items()}
    assert "totals by recipient" in by_name["spending_by_recipient.json"]
    assert "agency.json" in by_name and summary.rows_quarantined == 0
    assert summary.snapshots_stored == 2  # the award search page and the recipient profile


def test_the_live_api_through_a_replaying_server(tmp_path: Path) -> None:
    replay = UsaspendingReplay(API_RESPONSES)
    state = tmp_path / "sync.json"
    with ReplayServer(replay) as server, httpx.Client(timeout=5.0) as client:
        engine = Engine(tmp_path / "live.duckdb")
        first = ingest_usaspending_api(
            engine, "8000", dt.date(2017, 10, 1), dt.date(2018, 9, 30),
            client=client, base_url=server.base_url, state_path=state,
        )  # fmt: skip
        cited = engine.rows(
            "SELECT DISTINCT s.locator, s.kind FROM contract_transaction t "
            "JOIN snapshot s USING (feed, seq)"
        )
        awards = engine.scalar("SELECT count(DISTINCT award_key) FROM contract_award")
        engine.close()
    assert first.snapshots_stored == first.snapshots_read - first.already_seen > 10
    assert first.failed == 0 and first.transactions_inserted > 0 and awards >= 8
    assert all("/api/v2/transactions/#" in c["locator"] and c["kind"] == "url" for c in cited)
    assert state.exists()
