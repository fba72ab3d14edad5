"""A reader of the published copy (store/published_reader.py) keeps answering while an ingest or
`resolve` runs in another process on the real shared data, never locks the writer out, and
serves what the writer committed within a minute (seconds, measured)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.contracts import AGENCY_LIST, ICE_2018
from whosbehind.store import published
from whosbehind.store.engine import Engine
from whosbehind.store.published_reader import PublishedStore

AWARDS = "SELECT count(*) FROM contract_award"
ORGS = (
    "SELECT count(*) FROM information_schema.tables WHERE table_name = 'org_run' "
    "AND table_catalog = current_database()"
)
WITHIN = 60.0  # the promise, in seconds


def _cli(db: Path, *args: str, every: str = "1") -> subprocess.Popen[bytes]:
    env = {**os.environ, published.EVERY_ENV: every}
    return subprocess.Popen(
        [sys.executable, "-m", "whosbehind", "--db", str(db), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@dataclass
class Watch:
    """Queries the reader in a loop from another thread, as requests would."""

    reader: PublishedStore
    sql: str
    seen: list[tuple[float, int]] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    slowest: float = 0.0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                with self.reader.reading() as engine:
                    value = int(engine.scalar(self.sql))
            except BaseException as error:
                self.errors.append(error)
            else:
                self.seen.append((time.monotonic(), value))
            self.slowest = max(self.slowest, time.monotonic() - started)
            time.sleep(0.05)

    def __enter__(self) -> Watch:
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def _wait_for(reader: PublishedStore, sql: str, value: int, since: float) -> float:
    while time.monotonic() - since < WITHIN:
        with reader.reading() as engine:
            if int(engine.scalar(sql)) == value:
                return time.monotonic() - since
        time.sleep(0.1)
    raise AssertionError(f"the reader did not serve {value} within {WITHIN} s")


def _direct(db: Path, sql: str) -> int:
    engine = Engine(db, read_only=True)
    try:
        return int(engine.scalar(sql))
    finally:
        engine.close()


def test_serves_while_an_ingest_and_resolve_run(tmp_db: Path) -> None:
    first = _cli(tmp_db, "ingest", "agencies", str(AGENCY_LIST))
    assert first.wait() == 0, first.stderr.read() if first.stderr else ""
    reader = PublishedStore(tmp_db)
    try:
        with reader.reading() as engine:
            assert engine.scalar("SELECT count(*) FROM contract_agency") > 100
        # the ICE export, six fiscal-year files, each its own commit, published every second
        with Watch(reader, AWARDS) as watch:
            ingest = _cli(tmp_db, "ingest", "usaspending", str(ICE_2018))
            code = ingest.wait()
            finished = time.monotonic()
        assert code == 0, ingest.stderr.read() if ingest.stderr else ""
        expected = _direct(tmp_db, AWARDS)
        lag = _wait_for(reader, AWARDS, expected, finished)
        assert watch.errors == []
        values = [value for _, value in watch.seen]
        assert values == sorted(values), "a reader went back to older data"
        during = sorted(set(values) - {0, expected})
        print(
            f"\ningest: {len(watch.seen)} answers while it ran, slowest {watch.slowest:.3f} s; "
            f"award counts seen mid-run {during}; final {expected} served {lag:.2f} s after exit"
        )
        assert len(watch.seen) > 10

        with Watch(reader, AWARDS) as watch:
            resolve = _cli(tmp_db, "resolve")
            code = resolve.wait()
            finished = time.monotonic()
        assert code == 0, resolve.stderr.read() if resolve.stderr else ""
        assert watch.errors == [] and len(watch.seen) > 5
        assert {value for _, value in watch.seen} == {expected}
        lag = _wait_for(reader, ORGS, 1, finished)
        print(
            f"resolve: {len(watch.seen)} answers while it ran; "
            f"its registry served {lag:.2f} s after exit"
        )
    finally:
        reader.close()


def test_a_reader_never_locks_a_writer_out(tmp_db: Path) -> None:
    first = _cli(tmp_db, "ingest", "agencies", str(AGENCY_LIST))
    assert first.wait() == 0
    reader = PublishedStore(tmp_db)
    try:
        with reader.reading() as engine:
            before = engine.scalar(AWARDS.replace("contract_award", "snapshot"))
            writer = _cli(tmp_db, "ingest", "usaspending", str(ICE_2018 / "fy13.csv"))
            assert writer.wait() == 0, writer.stderr.read() if writer.stderr else ""
            # a request that started before the publish goes on reading its copy
            assert engine.scalar(AWARDS.replace("contract_award", "snapshot")) == before
        assert reader.refresh() is not None
        with reader.reading() as engine:
            assert engine.scalar(AWARDS) == _direct(tmp_db, AWARDS) > 0
    finally:
        reader.close()
