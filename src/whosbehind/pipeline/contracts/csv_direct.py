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
    spec = AWARDS
    holds_rows = bool(engine.scalar(f"SELECT count(*) FROM (SELECT 1 FROM {spec.name} LIMIT 1)"))
    extras = {"position": f"CASE WHEN _bad THEN '{BAD_MARK}' END", **award_flags_on_insert()}
    columns = ["feed", "seq", "record_from", "record_to", "row_hash", *spec.data_names, *extras]
    values = ["?", "?", "?", "NULL", engine.dialect.hash_of([f"i.{n}" for n in spec.data_names])]
    values += [f"i.{name}" for name in spec.data_names] + list(extras.values())
    data = ", ".join(csv_duckdb.award_select("award", record_time.date().isoformat()))
    order = ", ".join(f"i.{name}" for name in spec.cluster)
    # a statement that fails aborts the caller's transaction: nothing may run after it, so
    # the caller restores this setting after its rollback (``insertion_order_kept``)
    previous = engine.scalar("SELECT current_setting('preserve_insertion_order')")
    engine.execute("SET preserve_insertion_order = false")
    found = engine.connection.execute(
        f"INSERT INTO {spec.name} ({', '.join(columns)}) SELECT {', '.join(values)} "
        f"FROM (SELECT {data}, _bad FROM ({checked_select(read)})) i ORDER BY {order}",
        [feed, seq, record_time],
    ).fetchall()
    engine.execute(f"SET preserve_insertion_order = {_truth(previous)}")
    rows = int(found[0][0]) if found else 0
    mine = f"FROM {spec.name} WHERE feed = ? AND seq = ?"
    clean = not engine.scalar(f"SELECT count(*) FROM {read.rejects}")
    if clean:
        check = engine.rows(
            f"SELECT count(*) FILTER (WHERE position = '{BAD_MARK}') AS bad, "
            f"count(*) - count(DISTINCT award_key) AS twice {mine}",
            [feed, seq],
        )[0]
        clean = not check["bad"] and not check["twice"]
    if clean and holds_rows:
        clean = not engine.scalar(
            f"SELECT count(*) FROM (SELECT 1 FROM {spec.name} WHERE NOT (feed = ? AND seq = ?) "
            f"AND award_key IN (SELECT award_key {mine}) LIMIT 1)",
            [feed, seq, feed, seq],
        )
    if clean:
        return rows
    engine.execute(f"DELETE {mine}", [feed, seq])
    return None
