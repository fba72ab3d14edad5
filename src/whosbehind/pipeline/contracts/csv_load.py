"""One USAspending CSV file into the store: stage it with DuckDB, settle its problem rows,
merge its transactions and awards. Runs inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import duckdb

from whosbehind.errors import SnapshotError
from whosbehind.model.contracts import Quarantined
from whosbehind.pipeline.contracts.csv_direct import insert_awards, insert_once
from whosbehind.pipeline.contracts.csv_files import CsvFile, Problems, resolve_problems
from whosbehind.pipeline.contracts.records import (
    BatchCounts,
    RecordBatch,
    batch_from_records,
    stage_rows,
)
from whosbehind.sources.usaspending import csv_duckdb
from whosbehind.sources.usaspending.csv_layout import LayoutMatch
from whosbehind.store.contracts.schema import AWARDS, TRANSACTIONS
from whosbehind.store.contracts.snapshots import drop_tables, drop_views
from whosbehind.store.contracts.versions import (
    award_flags_on_insert,
    awards_now_with_transactions,
    drop_work_tables,
    merge_versions,
    refresh_award_flags,
)
from whosbehind.store.engine import Engine

STAGE, REJECTS, SCAN = "_csv_stage", "_csv_rejects", "_csv_scan"
TX_VIEW, AWARD_VIEW, AWARD_TABLE = "_csv_transactions", "_csv_awards_view", "_csv_awards"
RECOVERED_TX, RECOVERED_AWARDS = "_csv_recovered_tx", "_csv_recovered_awards"
_RECOVERED_ORD = 10**15  # recovered rows sort after the rows DuckDB read


@dataclass
class FileResult:
    label: str
    layout: str
    rows: int = 0
    quarantined: list[Quarantined] = field(default_factory=list)
    counts: BatchCounts = field(default_factory=BatchCounts)
    recovered: int = 0
    one_pass: bool = False  # loaded by ``contracts.csv_direct``: new awards only


class Declined(Exception):
    """The one-read load did not store the file (``load_once``): its rows are deleted, and the
    caller rolls the transaction back and loads it with the checked reads. ``file`` has its
    record time and readable records; ``direct`` says whether the one-pass load with DuckDB's
    rejects can still store it (some lines were not records read; else a row failed a check,
    a key was there twice or stored before, which only the staged path settles)."""

    def __init__(self, file: CsvFile, direct: bool) -> None:
        super().__init__(file.label)
        self.file = file
        self.direct = direct


def load_once(
    engine: Engine, file: CsvFile, match: LayoutMatch, feed: str, seq: int, data_lines: int
) -> tuple[CsvFile, FileResult]:
    """An award-summaries file in one read of it (``csv_direct.insert_once``): ``file`` with
    its record time, and what was stored; ``Declined`` when it needs the checked reads."""
    result = FileResult(file.label, match.describe())
    _cleanup(engine)
    read = csv_duckdb.staging_sql(str(file.path.resolve()), match, STAGE, REJECTS, SCAN, True)
    try:
        found = insert_once(engine, read, file, feed, seq, data_lines)
    except duckdb.Error as error:
        raise SnapshotError(file.label, f"unreadable CSV: {error}") from None
    file = replace(file, record_time=found.record_time, readable=found.readable)
    if found.rows is None:
        raise Declined(file, direct=not found.whole)
    result.rows = result.counts.awards.rows = result.counts.awards.inserted = found.rows
    result.one_pass = True
    _cleanup(engine)
    return file, result


def load_csv_file(
    engine: Engine, file: CsvFile, match: LayoutMatch, feed: str, seq: int, direct: bool = True
) -> FileResult:
    """The checked reads: the one-pass load with DuckDB's rejects (award summaries, unless
    not ``direct``), else the staged path."""
    result = FileResult(file.label, match.describe())
    _cleanup(engine)
    read = csv_duckdb.staging_sql(str(file.path.resolve()), match, STAGE, REJECTS, SCAN)
    # a DuckDB error aborts the caller's transaction: no statement may follow it (the
    # caller's rollback drops this file's temporary tables)
    if match.layout.grain == "award" and direct:
        try:
            rows = insert_awards(engine, read, feed, seq, file.record_time)
        except duckdb.Error as error:
            raise SnapshotError(file.label, f"unreadable CSV: {error}") from None
        if rows is not None:
            result.rows = result.counts.awards.rows = result.counts.awards.inserted = rows
            result.one_pass = True
            _cleanup(engine)
            return result
        _cleanup(engine)
    try:
        engine.execute(read.create)
    except duckdb.Error as error:
        raise SnapshotError(file.label, f"unreadable CSV: {error}") from None
    _load(engine, file, match, read, feed, seq, result)
    _cleanup(engine)
    return result


def _load(
    engine: Engine,
    file: CsvFile,
    match: LayoutMatch,
    read: csv_duckdb.CsvRead,
    feed: str,
    seq: int,
    result: FileResult,
) -> None:
    transaction_grain = match.layout.grain == "transaction"
    bad = "_bad"
    problems = resolve_problems(engine, file, match, read, bad)
    result.rows = int(engine.scalar(f"SELECT count(*) FROM {STAGE}")) + problems.rejected_records
    grain = "transaction" if transaction_grain else "award"
    batch = _recovered(problems, file, grain)
    result.quarantined = problems.quarantined + batch.quarantined
    result.recovered = len(batch.awards) + len(batch.transactions)
    record_date = file.record_time.date().isoformat()
    good = f"NOT ({bad})"
    awards_sql = (
        f"SELECT {', '.join(csv_duckdb.award_select(grain, record_date))}, "
        f"CAST(NULL AS VARCHAR) AS position, rowid AS _ord FROM {STAGE} WHERE {good}"
    )
    if batch.awards:
        stage_rows(engine, RECOVERED_AWARDS, AWARDS, batch.awards)
        awards_sql += f" UNION ALL BY NAME SELECT * FROM {RECOVERED_AWARDS}"
    if transaction_grain:
        transactions_sql = (
            f"SELECT {', '.join(csv_duckdb.transaction_select())}, "
            f"CAST(NULL AS VARCHAR) AS position, rowid AS _ord FROM {STAGE} WHERE {good}"
        )
        if batch.transactions:
            stage_rows(engine, RECOVERED_TX, TRANSACTIONS, batch.transactions)
            transactions_sql += f" UNION ALL BY NAME SELECT * FROM {RECOVERED_TX}"
        engine.execute(f"CREATE TEMP VIEW {TX_VIEW} AS {transactions_sql}")
        result.counts.transactions = merge_versions(
            engine, TRANSACTIONS, TX_VIEW, feed, seq, file.record_time
        )
        awards_now_with_transactions(engine, feed, seq)
        # one award record per award and file: the row with the latest action (later wins)
        engine.execute(f"CREATE TEMP VIEW {AWARD_VIEW} AS {awards_sql}")
        engine.execute(
            f"CREATE TEMP TABLE {AWARD_TABLE} AS SELECT * FROM {AWARD_VIEW} WHERE _ord IN "
            "(SELECT arg_max(_ord, struct_pack(day := latest_action_date, ord := _ord)) "
            f"FROM {AWARD_VIEW} GROUP BY award_key)"
        )
        awards_source = AWARD_TABLE
    else:
        engine.execute(f"CREATE TEMP VIEW {AWARD_VIEW} AS {awards_sql}")
        awards_source = AWARD_VIEW
    result.counts.awards = merge_versions(
        engine, AWARDS, awards_source, feed, seq, file.record_time, award_flags_on_insert()
    )
    refresh_award_flags(engine, feed, seq)


def _recovered(problems: Problems, file: CsvFile, grain: str) -> RecordBatch:
    batch = batch_from_records(
        problems.recovered, file=file.label, grain=grain, record_date=file.record_time.date()
    )
    for rows in (batch.awards, batch.transactions):
        for offset, row in enumerate(rows):
            row["_ord"] = _RECOVERED_ORD + offset
    return batch


def _cleanup(engine: Engine) -> None:
    drop_views(engine, [TX_VIEW, AWARD_VIEW])
    drop_tables(engine, [STAGE, REJECTS, SCAN, AWARD_TABLE, RECOVERED_TX, RECOVERED_AWARDS])
    drop_work_tables(engine)
