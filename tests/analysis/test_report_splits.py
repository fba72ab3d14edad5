"""Every rolled-up total reconciles, as a property over every supplier of the shared contract
data (ICE FY13-FY18, ICE award summaries of today's layout), with and without the organization
registry: an owner's total plus its recipients' parts under other owners (the coverage notes)
is the sum of every action of the recipients it rolls in, computed from the raw CSV rows with
the csv module and Decimal, to the cent."""

from __future__ import annotations

import random
import shutil
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.contracts import rows_2018, rows_local_gov
from whosbehind.analysis.agencies import resolve_agency
from whosbehind.analysis.reports.agency import AgencyReport, agency_report
from whosbehind.analysis.reports.agency_document import agency_document
from whosbehind.analysis.reports.company import COMPANY, CompanyReport, company_report
from whosbehind.analysis.reports.company_document import company_document
from whosbehind.analysis.reports.coverage import is_it_psc
from whosbehind.analysis.reports.money import Line, fetch_lines, group_lines, owner_key
from whosbehind.analysis.reports.rollup import choose_rollup, statement_key
from whosbehind.analysis.reports.sections import money
from whosbehind.analysis.reports.splits import Split, remainder, splits
from whosbehind.resolve.registry import run_resolve
from whosbehind.store.engine import Engine

Sums = dict[str, Decimal]


def _duns(value: str) -> str | None:
    text = value.strip()
    if not text:
        return None
    return text.zfill(9) if text.isdigit() and len(text) < 9 else text


def _key(row: dict[str, str]) -> str:
    return statement_key(
        row["recipient_name"].strip() or None,
        _duns(row.get("recipient_duns", "")),
        (row.get("recipient_uei") or "").strip() or None,
    )


def ice_sums() -> tuple[Sums, Sums]:
    """Every action of each recipient, and of its IT actions: one row per action."""
    every: defaultdict[str, Decimal] = defaultdict(Decimal)
    it: defaultdict[str, Decimal] = defaultdict(Decimal)
    for row in rows_2018():
        amount = Decimal(row["federal_action_obligation"])
        every[_key(row)] += amount
        if is_it_psc(row["product_or_service_code"]):
            it[_key(row)] += amount
    return dict(every), dict(it)


def local_gov_sums() -> tuple[Sums, Sums]:
    """Award summaries: each award's stated total obligation is its line."""
    every: defaultdict[str, Decimal] = defaultdict(Decimal)
    it: defaultdict[str, Decimal] = defaultdict(Decimal)
    for row in rows_local_gov().values():
        if not row["total_obligated_amount"].strip():
            continue
        amount = Decimal(row["total_obligated_amount"])
        every[_key(row)] += amount
        if is_it_psc(row["product_or_service_code"]):
            it[_key(row)] += amount
    return dict(every), dict(it)


@pytest.fixture(scope="module")
def resolved_ice(ice_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("splits") / "resolved.duckdb"
    shutil.copy(ice_store, path)
    engine = Engine(path)
    try:
        run_resolve(engine, judgements_path=None)
    finally:
        engine.close()
    return path


STORES = {
    "ice": ("ice_store", ice_sums),
    "ice-registry": ("resolved_ice", ice_sums),
    "local-gov": ("local_gov_store", local_gov_sums),
}


@pytest.fixture(scope="module", params=sorted(STORES))
def case(request: pytest.FixtureRequest) -> Iterator[tuple[Engine, Sums, Sums]]:
    fixture, sums = STORES[request.param]
    engine = Engine(request.getfixturevalue(fixture), read_only=True)
    every, it = sums()
    yield engine, every, it
    engine.close()


@pytest.fixture(scope="module")
def report(case: tuple[Engine, Sums, Sums]) -> AgencyReport:
    return agency_report(case[0], "7012", top=100_000)


def test_every_supplier_of_the_agency_report_reconciles(
    case: tuple[Engine, Sums, Sums], report: AgencyReport
) -> None:
    _, every, it = case
    assert report.supplier_count == len(report.suppliers)  # every supplier is listed
    for groups, found, sums in (
        (report.suppliers, report.splits, every),
        (report.it_suppliers, report.it_splits, it),
    ):
        assert sum((g.amount for g in groups), Decimal(0)) == sum(sums.values())
        for group in groups:
            rolled_in = sum((sums[key] for key in group.recipients), Decimal(0))
            assert group.amount + remainder(found, group.key) == rolled_in, group.name
    assert report.total == sum(every.values()) and report.it_total == sum(it.values())


def test_the_coverage_notes_name_every_part_under_another_owner(
    case: tuple[Engine, Sums, Sums], report: AgencyReport
) -> None:
    notes = [note.text for note in agency_document(report, case[0]).coverage]
    if not report.splits:
        assert any(
            text.startswith("Every recipient's actions count under one owner") for text in notes
        )
        return
    assert any(f"{len(report.splits)} recipients have actions under" in text for text in notes)
    for split in report.splits:
        (text,) = [t for t in notes if t.startswith(f"{split.recipient}: ")]
        for part in split.parts:
            assert f"{money(part.amount)} in {part.lines} action" in text
            assert f"under {part.owner}" in text
        assert sum((p.amount for p in split.parts), Decimal(0)) == case[1][split.recipient_key]


def _companies(report: AgencyReport, registry: bool) -> list[str]:
    """What to ask the company report for: every supplier that rolls in several recipients or
    whose recipients are split between owners (where a total can fail to reconcile), and every
    25th other supplier; with the registry (a second a report), the owners of the ten largest
    splits. A registry org is asked by its id (some have no name: "DUNS 150776503")."""
    involved = {p.owner_key for s in report.splits for p in s.parts}
    if registry:
        chosen = [p.owner_key for s in report.splits[:10] for p in s.parts]
        return sorted({key.removeprefix("org:") for key in chosen if key.startswith("org:")})
    groups = [g for g in report.suppliers if g.name != "(name not stated)"]
    wanted = [g for g in groups if len(g.recipients) > 1 or g.key in involved]
    wanted += [g for g in groups if g not in wanted][::25]
    return sorted({g.name for g in wanted})


def test_every_company_report_reconciles(
    case: tuple[Engine, Sums, Sums], report: AgencyReport
) -> None:
    engine, every, _ = case
    registry = bool(
        engine.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'org'")
    )
    names = _companies(report, registry)
    assert names
    for name in names:
        _reconciles(company_report(engine, name), every, engine)


def _reconciles(company: CompanyReport, every: Sums, engine: Engine) -> None:
    rolled_in = {g.key for g in company.recipients}
    assert {s.recipient_key for s in company.splits} <= rolled_in
    expected = sum((every[key] for key in rolled_in), Decimal(0))
    assert company.total + company.not_counted == expected, company.identity.name
    if company.splits:
        notes = [n.text for n in company_document(company, engine).coverage]
        assert any(money(company.not_counted) in text for text in notes)
        for split in company.splits:
            (text,) = [t for t in notes if t.startswith(f"{split.recipient}: ")]
            for part in split.outside(COMPANY):
                assert f"{money(part.amount)} in {part.lines} action" in text


def test_palantir_technologies_names_the_icm_action_it_does_not_count(ice_store: Path) -> None:
    """The issue's example: PALANTIR USG's FY2017 ICM action reports itself as its parent."""
    engine = Engine(ice_store, read_only=True)
    try:
        company = company_report(engine, "Palantir Technologies")
    finally:
        engine.close()
    palantir = [
        row
        for row in rows_2018()
        if row["recipient_name"].upper().startswith("PALANTIR")
        or row["recipient_parent_name"].upper().startswith("PALANTIR")
    ]
    assert company.total + company.not_counted == sum(
        Decimal(row["federal_action_obligation"]) for row in palantir
    )
    (split,) = company.splits
    (part,) = split.outside(COMPANY)
    (icm,) = [
        row
        for row in palantir
        if row["award_id_piid"] == "HSCETC14C00002" and row["action_date"].endswith("2017")
    ]
    assert split.recipient == "PALANTIR USG, INC." and part.lines == 1
    assert part.amount == Decimal(icm["federal_action_obligation"])
    assert part.first is not None and part.first.strftime("%d/%m/%Y") == icm["action_date"]


def _shown(found: list[Split]) -> list[tuple[object, ...]]:
    return [
        (
            split.recipient_key,
            split.recipient,
            [(p.owner_key, p.owner, p.amount, p.lines, p.first, p.last) for p in split.parts],
        )
        for split in found
    ]


def test_the_splits_do_not_depend_on_the_order_of_the_lines(
    case: tuple[Engine, Sums, Sums],
) -> None:
    """Found on a 1M-row store: a part's owner was named by the first line read, so two runs
    of one report could name it differently. Every order of the real lines gives one answer,
    and a part's owner has the name the supplier table gives it."""
    engine = case[0]
    lines: list[Line] = fetch_lines(
        engine,
        resolve_agency(engine, "7012").where("l.awarding_subtier_code", "l.awarding_toptier_code"),
        None,
    )
    key = owner_key(choose_rollup(engine))
    found = splits(lines, key)
    assert found, "the real data has recipients under two owners"
    expected = _shown(found)
    for seed in range(5):
        shuffled = list(lines)
        random.Random(seed).shuffle(shuffled)
        assert _shown(splits(shuffled, key)) == expected
    assert _shown(splits(reversed(lines), key)) == expected
    named = {group.key: group.name for group in group_lines(lines, key)}
    for split in found:
        for part in split.parts:
            assert part.owner == named[part.owner_key]
