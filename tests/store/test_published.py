"""Writers publish a read-only copy of the store beside it (store/published.py) while a reader
is registered: after commits when due, at close when they changed it; with no reader nothing is
copied; a killed writer or a killed copy never leaves a half-written copy where readers look."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import LEGACY_REPO
from tests.pipeline.test_interrupted_ingest import _wait_for_cpu_seconds
from tests.support.contracts import AGENCY_LIST, ICE_2018
from whosbehind.pipeline.contracts.ingest import ingest_agencies, ingest_usaspending
from whosbehind.store import published
from whosbehind.store.engine import Engine
from whosbehind.store.published import (
    current_version,
    has_readers,
    is_stale,
    published_path,
    register_reader,
    unregister_reader,
    wal_path,
)
from whosbehind.store.published_reader import PublishedStore


@pytest.fixture
def reader(tmp_db: Path) -> Iterator[Path]:
    """A reader registered beside the store for the test (writers publish only then)."""
    mark = register_reader(tmp_db)
    assert mark is not None and mark.exists()
    yield mark
    unregister_reader(mark)


@pytest.fixture
def every_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writers publish after every commit. Without the COPY_SHARE part, a copy that took long
    (a loaded machine) defers the next publication to keep copying under a tenth of the run:
    the guard another test checks."""
    monkeypatch.setenv(published.EVERY_ENV, "0")
    monkeypatch.setattr(published, "COPY_SHARE", float("inf"))


def _count(path: Path, sql: str) -> int:
    engine = Engine(path, read_only=True, isolated=True)
    try:
        return int(engine.scalar(sql))
    finally:
        engine.close()


def test_a_writer_publishes_at_close(tmp_db: Path, reader: Path) -> None:
    engine = Engine(tmp_db)
    ingest_agencies(engine, AGENCY_LIST)
    assert current_version(tmp_db) is None, "published before close with the default interval"
    engine.close()

    assert published_path(tmp_db) == tmp_db.with_name("test.published.duckdb")
    sql = "SELECT count(*), count(DISTINCT subtier_code) FROM contract_agency"
    stored = Engine(tmp_db, read_only=True)
    expected = stored.connection.execute(sql).fetchall()
    stored.close()
    copy = Engine(published_path(tmp_db), read_only=True, isolated=True)
    assert copy.connection.execute(sql).fetchall() == expected
    assert expected[0][0] > 100
    copy.close()
    assert not is_stale(tmp_db)


def test_an_unchanged_store_is_not_published_again(tmp_db: Path, reader: Path) -> None:
    engine = Engine(tmp_db)
    ingest_agencies(engine, AGENCY_LIST)
    engine.close()
    before = current_version(tmp_db)
    Engine(tmp_db).close()
    assert current_version(tmp_db) == before


@pytest.mark.usefixtures("every_commit")
def test_published_after_each_commit_while_the_writer_works(tmp_db: Path, reader: Path) -> None:
    engine = Engine(tmp_db)
    try:
        ingest_agencies(engine, AGENCY_LIST)
        ingest_usaspending(engine, ICE_2018 / "fy13.csv")
        committed = engine.scalar("SELECT count(*) FROM contract_award")
        # the writer still holds the store: the copy is read by another connection meanwhile
        assert _count(published_path(tmp_db), "SELECT count(*) FROM contract_award") == committed
        ingest_usaspending(engine, ICE_2018 / "fy14.csv")
        more = engine.scalar("SELECT count(*) FROM contract_award")
        assert more > committed
        assert _count(published_path(tmp_db), "SELECT count(*) FROM contract_award") == more
    finally:
        engine.close()


def test_a_slow_copy_defers_the_next_publication(
    tmp_db: Path, reader: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    copies: list[Path] = []
    monkeypatch.setattr(published, "time", SimpleNamespace(monotonic=lambda: clock[0]))

    def slow_publish(connection: object, store: Path) -> None:
        copies.append(store)
        clock[0] += 2.0  # the copy took 2 s

    monkeypatch.setattr(published, "publish", slow_publish)
    publisher = published.Publisher(tmp_db, every=0)
    publisher.committed(connection=None)  # type: ignore[arg-type]
    assert len(copies) == 1
    # due again only after 2 s / COPY_SHARE: at most that share of the run goes into copies
    clock[0] += 2.0 / published.COPY_SHARE - 0.5
    publisher.committed(connection=None)  # type: ignore[arg-type]
    assert len(copies) == 1
    clock[0] += 1.0
    publisher.committed(connection=None)  # type: ignore[arg-type]
    assert len(copies) == 2


def test_publish_every_must_be_seconds(tmp_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(published.EVERY_ENV, "soon")
    with pytest.raises(Exception, match="WHOSBEHIND_PUBLISH_EVERY='soon': not a number"):
        Engine(tmp_db)


def test_a_copy_killed_half_way_is_never_seen(
    tmp_db: Path, reader: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(tmp_db)
    ingest_agencies(engine, AGENCY_LIST)
    engine.close()
    before = current_version(tmp_db)
    assert before is not None
    count = _count(before.path, "SELECT count(*) FROM contract_agency")

    def half(source: Path, target: Path) -> None:
        target.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
        raise KeyboardInterrupt

    engine = Engine(tmp_db)
    engine.execute("DELETE FROM contract_agency WHERE subtier_code < '5'")
    monkeypatch.setattr(published, "_copy", half)
    with pytest.raises(KeyboardInterrupt):
        engine.close()
    assert current_version(tmp_db) == before
    assert _count(before.path, "SELECT count(*) FROM contract_agency") == count
    assert [p.name for p in tmp_db.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_leftovers_of_a_killed_writer_are_removed(tmp_db: Path, reader: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    leftover = tmp_db.with_name(f".test.published.duckdb.{dead.stdout.strip()}.tmp")
    leftover.write_bytes(b"half a database")
    engine = Engine(tmp_db)
    ingest_agencies(engine, AGENCY_LIST)
    engine.close()
    assert not leftover.exists()
    assert current_version(tmp_db) is not None


KILLED_WRITER = (
    "import os, signal, sys; from whosbehind.store.engine import Engine; "
    "from whosbehind.pipeline.contracts.ingest import ingest_agencies; "
    "engine = Engine(sys.argv[1]); ingest_agencies(engine, sys.argv[2]); "
    "os.kill(os.getpid(), signal.SIGKILL)"
)


def test_a_reader_publishes_what_a_killed_writer_committed(tmp_db: Path) -> None:
    env = {**os.environ, published.EVERY_ENV: "3600"}
    child = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(tmp_db), str(AGENCY_LIST)], env=env
    )
    assert child.returncode == -signal.SIGKILL
    assert current_version(tmp_db) is None
    assert wal_path(tmp_db).exists(), "the commits are in the log, not yet in the file"
    assert is_stale(tmp_db)

    reader = PublishedStore(tmp_db)
    try:
        with reader.reading() as engine:
            served = engine.scalar("SELECT count(*) FROM contract_agency")
    finally:
        reader.close()
    assert wal_path(tmp_db).exists(), "the reader never writes the store"
    direct = Engine(tmp_db, read_only=True, publish=False)
    assert served == direct.scalar("SELECT count(*) FROM contract_agency") > 100
    direct.close()


INGEST_LEGACY = (
    "import sys; from whosbehind.store.engine import Engine; "
    "from whosbehind.pipeline.ingest_fedramp import ingest_fedramp; "
    "ingest_fedramp(Engine(sys.argv[1]), sys.argv[2])"
)


@pytest.mark.slow
def test_kill_minus_nine_while_publishing_after_every_commit(tmp_db: Path, reader: Path) -> None:
    """Publishing after every snapshot, the writer is often copying when it is killed: the
    published copy is still a whole database, a state the store went through."""
    env = {**os.environ, published.EVERY_ENV: "0"}
    child = subprocess.Popen(
        [sys.executable, "-c", INGEST_LEGACY, str(tmp_db), str(LEGACY_REPO)], env=env
    )
    _wait_for_cpu_seconds(child, 5.0)
    assert child.poll() is None, "ingest finished before it could be interrupted"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    version = current_version(tmp_db)
    assert version is not None
    copy = Engine(version.path, read_only=True, isolated=True)
    seen = [
        row[0]
        for row in copy.connection.execute("SELECT seq FROM snapshot ORDER BY seq").fetchall()
    ]
    copy.close()
    store = Engine(tmp_db, read_only=True, publish=False)
    stored = [
        row[0]
        for row in store.connection.execute("SELECT seq FROM snapshot ORDER BY seq").fetchall()
    ]
    store.close()
    assert seen and seen == stored[: len(seen)]


def test_with_no_reader_a_writer_copies_nothing(tmp_db: Path) -> None:
    """An ingest nobody reads copies nothing; the first reader publishes the store itself."""
    engine = Engine(tmp_db)
    ingest_agencies(engine, AGENCY_LIST)
    engine.close()
    assert not has_readers(tmp_db)
    assert current_version(tmp_db) is None
    assert is_stale(tmp_db)

    reader = PublishedStore(tmp_db)
    try:
        assert has_readers(tmp_db)
        with reader.reading() as copy:
            served = copy.scalar("SELECT count(*) FROM contract_agency")
    finally:
        reader.close()
    assert not has_readers(tmp_db), "a closed reader leaves no mark"
    assert served == _count(tmp_db, "SELECT count(*) FROM contract_agency") > 100
    assert not is_stale(tmp_db)


@pytest.mark.usefixtures("every_commit")
def test_a_reader_registered_during_a_run_is_published_at_the_next_commit(tmp_db: Path) -> None:
    engine = Engine(tmp_db)
    try:
        ingest_agencies(engine, AGENCY_LIST)
        ingest_usaspending(engine, ICE_2018 / "fy13.csv")
        assert current_version(tmp_db) is None, "published with no reader"
        mark = register_reader(tmp_db)
        assert mark is not None
        try:
            ingest_usaspending(engine, ICE_2018 / "fy14.csv")
            committed = engine.scalar("SELECT count(*) FROM contract_award")
            assert _count(published_path(tmp_db), "SELECT count(*) FROM contract_award") == (
                committed
            )
        finally:
            unregister_reader(mark)
    finally:
        engine.close()


def test_a_dead_readers_mark_is_ignored(tmp_db: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    tmp_db.with_name(f".{tmp_db.name}.reader.{dead.stdout.strip()}.0").touch()
    assert not has_readers(tmp_db)
    engine = Engine(tmp_db)
    ingest_agencies(engine, AGENCY_LIST)
    engine.close()
    assert current_version(tmp_db) is None


def test_a_reader_in_a_folder_it_cannot_write_still_reads(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mark that cannot be written (a read-only folder, where no writer can change the store
    either) does not stop the reader: it reads the copy that is there."""
    engine = Engine(tmp_db)
    ingest_agencies(engine, AGENCY_LIST)
    engine.close()

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Read-only file system", str(self))

    reader = PublishedStore(tmp_db)
    reader.refresh()  # publishes the store: no writer holds it
    reader.close()
    assert current_version(tmp_db) is not None
    monkeypatch.setattr(Path, "touch", refuse)
    again = PublishedStore(tmp_db)
    try:
        assert not has_readers(tmp_db)
        with again.reading() as copy:
            assert copy.scalar("SELECT count(*) FROM contract_agency") > 100
    finally:
        again.close()
