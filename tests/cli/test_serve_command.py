"""`whosbehind serve` stopped the ways a user or a service manager stops it leaves no reader's
mark beside the store (a mark left behind would make writers publish copies for a reader that
is gone, should its process id be reused)."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import httpx
import pytest

from tests.support.served import serving


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_stopping_serve_removes_its_reader_mark(
    store_path: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    store = tmp_path / "store.duckdb"
    shutil.copyfile(store_path, store)

    def marks() -> list[str]:
        return sorted(p.name for p in tmp_path.glob(".store.duckdb.reader.*"))

    with serving(store, tmp_path / "serve.log", stop=stop) as url:
        assert httpx.get(url + "/market", timeout=30.0).status_code == 200
        assert len(marks()) == 1
    assert marks() == [], (tmp_path / "serve.log").read_text()
