"""The contract commands end to end: real files in, tables and JSON out, citations included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from tests.support.contracts import AGENCY_LIST, FPDS_PAGES, ICE_2018
from whosbehind.cli.app import app
from whosbehind.errors import UsageError
from whosbehind.pipeline.contracts import ingest as contracts_ingest
from whosbehind.pipeline.contracts.ingest import ingest_fpds

runner = CliRunner(env={"COLUMNS": "250"})


def run(*args: str, db: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("contracts-cli") / "store.duckdb"
    code, out = run("ingest", "usaspending", str(ICE_2018), "--json", db=db)
    summary = json.loads(out)
    assert code == 0 and summary["snapshots_stored"] == 6 and summary["rows_read"] == 5672
    assert summary["rows_quarantined"] == 0 and len(summary["skipped"]) == 9
    code, out = run("ingest", "agencies", str(AGENCY_LIST), "--json", db=db)
    assert code == 0 and json.loads(out)["other_versions_inserted"] == 1475
    return db


def test_awards_for_ice_list_palantirs_piids(cli_db: Path) -> None:
    code, out = run("awards", "--agency", "7012", "--recipient", "Palantir", db=cli_db)
    assert code == 0
    for piid in ("HSCETC14C00002", "HSCETC15C00001", "HSCETC13F00030"):
        assert piid in out
    assert "PALANTIR USG, INC." in out and "fy18.csv#award_id_piid=" in out
    code, out = run("awards", "--agency", "Immigration and Customs Enforcement", "--fiscal-year",
                    "2018", "--recipient", "palantir", "--json", db=cli_db)  # fmt: skip
    data = json.loads(out)
    row = next(r for r in data["rows"] if r["award_id"] == "HSCETC14C00002")
    assert row["obligated"] == "1344000.00" and row["potential_value"] == "53148388.39"
    assert row["recipient_parent"] == "PALANTIR TECHNOLOGIES INC." and row["agency_code"] == "7012"
    assert set(row) >= {"first_action", "last_action", "recipient", "award_type", "citations"}
    ids = {c["id"] for c in data["citations"]}
    assert set(row["citations"]) <= ids


def test_spending_json_shape(cli_db: Path) -> None:
    code, out = run("spending", "--by", "recipient", "--fiscal-year", "2018", "--agency", "7012",
                    "--json", db=cli_db)  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["by"] == "recipient" and data["total"] == "343840113.41"
    assert data["filters"]["fiscal_year"] == 2018
    assert data["filters"]["agency"]["subtier_codes"] == ["7012"]
    assert 0 < data["hhi"] < 10_000 and 0 < data["cr4"] <= 1
    assert len(data["rows"]) == 10 and data["groups"] > 10
    first = data["rows"][0]
    assert set(first) == {"key", "name", "amount", "share", "awards", "actions", "citations"}
    assert first["name"] == "GEO GROUP INC., THE" and first["amount"] == "41552920.68"
    (citation,) = data["citations"]
    assert first["citations"] == [citation["id"]]
    assert citation["source"] == "usaspending-csv" and citation["locator"].endswith("fy18.csv")
    assert len(citation["content_hash"]) == 64 and citation["record_time"]


def test_spending_over_a_range_of_fiscal_years(cli_db: Path) -> None:
    code, out = run("spending", "--by", "fiscal-year", "--agency", "7012", "--from-fy", "2016",
                    "--to-fy", "2018", "--json", db=cli_db)  # fmt: skip
    data = json.loads(out)
    assert code == 0 and [row["key"] for row in data["rows"]] == ["2016", "2017", "2018"]
    assert (data["filters"]["first_fiscal_year"], data["filters"]["last_fiscal_year"]) == (
        2016,
        2018,
    )
    code, out = run("spending", "--by", "recipient", "--agency", "7012", "--from-fy", "2016",
                    "--to-fy", "2018", "--top", "3", db=cli_db)  # fmt: skip
    assert code == 0 and "FY2016-FY2018" in out and "GEO GROUP" in out


def test_spending_table_and_chart(cli_db: Path, tmp_path: Path) -> None:
    chart = tmp_path / "by-parent.png"
    code, out = run("spending", "--by", "parent", "--agency", "7000", "--top", "5", "--plot",
                    str(chart), db=cli_db)  # fmt: skip
    assert code == 0 and "HHI" in out and "CR4" in out and "source [c" in out
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and chart.stat().st_size > 10_000
    code, out = run("spending", "--by", "fiscal-year", "--agency", "DHS", db=cli_db)
    assert code == 0 and "2013" in out and "343,840,113.41" in out


def test_ingest_fpds_pages(tmp_path: Path) -> None:
    code, out = run("ingest", "fpds", str(FPDS_PAGES), "--json", db=tmp_path / "f.duckdb")
    data = json.loads(out)
    # 10 actions; the truncated page restates the first one as of its own, earlier <modified>
    # date: one more version, slotted in before the full page's (tests/pipeline/...pages.py)
    assert code == 0 and data["snapshots_stored"] == 2 and data["transactions_inserted"] == 11
    code, out = run("spending", "--by", "agency", db=tmp_path / "f.duckdb")
    assert code == 0 and "4740" in out


def test_ingest_fpds_by_agency_queries_the_public_feed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def fake_ingest(engine: object, source: str, **options: object) -> object:
        asked.append(source)
        return ingest_fpds(engine, FPDS_PAGES, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(contracts_ingest, "ingest_fpds", fake_ingest)  # what the API calls
    db = tmp_path / "live.duckdb"
    code, out = run("ingest", "fpds", "--agency", "7012", "--from", "2017-10-01",
                    "--to", "2018-09-30", "--max-pages", "1", db=db)  # fmt: skip
    assert code == 0 and len(asked) == 1 and "11" in out
    query = parse_qs(urlsplit(asked[0]).query)["q"]
    assert query == ['LAST_MOD_DATE:[2017/10/01,2018/09/30] AGENCY_CODE:"7012"']
    for args, message in (
        (["--agency", "7012", "--from", "2017-10-01"], "--agency CODE --from --to"),
        ([str(FPDS_PAGES), "--agency", "7012"], "not both"),
    ):
        result = runner.invoke(app, ["--db", str(db), "ingest", "fpds", *args])
        assert isinstance(result.exception, UsageError) and message in str(result.exception)


def test_ingest_table_output_lists_quarantined_rows(tmp_path: Path) -> None:
    lines = (ICE_2018 / "fy14.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2][:200] + "\n"
    broken = tmp_path / "fy14.csv"
    broken.write_text("".join(lines), encoding="utf-8")
    code, out = run("ingest", "usaspending", str(broken), db=tmp_path / "q.duckdb")
    assert code == 0 and "Quarantined rows (1)" in out and "row has" in out


def test_errors_are_one_line_and_exit_2(cli_db: Path, tmp_path: Path) -> None:
    env = {**os.environ, "WHOSBEHIND_DB": str(cli_db), "COLUMNS": "200"}
    for args, needle in (
        (["spending", "--by", "color"], "'color' is not one of"),
        (["awards", "--agency", "Ministry of Silly Walks"], "no agency matches"),
        (["ingest", "usaspending", str(ICE_2018), "--agency", "7012"], "not both"),
        (["ingest", "usaspending", "--agency", "7012", "--from", "2017-10-01"], "needs --agency"),
        (["ingest", "usaspending"], "give a SOURCE"),
        (["awards", "--fiscal-year", "2018", "--from-fy", "2016"], "one fiscal year or a range"),
        (["spending", "--by", "agency", "--from-fy", "2018", "--to-fy", "2016"], "is before"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "whosbehind", *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 2, done.stderr
        assert needle in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_a_store_without_contracts(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    code, _ = run("ingest", "agencies", str(AGENCY_LIST), db=db)
    assert code == 0
    result = runner.invoke(app, ["--db", str(db), "spending", "--by", "recipient"])
    assert result.exit_code != 0 and "no contract data in this store" in str(result.exception)
