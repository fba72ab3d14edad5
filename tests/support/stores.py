"""Building small real stores for tests, and reading facts back out of them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whosbehind.model.facts import fact_columns, fact_key, fact_values
from whosbehind.model.fedramp import FACT_TYPES
from whosbehind.pipeline.ingest_fedramp import FedrampIngest, IngestSummary
from whosbehind.sources.fedramp.reader import parse_snapshot
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store.asof import LIVE
from whosbehind.store.engine import Engine


def build_store(path: Path, snapshots: Iterable[RawSnapshot]) -> IngestSummary:
    engine = Engine(path)
    try:
        job = FedrampIngest(engine)
        for raw in snapshots:
            job.add(raw)
        return job.summary
    finally:
        engine.close()


def live_facts(engine: Engine, feed: str, seq: int) -> set[tuple[Any, ...]]:
    """Every fact the store says was in snapshot ``seq`` of ``feed``, as (table, *values)."""
    found: set[tuple[Any, ...]] = set()
    for kind in FACT_TYPES:
        columns = ", ".join(fact_columns(kind))
        rows = engine.connection.execute(
            f"SELECT {columns} FROM {kind.TABLE} WHERE feed = ? AND {LIVE}", [feed, seq, seq]
        ).fetchall()
        found.update((kind.TABLE, *row) for row in rows)
    return found


def parsed_facts(raw: RawSnapshot) -> set[tuple[Any, ...]]:
    """Every fact of a snapshot read directly, first of each key kept (as the store does)."""
    keys: set[tuple[Any, ...]] = set()
    found: set[tuple[Any, ...]] = set()
    for group in parse_snapshot(raw).groups:
        for fact in group.build():
            key = (fact.TABLE, *fact_key(fact))
            if key not in keys:
                keys.add(key)
                found.add((fact.TABLE, *fact_values(fact)))
    return found
