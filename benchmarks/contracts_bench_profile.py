"""Contracts benchmark, part 3: where whosbehind's ingest spends its time, statement by
statement (``contracts_vs_postgres.py``).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import time
from pathlib import Path
from typing import Any

import duckdb

import contracts_generate as gen
from _common import table
from contracts_bench_load import PROFILE_ROWS

# ---- profile -------------------------------------------------------------------------------


class _TimedConnection:
    """A DuckDB connection whose ``execute`` records each statement's time; the rest passes."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, sink: dict[str, list[float]]) -> None:
        self._connection = connection
        self._sink = sink

    def execute(self, sql: str, params: Any = None) -> Any:
        start = time.perf_counter()
        try:
            return self._connection.execute(sql, params if params is not None else [])
        finally:
            label = re.sub(r"'[^']*'", "'…'", " ".join(sql.split()))[:110]
            self._sink.setdefault(label, []).append(time.perf_counter() - start)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


def profile_ingest(source: Path, db: Path) -> tuple[str, str]:
    """Every SQL statement the ingest runs, timed, and a cProfile of the Python side."""
    from whosbehind.pipeline.contracts.ingest import ingest_usaspending
    from whosbehind.store.engine import Engine

    for path in (db, Path(str(db) + ".wal")):
        path.unlink(missing_ok=True)
    statements: dict[str, list[float]] = {}
    profiler = cProfile.Profile()
    engine = Engine(db)
    real = engine.connection
    engine.connection = _TimedConnection(real, statements)  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        profiler.enable()
        ingest_usaspending(engine, str(source))
        profiler.disable()
        total = time.perf_counter() - start
    finally:
        engine.connection = real
        engine.close()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("tottime").print_stats(12)
    text = stream.getvalue()
    text = re.sub(r"/[^\s:]*/site-packages/", "", text).replace(str(gen.REPO_ROOT) + "/", "")
    python = "\n".join(line.rstrip() for line in text.splitlines() if line.strip())
    ranked = sorted(statements.items(), key=lambda item: -sum(item[1]))[:10]
    sql_rows = [
        [
            f"{sum(times):.2f}",
            f"{sum(times) / total * 100:.0f}%",
            len(times),
            "`" + label.replace("|", "\\|") + "`",
        ]
        for label, times in ranked
    ]
    sql = (
        f"Ingest of {PROFILE_ROWS:,} rows took {total:.2f} s; the slowest SQL statements "
        "(every statement sent to the store's DuckDB connection, timed):\n\n"
        + table(["seconds", "share", "calls", "statement (start)"], sql_rows)
    )
    return python, sql
