"""A contract file's record time is when its publisher produced it, read from the data (the
newest of the date in its name and its rows' newest ``last_modified_date``, else its newest
action date), never the time it was copied to disk, which is kept in ``retrieved_at``.
Expected values are read from the raw files with csv and datetime."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
from pathlib import Path

from tests.support.contracts import (
    FPDS_PAGES,
    FY_FILES,
    ICE_2018,
    ICE_LOCAL_GOV,
    LOCAL_GOV_FILES,
    rows_local_gov,
)
from whosbehind.analysis.contracts.lines import lines_sql
from whosbehind.export.paths import supply_chain_paths
from whosbehind.pipeline.contracts.ingest import ingest_fpds, ingest_usaspending
from whosbehind.store.engine import Engine

UTC = dt.UTC
MODIFIED = 257  # last_modified_date in the 2018 export's 259 columns


def _rows(name: str) -> list[list[str]]:
    with (ICE_2018 / name).open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    return rows[1:] if name == "fy13.csv" else rows


def _newest_2018(name: str) -> dt.datetime:
    return max(
        dt.datetime.strptime(row[MODIFIED], "%d/%m/%y %H:%M").replace(tzinfo=UTC)
        for row in _rows(name)
    )


def _snapshots(engine: Engine) -> dict[str, dict[str, object]]:
    found = engine.rows(
        "SELECT locator, record_time, retrieved_at, ingested_at FROM snapshot "
        "WHERE status = 'ok' AND feed = 'usaspending-csv'"
    )
    return {Path(str(row["locator"])).name: row for row in found}


def test_the_2018_export_is_dated_by_its_rows_not_by_its_copy(ice_store: Path) -> None:
    engine = Engine(ice_store, read_only=True)
    try:
        found = _snapshots(engine)
    finally:
        engine.close()
    assert sorted(found) == sorted(FY_FILES)
    for name in FY_FILES:
        row = found[name]
        copied = dt.datetime.fromtimestamp((ICE_2018 / name).stat().st_mtime, UTC)
        assert row["record_time"] == _newest_2018(name), name
        assert row["retrieved_at"] == copied and copied > dt.datetime(2018, 8, 1, tzinfo=UTC)


def test_award_summaries_are_dated_by_the_end_of_their_newest_modification_day(
    local_gov_store: Path,
) -> None:
    engine = Engine(local_gov_store, read_only=True)
    try:
        found = _snapshots(engine)
    finally:
        engine.close()
    for name in LOCAL_GOV_FILES:
        with (ICE_LOCAL_GOV / name).open(newline="", encoding="utf-8") as stream:
            newest = max(row["last_modified_date"] for row in csv.DictReader(stream))
        day = dt.date.fromisoformat(newest)
        assert found[name]["record_time"] == dt.datetime.combine(
            day, dt.time(23, 59, 59), tzinfo=UTC
        )
    assert len(rows_local_gov()) == 1039


def test_the_name_date_the_rows_and_the_copy_time_each_bound_the_record_time(
    tmp_path: Path,
) -> None:
    rows = _rows("fy13.csv")
    newest = _newest_2018("fy13.csv")
    # named later than its rows: the name; named earlier: its rows
    later = tmp_path / "FY2013_7012_Contracts_Full_20181231.csv"
    earlier = tmp_path / "FY2013_7012_Contracts_Full_20180101.csv"
    # no last_modified_date: the newest action date; copied before it says: the copy time
    undated = tmp_path / "undated.csv"
    old_copy = tmp_path / "old-copy.csv"
    targets = ((later, False), (earlier, False), (undated, True), (old_copy, False))
    for turn, (target, blank) in enumerate(targets):
        # the same rows in another order (another sha256: each file is stored)
        changed = [
            [*row[:MODIFIED], "" if blank else row[MODIFIED], *row[MODIFIED + 1 :]]
            for row in rows[turn:] + rows[:turn]
        ]
        with target.open("w", newline="", encoding="utf-8") as stream:
            csv.writer(stream).writerows(changed)
    copied = dt.datetime(2018, 5, 1, 12, tzinfo=UTC)
    os.utime(old_copy, (copied.timestamp(), copied.timestamp()))
    engine = Engine(tmp_path / "times.duckdb")
    try:
        for target in (later, earlier, undated, old_copy):
            ingest_usaspending(engine, target)
        found = _snapshots(engine)
    finally:
        engine.close()
    actions = [dt.datetime.strptime(row[12], "%d/%m/%Y").date() for row in rows]
    assert found[later.name]["record_time"] == dt.datetime(2018, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert found[earlier.name]["record_time"] == newest
    assert found[undated.name]["record_time"] == dt.datetime.combine(
        max(actions), dt.time(23, 59, 59), tzinfo=UTC
    )
    assert found[old_copy.name]["record_time"] == found[old_copy.name]["retrieved_at"] == copied


def test_fpds_pages_are_dated_by_their_newest_entry(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "fpds.duckdb")
    try:
        ingest_fpds(engine, FPDS_PAGES)
        found = engine.rows(
            "SELECT locator, record_time, retrieved_at FROM snapshot WHERE feed = 'fpds-atom' "
            "AND status = 'ok'"
        )
    finally:
        engine.close()
    assert found
    for row in found:
        text = Path(str(row["locator"])).read_text(encoding="utf-8")
        stamps = re.findall(r"<(?:\w+:)?modified>([^<]+)</(?:\w+:)?modified>", text)
        newest = max(dt.datetime.fromisoformat(s).replace(tzinfo=UTC) for s in stamps)
        assert row["record_time"] == newest and row["retrieved_at"] > newest


def test_an_old_record_time_finds_the_contracts_of_its_day(ice_store: Path, tmp_path: Path) -> None:
    """The issue's example: the chains from ICE to Palantir as of 2020-06-30, and the files
    the store held on 2018-06-20 (fy13.csv, fy14.csv) as of that day."""
    copy = tmp_path / "store.duckdb"
    shutil.copy(ice_store, copy)
    engine = Engine(copy)
    try:
        mid_2020 = dt.datetime(2020, 6, 30, 23, 59, 59, tzinfo=UTC)
        result = supply_chain_paths(engine, "7012", "Palantir Technologies", mid_2020, None, 8, 10)
        sql, params = lines_sql(dt.datetime(2018, 6, 20, 23, 59, 59, tzinfo=UTC))
        years = engine.connection.execute(
            f"SELECT DISTINCT fiscal_year FROM ({sql}) l ORDER BY 1", params
        ).fetchall()
    finally:
        engine.close()
    assert result.chains
    assert [year for (year,) in years] == [2013, 2014]
