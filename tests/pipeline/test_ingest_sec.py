"""The SEC ticker files as snapshots: stored with their sha256, public locator and record time,
read once, isolated when bad, held when they would remove most registrants; resolve's SEC
records read from the store equal those the folder reader makes, and every citation resolves
to the record it names."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

from tests.conftest import SHARED_DATA
from whosbehind.export.cite import cited_record
from whosbehind.model.orgs import OrgRecord
from whosbehind.pipeline.ingest_sec import ingest_sec
from whosbehind.resolve.records import collect_records, sec_records
from whosbehind.sources.sec.company_tickers import sec_org_records
from whosbehind.store.engine import Engine

SEC = SHARED_DATA / "sec"
NAMES = ("company_tickers.json", "company_tickers_exchange.json")


def _no_git(repo: Path, commit: str, path: str) -> bytes:
    raise AssertionError("an SEC file's bytes are kept in the store, never read from git")


def _ciks(name: str) -> int:
    data = json.loads((SEC / name).read_bytes())
    if "data" in data:
        return len({row[0] for row in data["data"]})
    return len({record["cik_str"] for record in data.values()})


def test_each_file_is_one_snapshot_with_its_hash_locator_and_time(tmp_db: Path) -> None:
    engine = Engine(tmp_db)
    try:
        summary = ingest_sec(engine, str(SEC))
        rows = engine.rows(
            "SELECT feed, seq, status, public_locator, sha256, record_time, inserted "
            "FROM snapshot ORDER BY feed"
        )
        again = ingest_sec(engine, str(SEC))
        stored_raw = engine.scalar("SELECT count(*) FROM raw_object")
    finally:
        engine.close()
    assert summary.snapshots_stored == 2 and summary.failed == 0 and not summary.errors
    assert again.already_seen == 2 and again.snapshots_stored == 0
    assert stored_raw == 2
    by_name = {row["public_locator"]: row for row in rows}
    assert set(by_name) == set(NAMES)
    for name in NAMES:
        row, path = by_name[name], SEC / name
        assert row["status"] == "ok" and row["seq"] == 1
        assert row["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        assert row["record_time"].replace(tzinfo=dt.UTC) == mtime.replace(tzinfo=dt.UTC)
        assert row["inserted"] == _ciks(name)


def test_records_from_the_store_equal_the_folder_reader_and_cite_their_record(
    tmp_db: Path,
) -> None:
    engine = Engine(tmp_db)
    try:
        ingest_sec(engine, str(SEC))
        stored = sec_records(engine)
        collected = [r for r in collect_records(engine) if r.source == "sec"]
        sample = stored[:: max(1, len(stored) // 25)]
        cited = {r.cik: cited_record(engine, str(r.citation).split()[0], _no_git) for r in sample}
    finally:
        engine.close()
    expected = sec_org_records(SEC)

    def plain(records: list[OrgRecord]) -> list[tuple[str, str, str, str | None]]:
        return sorted((r.record_key, r.source, r.name, r.cik) for r in records)

    assert plain(stored) == plain(expected) == plain(collected)
    for cik, found in cited.items():
        assert found.bytes_from and len(found.records) == 1
        record = found.records[0]
        assert int(record["cik_str"] if isinstance(record, dict) else record[0]) == int(cik)


def test_a_bad_file_fails_alone_and_a_folder_without_files_holds_nothing(
    tmp_db: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "sec"
    folder.mkdir()
    shutil.copy(SEC / NAMES[0], folder / NAMES[0])
    (folder / NAMES[1]).write_text('{"fields": ["cik", "name"], "data": []}')
    empty = tmp_path / "empty"
    empty.mkdir()
    engine = Engine(tmp_db)
    try:
        summary = ingest_sec(engine, str(folder))
        nothing = ingest_sec(engine, str(empty))
        statuses = {
            r["feed"]: r["status"] for r in engine.rows("SELECT feed, status FROM snapshot")
        }
    finally:
        engine.close()
    assert summary.snapshots_stored == 1 and summary.failed == 1
    assert "company_tickers_exchange.json" in summary.errors[0]
    assert "field fields" in summary.errors[0]
    assert statuses == {"sec-company-tickers": "ok", "sec-company-tickers-exchange": "failed"}
    assert nothing.snapshots_read == 0 and nothing.found_nothing


def test_a_file_that_drops_most_registrants_is_held(tmp_db: Path, tmp_path: Path) -> None:
    data = json.loads((SEC / NAMES[0]).read_bytes())
    kept = dict(list(data.items())[: len(data) // 4])
    small = tmp_path / NAMES[0]
    small.write_text(json.dumps(kept))
    later = dt.datetime.now(dt.UTC).timestamp() + 3600
    os.utime(small, (later, later))
    engine = Engine(tmp_db)
    try:
        ingest_sec(engine, str(SEC / NAMES[0]))
        held = ingest_sec(engine, str(small))
        applied = ingest_sec(engine, str(small), accept_removals=True)
    finally:
        engine.close()
    assert held.held == 1 and held.held_items[0].startswith(str(small)) and not held.errors
    assert applied.snapshots_stored == 1 and applied.versions_closed > 0
