"""The ingest functions of the public API: sources or live queries, progress, counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import whosbehind as wb
from tests.conftest import legacy_snapshots
from tests.support.contracts import AGENCY_LIST


def test_a_contract_query_takes_dates_or_text_and_refuses_a_reversed_range() -> None:
    query = wb.ContractQuery.between("7012", "2018-01-01", dt.date(2018, 3, 31))
    assert query == wb.ContractQuery("7012", dt.date(2018, 1, 1), dt.date(2018, 3, 31))
    with pytest.raises(wb.UsageError, match=r"--to \(2017-12-31\) is before --from"):
        wb.ContractQuery.between("7012", "2018-01-01", "2017-12-31")


def test_ingests_write_a_store_and_report_progress(tmp_path: Path) -> None:
    folder = tmp_path / "snapshots"
    folder.mkdir()
    picked = legacy_snapshots(every=1500)
    for number, raw in enumerate(picked):
        (folder / f"{number:03}.json").write_bytes(raw.content)
    seen: list[int] = []
    with wb.open_store(tmp_path / "store.duckdb", read_only=False) as engine:
        summary = wb.ingest_fedramp(
            engine, str(folder), progress=lambda running: seen.append(running.snapshots_read)
        )
        agencies = wb.ingest_agencies(engine, AGENCY_LIST)
    assert summary.snapshots_read == len(picked) == len(seen) and seen == sorted(seen)
    assert summary.failed == 0 and agencies.snapshots_stored == 1
    with wb.open_store(tmp_path / "store.duckdb") as engine:
        assert wb.find_agency(engine, "7012").subtier_codes == {"7012"}
