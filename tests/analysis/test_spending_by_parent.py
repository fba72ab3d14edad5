"""``spending --by parent``: ultimate parents from the registry as of each action's date, or the
parents as reported when no registry exists; ``reported-parent`` is always as reported."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.contracts import duns, rows_2018
from whosbehind.analysis.contracts.lines import Filters
from whosbehind.analysis.contracts.spending import spending
from whosbehind.resolve.registry import run_resolve
from whosbehind.store.engine import Engine

PALANTIR_USG = "825284321"
PALANTIR_TECHNOLOGIES = "362130952"


@pytest.fixture(scope="module")
def resolved(ice_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("spending-by-parent") / "ice.duckdb"
    shutil.copy(ice_store, copy)
    engine = Engine(copy, read_only=False)
    try:
        run_resolve(engine, judgements_path=None)
    finally:
        engine.close()
    return copy


def _day(text: str) -> dt.date:
    day, month, year = (int(part) for part in text.split("/"))
    return dt.date(year, month, day)


def _palantir_money() -> dict[tuple[str, int], Decimal]:
    """Palantir's obligations by recipient DUNS and fiscal year, read from the CSV files."""
    money: defaultdict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for row in rows_2018():
        number = duns(row["recipient_duns"])
        if number in (PALANTIR_USG, PALANTIR_TECHNOLOGIES):
            day = _day(row["action_date"])
            fiscal = day.year + 1 if day.month >= 10 else day.year
            money[(number, fiscal)] += Decimal(row["federal_action_obligation"])
    return dict(money)


def test_palantir_usg_rolls_into_palantir_technologies_only_from_its_fy2018_action(
    resolved: Path,
) -> None:
    money = _palantir_money()
    engine = Engine(resolved, read_only=True)
    try:
        by_year = {
            year: spending(engine, "parent", Filters(fiscal_year=year)) for year in (2017, 2018)
        }
        total = spending(engine, "parent")
    finally:
        engine.close()
    for year, result in by_year.items():
        rows = {row.name.upper(): row for row in result.rows}
        technologies = next(r for n, r in rows.items() if n.startswith("PALANTIR TECHNOLOGIES"))
        usg = [r for n, r in rows.items() if n.startswith("PALANTIR USG")]
        expected = money.get((PALANTIR_TECHNOLOGIES, year), Decimal(0))
        if year == 2018:  # USG reports Palantir Technologies as its parent from 2018-05-04
            expected += money[(PALANTIR_USG, year)]
            assert not usg
        else:  # in FY2017 USG named itself as its parent: its own ultimate parent
            assert [r.amount for r in usg] == [money[(PALANTIR_USG, year)]]
        assert technologies.amount == expected and technologies.key.startswith("org:")
        assert any("organization registry" in note for note in result.notes)
    assert total.total == sum(r.amount for r in total.rows)


def test_without_a_registry_parent_is_as_reported(ice_store: Path) -> None:
    engine = Engine(ice_store, read_only=True)
    try:
        parent = spending(engine, "parent", Filters(fiscal_year=2018))
        reported = spending(engine, "reported-parent", Filters(fiscal_year=2018))
    finally:
        engine.close()
    assert [(r.key, r.amount) for r in parent.rows] == [(r.key, r.amount) for r in reported.rows]
    assert any("run `whosbehind resolve`" in note for note in parent.notes)
    assert parent.total == reported.total == Decimal("343840113.41")


def test_registry_roll_up_keeps_every_cent(resolved: Path) -> None:
    engine = Engine(resolved, read_only=True)
    try:
        for year in range(2013, 2019):
            rolled = spending(engine, "parent", Filters(fiscal_year=year))
            reported = spending(engine, "reported-parent", Filters(fiscal_year=year))
            assert rolled.total == reported.total
            assert sum(r.amount for r in rolled.rows) == rolled.total
    finally:
        engine.close()
