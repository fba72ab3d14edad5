"""``whosbehind judgements import|list|check`` end to end on the analysts' real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import SHARED_DATA
from whosbehind.cli.app import app
from whosbehind.resolve.judgements import HEADER, read_judgements

ICE = SHARED_DATA / "contracts" / "ice-fy13-fy18"
runner = CliRunner(env={"COLUMNS": "200"})


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_import_then_list_then_reimport(tmp_path: Path) -> None:
    target = tmp_path / "data" / "judgements.tsv"
    code, out = invoke(
        "judgements", "import", str(ICE / "freezer.csv"), "--judgements", str(target), "--json"
    )
    assert code == 0
    summary = json.loads(out)
    written = read_judgements(target)
    assert summary["format"] == "freezer" and summary["rows_read"] == 2203
    assert summary["written"] == summary["imported"] == len(written) > 0
    assert summary["by_kind"]["parent-of"] == sum(j.kind == "parent-of" for j in written)
    assert written[0].source == "freezer.csv:2"

    code, out = invoke("judgements", "list", "--judgements", str(target), "--json")
    listed = json.loads(out)["judgements"]
    assert code == 0 and len(listed) == len(written)
    assert listed[0]["left"] == str(written[0].left) and listed[0]["line"] == 2

    code, out = invoke(
        "judgements", "import", str(ICE / "freezer.csv"), "--judgements", str(target)
    )
    assert code == 0
    assert "imported 0 judgements" in out and "already present" in out
    assert len(read_judgements(target)) == len(written)


def test_dry_run_writes_nothing_and_env_picks_the_file(tmp_path: Path) -> None:
    target = tmp_path / "judgements.tsv"
    env = {"WHOSBEHIND_JUDGEMENTS": str(target), "USER": "analyst"}
    code, out = invoke(
        "judgements", "import", str(ICE / "hoovers_names_and_duns.csv"), "--dry-run", env=env
    )
    assert code == 0 and "would import" in out and str(target) in out
    assert not target.exists()
    code, _ = invoke("judgements", "import", str(ICE / "hoovers_names_and_duns.csv"), env=env)
    assert code == 0
    assert {j.author for j in read_judgements(target)} == {"analyst"}


def test_generic_mapping_options(tmp_path: Path) -> None:
    target = tmp_path / "judgements.tsv"
    code, out = invoke(
        "judgements",
        "import",
        str(ICE / "freezer.csv"),
        "--from-column",
        "recipient_name",
        "--to-column",
        "parent_name",
        "--relation",
        "parent-of",
        "--source",
        "torn-apart freezer",
        "--judgements",
        str(target),
    )
    assert code == 0, out
    found = read_judgements(target)
    assert found and {j.kind for j in found} == {"parent-of"}
    assert all(j.source.startswith("torn-apart freezer:") for j in found)


def test_check_reports_every_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "judgements.tsv"
    path.write_text(
        f"{HEADER}\n"
        "same\tduns:884745530\tname:Amazon.com, Inc.\n"
        "parent-of\tname:Thomson Reuters\tname:WEST PUBLISHING CORPORATION"
        "\t2019-01-01\t2018-01-01\n"
        "different\tname:amazon.com, inc.\tduns:884745530\n"
    )
    code, out = invoke("judgements", "check", str(path))
    assert code == 1
    assert f"{path}:3: valid_to:" in out
    assert f"{path}:4: kind: contradicts line 2" in out
    assert "1 valid judgements, 2 errors" in out
    path.write_text(f"{HEADER}\nsame\tduns:884745530\tname:Amazon.com, Inc.\n")
    assert invoke("judgements", "check", str(path)) == (
        0,
        f"{path}: 1 valid judgements, 0 errors\n",
    )


def test_bad_options_are_one_line_errors(tmp_path: Path) -> None:
    env = {**os.environ, "WHOSBEHIND_JUDGEMENTS": str(tmp_path / "j.tsv")}
    for args, needle in (
        (["judgements", "import", str(ICE / "freezer.csv"), "--format", "excel"], "--format"),
        (["judgements", "import", str(ICE / "products_taxonomy.csv")], "cannot tell the format"),
        (["judgements", "import", str(ICE / "fy18.csv"), "--from-column", "x"], "go together"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "whosbehind", *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 2, done.stderr
        assert needle in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "j.tsv").exists()


WHOSBEHIND = (sys.executable, "-m", "whosbehind")
FREEZER = ICE / "freezer.csv"


def test_the_default_file_sits_beside_the_store(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WHOSBEHIND_")}
    for store in ("a", "b"):
        (tmp_path / store).mkdir()
        done = subprocess.run(
            [*WHOSBEHIND, "--db", f"{store}/ice.duckdb", "judgements", "import", str(FREEZER)],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert f"{store}/ice.judgements.tsv" in " ".join(done.stdout.split())
    first, second = (read_judgements(tmp_path / s / "ice.judgements.tsv") for s in ("a", "b"))
    # each store its own file, not one shared: both hold the whole import once
    assert [j.left for j in first] == [j.left for j in second] and len(first) > 0
