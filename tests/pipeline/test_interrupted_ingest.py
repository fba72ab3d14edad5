"""A run killed mid-way (kill -9) leaves the store as it was before the snapshot it was writing;
the next run continues where it stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import LEGACY_REPO
from tests.support.stores import live_facts, parsed_facts
from whosbehind.sources.gitwalk import walk_git_history
from whosbehind.store.engine import Engine

INGEST = (
    "import sys; from whosbehind.store.engine import Engine; "
    "from whosbehind.pipeline.ingest_fedramp import ingest_fedramp; "
    "ingest_fedramp(Engine(sys.argv[1]), sys.argv[2])"
)


def _wait_for_cpu_seconds(child: subprocess.Popen[bytes], seconds: float) -> None:
    """Wait until the child has run ``seconds`` of CPU time (it has committed some snapshots by
    then), however loaded the machine is; a fixed sleep killed it before its first commit when
    the two cores were busy."""
    ticks = os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + 600
    while child.poll() is None and time.monotonic() < deadline:
        fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        if (int(fields[11]) + int(fields[12])) / ticks >= seconds:  # utime + stime
            return
        time.sleep(0.1)


@pytest.mark.slow
def test_kill_minus_nine_then_resume(tmp_db: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", INGEST, str(tmp_db), str(LEGACY_REPO)])
    _wait_for_cpu_seconds(child, 4.0)
    assert child.poll() is None, "ingest finished before it could be interrupted"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    engine = Engine(tmp_db, read_only=True)
    stored = engine.rows("SELECT seq, commit_id FROM snapshot WHERE status = 'ok' ORDER BY seq")
    assert stored, "nothing was committed before the kill"
    last_seq = stored[-1]["seq"]
    assert [row["seq"] for row in stored] == list(range(1, last_seq + 1))
    for table in ("fedramp_offering", "fedramp_authorization", "fedramp_runs_on"):
        beyond = engine.scalar(
            f"SELECT count(*) FROM {table} WHERE from_seq > ? OR to_seq > ?", [last_seq, last_seq]
        )
        assert beyond == 0, f"{table} holds writes of a snapshot that was never committed"
    last_commit = stored[-1]["commit_id"]
    raw = next(
        iter(
            walk_git_history(
                LEGACY_REPO, ("data/data.json",), only_commits=frozenset({last_commit})
            )
        )
    )
    assert live_facts(engine, "fedramp-legacy", last_seq) == parsed_facts(raw)
    engine.close()

    subprocess.run([sys.executable, "-c", INGEST, str(tmp_db), str(LEGACY_REPO)], check=True)
    engine = Engine(tmp_db, read_only=True)
    total = engine.scalar("SELECT count(*) FROM snapshot")
    commits = engine.scalar("SELECT count(DISTINCT commit_id) FROM snapshot")
    assert total == commits == 4173
    newest = engine.rows(
        "SELECT seq, commit_id FROM snapshot WHERE status = 'ok' ORDER BY seq DESC LIMIT 1"
    )[0]
    raw = next(
        iter(
            walk_git_history(
                LEGACY_REPO, ("data/data.json",), only_commits=frozenset({newest["commit_id"]})
            )
        )
    )
    assert live_facts(engine, "fedramp-legacy", newest["seq"]) == parsed_facts(raw)
    engine.close()
