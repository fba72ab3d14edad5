"""The lines grouped in SQL (``LineTable``) give what the Python grouping of the same lines
gives (``fetch_lines``, ``group_lines``, ``splits``, ``award_lines``, ``coverage``), on the
shared contract data (ICE FY13-FY18 transactions, ICE award summaries of today's layout), with
and without the organization registry: every group's money, share, lines, awards, name, files,
members and largest awards, the splits, the award rows and the totals."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from whosbehind.analysis.agencies import resolve_agency
from whosbehind.analysis.reports import coverage, money
from whosbehind.analysis.reports.coverage import is_it_psc
from whosbehind.analysis.reports.line_table import LineTable, rollup_owners
from whosbehind.analysis.reports.money import (
    Group,
    Line,
    award_attributes,
    award_lines,
    fetch_lines,
    group_lines,
    owner_key,
    stated_totals,
)
from whosbehind.analysis.reports.rollup import ReportedParentRollup, choose_rollup
from whosbehind.analysis.reports.splits import Split, splits
from whosbehind.resolve.registry import run_resolve
from whosbehind.store.engine import Engine

YEARS = ((None, None), (2016, 2017))


@pytest.fixture(scope="module")
def registry_store(ice_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("line-table") / "resolved.duckdb"
    shutil.copy(ice_store, path)
    engine = Engine(path)
    try:
        run_resolve(engine, judgements_path=None)
    finally:
        engine.close()
    return path


@pytest.fixture(scope="module", params=["ice_store", "registry_store", "local_gov_store"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    found = Engine(request.getfixturevalue(request.param), read_only=True)
    yield found
    found.close()


def _shown(groups: list[Group], detail: bool) -> list[tuple[object, ...]]:
    return [
        (g.key, g.name, g.amount, g.share, g.lines)
        + ((g.awards, sorted(g.snapshots)) if detail else ())
        for g in groups
    ]


def _members(groups: list[Group], awards: int = 0) -> list[tuple[object, ...]]:
    return [(g.key, g.members, g.recipients, g.top_awards(awards)) for g in groups]


def _split_rows(found: list[Split]) -> list[tuple[object, ...]]:
    return [
        (
            s.recipient_key,
            s.recipient,
            [
                (p.owner_key, p.owner, p.amount, p.lines, p.first, p.last, sorted(p.snapshots))
                for p in s.parts
            ],
        )
        for s in found
    ]


@pytest.mark.parametrize("years", YEARS)
def test_the_sql_groups_are_the_python_groups(
    engine: Engine, years: tuple[int | None, int | None]
) -> None:
    condition = resolve_agency(engine, "7012").where(
        "l.awarding_subtier_code", "l.awarding_toptier_code"
    )
    rollup = choose_rollup(engine)
    dated = not isinstance(rollup, ReportedParentRollup)
    lines: list[Line] = fetch_lines(engine, condition, None, years)
    assert lines
    key = owner_key(rollup)
    it = [line for line in lines if is_it_psc(line.psc)]
    owners = rollup_owners(rollup, dated, "test:owners")
    for _ in range(2):  # the second time, the owners the engine kept
        with LineTable(engine, condition, None, years, owners) as table:
            assert table.totals() == (sum((x.amount for x in lines), Decimal(0)), len(lines))
            assert table.totals("it")[0] == sum((x.amount for x in it), Decimal(0))
            assert table.snapshots() == {x.snapshot for x in lines}
            for where, chosen in (("true", lines), ("it", it)):
                found = table.groups("owner_key", "owner_name", where)
                expected = group_lines(chosen, key)
                assert _shown(found, False) == _shown(expected, False)
                shown = table.detail(found[:10], "owner_key", where, members=True)
                assert _shown(shown, True) == _shown(expected[:10], True)
                first = table.groups("owner_key", "owner_name", where, limit=3)
                assert _shown(first, False) == _shown(expected[:3], False)
                assert table.count("owner_key", where) == len(expected)
                assert table.concentration("owner_key", where) == money.concentration(expected)
            found = table.groups("owner_key", "owner_name", "it")[:10]
            table.detail(found, "owner_key", "it", members=True, awards=10)
            assert _members(found, 10) == _members(group_lines(it, key)[:10], 10)
            year = "fiscal_year::VARCHAR"
            by_year = table.detail(table.groups(year, year, order="key"), year, every=True)
            assert _shown(by_year, True) == _shown(
                group_lines(lines, lambda x: (str(x.fiscal_year),) * 2, order="key"), True
            )
            psc = "coalesce(nullif(psc, ''), '-')"
            assert _shown(table.detail(table.groups(psc, psc), psc), True) == _shown(
                group_lines(lines, lambda x: (x.psc or "-",) * 2), True
            )
            for where, expected in (
                ("NOT identified", coverage.unidentified(lines)),
                ("resale", coverage.resellers(lines)),
            ):
                grouped = table.detail(
                    table.groups("own_key", "member", where), "own_key", where, members=True
                )
                assert _shown(grouped, True) == _shown(expected, True)
                assert _members(grouped) == _members(expected)
            assert _split_rows(table.splits()) == _split_rows(splits(lines, key))
            assert _split_rows(table.splits("it")) == _split_rows(splits(it, key))
            by_award = group_lines(lines, lambda x: (x.award_key, x.award_key))
            count, top = table.awards(10)
            assert count == len(by_award) and table.awards(0) == (count, [])
            assert top == [g.key for g in by_award[:10]]
            assert table.award_lines(top, None) == award_lines(engine, lines, top, None)


def test_a_selection_without_lines_sums_to_zero(ice_store: Path) -> None:
    engine = Engine(ice_store, read_only=True)
    owners = rollup_owners(ReportedParentRollup(), False, None)
    try:
        with LineTable(engine, ("l.fiscal_year = 1901", []), None, (None, None), owners) as t:
            assert t.totals() == (Decimal(0), 0)
            assert t.groups("owner_key", "owner_name") == []
            assert t.splits() == [] and t.award_lines([], None) == []
            assert (
                t.award_lines(["nothing"], dt.datetime(2020, 1, 1, tzinfo=dt.UTC))[0].obligated == 0
            )
    finally:
        engine.close()


def _attributes(engine: Engine, as_of: dt.datetime | None) -> int:
    """Check ``LineTable.attributes`` of every award of ICE's lines, and ``award_attributes``
    given the places of the lines' stated totals, against ``award_attributes`` reading every
    award record; how many of the lines are stated totals."""
    condition = resolve_agency(engine, "7012").where(
        "l.awarding_subtier_code", "l.awarding_toptier_code"
    )
    owners = rollup_owners(ReportedParentRollup(), False, None)
    lines = fetch_lines(engine, condition, as_of)
    keys = sorted({line.award_key for line in lines})
    expected = award_attributes(engine, keys, as_of)
    assert len(expected) == len(keys) > 0
    with LineTable(engine, condition, as_of, (None, None), owners) as table:
        assert table.attributes(keys) == expected
        assert table.attributes([]) == {}
        ((totals,),) = table._rows("SELECT count(*) FROM {t} WHERE total")
    places = stated_totals(lines)
    assert len(places) == totals
    assert award_attributes(engine, keys, as_of, places) == expected
    return int(totals)


@pytest.mark.parametrize("as_of", [None, dt.datetime(2030, 1, 1, tzinfo=dt.UTC)])
def test_the_attributes_of_the_table_s_awards_are_the_latest_records(
    engine: Engine, as_of: dt.datetime | None
) -> None:
    """Awards read by the file and fiscal year of their stated totals (the others as before)
    have the attributes of their latest records."""
    _attributes(engine, as_of)


def test_the_award_summaries_attributes_are_found_by_file_and_year(
    local_gov_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every line of the award-summary store is a stated total: no award is read the general
    way (every award record) once the expected answers are known."""
    engine = Engine(local_gov_store, read_only=True)
    general = money.latest_awards_sql
    asked: list[object] = []

    def spy(as_of: dt.datetime | None) -> tuple[str, list[object]]:
        asked.append(as_of)
        return general(as_of)

    try:
        expected_totals = _attributes(engine, None)
        assert expected_totals > 0
        monkeypatch.setattr(money, "latest_awards_sql", spy)
        condition = resolve_agency(engine, "7012").where(
            "l.awarding_subtier_code", "l.awarding_toptier_code"
        )
        owners = rollup_owners(ReportedParentRollup(), False, None)
        with LineTable(engine, condition, None, (None, None), owners) as table:
            assert len(table.attributes(table.column("award_key"))) > 0
        assert asked == []
    finally:
        engine.close()
