"""The one-pass load of award-summaries files and the money rollup: a clean file of new awards
goes straight into the store; anything else falls back to the staged path with the same result;
``spending()`` answers the same from the rollup as from the lines."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from tests.support.contracts import ICE_LOCAL_GOV
from whosbehind.analysis.agencies import AgencySelection, agency_names
from whosbehind.analysis.contracts import spending as spending_module
from whosbehind.analysis.contracts import spending_rollup
from whosbehind.analysis.contracts.lines import Filters
from whosbehind.analysis.contracts.spending import SpendingResult, spending
from whosbehind.model.contracts import Quarantined
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.sources.usaspending.csv_reader import iter_csv_records
from whosbehind.store.contracts.rollup import (
    BY_AGENCY,
    BY_RECIPIENT,
    NAMES,
    ROLLUP,
    is_fresh,
    subtier_names,
)
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
    dhs = AgencySelection("070", "070", toptier_codes=frozenset({"070"}))
    found: list[object] = []
    for by, filters in (
        ("recipient", Filters(agency=ice)),
        ("parent", Filters()),
        ("agency", Filters(recipient="054007823")),
        # a DUNS and a UEI stated in the files: read from the copy sorted by recipient
        ("agency", Filters(recipient="094016941")),
        ("fiscal-year", Filters(recipient="CU82DUZEEL81")),
        ("fiscal-year", Filters()),
        ("recipient", Filters(recipient="county", fiscal_year=2019)),
        # one agency over some years, and a toptier agency: read from the copy by agency
        ("recipient", Filters(agency=ice, first_fiscal_year=2019, last_fiscal_year=2021)),
        ("parent", Filters(agency=dhs, fiscal_year=2020)),
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
    assert all(found[0] for found in from_rollup[3:5])  # type: ignore[index]  (DUNS, UEI)
    assert all(found[0] for found in from_rollup[7:9])  # type: ignore[index]  (by agency)
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


def _rows(result: SpendingResult) -> list[tuple[object, ...]]:
    return [(r.key, r.name, r.amount, r.awards, r.lines, sorted(r.snapshots)) for r in result.rows]


def test_top_from_the_rollup_is_the_head_of_every_row(tmp_path: Path) -> None:
    """With ``top`` the rollup names and cites only the groups returned: the same rows, names
    and files as the head of the full answer, at every cut (ties in amount included), over the
    whole rollup and over its copies by agency and by recipient."""
    engine = Engine(tmp_path / "s.duckdb")
    ingest_usaspending(engine, ICE_LOCAL_GOV)
    assert is_fresh(engine)
    ice = AgencySelection("7012", "7012", frozenset({"7012"}))
    for by, filters in (
        ("recipient", Filters()),
        ("parent", Filters(fiscal_year=2019)),
        ("agency", Filters()),
        ("recipient", Filters(agency=ice)),
        ("parent", Filters(agency=ice, first_fiscal_year=2019, last_fiscal_year=2021)),
        ("recipient", Filters(recipient="094016941")),
    ):
        every = spending(engine, by, filters)
        amounts = [row.amount for row in every.rows]
        tied = [i for i in range(1, len(amounts)) if amounts[i] == amounts[i - 1]]
        for top in sorted({1, 2, 5, len(amounts), len(amounts) + 3, *tied[:3]}):
            head = spending(engine, by, filters, top=top)
            assert _rows(head) == _rows(every)[:top], (by, top)
            assert (head.total, head.groups, head.hhi, head.cr4) == (
                every.total,
                every.groups,
                every.hhi,
                every.cr4,
            )


def test_agency_names_come_from_the_name_counts_as_from_the_awards(tmp_path: Path) -> None:
    """Without the agency list, a subtier is named by the name most of its awards' latest
    records state: from the counts kept beside the rollup, the same as read from the awards."""
    engine = Engine(tmp_path / "s.duckdb")
    ingest_usaspending(engine, ICE_LOCAL_GOV)
    expected = {
        row["code"]: row["name"]
        for row in engine.rows(
            "SELECT awarding_subtier_code AS code, mode(awarding_subtier_name) AS name "
            "FROM contract_award WHERE latest AND awarding_subtier_code IS NOT NULL GROUP BY 1"
        )
        if row["name"]
    }
    assert expected == {"7012": "U.S. Immigration and Customs Enforcement"}
    assert subtier_names(engine, sorted(expected)) == expected
    assert agency_names(engine, sorted(expected)) == expected
    # a store from before the counts: the next ingest builds them; until then, the awards
    engine.execute(f"DROP TABLE {NAMES}")
    assert subtier_names(engine, sorted(expected)) is None
    assert agency_names(engine, sorted(expected)) == expected
    ingest_usaspending(engine, SOURCE)  # nothing new: the run rebuilds the stale rollup
    assert is_fresh(engine) and subtier_names(engine, sorted(expected)) == expected


@pytest.mark.parametrize("other", ["A TIED SPELLING", "ZZ TIED SPELLING"])
def test_a_subtier_named_two_ways_on_as_many_awards_takes_the_first_in_sort_order(
    tmp_path: Path, other: str
) -> None:
    """Two spellings of one subtier on as many awards' latest records: the name is the first
    in sort order, from the counts beside the rollup and from the awards alike (both took
    DuckDB's pick before: `arg_max` and `mode`)."""
    engine = Engine(tmp_path / "s.duckdb")
    ingest_usaspending(engine, ICE_LOCAL_GOV)
    ice = "U.S. Immigration and Customs Enforcement"
    first = min(ice, other)
    (awards,) = engine.connection.execute(
        f"SELECT awards FROM {NAMES} WHERE subtier_code = '7012'"
    ).fetchall()[0]
    engine.execute(f"INSERT INTO {NAMES} VALUES ('7012', ?, ?)", [other, awards])
    assert subtier_names(engine, ["7012"]) == {"7012": first}
    # the awards themselves: half the latest records renamed (one more left unnamed if odd)
    engine.execute(f"DROP TABLE {NAMES}")
    keys = [
        key
        for (key,) in engine.connection.execute(
            "SELECT award_key FROM contract_award WHERE latest AND awarding_subtier_code = "
            "'7012' ORDER BY award_key"
        ).fetchall()
    ]
    half, odd = divmod(len(keys), 2)
    assert half > 0
    engine.execute(
        "UPDATE contract_award SET awarding_subtier_name = ? WHERE latest AND award_key "
        "IN (SELECT unnest(?))",
        [other, keys[:half]],
    )
    if odd:
        engine.execute(
            "UPDATE contract_award SET awarding_subtier_name = NULL WHERE latest AND award_key = ?",
            [keys[-1]],
        )
    counts = dict(
        engine.connection.execute(
            "SELECT awarding_subtier_name, count(*) FROM contract_award WHERE latest AND "
            "awarding_subtier_code = '7012' AND awarding_subtier_name IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    assert counts == {ice: half, other: half}
    assert agency_names(engine, ["7012"]) == {"7012": first}


def test_the_rollups_are_sorted_again_after_a_run_that_appended_parts(tmp_path: Path) -> None:
    """Two files appended in one run: the rollup and its copies hold the same rows, each
    sorted as a whole (by fiscal year and agency; by recipient; by agency and fiscal year),
    and answer as the lines do."""
    engine = Engine(tmp_path / "s.duckdb")
    summary = ingest_usaspending(engine, ICE_LOCAL_GOV)
    assert summary.snapshots_stored == 2 and is_fresh(engine)
    columns = "fiscal_year, awarding_subtier_code, recipient_duns, recipient_uei, amount, lines"
    by_year = engine.connection.execute(f"SELECT {columns} FROM {ROLLUP}").fetchall()
    by_recipient = engine.connection.execute(f"SELECT {columns} FROM {BY_RECIPIENT}").fetchall()
    by_agency = engine.connection.execute(f"SELECT {columns} FROM {BY_AGENCY}").fetchall()
    assert len({row[0] for row in by_year}) > 1 and Counter(by_year) == Counter(by_recipient)
    assert Counter(by_agency) == Counter(by_year)

    def first(row: tuple[object, ...], *at: int) -> tuple[tuple[bool, object], ...]:
        return tuple((row[i] is None, row[i]) for i in at)  # NULLs last, as DuckDB sorts

    assert [first(r, 0, 1) for r in by_year] == sorted(first(r, 0, 1) for r in by_year)
    assert [first(r, 2, 3) for r in by_recipient] == sorted(first(r, 2, 3) for r in by_recipient)
    assert [first(r, 1, 0) for r in by_agency] == sorted(first(r, 1, 0) for r in by_agency)
    duns = Counter(row[2] for row in by_year if row[2]).most_common(1)[0][0]
    one = spending(engine, "agency", Filters(recipient=str(duns)))
    assert one.rows and one.total == sum(row[4] for row in by_year if row[2] == duns)


def test_a_store_from_before_the_agency_copy_gets_it_at_its_next_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the copy sorted by agency, an agency's money is read from the rollup; the next
    contracts ingest, even with nothing new, builds the copy, and the answers stay the same."""
    engine = Engine(tmp_path / "s.duckdb")
    ingest_usaspending(engine, ICE_LOCAL_GOV)
    expected = answers(engine)
    engine.execute(f"DROP TABLE {BY_AGENCY}")
    assert answers(engine) == expected  # from the rollup sorted by fiscal year
    ingest_usaspending(engine, SOURCE)  # nothing new: the run builds the copy
    assert is_fresh(engine) and engine.scalar(f"SELECT count(*) FROM {BY_AGENCY}") == (
        engine.scalar(f"SELECT count(*) FROM {ROLLUP}")
    )
    tables: list[str] = []
    real = spending_rollup._rollup_copy

    def chosen(engine: Engine, filters: Filters) -> str:
        tables.append(real(engine, filters))
        return tables[-1]

    monkeypatch.setattr(spending_rollup, "_rollup_copy", chosen)
    assert answers(engine) == expected
    assert tables[0] == BY_AGENCY  # the first question selects one agency (ICE)
