"""The one-read load of award-summaries files (``csv_direct.insert_once``): the record time is
settled in the statement that inserts the rows (``settled_time_sql``, the twin of
``settled_time``), and a file whose lines are not all records read falls back to the checked
reads with the same result."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.contracts import ICE_LOCAL_GOV
from whosbehind.model.timeutil import UTC
from whosbehind.pipeline.contracts import csv_files
from whosbehind.pipeline.contracts.csv_files import CsvFile, settled_time, settled_time_sql
from whosbehind.pipeline.contracts.csv_junk import line_count
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.store.engine import Engine

SOURCE = ICE_LOCAL_GOV / "us-reg-state-gov-ice-contracts.csv"
_TIMES = st.datetimes(
    min_value=dt.datetime(2015, 1, 1), max_value=dt.datetime(2025, 1, 1), timezones=st.just(UTC)
)


def _file(named: dt.datetime | None, retrieved: dt.datetime | None) -> CsvFile:
    fallback = named or retrieved or dt.datetime(2020, 6, 1, tzinfo=UTC)
    return CsvFile("f.csv", Path("f.csv"), "", 0, fallback, True, retrieved, named)


@settings(max_examples=150, deadline=None)
@given(
    named=st.none() | _TIMES,
    retrieved=st.none() | _TIMES,
    modified=st.none() | _TIMES,
    acted=st.none() | st.dates(dt.date(2015, 1, 1), dt.date(2025, 1, 1)),
)
def test_the_sql_twin_settles_the_same_record_time(
    named: dt.datetime | None,
    retrieved: dt.datetime | None,
    modified: dt.datetime | None,
    acted: dt.date | None,
) -> None:
    file = _file(named, retrieved)
    naive = modified.replace(tzinfo=None) if modified else None
    sql, params = settled_time_sql(
        file, "m", "a", "(SELECT CAST(? AS TIMESTAMP) m, CAST(? AS DATE) a)"
    )
    found = duckdb.connect().execute(sql, [*params, naive, acted]).fetchone()
    assert found is not None
    assert found[0].replace(tzinfo=UTC) == settled_time(file, naive, acted)


def test_the_hash_read_counts_the_lines(tmp_path: Path) -> None:
    for text in (b"", b"a\n", b"a\nb", b"a\r\nb\r\n\n"):
        path = tmp_path / "lines.csv"
        path.write_bytes(text)
        assert csv_files.hash_file(path)[2] == line_count(path)


def _snapshot_rows(engine: Engine) -> list[tuple[object, ...]]:
    columns = "record_from, row_hash, award_key, as_of, fiscal_year, description, latest, counts"
    return [
        tuple(row.values())
        for row in engine.rows(f"SELECT {columns} FROM contract_award ORDER BY award_key, as_of")
    ]


def test_a_line_break_in_a_cell_falls_back_and_stores_the_same_rows(tmp_path: Path) -> None:
    with SOURCE.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    column = rows[0].index("prime_award_base_transaction_description")
    plain = tmp_path / "plain.csv"
    broken = tmp_path / "broken.csv"
    for path, text in ((plain, "TWO LINES OF IT"), (broken, "TWO LINES\nOF IT")):
        rows[3][column] = text
        with path.open("w", newline="", encoding="utf-8") as stream:
            csv.writer(stream).writerows(rows)
    assert line_count(broken) == line_count(plain) + 1
    found = []
    for path in (plain, broken):
        engine = Engine(tmp_path / f"{path.stem}.duckdb")
        summary = ingest_usaspending(engine, path)
        assert summary.snapshots_stored == 1 and summary.rows_quarantined == 0
        assert summary.awards_inserted == len(rows) - 1
        stored = _snapshot_rows(engine)
        # every row carries the snapshot's record time
        times = engine.rows("SELECT DISTINCT record_from FROM contract_award")
        assert [row["record_from"] for row in times] == [
            engine.scalar("SELECT record_time FROM snapshot WHERE kind = 'file'")
        ]
        found.append((stored, times))
        engine.close()
    plain_rows, broken_rows = found[0][0], found[1][0]
    assert found[0][1] == found[1][1]
    changed = [i for i, (a, b) in enumerate(zip(plain_rows, broken_rows, strict=True)) if a != b]
    assert len(changed) == 1  # the description (and so the row's digest) of that one award
