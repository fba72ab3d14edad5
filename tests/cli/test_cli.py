"""The command line end to end: real data in, tables and JSON out, errors as one line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import ORG_EXPORT
from whosbehind.cli.app import app

runner = CliRunner(env={"COLUMNS": "200"})


def run(*args: str, db: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def cli_db(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("cli") / "store.duckdb"
    shutil.copy(store_path, copy)
    return copy


def test_share_table_and_json(cli_db: Path) -> None:
    code, out = run(
        "fedramp",
        "share",
        "--as-of",
        "2019-06-01",
        "--feed",
        "legacy",
        "--attribution",
        "infrastructure",
        "--measure",
        "authorizations",
        "--top",
        "3",
        db=cli_db,
    )
    assert code == 0 and "Amazon" in out and "HHI" in out and "legacy-history.git@" in out
    code, out = run(
        "fedramp",
        "share",
        "--as-of",
        "2019-06-01",
        "--feed",
        "legacy",
        "--impact",
        "high",
        "--json",
        db=cli_db,
    )
    data = json.loads(out)
    assert code == 0 and data["impact"] == "high" and data["measure"] == "authorizations"
    assert data["attribution"] == "infrastructure"
    assert [r["count"] for r in data["rows"]] == sorted(
        (r["count"] for r in data["rows"]), reverse=True
    )
    assert data["citations"][0]["content_hash"] == data["snapshot"]["sha256"]


def test_timeline_with_a_chart(cli_db: Path, tmp_path: Path) -> None:
    chart = tmp_path / "shares.png"
    code, out = run(
        "fedramp",
        "timeline",
        "--from",
        "2017-01-01",
        "--to",
        "2020-12-31",
        "--every",
        "year",
        "--feed",
        "legacy",
        "--plot",
        str(chart),
        db=cli_db,
    )
    assert code == 0 and "2018-12-31" in out
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and chart.stat().st_size > 10_000
    code, out = run(
        "fedramp",
        "timeline",
        "--from",
        "2018-01-01",
        "--to",
        "2018-12-31",
        "--every",
        "quarter",
        "--feed",
        "legacy",
        "--json",
        db=cli_db,
    )
    assert code == 0 and len(json.loads(out)["points"]) == 4


def test_offering_runs_on_changes(cli_db: Path) -> None:
    code, out = run(
        "fedramp",
        "offering",
        "AWS GovCloud",
        "--as-of",
        "2020-01-01",
        "--feed",
        "legacy",
        db=cli_db,
    )
    assert code == 0 and "F1603047866" in out and "Runs on it" in out
    code, out = run("fedramp", "runs-on", "Microsoft", "--as-of", "2021-01-01", "--json", db=cli_db)
    data = json.loads(out)
    assert (
        code == 0
        and data["rows"]
        and all(r["runs_on_provider"] == "Microsoft" for r in data["rows"])
    )
    code, out = run(
        "fedramp",
        "changes",
        "--from",
        "2018-01-01",
        "--to",
        "2019-01-01",
        "--feed",
        "legacy",
        "--json",
        db=cli_db,
    )
    assert code == 0 and json.loads(out)["counts"]["new offering"] > 0


def test_library_errors_are_one_line_and_exit_2(cli_db: Path, tmp_path: Path) -> None:
    env = {**os.environ, "WHOSBEHIND_DB": str(cli_db)}
    for args, needle in (
        (["fedramp", "share", "--as-of", "2019-13-45"], "not a date"),
        (["fedramp", "share", "--measure", "dollars"], "'dollars' is not one of"),
        (["fedramp", "share", "--as-of", "2010-01-01"], "the first date covered is 2016-"),
        (["fedramp", "changes", "--since", "2020-01-01"], "No such option: --since"),
        (["fedramp", "offering", "nothing-like-this"], "no FedRAMP offering"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "whosbehind", *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 2, done.stderr
        assert needle in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    missing = {**os.environ, "WHOSBEHIND_DB": str(tmp_path / "none.duckdb")}
    done = subprocess.run(
        [sys.executable, "-m", "whosbehind", "fedramp", "share"],
        env=missing,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "no store here yet" in done.stderr


def test_ingest_a_file_twice(tmp_path: Path) -> None:
    db = tmp_path / "ingest.duckdb"
    source = str(ORG_EXPORT / "fedramp-products.json")
    code, out = run("ingest", "fedramp", source, "--json", db=db)
    first = json.loads(out)
    assert code == 0 and first["snapshots_stored"] == 1 and first["versions_inserted"] > 797
    code, out = run("ingest", "fedramp", source, "--json", db=db)
    second = json.loads(out)
    assert second["snapshots_already_seen"] == 1 and second["versions_inserted"] == 0
    code, out = run("ingest", "fedramp", str(ORG_EXPORT), db=db)
    assert code == 0 and "snapshots stored" in out


def test_ingest_reports_a_malformed_file(tmp_path: Path) -> None:
    bad = tmp_path / "data.json"
    bad.write_text('{"meta": {"Created_At": "2020-01-01T00:00:00Z"}, "data": {"Providers": [')
    result = runner.invoke(
        app, ["--db", str(tmp_path / "s.duckdb"), "ingest", "fedramp", str(bad), "--json"]
    )
    data = json.loads(result.stdout)
    assert result.exit_code == 3 and data["snapshots_failed"] == 1
    assert data["outcome"]["exit_code"] == 3 and "1 failed" in result.stderr
    assert str(bad) in data["errors"][0] and "line 1" in data["errors"][0]


def test_share_defaults_to_authorizations_with_infrastructure_and_says_so(cli_db: Path) -> None:
    base = ("fedramp", "share", "--as-of", "2019-06-01", "--json")
    default = json.loads(run(*base, db=cli_db)[1])
    explicit = json.loads(
        run(*base, "--measure", "authorizations", "--attribution", "infrastructure", db=cli_db)[1]
    )
    assert default == explicit and default["rows"][0]["provider"].startswith("Amazon")
    code, out = run("fedramp", "share", "--as-of", "2019-06-01", db=cli_db)
    assert code == 0 and "authorizations by provider, infrastructure attribution" in out


def test_a_feed_without_letters_or_runs_on_says_so(cli_db: Path) -> None:
    code, out = run("fedramp", "share", "--feed", "org", "--json", db=cli_db)
    notes = json.loads(out)["notes"]
    assert code == 0 and len(notes) == 2
    assert "no agency ATO letters" in notes[0] and "no runs-on links" in notes[1]
    code, out = run("fedramp", "share", "--feed", "org", "--measure", "offerings", db=cli_db)
    assert code == 0 and "no runs-on links" in out and "no agency ATO letters" not in out
    code, out = run("fedramp", "share", "--as-of", "2019-06-01", "--json", db=cli_db)
    assert json.loads(out)["notes"] == []  # the legacy feed has letters and runs-on links


def test_changes_across_two_feeds_uses_one_that_covers_both(cli_db: Path) -> None:
    code, out = run("fedramp", "changes", "--from", "2023-01-01", "--to", "2023-06-01", db=cli_db)
    assert code == 0 and "(fedramp-legacy)" in " ".join(out.split())


def test_offering_without_an_authorization_date_reads_not_authorized() -> None:
    import datetime as dt

    from whosbehind import Offering
    from whosbehind.cli.fedramp_commands import _authorized

    def offering(status: str, date: dt.date | None) -> Offering:
        return Offering(
            *("F1", "Acme", "Acme", "acme", "Acme Cloud", status, status, None, "", None),
            *("SaaS", None, date, None, None, None, None, None, "$.x"),
        )

    assert _authorized(offering("in_process", None)) == "not authorized"
    assert _authorized(offering("authorized", None)).startswith("authorized, date not given")
    assert _authorized(offering("authorized", dt.date(2019, 6, 1))) == "authorized 2019-06-01"
    assert _authorized(None) == "not authorized"  # not listed in the snapshot
