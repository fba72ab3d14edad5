"""The one-pass load of award-summaries files and the money rollup: a clean file of new awards
goes straight into the store; anything else falls back to the staged path with the same result;
``spending()`` answers the same from the rollup as from the lines."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.support.contracts import ICE_LOCAL_GOV
from whosbehind.analysis.agencies import AgencySelection
from whosbehind.analysis.contracts import spending as spending_module
from whosbehind.analysis.contracts.lines import Filters
from whosbehind.analysis.contracts.spending import spending
from whosbehind.model.contracts import Quarantined
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.sources.usaspending.csv_reader import iter_csv_records
from whosbehind.store.contracts.rollup import ROLLUP, is_fresh
from whosbehind.store.engine import Engine

SOURCE = ICE_LOCAL_GOV / "us-reg-state-gov-ice-contracts.csv"


def rows_of(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.reader(stream))


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(rows)
    return path


def answers(engine: Engine) -> list[object]:
    ice = AgencySelection("7012", "7012", frozenset({"7012"}))
    found: list[object] = []
    for by, filters in (
        ("recipient", Filters(agency=ice)),
        ("parent", Filters()),
        ("agency", Filters(recipient="054007823")),
        ("fiscal-year", Filters()),
        ("recipient", Filters(recipient="county", fiscal_year=2019)),
    ):
        result = spending(engine, by, filters, top=15)
        found.append(
            (
                [
                    (r.key, r.name, r.amount, r.awards, r.lines, sorted(r.snapshots))
                    for r in result.rows
                ],
                result.total,
                result.groups,
                result.hhi,
                result.cr4,
                result.basis,
                result.notes,
            )
        )
    return found


def test_a_clean_file_is_loaded_in_one_pass_and_the_rollup_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(tmp_path / "s.duckdb")
    summary = ingest_usaspending(engine, ICE_LOCAL_GOV)
    assert summary.snapshots_stored == 2 and summary.rows_quarantined == 0
    assert is_fresh(engine) and engine.scalar(f"SELECT count(*) FROM {ROLLUP}")
    from_rollup = answers(engine)
    monkeypatch.setattr(spending_module, "is_fresh", lambda _engine: False)
    assert answers(engine) == from_rollup


def test_a_bad_row_falls_back_to_the_staged_path(tmp_path: Path) -> None:
    rows = rows_of(SOURCE)
    column = rows[0].index("total_obligated_amount")
    rows[5][column] = "twelve dollars"
    damaged = write(tmp_path / "damaged.csv", rows)
    engine = Engine(tmp_path / "s.duckdb")
    summary = ingest_usaspending(engine, damaged)
    expected = [(q.line, q.field) for q in iter_csv_records(damaged) if isinstance(q, Quarantined)]
    stored = engine.rows("SELECT line, field FROM contract_quarantine ORDER BY line")
    assert [(row["line"], row["field"]) for row in stored] == expected
    assert expected == [(6, "total_obligated_amount")]
    assert summary.awards_inserted == len(rows) - 2
    assert not engine.scalar("SELECT count(*) FROM contract_award WHERE position LIKE '%bad%'")


def test_known_keys_and_duplicates_are_versioned_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(tmp_path / "s.duckdb")
    ingest_usaspending(engine, SOURCE)
    rows = rows_of(SOURCE)
    column = rows[0].index("total_obligated_amount")
    rows[1][column] = "1.00"
    rows.append(rows[2])  # the same award twice in one file
    changed = write(tmp_path / "Contracts_PrimeAwardSummaries_2030-01-01_1.csv", rows)
    summary = ingest_usaspending(engine, changed)
    assert summary.snapshots_stored == 1
    assert summary.awards_inserted == 1 and summary.versions_closed == 1
    assert is_fresh(engine)  # rebuilt at the end of the run
    from_rollup = answers(engine)
    monkeypatch.setattr(spending_module, "is_fresh", lambda _engine: False)
    assert answers(engine) == from_rollup
