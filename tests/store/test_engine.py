"""Opening a store: a damaged file or another program's database is a one-line error that names
the file and says what to do, never a DuckDB traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.support.contracts import ICE_2018
from whosbehind.errors import StoreError
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.store.engine import Engine

BLOCK = 256 * 1024  # DuckDB's block size: every block carries a checksum
HEADERS = 3 * 4096  # the file header and the two database headers come first


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("engine") / "good.duckdb"
    engine = Engine(path)
    try:
        ingest_usaspending(engine, ICE_2018 / "fy15.csv")
    finally:
        engine.close()
    return path


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "whosbehind", "--db", str(db), *args],
        env=env,
        capture_output=True,
        text=True,
    )


def _one_line(done: subprocess.CompletedProcess[str], db: Path, needle: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert str(db) in done.stderr and needle in done.stderr


@pytest.mark.parametrize("first", [0, 1])
def test_blocks_with_a_bad_checksum(store: Path, tmp_path: Path, first: int) -> None:
    """Block 0 holds the catalog (read when the store opens), later blocks the data (read by
    a query): either way one line says that the file is damaged and what to do."""
    damaged = tmp_path / "damaged.duckdb"
    data = bytearray(store.read_bytes())
    for start in range(HEADERS + first * BLOCK + 4096, len(data), BLOCK // 4):
        for index in range(start, min(start + 4096, len(data))):
            data[index] ^= 0x5A
    damaged.write_bytes(bytes(data))
    done = _cli(damaged, "awards")
    _one_line(done, damaged, "Corrupt database file")
    assert "restore it from a backup" in done.stderr


def test_a_file_cut_short(store: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(store.read_bytes()[: len(store.read_bytes()) // 3])
    done = _cli(cut, "awards")
    _one_line(done, cut, "restore it from a backup")


def test_random_bytes(tmp_path: Path) -> None:
    noise = tmp_path / "noise.duckdb"
    noise.write_bytes(os.urandom(300_000))
    _one_line(_cli(noise, "awards"), noise, "not a valid DuckDB database file")


def test_another_programs_database(tmp_path: Path) -> None:
    foreign = tmp_path / "crm.duckdb"
    connection = duckdb.connect(str(foreign))
    connection.execute("CREATE TABLE customers (id INTEGER, name VARCHAR)")
    connection.close()
    before = foreign.read_bytes()
    with pytest.raises(StoreError, match="a DuckDB database of another program"):
        Engine(foreign)  # not written into either
    _one_line(_cli(foreign, "awards"), foreign, "(tables customers), not a whosbehind store")
    _one_line(
        _cli(foreign, "ingest", "usaspending", str(ICE_2018 / "fy13.csv")), foreign, "customers"
    )
    assert foreign.read_bytes() == before


def test_a_new_file_and_a_real_store_open(store: Path, tmp_path: Path) -> None:
    Engine(tmp_path / "new.duckdb").close()
    copy = tmp_path / "copy.duckdb"
    shutil.copy(store, copy)
    engine = Engine(copy, read_only=True)
    assert engine.scalar("SELECT count(*) FROM contract_award") > 0
    engine.close()


def test_catalog_checks_and_what_a_read_only_store_keeps_of_them(tmp_path: Path) -> None:
    """``has_table``/``has_column`` see what DuckDB's catalog holds; a writing engine asks
    every time (its tables change), a read-only one keeps the answers (they cannot change)."""
    path = tmp_path / "s.duckdb"
    writer = Engine(path, publish=False)
    writer.execute("CREATE TABLE snapshot (feed VARCHAR)")
    assert writer.has_table("snapshot") and not writer.has_table("contract_award")
    assert writer.has_column("snapshot", "feed") and not writer.has_column("snapshot", "seq")
    writer.execute("CREATE TABLE contract_award (award_key VARCHAR)")
    assert writer.has_table("contract_award")
    writer.execute("DROP TABLE contract_award")
    assert not writer.has_table("contract_award")
    writer.execute("CREATE TEMP TABLE scratch (a INTEGER)")  # temporary tables count
    assert writer.has_table("scratch") and writer.has_column("scratch", "a")
    # DuckDB's own catalog views are not the store's (and are not read: start-up)
    assert writer.scalar("SELECT count(*) FROM duckdb_columns() WHERE table_name = 'duckdb_tables'")
    assert not writer.has_column("duckdb_tables", "table_name")
    writer.close()
    reader = Engine(path, read_only=True)
    asked: list[str] = []
    scalar = reader.scalar

    def counting(sql: str, params: object = None) -> object:
        asked.append(sql)
        return scalar(sql, params)  # type: ignore[arg-type]

    reader.scalar = counting  # type: ignore[method-assign]
    for _ in range(3):
        assert reader.has_table("snapshot") and not reader.has_table("contract_award")
        assert reader.has_column("snapshot", "feed") and not reader.has_column("snapshot", "x")
    assert len(asked) == 4  # each question once
    reader.close()


def test_a_read_only_engine_keeps_what_it_was_asked_and_a_writer_asks_again(
    store: Path, tmp_path: Path
) -> None:
    from whosbehind.analysis.contracts.lines import snapshot_citations

    asked: list[int] = []

    def ask() -> int:
        asked.append(1)
        return len(asked)

    with Engine(store, read_only=True) as reader:
        assert [reader.kept("k", ask), reader.kept("k", ask), reader.cursor().kept("k", ask)] == [
            1,
            1,
            1,
        ]
        feeds = reader.connection.execute("SELECT feed, seq FROM snapshot").fetchall()
        first = snapshot_citations(reader, feeds)
        assert first and snapshot_citations(reader, feeds) == first  # kept, the same
        assert snapshot_citations(reader, feeds[:1]) == {feeds[0]: first[feeds[0]]}
    copy = tmp_path / "writer.duckdb"
    shutil.copy(store, copy)
    with Engine(copy, publish=False) as writer:
        assert [writer.kept("k", ask), writer.kept("k", ask)] == [2, 3]
        assert snapshot_citations(writer, feeds) == first
