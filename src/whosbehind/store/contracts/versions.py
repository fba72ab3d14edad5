"""Merge a staged batch of contract records into the versioned tables, set-based, in SQL.

One call per table and snapshot, inside the caller's transaction:

1. rows of the batch that share a key keep the last one (file order) and are counted;
2. each row's digest is compared with the version of its key that was live at the snapshot's
   record time: equal rows change nothing, the others are inserted as new versions;
3. for keys that had versions before, ``record_to`` is recomputed from the order of their
   versions in record time (then insertion order), so a file that arrives late (an archive
   older than what the store holds) slots in before the newer versions instead of replacing
   them.

A key is the same record whichever feed stated it (the USAspending CSV, the API, FPDS), so
the newest statement wins and money is never counted once per feed.

DuckDB specifics used here: ``rowid`` (insertion order, stable without deletes), ``SEMI`` and
``ANTI JOIN``, ``QUALIFY``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from whosbehind.store.contracts.schema import AWARDS, TRANSACTIONS, TableSpec
from whosbehind.store.engine import Engine

INCOMING = "_incoming_versions"
KNOWN = "_known_versions"
TOUCHED = "_touched_keys"


@dataclass
class MergeCounts:
    rows: int = 0  # distinct keys in the batch
    inserted: int = 0
    closed: int = 0
    duplicates: int = 0  # rows dropped because a later row of the batch had the same key

    def add(self, other: MergeCounts) -> None:
        self.rows += other.rows
        self.inserted += other.inserted
        self.closed += other.closed
        self.duplicates += other.duplicates


def merge_versions(
    engine: Engine,
    spec: TableSpec,
    staged: str,
    feed: str,
    seq: int,
    record_time: dt.datetime,
    extra: Mapping[str, str] | None = None,
) -> MergeCounts:
    """Merge ``staged`` (a table or view with the data columns, ``position`` and ``_ord``, the
    order of the rows in their source) into ``spec``'s table as snapshot ``seq`` of ``feed``.

    ``extra`` gives SQL (over alias ``i``) for the table's unhashed columns other than
    ``position``."""
    keys = ", ".join(spec.key)
    data = ", ".join(spec.data_names)
    counts = MergeCounts()
    counts.duplicates = int(
        engine.scalar(
            f"SELECT coalesce(sum(n) - count(*), 0) FROM "
            f"(SELECT count(*) AS n FROM {staged} GROUP BY {keys})"
        )
    )
    dedupe = (
        f" QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY _ord DESC) = 1"
        if counts.duplicates
        else ""
    )
    _drop(engine, INCOMING, KNOWN, TOUCHED)
    extras = {"position": "i.position", **(extra or {})}
    columns = ["feed", "seq", "record_from", "record_to", "row_hash", *spec.data_names, *extras]
    values = ["?", "?", "?", "NULL", "i.row_hash"]
    values += [f"i.{name}" for name in spec.data_names] + list(extras.values())
    hashed = f"SELECT {data}, position, {engine.dialect.hash_of(spec.data_names)} AS row_hash"
    known = engine.scalar(f"SELECT count(*) FROM {spec.name} SEMI JOIN {staged} USING ({keys})")
    if not known and not counts.duplicates:
        # every key is new: one pass from the staged rows into the table
        engine.execute(f"CREATE TEMP VIEW {INCOMING} AS {hashed} FROM {staged}")
        inserted = engine.connection.execute(
            f"INSERT INTO {spec.name} ({', '.join(columns)}) SELECT {', '.join(values)} "
            f"FROM {INCOMING} i{_order(spec)}",
            [feed, seq, record_time],
        ).fetchall()
        counts.inserted = counts.rows = int(inserted[0][0]) if inserted else 0
        return counts
    engine.execute(f"CREATE TEMP TABLE {INCOMING} AS {hashed} FROM {staged}{dedupe}")
    counts.rows = int(engine.scalar(f"SELECT count(*) FROM {INCOMING}"))
    engine.execute(
        f"CREATE TEMP TABLE {KNOWN} AS SELECT {keys}, row_hash, record_from, record_to "
        f"FROM {spec.name} SEMI JOIN {INCOMING} USING ({keys})"
    )
    inserted = engine.connection.execute(
        f"INSERT INTO {spec.name} ({', '.join(columns)}) SELECT {', '.join(values)} "
        f"FROM {INCOMING} i ANTI JOIN (SELECT {keys}, row_hash FROM {KNOWN} "
        "WHERE record_from <= ? AND (record_to IS NULL OR record_to > ?)) k "
        f"USING ({keys}, row_hash){_order(spec)}",
        [feed, seq, record_time, record_time, record_time],
    ).fetchall()
    counts.inserted = int(inserted[0][0]) if inserted else 0
    if counts.inserted and engine.scalar(f"SELECT count(*) FROM {KNOWN}"):
        counts.closed = _recompute_record_to(engine, spec, feed, seq)
    return counts


def _order(spec: TableSpec) -> str:
    return f" ORDER BY {', '.join(f'i.{name}' for name in spec.cluster)}" if spec.cluster else ""


def _recompute_record_to(engine: Engine, spec: TableSpec, feed: str, seq: int) -> int:
    keys = ", ".join(spec.key)
    engine.execute(
        f"CREATE TEMP TABLE {TOUCHED} AS SELECT DISTINCT {keys} FROM {KNOWN} "
        f"SEMI JOIN (SELECT {keys} FROM {spec.name} WHERE feed = ? AND seq = ?) USING ({keys})",
        [feed, seq],
    )
    order = (
        f"SELECT rowid AS rid, feed, seq, record_to, lead(record_from) OVER "
        f"(PARTITION BY {keys} ORDER BY record_from, rowid) AS following "
        f"FROM {spec.name} SEMI JOIN {TOUCHED} USING ({keys})"
    )
    closed = int(
        engine.scalar(
            f"SELECT count(*) FROM ({order}) WHERE record_to IS NULL AND following IS NOT NULL "
            "AND NOT (feed = ? AND seq = ?)",
            [feed, seq],
        )
    )
    engine.execute(
        f"UPDATE {spec.name} SET record_to = x.following FROM ({order}) x "
        f"WHERE {spec.name}.rowid = x.rid AND {spec.name}.record_to IS DISTINCT FROM x.following"
    )
    return closed


NO_TRANSACTIONS = (
    f"NOT EXISTS (SELECT 1 FROM {TRANSACTIONS.name} t WHERE t.award_key = {{alias}}.award_key)"
)


def award_flags_on_insert() -> dict[str, str]:
    """``latest`` and ``counts`` for new award versions, right for awards seen the first time
    with one record; ``refresh_award_flags`` fixes the others."""
    return {
        "latest": "true",
        "counts": f"(i.grain = 'award' AND {NO_TRANSACTIONS.format(alias='i')})",
    }


def refresh_award_flags(engine: Engine, feed: str, seq: int) -> None:
    """Recompute ``latest``/``counts`` for awards that snapshot ``seq`` gave a second record
    (another ``as_of``, or a new version of a stored one)."""
    table = AWARDS.name
    engine.execute("DROP TABLE IF EXISTS _award_fix")
    engine.execute(
        f"CREATE TEMP TABLE _award_fix AS "
        f"SELECT award_key FROM {INCOMING} GROUP BY award_key HAVING count(*) > 1 "
        f"UNION SELECT DISTINCT award_key FROM {table} SEMI JOIN {INCOMING} USING (award_key) "
        "WHERE NOT (feed = ? AND seq = ?)",
        [feed, seq],
    )
    if not engine.scalar("SELECT count(*) FROM _award_fix"):
        return
    engine.execute(
        f"UPDATE {table} SET latest = false, counts = false "
        "WHERE (latest OR counts) AND award_key IN (SELECT award_key FROM _award_fix)"
    )
    engine.execute(
        f"UPDATE {table} SET latest = true, "
        f"counts = (grain = 'award' AND {NO_TRANSACTIONS.format(alias=table)}) "
        f"WHERE rowid IN (SELECT rowid FROM {table} WHERE record_to IS NULL "
        "AND award_key IN (SELECT award_key FROM _award_fix) QUALIFY row_number() OVER "
        "(PARTITION BY award_key ORDER BY as_of DESC, record_from DESC, rowid DESC) = 1)"
    )


def awards_now_with_transactions(engine: Engine, feed: str, seq: int) -> None:
    """Awards that snapshot ``seq`` gave transactions no longer count their stated total."""
    engine.execute(
        f"UPDATE {AWARDS.name} SET counts = false WHERE counts AND award_key IN "
        f"(SELECT award_key FROM {TRANSACTIONS.name} WHERE feed = ? AND seq = ?)",
        [feed, seq],
    )


def drop_work_tables(engine: Engine) -> None:
    _drop(engine, INCOMING, KNOWN, TOUCHED, "_award_fix")


def _drop(engine: Engine, *names: str) -> None:
    """Drop work tables and views (``INCOMING`` is a view when every key was new)."""
    kinds = dict(
        engine.connection.execute(
            "SELECT table_name, table_type FROM information_schema.tables "
            "WHERE table_name IN (SELECT unnest(?))",
            [list(names)],
        ).fetchall()
    )
    for name, kind in kinds.items():
        engine.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} IF EXISTS {name}")
