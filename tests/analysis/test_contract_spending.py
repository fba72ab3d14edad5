"""``spending``: totals by group agree to the cent with sums made independently from the files;
shares, HHI and CR4 follow from them; every row cites the files it was read from."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.contracts import rows_2018, totals_2018, totals_local_gov
from whosbehind.analysis.agencies import resolve_agency
from whosbehind.analysis.contracts.lines import Filters
from whosbehind.analysis.contracts.spending import SpendingResult, spending, spending_by_year
from whosbehind.errors import NotFoundError, UsageError
from whosbehind.store.engine import Engine


@pytest.fixture
def engine(ice_store: Path):
    opened = Engine(ice_store, read_only=True)
    yield opened
    opened.close()


def test_by_fiscal_year_agrees_to_the_cent(engine: Engine) -> None:
    result = spending(engine, "fiscal-year")
    per_year, _ = totals_2018()
    assert {int(row.key): row.amount for row in result.rows} == per_year
    assert [row.key for row in result.rows] == ["2013", "2014", "2015", "2016", "2017", "2018"]
    assert result.hhi is None and result.cr4 is None
    assert result.total == sum(per_year.values())


def test_by_recipient_fy2018_for_ice_agrees_to_the_cent(engine: Engine) -> None:
    ice = resolve_agency(engine, "7012")
    result = spending(engine, "recipient", Filters(agency=ice, fiscal_year=2018))
    expected: dict[str, Decimal] = {}
    from tests.support.contracts import recipient_key

    for row in rows_2018():
        if row["fiscal_year"] == "2018":
            key = recipient_key(row)
            expected[key] = expected.get(key, Decimal(0)) + Decimal(
                row["federal_action_obligation"]
            )
    assert {row.key: row.amount for row in result.rows} == expected
    assert result.total == Decimal("343840113.41") and result.groups == len(expected)
    shares = [float(amount / result.total) for amount in expected.values()]
    positive = sorted((share for share in shares if share > 0), reverse=True)
    assert result.hhi == pytest.approx(sum((s * 100) ** 2 for s in positive))
    assert result.cr4 == pytest.approx(sum(positive[:4]))
    assert sum(row.share for row in result.rows) == pytest.approx(1.0)
    assert result.rows[0].name == "GEO GROUP INC., THE"
    assert [row.amount for row in result.rows] == sorted(
        (row.amount for row in result.rows), reverse=True
    )


def test_a_fiscal_year_range_agrees_to_the_cent_and_with_its_years(engine: Engine) -> None:
    """ICE FY2016-FY2018 (the benchmark's q1): one call over the range gives the CSVs' sums and
    the sums of the three one-year calls."""
    from tests.support.contracts import recipient_key

    ice = resolve_agency(engine, "7012")
    ranged = Filters(agency=ice, first_fiscal_year=2016, last_fiscal_year=2018)
    result = spending(engine, "recipient", ranged)
    expected: dict[str, Decimal] = {}
    for row in rows_2018():
        if row["fiscal_year"] in ("2016", "2017", "2018"):
            key = recipient_key(row)
            expected[key] = expected.get(key, Decimal(0)) + Decimal(
                row["federal_action_obligation"]
            )
    assert {row.key: row.amount for row in result.rows} == expected
    by_year: dict[str, Decimal] = {}
    for year in (2016, 2017, 2018):
        for row in spending(engine, "recipient", Filters(agency=ice, fiscal_year=year)).rows:
            by_year[row.key] = by_year.get(row.key, Decimal(0)) + row.amount
    assert {row.key: row.amount for row in result.rows} == by_year
    years = spending(engine, "fiscal-year", ranged)
    assert [row.key for row in years.rows] == ["2016", "2017", "2018"]
    assert years.total == result.total
    assert ranged.fiscal_years == "FY2016-FY2018"
    assert Filters(first_fiscal_year=2017).fiscal_years == "FY2017-FY..."
    assert spending(engine, "fiscal-year", Filters(last_fiscal_year=2014)).rows[-1].key == "2014"


def test_by_recipient_over_all_years_agrees_to_the_cent(engine: Engine) -> None:
    result = spending(engine, "recipient")
    assert {row.key: row.amount for row in result.rows} == totals_2018()[1]


def test_the_department_and_its_subtier_give_the_same_totals_here(engine: Engine) -> None:
    ice = spending(engine, "recipient", Filters(agency=resolve_agency(engine, "7012")))
    dhs = spending(engine, "recipient", Filters(agency=resolve_agency(engine, "7000")))
    assert ice.total == dhs.total and ice.groups == dhs.groups
    other = spending(engine, "recipient", Filters(agency=resolve_agency(engine, "7014")))
    assert other.total == 0 and other.rows == []


def test_top_limits_rows_not_the_measures(engine: Engine) -> None:
    every = spending(engine, "parent", Filters(fiscal_year=2017))
    top = spending(engine, "parent", Filters(fiscal_year=2017), top=5)
    assert [r.key for r in top.rows] == [r.key for r in every.rows[:5]]
    assert (top.total, top.hhi, top.cr4, top.groups) == (
        every.total,
        every.hhi,
        every.cr4,
        every.groups,
    )  # fmt: skip  (HHI is exact: sums of squared cents)
    none = spending(engine, "parent", Filters(fiscal_year=2017), top=0)
    assert none.rows == [] and (none.total, none.groups) == (every.total, every.groups)
    names = {r.key: (r.name, r.snapshot_list) for r in every.rows}
    assert all(names[r.key] == (r.name, r.snapshot_list) for r in top.rows)


def test_by_psc_naics_agency_and_parent_add_up(engine: Engine) -> None:
    total = spending(engine, "fiscal-year").total
    for by in ("psc", "naics", "agency", "parent"):
        result = spending(engine, by)
        assert sum(row.amount for row in result.rows) == total, by
    agency = spending(engine, "agency").rows
    assert [(row.key, row.name) for row in agency] == [
        ("7012", "U.S. Immigration and Customs Enforcement")
    ]
    psc = spending(engine, "psc", Filters(psc="S2")).rows
    assert psc and all(row.key.startswith("S2") for row in psc)


def test_recipient_filters(engine: Engine) -> None:
    palantir = spending(engine, "recipient", Filters(recipient="palantir"))
    names = {row.name for row in palantir.rows}
    assert names <= {"PALANTIR TECHNOLOGIES INC.", "PALANTIR USG, INC.", "PALANTIR USG INC."}
    by_duns = spending(engine, "agency", Filters(recipient="362130952"))  # Palantir Technologies
    assert by_duns.total > 0


def test_citations_name_the_files(engine: Engine) -> None:
    result = spending(engine, "recipient", Filters(fiscal_year=2018), top=3)
    data = result.to_json(3)
    cited = {c["id"]: c for c in data["citations"]}  # type: ignore[index, union-attr]
    for row in data["rows"]:  # type: ignore[union-attr]
        assert row["citations"] and all(c in cited for c in row["citations"])
    (citation,) = cited.values()
    assert citation["locator"].endswith("fy18.csv")
    assert citation["content_hash"].startswith("61c70707602705bd")


def test_award_summaries_count_by_the_fiscal_year_of_their_latest_action(
    local_gov_store: Path,
) -> None:
    engine = Engine(local_gov_store, read_only=True)
    per_year, per_recipient = totals_local_gov()
    by_year = spending(engine, "fiscal-year")
    by_recipient = spending(engine, "recipient")
    engine.close()
    assert {int(row.key): row.amount for row in by_year.rows} == per_year
    assert {row.key: row.amount for row in by_recipient.rows} == per_recipient
    assert by_year.basis["awards_by_total"] == 1039 and by_year.notes


def test_bad_requests(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown grouping"):
        spending(engine, "color")
    with pytest.raises(UsageError, match="not a fiscal year"):
        spending(engine, "recipient", Filters(fiscal_year=18))
    with pytest.raises(UsageError, match="not a fiscal year"):
        Filters(first_fiscal_year=16)
    with pytest.raises(UsageError, match="one fiscal year or a range"):
        Filters(fiscal_year=2018, last_fiscal_year=2018)
    with pytest.raises(UsageError, match=r"--to-fy \(2016\) is before --from-fy \(2018\)"):
        Filters(first_fiscal_year=2018, last_fiscal_year=2016)
    empty = Engine(tmp_path / "empty.duckdb")
    with pytest.raises(NotFoundError, match="no contract data in this store"):
        spending(empty, "recipient")
    empty.close()


def _exact(result: SpendingResult) -> str:
    """The JSON a result prints, decimals as written (0.00 is not 0)."""
    return json.dumps(result.to_json(), default=repr)


@pytest.mark.parametrize("store", ["ice_store", "local_gov_store"])
def test_by_year_is_a_call_per_fiscal_year_in_one(
    store: str, request: pytest.FixtureRequest
) -> None:
    engine = Engine(request.getfixturevalue(store), read_only=True)
    try:
        years = [int(row.key) for row in spending(engine, "fiscal-year").rows]
        for by, top in (("recipient", 5), ("parent", 3), ("agency", None), ("psc", 2)):
            each = spending_by_year(engine, by, top=top)
            assert list(each) == years, by
            for year, result in each.items():
                alone = spending(engine, by, Filters(fiscal_year=year), top=top)
                assert _exact(result) == _exact(alone), (by, year)
        ranged = spending_by_year(
            engine, "recipient", Filters(first_fiscal_year=years[1], last_fiscal_year=years[2])
        )
        assert list(ranged) == years[1:3]
    finally:
        engine.close()


def test_by_year_totals_agree_to_the_cent(local_gov_store: Path) -> None:
    engine = Engine(local_gov_store, read_only=True)
    per_year, _ = totals_local_gov()
    each = spending_by_year(engine, "agency")
    zero = spending_by_year(engine, "recipient", top=0)
    engine.close()
    assert {year: result.total for year, result in each.items()} == per_year
    assert all(sum(row.amount for row in result.rows) == result.total for result in each.values())
    assert {year: (r.rows, r.total) for year, r in zero.items()} == {
        year: ([], total) for year, total in per_year.items()
    }


def test_by_year_bad_requests(engine: Engine) -> None:
    with pytest.raises(UsageError, match="unknown grouping 'fiscal-year' for each fiscal year"):
        spending_by_year(engine, "fiscal-year")
    with pytest.raises(UsageError, match="takes a range of years, not one year"):
        spending_by_year(engine, "recipient", Filters(fiscal_year=2018))


def test_parents_read_from_the_summary_by_parent_as_from_the_rollup_and_the_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parents as reported, selected by fiscal years alone, are read from the rollup's summary
    by fiscal year and parent; the same answers, JSON for JSON, as the rollup grouped and as
    the lines, for each year, a range of them by year and all at once, every cut and total."""
    from tests.support.contracts import ICE_LOCAL_GOV
    from whosbehind.analysis.contracts import spending_rollup
    from whosbehind.pipeline.contracts.ingest import ingest_usaspending
    from whosbehind.store.contracts.rollup import BY_PARENT

    engine = Engine(tmp_path / "s.duckdb")
    ingest_usaspending(engine, ICE_LOCAL_GOV)
    assert engine.scalar(f"SELECT count(*) FROM {BY_PARENT}")
    read: list[str | None] = []
    summary = spending_rollup._summary

    def reading(*args: object) -> str | None:
        read.append(summary(*args))  # type: ignore[arg-type]
        return read[-1]

    monkeypatch.setattr(spending_rollup, "_summary", reading)

    def answers() -> list[object]:
        found: list[object] = []
        for top in (None, 1, 3, 10):
            for by in ("parent", "reported-parent"):
                each = spending_by_year(engine, by, Filters(first_fiscal_year=2019), top=top)
                found.append({year: result.to_json() for year, result in each.items()})
                for year in (2019, 2020, 2021):
                    alone = spending(engine, by, Filters(fiscal_year=year), top=top)
                    found.append(alone.to_json())
                # several years at once: each parent's rows of those years summed
                for years in (Filters(), Filters(first_fiscal_year=2020)):
                    found.append(spending(engine, by, years, top=top).to_json())
        return found

    from_summary = answers()
    assert set(read) == {BY_PARENT} and from_summary[0]
    monkeypatch.setattr(spending_rollup, "_summary", lambda *a: None)
    assert answers() == from_summary
    from whosbehind.analysis.contracts import spending as spending_module

    monkeypatch.setattr(spending_module, "is_fresh", lambda _engine: False)
    assert answers() == from_summary
    engine.close()
