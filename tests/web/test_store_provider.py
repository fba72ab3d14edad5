"""The app over ``PublishedProvider`` (what `whosbehind serve` uses) answers while an ingest runs
in another process on the real ICE files, and answers from the new data (search, data
version) within seconds of the ingest's end."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from tests.support.contracts import ICE_2018, build
from whosbehind.store import published
from whosbehind.web import PublishedProvider, create_app

WITHIN = 60.0


def _first_piid(name: str) -> str:
    with (ICE_2018 / name).open(encoding="utf-8") as stream:
        return stream.readline().split(",", 1)[0].strip('"')


def test_answers_during_an_ingest_and_serves_its_data_after(tmp_db: Path) -> None:
    build(tmp_db, ICE_2018 / "fy13.csv")
    piid = _first_piid("fy16.csv")
    provider = PublishedProvider(tmp_db, check_every=0.5)
    statuses: list[int] = []
    try:
        with TestClient(create_app(provider), raise_server_exceptions=False) as client:
            before = client.get("/api/version").json()["digest"]
            assert client.get("/api/search", params={"q": piid}).json()["results"] == []
            ingest = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "whosbehind",
                    "--db",
                    str(tmp_db),
                    "ingest",
                    "usaspending",
                    str(ICE_2018 / "fy16.csv"),
                ],
                env={**os.environ, published.EVERY_ENV: "1"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            while ingest.poll() is None:
                for path in ("/api/version", "/search?q=detention", "/agency/7012"):
                    statuses.append(client.get(path).status_code)
            finished = time.monotonic()
            assert ingest.returncode == 0, ingest.stderr.read() if ingest.stderr else ""
            while time.monotonic() - finished < WITHIN:
                found = client.get("/api/search", params={"q": piid}).json()["results"]
                if found:
                    break
                time.sleep(0.2)
            lag = time.monotonic() - finished
            assert found and found[0]["id"] == piid, f"not served within {WITHIN} s"
            assert client.get("/api/version").json()["digest"] != before
    finally:
        provider.close()
    assert statuses and set(statuses) <= {200}, sorted(set(statuses))
    print(f"\n{len(statuses)} answers during the ingest, all 200; new PIID found {lag:.2f} s after")
