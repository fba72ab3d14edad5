"""``fedramp share --by parent`` end to end: refused before ``resolve``, then rows per parent."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import SHARED_DATA
from whosbehind.cli.app import app

runner = CliRunner(env={"COLUMNS": "200"})
SHARE = ("fedramp", "share", "--as-of", "2022-06-01", "--feed", "legacy")
SHARE += ("--measure", "offerings", "--attribution", "direct")  # totals equal by parent


def test_share_by_parent_needs_a_registry_then_rolls_up(store_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copy(store_path, db)
    refused = subprocess.run(
        [sys.executable, "-m", "whosbehind", "--db", str(db), *SHARE, "--by", "parent"],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "load it with `whosbehind resolve`" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1

    judgements = tmp_path / "judgements.tsv"
    judgements.write_text(
        "kind\tleft\tright\tsource\n"
        "parent-of\tcik:1018724\tfedramp:amazon\tAmazon.com 10-K: AWS is a segment\n"
    )
    resolved = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "resolve",
            "--sec",
            str(SHARED_DATA / "sec"),
            "--judgements",
            str(judgements),
        ],
    )
    assert resolved.exit_code == 0, resolved.output

    by_provider = runner.invoke(app, ["--db", str(db), *SHARE, "--json"])
    by_parent = runner.invoke(app, ["--db", str(db), *SHARE, "--by", "parent", "--json"])
    assert by_provider.exit_code == 0 and by_parent.exit_code == 0, by_parent.output
    providers, parents = json.loads(by_provider.output), json.loads(by_parent.output)
    assert parents["by"] == "parent" and parents["total"] == providers["total"]
    counts = {row["provider"]: row["count"] for row in providers["rows"]}
    amazon = next(row for row in parents["rows"] if "Amazon" in row["providers"])
    assert amazon["provider"] == "AMAZON COM INC" and amazon["count"] == counts["Amazon"]
    assert amazon["org_id"] and amazon["citations"] == [parents["citations"][0]["id"]]

    table = runner.invoke(app, ["--db", str(db), *SHARE, "--by", "parent", "--top", "40"])
    assert table.exit_code == 0 and "by parent" in table.output
    assert "AMAZON COM INC" in table.output and "parents" in table.output
