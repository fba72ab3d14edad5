"""``awards``: one row per award with its PIID, recipient and parent as reported, the money
obligated in the selection and the potential value of its latest record, never adding an
IDV's ceiling to its orders'."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.contracts import rows_2018
from whosbehind.analysis.agencies import resolve_agency
from whosbehind.analysis.contracts.awards import list_awards
from whosbehind.analysis.contracts.lines import Filters
from whosbehind.store.engine import Engine


@pytest.fixture
def engine(ice_store: Path):
    opened = Engine(ice_store, read_only=True)
    yield opened
    opened.close()


def test_palantirs_awards_at_ice(engine: Engine) -> None:
    result = list_awards(
        engine, Filters(agency=resolve_agency(engine, "7012"), recipient="Palantir")
    )
    by_piid = {row.award_id: row for row in result.rows}
    assert {"HSCETC14C00002", "HSCETC15C00001", "HSCETC13F00030"} <= set(by_piid)
    icm = by_piid["HSCETC14C00002"]  # Investigative Case Management: an IDV obligating itself
    assert icm.award_type == "idv" and icm.recipient == "PALANTIR USG, INC."
    assert icm.recipient_parent == "PALANTIR TECHNOLOGIES INC."  # fy18's parent as reported
    assert icm.potential_value == Decimal("53148388.39")
    assert (icm.first_action, icm.last_action) == (dt.date(2017, 9, 25), dt.date(2018, 5, 4))
    assert icm.agency == "U.S. Immigration and Customs Enforcement"
    expected: defaultdict[str, Decimal] = defaultdict(Decimal)
    for row in rows_2018():
        if "PALANTIR" in row["recipient_name"].upper() or "PALANTIR" in (
            row["recipient_parent_name"].upper()
        ):
            expected[row["award_id_piid"]] += Decimal(row["federal_action_obligation"])
    assert {piid: row.obligated for piid, row in by_piid.items()} == dict(expected)
    assert result.obligated == sum(expected.values())
    citations = [c.where for c in icm.citations]
    assert [Path(c).name for c in citations] == [
        "fy17.csv#award_id_piid=HSCETC14C00002",
        "fy18.csv#award_id_piid=HSCETC14C00002",
    ]


def test_a_fiscal_year_selects_the_money_of_that_year(engine: Engine) -> None:
    all_years = list_awards(engine, Filters(recipient="PALANTIR"))
    fy18 = list_awards(engine, Filters(recipient="PALANTIR", fiscal_year=2018))
    icm_all = next(r for r in all_years.rows if r.award_id == "HSCETC14C00002")
    icm_18 = next(r for r in fy18.rows if r.award_id == "HSCETC14C00002")
    assert icm_18.obligated < icm_all.obligated and icm_18.first_action == dt.date(2018, 5, 4)
    assert all(row.last_action and row.last_action >= dt.date(2017, 10, 1) for row in fy18.rows)


def test_an_idv_ceiling_is_not_added_to_its_orders(local_gov_store: Path) -> None:
    engine = Engine(local_gov_store, read_only=True)
    result = list_awards(engine)
    engine.close()
    rows = {row.award_id: row for row in result.rows}
    orders_of = {row.parent_idv for row in result.rows if row.award_type == "order"}
    idvs = [row for row in result.rows if row.award_type == "idv"]
    with_orders = [row for row in idvs if row.award_id in orders_of]
    assert {row.award_id for row in with_orders} == {"HSG0006", "HSCEEC93A0007"}
    assert result.idvs_with_orders_listed == 2
    expected = sum(
        (row.potential_value or Decimal(0))
        for row in result.rows
        if not (row.award_type == "idv" and row.award_id in orders_of)
    )
    assert result.potential_value == expected
    assert rows["HSG0006"].obligated == Decimal("0.00")  # a BPA: its orders hold the money


def test_sorting_and_json(engine: Engine) -> None:
    result = list_awards(engine, Filters(fiscal_year=2016), sort="piid")
    assert [r.award_id for r in result.rows] == sorted(r.award_id for r in result.rows)
    data = result.to_json(limit=3)
    assert data["awards"] == len(result.rows) and len(data["rows"]) == 3  # type: ignore[arg-type]
    ids = {c["id"] for c in data["citations"]}  # type: ignore[union-attr]
    assert all(set(r["citations"]) <= ids for r in data["rows"])  # type: ignore[union-attr]


def test_every_sort_orders_by_its_column(engine: Engine) -> None:
    by_last = list_awards(engine, Filters(fiscal_year=2016), sort="last-action").rows
    dates = [r.last_action for r in by_last]
    assert all(d is not None for d in dates) and len(dates) > 10
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    by_money = list_awards(engine, Filters(fiscal_year=2016), sort="obligated").rows
    assert [r.obligated for r in by_money] == sorted((r.obligated for r in by_money), reverse=True)


def test_as_of_an_earlier_record_time(tmp_path: Path) -> None:
    """Record time: a later file restating an award changes what the store says from then on,
    and ``as_of`` still answers what it said before."""
    import csv
    import shutil

    from tests.support.contracts import ICE_2018
    from whosbehind.pipeline.contracts.ingest import ingest_usaspending

    rows = list(csv.reader((ICE_2018 / "fy18.csv").open(newline="", encoding="utf-8")))
    first = tmp_path / "FY2018_Contracts_Full_20180701.csv"
    shutil.copy(ICE_2018 / "fy18.csv", first)
    rows[0][7] = str(Decimal(rows[0][7]) + Decimal("1000.00"))  # federal_action_obligation
    later = tmp_path / "FY2018_Contracts_Full_20180801.csv"
    with later.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(rows)
    engine = Engine(tmp_path / "asof.duckdb")
    ingest_usaspending(engine, first)
    ingest_usaspending(engine, later)
    piid = rows[0][0]
    now = next(r for r in list_awards(engine, Filters(fiscal_year=2018)).rows if r.award_id == piid)
    then = next(
        r
        for r in list_awards(
            engine, Filters(fiscal_year=2018), as_of=dt.datetime(2018, 7, 15, tzinfo=dt.UTC)
        ).rows
        if r.award_id == piid
    )
    engine.close()
    assert now.obligated - then.obligated == Decimal("1000.00")
    assert Path(then.citations[0].locator).name.startswith("FY2018_Contracts_Full_20180701")


@pytest.mark.parametrize("store", ["ice_store", "local_gov_store"])
def test_the_newest_records_list_what_the_record_time_path_lists(
    store: str, request: pytest.FixtureRequest
) -> None:
    """Without ``as_of`` the list is read in one pass (an award known only from award-level
    records is its latest record, not grouped nor joined); with an ``as_of`` after every
    record, through the lines and the latest records live then. Both list the same awards,
    money, dates, attributes and citations, in the same order, for every filter and sort.
    The ICE store holds transactions (grouped and joined), the local-government one award
    summaries (one line each)."""
    path = request.getfixturevalue(store)
    later = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    with Engine(path, read_only=True) as engine:
        ice = resolve_agency(engine, "7012")
        selections = [
            Filters(),
            Filters(agency=ice),
            Filters(agency=ice, first_fiscal_year=2016, last_fiscal_year=2018),
            Filters(recipient="geo"),
            Filters(fiscal_year=2017, psc="R"),
            Filters(naics="5416", last_fiscal_year=2017),
        ]
        listed = 0
        for filters in selections:
            for sort in ("obligated", "last-action", "piid"):
                newest = list_awards(engine, filters, None, sort).to_json()
                then = list_awards(engine, filters, later, sort).to_json()
                assert newest.pop("as_of") is None and then.pop("as_of") == later.isoformat()
                assert newest == then
                listed += len(newest["rows"])  # type: ignore[arg-type]
        assert listed > 100
