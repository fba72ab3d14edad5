"""Ingest exit codes: 0 when everything was read, 3 when some items failed or were held (the
summary on stderr and in --json), 4 when the source holds nothing to read."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from typer.testing import CliRunner

from tests.conftest import ORG_EXPORT, legacy_snapshots
from tests.support.contracts import ICE_2018
from whosbehind.cli.app import app
from whosbehind.cli.ingest_outcome import EXIT_NOTHING_FOUND, EXIT_SOME_FAILED

runner = CliRunner(env={"COLUMNS": "200"})


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), "ingest", *args])
    return result.exit_code, result.stdout, result.stderr


def test_an_empty_or_wrong_folder_says_so_and_exits_4(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no snapshots here")
    for command in ("fedramp", "usaspending", "fpds"):
        code, out, err = _run(tmp_path / "s.duckdb", command, str(empty), "--json")
        assert code == EXIT_NOTHING_FOUND, command
        assert json.loads(out)["outcome"]["exit_code"] == EXIT_NOTHING_FOUND
        assert "found no" in err


def test_a_git_history_already_read_is_not_nothing_found(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    source = str(ORG_EXPORT)
    assert _run(db, "fedramp", source)[0] == 0
    code, _, err = _run(db, "fedramp", source, "--json")
    assert code == 0 and err == ""


def test_a_named_file_that_fails_exits_3_with_the_summary_on_stderr(tmp_path: Path) -> None:
    bad = tmp_path / "fy99.csv"
    bad.write_text("this,is,no,contract,file\n1,2,3,4,5\n")
    code, out, err = _run(tmp_path / "s.duckdb", "usaspending", str(bad))
    assert code == EXIT_SOME_FAILED and "failed" in out
    assert "of 1 files or responses read, 1 failed" in err


def test_one_failed_file_among_good_ones_exits_3_and_keeps_the_good(tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "fy13.csv").write_bytes((ICE_2018 / "fy13.csv").read_bytes())
    (folder / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    code, out, err = _run(tmp_path / "s.duckdb", "usaspending", str(folder), "--json")
    data = json.loads(out)
    assert code == EXIT_SOME_FAILED and data["snapshots_stored"] == 1
    assert data["snapshots_failed"] == 1 and "broken.zip" in data["errors"][0]
    assert "1 failed" in err and data["outcome"]["message"] in err


def test_held_and_failed_snapshots_are_listed_apart_with_a_warning(tmp_path: Path) -> None:
    """Exit 3 with the held snapshots under their own heading and how to apply them, the
    failed ones under theirs, and stderr a warning: the run stored everything else."""
    first, second = legacy_snapshots(first=3000, count=2)
    document = orjson.loads(second.content)
    document["data"]["Providers"] = document["data"]["Providers"][:5]
    folder = tmp_path / "snapshots"
    folder.mkdir()
    (folder / "a.json").write_bytes(first.content)
    (folder / "b.json").write_bytes(orjson.dumps(document))
    (folder / "c.json").write_bytes(b"{")
    code, out, err = _run(tmp_path / "table.duckdb", "fedramp", str(folder))
    assert code == EXIT_SOME_FAILED
    assert err.startswith("warning: of 3 snapshots read, 1 failed, 1 held (rerun with ")
    lines = out.splitlines()
    failed_at = lines.index("failed (1):")
    held_at = lines.index("held (1): rerun with --accept-removals to apply them")
    assert lines[failed_at + 1].startswith(f"  {folder / 'c.json'}: ")
    assert lines[held_at + 1].startswith(f"  {folder / 'b.json'}: ")
    code, out, err = _run(tmp_path / "json.duckdb", "fedramp", str(folder), "--json")
    data = json.loads(out)
    assert code == EXIT_SOME_FAILED and err.startswith("warning: ")
    assert [item.split(": ")[0] for item in data["errors"]] == [str(folder / "c.json")]
    assert [item.split(": ")[0] for item in data["held"]] == [str(folder / "b.json")]
    assert data["outcome"]["message"] in err
