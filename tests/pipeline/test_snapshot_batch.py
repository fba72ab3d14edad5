"""A run writes its snapshots in batches, one transaction each: the store it leaves is the one
writing each snapshot at once leaves, and a batch that fails to write is read again snapshot
by snapshot, so that only the snapshot at fault is recorded as failed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import legacy_snapshots, marketplace_snapshots
from tests.support.stores import build_store
from whosbehind.pipeline import snapshot_batch
from whosbehind.pipeline.snapshot_ingest import IngestSummary, SnapshotIngest
from whosbehind.sources.fedramp.source import FedrampSource
from whosbehind.sources.protocol import Skipped
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store import snapshots
from whosbehind.store.engine import Engine
from whosbehind.store.versions import TABLES

# two feeds, days that change things and days that repeat the day before
RAWS = sorted(
    legacy_snapshots(every=211, count=12)
    + legacy_snapshots(first=2000, count=8)
    + marketplace_snapshots(every=97, count=10)
    + marketplace_snapshots(first=600, count=6),
    key=lambda raw: raw.fallback_time,
)


class Given(FedrampSource):
    """The FedRAMP source, reading the snapshots it is given instead of a location."""

    def __init__(self, raws: Sequence[RawSnapshot]) -> None:
        self.raws = raws

    def snapshots(
        self,
        where: str,
        skip_commits: frozenset[str],
        client: httpx.Client | None,
        skipped: Skipped,
    ) -> Iterator[RawSnapshot]:
        return (raw for raw in self.raws if raw.commit not in skip_commits)


def run(db: Path, raws: Sequence[RawSnapshot]) -> IngestSummary:
    engine = Engine(db)
    try:
        return SnapshotIngest(Given(raws), engine).run("given snapshots")
    finally:
        engine.close()


def contents(db: Path, leave_out: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the snapshot and fact tables (not when they were written, nor the columns
    ``leave_out``), in order."""
    engine = Engine(db, read_only=True)
    try:
        found = {}
        for table in ["snapshot", *TABLES]:
            columns = [
                row[0]
                for row in engine.connection.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                    "ORDER BY ordinal_position",
                    [table],
                ).fetchall()
                if row[0] not in ("ingested_at", *leave_out)
            ]
            names = ", ".join(columns)
            found[table] = engine.connection.execute(
                f"SELECT {names} FROM {table} ORDER BY ALL"
            ).fetchall()
        return found
    finally:
        engine.close()


@pytest.fixture(scope="module")
def one_at_a_time(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("alone") / "store.duckdb"
    build_store(db, RAWS)  # ``add`` on its own: each snapshot written at once
    return db


def test_batches_leave_the_store_writing_each_snapshot_at_once_leaves(
    one_at_a_time: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot_batch, "MAX_SNAPSHOTS", 5)  # several batches, some mixed
    monkeypatch.setattr(snapshot_batch, "MAX_SECONDS", 1e6)  # however slow the machine
    writes: list[int] = []
    write = snapshot_batch.SnapshotBatch.write

    def counted(batch: snapshot_batch.SnapshotBatch, engine: Engine) -> None:
        writes.append(len(batch.rows))
        write(batch, engine)

    monkeypatch.setattr(snapshot_batch.SnapshotBatch, "write", counted)
    summary = run(tmp_path / "batched.duckdb", RAWS)
    # one of the marketplace snapshots is an empty file: failed, both ways
    assert summary.snapshots_stored + summary.failed == len(RAWS) and summary.failed == 1
    assert summary.versions_inserted > 0
    assert len(writes) == -(-len(RAWS) // 5) and sum(writes) == len(RAWS)
    assert contents(tmp_path / "batched.duckdb") == contents(one_at_a_time)


def test_a_batch_that_fails_to_write_is_read_again_one_snapshot_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot_batch, "MAX_SNAPSHOTS", 6)
    bad = RAWS[9]  # a write of this snapshot's row fails (as a value the store refuses would)
    insert = snapshots.insert_many

    def refusing(engine: Engine, rows: Sequence[snapshots.SnapshotRow]) -> None:
        if any(row.sha256 == bad.sha256 and row.status == "ok" for row in rows):
            raise ValueError("refused by the store")
        insert(engine, rows)

    monkeypatch.setattr(snapshots, "insert_many", refusing)
    summary = run(tmp_path / "batched.duckdb", RAWS)

    monkeypatch.setattr(snapshots, "insert_many", insert)
    alone = build_store(tmp_path / "without.duckdb", [raw for raw in RAWS if raw is not bad])
    assert summary.snapshots_read == len(RAWS) and summary.failed == alone.failed + 1
    assert summary.snapshots_stored == alone.snapshots_stored
    assert summary.errors == [
        f"{bad.locator}: ValueError: refused by the store",
        *alone.errors,
    ] or sorted(summary.errors) == sorted(
        [f"{bad.locator}: ValueError: refused by the store", *alone.errors]
    )
    # the versions are the same; their internal row ids are numbered afresh after the retry
    batched = contents(tmp_path / "batched.duckdb", ("row_id",))
    without = contents(tmp_path / "without.duckdb", ("row_id",))
    assert {t: rows for t, rows in batched.items() if t != "snapshot"} == {
        t: rows for t, rows in without.items() if t != "snapshot"
    }
    failed = [row for row in batched["snapshot"] if bad.sha256 in row]
    assert len(failed) == 1 and "failed" in failed[0]


def test_a_run_that_stops_writes_nothing_of_its_unfinished_batch(
    one_at_a_time: Path, tmp_path: Path
) -> None:
    class Interrupted(Exception):
        pass

    def stopping() -> Iterator[RawSnapshot]:
        yield from RAWS[:3]
        raise Interrupted  # as a source that cannot be read any further

    source = Given(RAWS)
    source.snapshots = lambda *args: stopping()  # type: ignore[method-assign]
    engine = Engine(tmp_path / "stopped.duckdb")
    with pytest.raises(Interrupted):
        SnapshotIngest(source, engine).run("given snapshots")
    engine.close()
    assert contents(tmp_path / "stopped.duckdb")["snapshot"] == []
    run(tmp_path / "stopped.duckdb", RAWS)  # the next run reads them all
    assert contents(tmp_path / "stopped.duckdb") == contents(one_at_a_time)
