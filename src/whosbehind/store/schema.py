"""Tables of the store, generated from the fact classes (the schema is data, not SQL by hand).

Every fact table adds: ``feed``, ``group_key`` (the source record it came from), ``row_id``,
``row_hash`` and the record-time interval ``[from_seq, to_seq)`` in snapshots of that feed:
the version was in the snapshot ``from_seq`` and every later one up to, not including,
``to_seq`` (NULL while it is still in the newest snapshot).
"""

from __future__ import annotations

import dataclasses
import typing

from whosbehind.model.facts import Fact
from whosbehind.model.snapshot_facts import SNAPSHOT_FACT_TYPES
from whosbehind.store.dialect import Dialect
from whosbehind.store.engine import Engine

VERSION_COLUMNS = ("feed", "group_key", "row_id", "row_hash", "from_seq", "to_seq")


def fact_table_columns(kind: type[Fact], dialect: Dialect) -> list[tuple[str, str]]:
    hints = typing.get_type_hints(kind)
    columns = [
        ("feed", dialect.text),
        ("group_key", dialect.text),
        ("row_id", dialect.bigint),
        ("row_hash", dialect.text),
        ("from_seq", dialect.bigint),
        ("to_seq", dialect.bigint),
    ]
    columns += [(f.name, dialect.column_type(hints[f.name])) for f in dataclasses.fields(kind)]
    return columns


def snapshot_columns(dialect: Dialect) -> list[tuple[str, str]]:
    return [
        ("feed", dialect.text),
        ("seq", dialect.bigint),
        ("record_time", dialect.timestamp),
        ("status", dialect.text),  # ok, failed, skipped
        ("error", dialect.text),
        ("kind", dialect.text),
        ("locator", dialect.text),
        ("commit_id", dialect.text),
        ("sha256", dialect.text),
        ("payload_digest", dialect.text),
        ("size", dialect.bigint),
        ("inserted", dialect.bigint),
        ("closed", dialect.bigint),
        ("ingested_at", dialect.timestamp),
        # where the public can find the same bytes (upstream repository@commit:path, the
        # publisher's file name, the API URL); ``locator`` is where this machine read them
        ("public_locator", dialect.text),
        ("retrieved_at", dialect.timestamp),  # when the bytes were copied or fetched
    ]


def create_all(engine: Engine) -> None:
    dialect = engine.dialect
    for kind in SNAPSHOT_FACT_TYPES:
        engine.execute(dialect.create_table(kind.TABLE, fact_table_columns(kind, dialect)))
    engine.execute(dialect.create_table("snapshot", snapshot_columns(dialect)))
    # a store built before snapshots named their public source: new rows will
    engine.execute(dialect.add_column("snapshot", "public_locator", dialect.text))
    # stores made before retrieved_at existed get the column (NULL for their snapshots)
    engine.execute(dialect.add_column("snapshot", "retrieved_at", dialect.timestamp))
    engine.execute(
        dialect.create_table(
            "audit_field",
            [
                ("feed", dialect.text),
                ("seq", dialect.bigint),
                ("path", dialect.text),
                ("count", dialect.bigint),
            ],
        )
    )
    engine.execute(
        dialect.create_table(
            "raw_object",
            [
                ("sha256", dialect.text),
                ("stored_sha256", dialect.text),
                ("size", dialect.bigint),
                ("encoding", dialect.text),
                ("content", dialect.blob),
            ],
        )
    )
