"""The contract functions of the public API: filters as keywords, the same answers as the
analysis with those filters, and a clear error for a wrong option."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import whosbehind as wb
from whosbehind.analysis.contracts.awards import list_awards
from whosbehind.analysis.contracts.lines import Filters
from whosbehind.analysis.contracts.spending import spending


def test_awards_and_spending_apply_every_filter(ice_store: Path) -> None:
    with wb.open_store(ice_store) as engine:
        agency = wb.find_agency(engine, "7012")
        filters = Filters(agency, "palantir", None, None, None, 2015, 2018)
        as_of = dt.datetime(2018, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)
        found = wb.awards(
            engine, agency="7012", recipient="palantir", from_fy=2015, to_fy=2018,
            as_of="2018-12-31", sort=wb.AwardSort.LAST_ACTION,
        )  # fmt: skip
        expected = list_awards(engine, filters, as_of, "last-action")
        assert found.to_json() == expected.to_json()
        assert found.rows and all("PALANTIR" in row.recipient.upper() for row in found.rows)
        total = wb.spending(engine, by=wb.SpendingBy.FISCAL_YEAR, agency="7012", as_of=as_of)
        assert total.to_json() == spending(engine, "fiscal-year", Filters(agency), as_of).to_json()
        assert total.filters.agency == agency
        each = wb.spending_by_year(
            engine, by=wb.SpendingBy.RECIPIENT, agency="7012", from_fy=2016, to_fy=2017, top=3
        )
        assert list(each) == [2016, 2017]
        for year, result in each.items():
            alone = wb.spending(engine, by="recipient", agency="7012", fiscal_year=year, top=3)
            assert result.to_json() == alone.to_json()


def test_a_wrong_sort_or_grouping_is_a_usage_error(ice_store: Path) -> None:
    with wb.open_store(ice_store) as engine:
        with pytest.raises(wb.UsageError, match="unknown sort 'newest'"):
            wb.awards(engine, sort="newest")  # type: ignore[arg-type]
        with pytest.raises(wb.UsageError, match="unknown grouping 'vendor'"):
            wb.spending(engine, by="vendor")  # type: ignore[arg-type]
        with pytest.raises(wb.UsageError, match="give one fiscal year or a range"):
            wb.awards(engine, fiscal_year=2016, from_fy=2015)


def test_every_answer_hands_each_of_its_filter_keywords_on(ice_store: Path) -> None:
    """``awards``, ``spending`` and ``spending_by_year`` share one helper for their filter
    keywords: each keyword each one takes reaches ``Filters`` (psc and naics too)."""
    import inspect

    from whosbehind.api import contracts

    words = set(inspect.signature(wb.contract_filters).parameters) - {"engine"}
    assert set(contracts._FILTER_WORDS) == words
    with wb.open_store(ice_store) as engine:
        found = wb.awards(engine, agency="7012", recipient="geo", psc="R", naics="5", from_fy=2016)
        assert found.filters == Filters(
            wb.find_agency(engine, "7012"), "geo", None, "R", "5", 2016, None
        )
        total = wb.spending(engine, by="recipient", recipient="geo", fiscal_year=2017, psc="S")
        assert total.filters == Filters(None, "geo", 2017, "S", None, None, None)
        each = wb.spending_by_year(engine, by="agency", recipient="geo", to_fy=2017, naics="56")
        assert each and all(
            result.filters == Filters(None, "geo", year, None, "56", None, None)
            for year, result in each.items()
        )
    for answer in (wb.awards, wb.spending, wb.spending_by_year):
        taken = set(inspect.signature(answer).parameters) & words
        assert taken == words - ({"fiscal_year"} if answer is wb.spending_by_year else set())
