"""``whosbehind ingest sec``: the SEC files into the store, the summary, the exit codes; and
``resolve --sec`` refusing a folder without SEC files, as it always did."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.support.registry import SEC_FOLDER
from whosbehind.cli.app import app
from whosbehind.errors import SourceError

runner = CliRunner(env={"COLUMNS": "200", "WHOSBEHIND_JUDGEMENTS": "/nonexistent/j.tsv"})


def test_ingest_sec_stores_both_files_once(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    first = runner.invoke(app, ["--db", str(db), "ingest", "sec", str(SEC_FOLDER), "--json"])
    again = runner.invoke(app, ["--db", str(db), "ingest", "sec", str(SEC_FOLDER), "--json"])
    assert first.exit_code == 0 and again.exit_code == 0, first.output
    read, repeated = json.loads(first.output), json.loads(again.output)
    assert read["snapshots_stored"] == 2 and read["versions_inserted"] > 10_000
    assert repeated["snapshots_already_seen"] == 2 and repeated["snapshots_stored"] == 0


def test_a_folder_without_sec_files_exits_4_and_resolve_refuses_it(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    result = runner.invoke(app, ["--db", str(db), "ingest", "sec", str(tmp_path)])
    assert result.exit_code == 4
    result = runner.invoke(app, ["--db", str(db), "resolve", "--sec", str(tmp_path)])
    assert isinstance(result.exception, SourceError)
    assert "no SEC company file here" in str(result.exception)
