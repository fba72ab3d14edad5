"""``whosbehind resolve``, ``org`` and ``org explain`` end to end on the real ICE contracts, the
FedRAMP organization export and the SEC company list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support.registry import SEC_FOLDER, build_contracts_and_fedramp
from whosbehind.cli.app import app
from whosbehind.errors import MissingDataError, NotFoundError, UsageError

runner = CliRunner(env={"COLUMNS": "200", "WHOSBEHIND_JUDGEMENTS": "/nonexistent/j.tsv"})


def run(*args: str, db: Path) -> tuple[int, str, BaseException | None]:
    result = runner.invoke(app, ["--db", str(db), *args])
    error = result.exception if not isinstance(result.exception, SystemExit) else None
    return result.exit_code, result.output, error


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_contracts_and_fedramp(tmp_path_factory.mktemp("org-cli") / "store.duckdb")
    code, out, error = run("resolve", "--sec", str(SEC_FOLDER), "--json", db=path)
    assert code == 0 and error is None, out
    summary = json.loads(out)
    assert summary["run"] == 1 and summary["records"] == summary["new_records"] > 10_000
    assert summary["orgs"] < summary["records"] and summary["judgements"] == 0
    return path


def test_resolve_again_is_incremental_and_prints_a_table(db: Path) -> None:
    code, out, _ = run("resolve", "--sec", str(SEC_FOLDER), db=db)
    assert code == 0 and "Resolve run 2" in out and "new_records" in out
    code, out, _ = run("resolve", "--json", db=db)
    summary = json.loads(out)
    assert summary["new_records"] == 0 and summary["new_orgs"] == 0 and summary["aliases"] == 0


def test_org_by_duns_shows_names_identifiers_and_parent_as_of_a_date(db: Path) -> None:
    code, out, _ = run("org", "duns:825284321", "--valid-at", "2018-06-01", "--json", db=db)
    assert code == 0
    view = json.loads(out)
    assert view["identifiers"] == {"duns": ["825284321"]} and view["valid_at"] == "2018-06-01"
    # its FY17 parent "PALANTIR USG INC." names itself: no parent, and no record of its own
    assert {n["name"] for n in view["names"]} == {"PALANTIR USG, INC."}
    assert all(n["citation"] for n in view["names"])
    (parent,) = view["parents"]
    assert parent["basis"] == "reported" and "PALANTIR TECHNOLOGIES INC." in parent["detail"]
    assert view["ultimate_parent"] == parent["org_id"]
    # on 2017-10-01 the latest statement named PALANTIR USG itself: no parent then
    code, out, _ = run("org", view["org_id"], "--valid-at", "2017-10-01", "--json", db=db)
    assert json.loads(out)["parents"] == []
    code, out, _ = run("org", parent["org_id"], "--valid-at", "2018-06-01", db=db)
    assert code == 0 and "Subsidiaries on 2018-06-01" in out and "PALANTIR USG" in out
    assert "cik: 0001321655" in out  # the SEC registrant joined Palantir Technologies


def test_org_refuses_a_record_time_and_names_the_valid_time_option(db: Path) -> None:
    code, out, error = run("org", "duns:825284321", "--as-of", "2018-06-01", db=db)
    assert code != 0 and out == "" and isinstance(error, UsageError)
    assert "org has no record time" in str(error) and "use --valid-at" in str(error)


def test_a_name_matching_several_orgs_lists_them(db: Path) -> None:
    code, out, _ = run("org", "Palantir", "--json", db=db)
    matches = json.loads(out)["matches"]
    assert code == 0 and len(matches) >= 2
    assert len({m["org_id"] for m in matches}) == len(matches)
    code, out, _ = run("org", "Palantir", db=db)
    assert "organizations match 'Palantir'" in out


def test_org_explain_both_ways(db: Path) -> None:
    code, out, _ = run("org", "explain", "duns:362130952", "cik:1321655", "--json", db=db)
    result = json.loads(out)
    assert code == 0 and result["same"] and result["chain"]
    code, out, _ = run("org", "explain", "PALANTIR USG, INC.", "PALANTIR TECHNOLOGIES INC.", db=db)
    assert code == 0 and "are not one organization" in out and "no shared identifier" in out


def test_errors_name_what_to_do(db: Path, tmp_path: Path) -> None:
    code, _, error = run("org", "NO SUCH COMPANY ZZZ", db=db)
    assert code == 1 and isinstance(error, NotFoundError) and "duns:" in str(error)
    code, _, error = run("org", "explain", "Palantir", db=db)
    assert isinstance(error, UsageError) and "explain A B" in str(error)
    empty = build_contracts_and_fedramp(tmp_path / "fresh.duckdb", fedramp=False)
    code, _, error = run("org", "Palantir", db=empty)
    assert isinstance(error, MissingDataError) and "load it with `whosbehind resolve`" in str(error)
