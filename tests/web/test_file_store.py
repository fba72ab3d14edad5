"""``FileStore`` hands each request its connection clean."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from whosbehind.web import FileStore


def test_a_result_left_unread_by_one_request_does_not_break_the_next(web_store: Path) -> None:
    """The company page failed in CI (500, "unfinished result from execute()") after another
    page had left a result unread on the shared connection: the report registers a table."""
    store = FileStore(web_store)
    try:
        with store.engine() as engine:
            engine.connection.execute("SELECT * FROM snapshot")  # not fetched
        with store.engine() as engine:
            engine.connection.register("_probe", pa.table({"a": [1, 2]}))
            assert engine.connection.execute("SELECT sum(a) FROM _probe").fetchall() == [(3,)]
            engine.connection.unregister("_probe")
    finally:
        store.close()
