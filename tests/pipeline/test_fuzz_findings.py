"""Regression tests for what the fuzz campaign of tests/pipeline/test_fuzz_readers.py found
(docs/reliability.md lists the campaign). Each input is the smallest one found to trigger it."""

from __future__ import annotations

from pathlib import Path

from tests.support.contracts import ICE_LOCAL_GOV
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.store.engine import Engine

LOCAL_GOV = ICE_LOCAL_GOV / "us-local-gov-ice-contracts.csv"


def _lines(count: int) -> list[bytes]:
    return LOCAL_GOV.read_bytes().removeprefix(b"\xef\xbb\xbf").split(b"\n")[:count]


def test_a_file_duckdb_cannot_parse_fails_alone_and_keeps_insertion_order(tmp_path: Path) -> None:
    """A line holding one 4-byte character (U+102AA9) sends DuckDB's CSV parser to an
    'invalid state' inside the file's transaction. Found: the cleanup after it ran in the
    aborted transaction, and the TransactionException stopped the run."""
    header, *rows = _lines(4)
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "a-bad.csv").write_bytes(b"\n".join([header, "\U00102aa9".encode(), *rows, b""]))
    (folder / "b-good.csv").write_bytes(b"\n".join([header, *rows, b""]))
    engine = Engine(tmp_path / "store.duckdb")
    try:
        summary = ingest_usaspending(engine, folder)
        found = {
            Path(row["locator"]).name: row
            for row in engine.rows("SELECT locator, status, error FROM snapshot")
        }
        awards = engine.scalar("SELECT count(DISTINCT award_key) FROM contract_award")
        order = engine.scalar("SELECT current_setting('preserve_insertion_order')")
    finally:
        engine.close()
    assert summary.failed == 1 and summary.snapshots_read == 2
    assert found["a-bad.csv"]["status"] == "failed"
    assert found["a-bad.csv"]["error"].startswith("unreadable CSV: Invalid Input Error")
    assert found["b-good.csv"]["status"] == "ok" and awards == len(rows)
    assert order is True  # the later files are staged in file order
