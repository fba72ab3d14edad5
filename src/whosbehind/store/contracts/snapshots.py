"""Snapshot bookkeeping for contract feeds: sequence numbers, quarantined rows, work tables.

Contract files are recorded in the shared ``snapshot`` table (feeds ``usaspending-csv``,
``usaspending-api``, ``fpds-atom``, ``usaspending-agencies``). Unlike FedRAMP snapshots they are
partial observations, so a file whose record time is older than the newest stored one is
ingested all the same (its versions slot in before the newer ones).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyarrow as pa

from whosbehind.model.contracts import Quarantined
from whosbehind.store.engine import Engine


def next_seq(engine: Engine, feed: str) -> int:
    found = engine.scalar("SELECT max(seq) FROM snapshot WHERE feed = ?", [feed])
    return int(found or 0) + 1


def stored_sizes(engine: Engine) -> set[int]:
    """Sizes of every snapshot recorded (a file of another size has another sha256)."""
    rows = engine.connection.execute("SELECT DISTINCT size FROM snapshot").fetchall()
    return {int(row[0]) for row in rows if row[0] is not None}


def insert_quarantine(engine: Engine, feed: str, seq: int, rows: Sequence[Quarantined]) -> None:
    if not rows:
        return
    engine.insert_arrow(
        "contract_quarantine",
        pa.table(
            {
                "feed": [feed] * len(rows),
                "seq": [seq] * len(rows),
                "file": [row.file for row in rows],
                "line": [row.line for row in rows],
                "field": [row.field for row in rows],
                "reason": [row.reason for row in rows],
                "raw_excerpt": [row.raw_excerpt for row in rows],
            }
        ),
    )


def stage_arrow(engine: Engine, name: str, data: pa.Table, casts: dict[str, str]) -> None:
    """A temp table ``name`` from an Arrow table, casting the named columns (amounts travel
    as text so that no float ever touches them)."""
    drop_tables(engine, [name])
    view = f"{name}_arrow"
    engine.connection.register(view, data)
    try:
        columns = ", ".join(
            f"CAST({column} AS {casts[column]}) AS {column}" if column in casts else column
            for column in data.column_names
        )
        engine.execute(f"CREATE TEMP TABLE {name} AS SELECT {columns} FROM {view}")
    finally:
        engine.connection.unregister(view)


def drop_tables(engine: Engine, names: Iterable[str]) -> None:
    for name in names:
        engine.execute(f"DROP TABLE IF EXISTS {name}")


def drop_views(engine: Engine, names: Iterable[str]) -> None:
    for name in names:
        engine.execute(f"DROP VIEW IF EXISTS {name}")
