"""Regression tests for what the fuzz campaign of tests/pipeline/test_fuzz_readers.py found
(docs/reliability.md lists the campaign). Each input is the smallest one found to trigger it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ORG_EXPORT
from tests.support.contracts import ICE_LOCAL_GOV
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.pipeline.ingest_fedramp import FedrampIngest
from whosbehind.sources.fedramp.metadata import ORG_PRODUCTS
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


def test_bytes_that_failed_in_one_reader_are_still_read_by_another(tmp_path: Path) -> None:
    """Found by the folder fuzz test: a CSV saved as ``.json`` fails as an API response; the
    same bytes as ``.csv`` were then 'already seen' and never stored. And a FedRAMP snapshot
    that a contract ingest recorded was never read by ``ingest fedramp``."""
    header, *rows = _lines(4)
    content = b"\n".join([header, *rows, b""])
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "a-export.json").write_bytes(content)
    (folder / "b-export.csv").write_bytes(content)
    (folder / "c-fedramp.json").write_bytes((ORG_EXPORT / "fedramp-products.json").read_bytes())
    engine = Engine(tmp_path / "store.duckdb")
    try:
        ingest_usaspending(engine, folder)
        contracts = {
            Path(row["locator"]).name: row["status"]
            for row in engine.rows("SELECT locator, status FROM snapshot")
        }
        fedramp = FedrampIngest(engine).run(str(folder))
        products = engine.scalar(
            "SELECT status FROM snapshot WHERE feed = ? AND locator = ?",
            [ORG_PRODUCTS.name, str(folder / "c-fedramp.json")],
        )
    finally:
        engine.close()
    assert contracts["a-export.json"] == "failed" and contracts["b-export.csv"] == "ok"
    assert contracts["c-fedramp.json"] in ("failed", "skipped")
    assert fedramp.snapshots_stored == 1 and products == "ok"
