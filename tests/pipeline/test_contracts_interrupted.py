"""An interrupted ingest leaves the store as it was before the file it was writing: an
exception mid-transaction, or the process killed (kill -9) after rows were written but before
the commit. The next run goes on from there."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.contracts import ICE_2018, table_counts, totals_2018
from whosbehind.pipeline.contracts import csv_load as contracts_csv_load
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.store.engine import Engine

KILL_ON_THIRD_FILE = """
import os, signal, sys
from whosbehind.pipeline.contracts import csv_load as contracts_csv_load
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.store.engine import Engine

real = contracts_csv_load.refresh_award_flags
calls = []

def refresh_then_die(engine, feed, seq):
    real(engine, feed, seq)  # transactions and awards of this file are written, not committed
    calls.append(seq)
    if len(calls) == 3:
        os.kill(os.getpid(), signal.SIGKILL)

contracts_csv_load.refresh_award_flags = refresh_then_die
ingest_usaspending(Engine(sys.argv[1]), sys.argv[2])
"""


def test_an_exception_mid_transaction_leaves_the_store_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "store.duckdb"
    engine = Engine(db)
    ingest_usaspending(engine, ICE_2018 / "fy13.csv")
    engine.close()
    before = table_counts(db)

    def fail(engine: Engine, feed: str, seq: int) -> None:
        assert engine.scalar("SELECT count(*) FROM contract_transaction WHERE seq = ?", [seq])
        raise OSError(errno.ENOSPC, "disk full")  # aborts the run (a bad file would not)

    monkeypatch.setattr(contracts_csv_load, "refresh_award_flags", fail)
    engine = Engine(db)
    with pytest.raises(OSError, match="disk full"):
        ingest_usaspending(engine, ICE_2018 / "fy14.csv")
    engine.close()
    assert table_counts(db) == before
    monkeypatch.undo()
    engine = Engine(db)
    summary = ingest_usaspending(engine, ICE_2018 / "fy14.csv")
    engine.close()
    assert summary.snapshots_stored == 1 and summary.transactions_inserted == 193


def test_kill_minus_nine_mid_file_then_resume(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    done = subprocess.run(
        [sys.executable, "-c", KILL_ON_THIRD_FILE, str(db), str(ICE_2018)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == -9, done.stderr
    engine = Engine(db, read_only=True)
    stored = engine.rows(
        "SELECT seq, locator FROM snapshot WHERE feed = 'usaspending-csv' AND status = 'ok' "
        "ORDER BY seq"
    )
    per_seq = dict(
        engine.connection.execute(
            "SELECT seq, count(*) FROM contract_transaction GROUP BY 1"
        ).fetchall()
    )
    engine.close()
    # fy13 and fy14 were committed; fy15 was written but never committed
    assert [Path(row["locator"]).name for row in stored] == ["fy13.csv", "fy14.csv"]
    assert per_seq == {1: 157, 2: 193}

    engine = Engine(db)
    summary = ingest_usaspending(engine, ICE_2018)
    totals = dict(
        engine.connection.execute(
            "SELECT fiscal_year, sum(federal_action_obligation) FROM contract_transaction "
            "WHERE record_to IS NULL GROUP BY 1"
        ).fetchall()
    )
    engine.close()
    # fy13, fy14 and the three side files before them (recorded as skipped) are known
    assert summary.already_seen == 5 and summary.snapshots_stored == 4
    assert totals == totals_2018()[0]
