"""``whosbehind export`` and ``whosbehind cite`` end to end on a real store."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.export.support import build_supply_chain_store
from whosbehind.cli.app import app

runner = CliRunner(env={"COLUMNS": "200"})


def run(*args: str, db: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_supply_chain_store(tmp_path_factory.mktemp("export-cli") / "store.duckdb")


def test_export_sqlite_then_cite_an_id_from_it(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "ice.sqlite"
    code, text = run("export", "--format", "sqlite", "--agency", "7012", "--out", str(out), db=db)
    assert code == 0, text
    assert "obligated 832205941.18 USD" in text and "identifiers-and-name-key" in text
    connection = sqlite3.connect(out)
    try:
        citation_id, locator = connection.execute(
            "SELECT c.id, c.locator FROM nodes n JOIN node_citations nc ON nc.node_id = n.id "
            "JOIN citations c ON c.id = nc.citation_id WHERE n.id = 'agency:7012'"
        ).fetchone()
    finally:
        connection.close()
    code, text = run("cite", citation_id, "--json", db=db)
    assert code == 0, text
    data = json.loads(text)
    assert data["citation"]["id"] == citation_id and data["citation"]["locator"] == locator
    assert data["selector"] == "subtier_code=7012" and data["records"]
    code, text = run("cite", citation_id, db=db)
    assert code == 0 and f"[{citation_id}] usaspending-agencies" in text and "7012" in text


def test_export_json_metadata_and_the_other_formats(db: Path, tmp_path: Path) -> None:
    code, text = run(
        "export", "--format", "ftm", "--agency", "DHS", "--out", str(tmp_path / "dhs.json"),
        "--json", db=db,
    )  # fmt: skip
    assert code == 0, text
    meta = json.loads(text)
    assert meta["agency"]["label"].startswith("Department of Homeland Security (070")
    assert meta["obligated_by_fiscal_year"]["2013"] == "15928005.95"
    assert len((tmp_path / "dhs.json").read_text().splitlines()) > 10_000
    for kind, name in (("gexf", "g.gexf"), ("graphml", "g.graphml"), ("csv", "csv"),
                       ("parquet", "pq")):  # fmt: skip
        code, text = run("export", "--format", kind, "--as-of", "2019-06-01",
                         "--out", str(tmp_path / name), db=db)  # fmt: skip
        assert code == 0, text
        assert (tmp_path / name).exists()
    assert (tmp_path / "csv" / "nodes.csv").read_text().startswith("id,kind,label,citations")


def test_errors_are_one_line_and_exit_2(db: Path, tmp_path: Path) -> None:
    env = {**os.environ, "WHOSBEHIND_DB": str(db)}
    for args, needle in (
        (["cite", "c0123456789abcde"], "no citation 'c0123456789abcde'"),
        (["export", "--format", "pdf", "--out", str(tmp_path / "x")], "'pdf' is not one of"),
        (
            [
                "export",
                "--format",
                "ftm",
                "--agency",
                "Nowhere Agency",
                "--out",
                str(tmp_path / "y"),
            ],
            "no agency matches",
        ),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "whosbehind", *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 2, done.stderr
        assert needle in done.stderr and len(done.stderr.strip().splitlines()) == 1
    missing = {**os.environ, "WHOSBEHIND_DB": str(tmp_path / "none.duckdb")}
    done = subprocess.run(
        [sys.executable, "-m", "whosbehind", "export", "--format", "ftm", "--out",
         str(tmp_path / "z")], env=missing, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2 and "no store here yet" in done.stderr
    assert not (tmp_path / "none.duckdb").exists()
