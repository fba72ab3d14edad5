"""The one-pass load of an award-summaries CSV: DuckDB reads, checks and inserts in one statement.

The staged path (``contracts.csv_load``) materializes the file twice: into a temporary stage,
then into ``contract_award``. Most files need nothing the stage gives: no broken or bad rows,
no key seen before, no key twice. So this path inserts straight from ``read_csv`` into the
store, sorted by the cluster columns, with insertion order not preserved (DuckDB then writes
row groups in parallel; the ``ORDER BY`` still sorts each row group). Rows that fail the checks
are inserted too, marked in ``position``, so that the same statement counts them.

Afterwards a few cheap queries over the snapshot's own rows decide: when the file had a broken
or bad row, a key twice, or a key the store already holds, the rows are deleted again and the
caller runs the staged path, which names the field and reason of each bad row, keeps the last
of duplicate rows and versions known keys. Everything runs inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from whosbehind.model.timeutil import UTC
from whosbehind.pipeline.contracts.csv_files import CsvFile, settled_time, settled_time_sql
from whosbehind.sources.usaspending import csv_duckdb
from whosbehind.store.contracts.schema import AWARDS
from whosbehind.store.contracts.versions import award_flags_on_insert
from whosbehind.store.engine import Engine

BAD_MARK = "\x00bad"  # ``position`` of a failed row while the path decides; never committed
_CREATE = "CREATE TEMP TABLE {table} AS\n"


def checked_select(read: csv_duckdb.CsvRead) -> str:
    """The staging query without its ``CREATE``: one row per readable record, checked."""
    prefix = _CREATE.format(table=read.table)
    if not read.create.startswith(prefix):
        raise AssertionError("csv_duckdb.staging_sql changed its statement")
    return read.create[len(prefix) :]


def _truth(value: object) -> str:
    return "true" if str(value).lower() in ("true", "1") else "false"


@contextmanager
def insertion_order_kept(engine: Engine) -> Iterator[None]:
    """Around a file's transaction: ``preserve_insertion_order`` as it was before, also when
    a failed statement aborted the transaction before ``insert_awards`` could restore it."""
    previous = _truth(engine.scalar("SELECT current_setting('preserve_insertion_order')"))
    try:
        yield
    finally:
        engine.execute(f"SET preserve_insertion_order = {previous}")


def insert_awards(
    engine: Engine,
    read: csv_duckdb.CsvRead,
    feed: str,
    seq: int,
    record_time: dt.datetime,
) -> int | None:
    """Insert the award rows of ``read`` as snapshot ``seq``; their number, or None (and no
    row left behind) when the file needs the staged path."""
    holds_rows = _holds_rows(engine)
    data = csv_duckdb.award_select("award", record_time.date().isoformat())
    rows = _insert(engine, f"({checked_select(read)})", data, "?", [feed, seq, record_time])
    clean = not engine.scalar(f"SELECT count(*) FROM {read.rejects}")
    if clean and _checks_pass(engine, feed, seq, holds_rows):
        return rows
    engine.execute(f"DELETE {_MINE}", [feed, seq])
    return None


@dataclass(frozen=True, slots=True)
class OneRead:
    """What ``insert_once`` found: ``rows`` stored (None: nothing stored, the file needs the
    checked reads), the records DuckDB read, the file's record time, and whether every line of
    the file was one of those records (else some may be broken: only the read that records
    DuckDB's rejects can say)."""

    rows: int | None
    readable: int
    record_time: dt.datetime
    whole: bool


def insert_once(
    engine: Engine,
    read: csv_duckdb.CsvRead,
    file: CsvFile,
    feed: str,
    seq: int,
    data_lines: int,
) -> OneRead:
    """The one-read load: ``read`` (``staging_sql(..., once=True)``) is parsed once, and the
    same statement settles the file's record time from its rows (``settled_time_sql``, what
    ``stated_record_time`` reads in a pass of its own) and inserts them. ``data_lines`` are the
    file's lines after its header: when every one of them is a record DuckDB read, no record was
    broken (broken ones are skipped here, not recorded). Rows are kept only when, besides, the
    checks pass (``insert_awards``); otherwise they are deleted again."""
    holds_rows = _holds_rows(engine)
    timed, time_params = settled_time_sql(file, "max(_modified)", "max(_acted)", "src")
    data = csv_duckdb.award_select("award", "", record_day="CAST(t.record_time AS DATE)")
    source = f"src, ({timed}) t"
    data.append("t.record_time AS _record_time")
    rows = _insert(
        engine,
        source,
        data,
        "timezone('UTC', i._record_time)",
        [feed, seq, *time_params],
        with_=f"WITH src AS MATERIALIZED ({checked_select(read)})\n",
    )
    found = engine.scalar(f"SELECT max(record_from) {_MINE}", [feed, seq])
    record_time = (
        found.astimezone(UTC) if isinstance(found, dt.datetime) else settled_time(file, None, None)
    )
    whole = rows == data_lines
    if whole and _checks_pass(engine, feed, seq, holds_rows):
        return OneRead(rows, rows, record_time, whole)
    engine.execute(f"DELETE {_MINE}", [feed, seq])
    return OneRead(None, rows, record_time, whole)


_MINE = f"FROM {AWARDS.name} WHERE feed = ? AND seq = ?"


def _holds_rows(engine: Engine) -> bool:
    return bool(engine.scalar(f"SELECT count(*) FROM (SELECT 1 FROM {AWARDS.name} LIMIT 1)"))


def _insert(
    engine: Engine,
    source: str,
    data: list[str],
    record_from: str,
    params: list[object],
    with_: str = "",
) -> int:
    """``INSERT INTO contract_award`` the rows of ``data`` (expressions over ``source``),
    marked bad where ``_bad``, sorted by the cluster columns, written in parallel; their
    number. ``params``: feed, seq, then those of ``record_from`` and ``source``."""
    spec = AWARDS
    extras = {"position": f"CASE WHEN _bad THEN '{BAD_MARK}' END", **award_flags_on_insert()}
    columns = ["feed", "seq", "record_from", "record_to", "row_hash", *spec.data_names, *extras]
    values = [
        "?",
        "?",
        record_from,
        "NULL",
        engine.dialect.hash_of([f"i.{n}" for n in spec.data_names]),
    ]
    values += [f"i.{name}" for name in spec.data_names] + list(extras.values())
    order = ", ".join(f"i.{name}" for name in spec.cluster)
    # a statement that fails aborts the caller's transaction: nothing may run after it, so
    # the caller restores this setting after its rollback (``insertion_order_kept``)
    previous = engine.scalar("SELECT current_setting('preserve_insertion_order')")
    engine.execute("SET preserve_insertion_order = false")
    found = engine.connection.execute(
        f"INSERT INTO {spec.name} ({', '.join(columns)}) {with_}SELECT {', '.join(values)} "
        f"FROM (SELECT {', '.join(data)}, _bad FROM {source}) i ORDER BY {order}",
        params,
    ).fetchall()
    engine.execute(f"SET preserve_insertion_order = {_truth(previous)}")
    return int(found[0][0]) if found else 0


def _checks_pass(engine: Engine, feed: str, seq: int, holds_rows: bool) -> bool:
    """No row of the snapshot failed the checks, no key is there twice, and (when the store
    held rows before) no key was stored before."""
    check = engine.rows(
        f"SELECT count(*) FILTER (WHERE position = '{BAD_MARK}') AS bad, "
        f"count(*) - count(DISTINCT award_key) AS twice {_MINE}",
        [feed, seq],
    )[0]
    if check["bad"] or check["twice"]:
        return False
    return not holds_rows or not engine.scalar(
        f"SELECT count(*) FROM (SELECT 1 FROM {AWARDS.name} WHERE NOT (feed = ? AND seq = ?) "
        f"AND award_key IN (SELECT award_key {_MINE}) LIMIT 1)",
        [feed, seq, feed, seq],
    )
