"""Who is behind an agency: its suppliers rolled up to their owners, the money per fiscal year,
its largest awards, what it bought, the cloud offerings it authorized and what they run on,
how concentrated its spending is, and what the public record does not say.

``agency_report`` gathers the facts (typed, with what they were read from);
``agency_document.agency_document`` lays them out, cited, as sections for the renderers.
"""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal

from whosbehind.analysis.agencies import AgencySelection, resolve_agency
from whosbehind.analysis.fedramp.agency import AgencyCloud, AuthorizedOffering, agency_cloud
from whosbehind.analysis.reports.contractor_clouds import ContractorClouds, contractor_clouds
from whosbehind.analysis.reports.coverage import MissingYears, missing_years
from whosbehind.analysis.reports.line_table import LineTable, Owners, rollup_owners
from whosbehind.analysis.reports.money import (
    AwardLine,
    Group,
    code_names,
    loaded_fiscal_years,
)
from whosbehind.analysis.reports.rollup import (
    RegistryRollup,
    ReportedParentRollup,
    Rollup,
    choose_rollup,
)
from whosbehind.analysis.reports.splits import Split
from whosbehind.errors import NotFoundError
from whosbehind.model.timeutil import now_utc
from whosbehind.store.engine import Engine

SUPPLIER_AWARDS = 10


@dataclass
class AgencyReport:
    """The figures of an agency report (see :func:`whosbehind.agency_report`); ``as_of`` is the
    contracts' record time, ``cloud_as_of`` the FedRAMP one."""

    selection: AgencySelection
    as_of: dt.datetime | None  # record time of the contract data (None: the newest)
    fiscal_years: tuple[int | None, int | None]
    rollup: str
    total: Decimal
    lines: int
    per_year: list[Group]
    suppliers: list[Group]
    supplier_count: int
    it_suppliers: list[Group]
    it_total: Decimal
    supplier_awards: dict[str, list[AwardLine]]  # IT supplier key -> its awards
    awards: list[AwardLine]
    award_count: int
    psc: list[Group]
    naics: list[Group]
    code_names: dict[str, dict[str, str]]  # "psc"/"naics" -> code -> name
    hhi: float | None
    cr4: float | None
    cloud: AgencyCloud | None
    cloud_as_of: dt.datetime
    valid_at: dt.datetime  # ATOs dated on or before it, infrastructure owners on it
    cloud_missing: str | None
    missing: MissingYears
    unidentified: list[Group]
    resellers: list[Group]
    # recipients whose actions count under more than one owner (``reports.splits``): over all
    # the lines, and over the IT lines (the IT suppliers table)
    splits: list[Split] = field(default_factory=list)
    it_splits: list[Split] = field(default_factory=list)
    snapshots: set[tuple[str, int]] = field(default_factory=set)
    # the FedRAMP offerings of the largest suppliers (None: no registry, or no FedRAMP data)
    contractor_clouds: ContractorClouds | None = None


def agency_report(
    engine: Engine,
    agency: str,
    as_of: dt.datetime | None = None,
    fiscal_years: tuple[int | None, int | None] = (None, None),
    top: int = 10,
    rollup: Rollup | None = None,
    feed: str = "auto",
    contracts_as_of: dt.datetime | None = None,
    valid_at: dt.datetime | None = None,
) -> AgencyReport:
    """``as_of`` is the record time of the cloud section (default now); it counts ATOs dated
    on or before ``valid_at`` (valid time, default ``as_of``), and infrastructure owners on that
    date. Contract money is what the newest records say (or the records as of
    ``contracts_as_of``) about the fiscal years asked."""
    as_of, cloud_date = contracts_as_of, as_of
    selection = resolve_agency(engine, agency)
    chosen = rollup is None
    rollup = rollup or choose_rollup(engine)
    condition = selection.where("l.awarding_subtier_code", "l.awarding_toptier_code")
    # the registry's contractor clouds look for every supplier; otherwise ``top`` are shown
    every = isinstance(rollup, RegistryRollup)
    with LineTable(engine, condition, as_of, fiscal_years, _owners(rollup, chosen)) as table:
        money = _money(table, as_of, top, every)
    cloud_as_of = cloud_date or now_utc()
    cloud: AgencyCloud | None = None
    cloud_missing = None
    try:
        cloud = agency_cloud(engine, selection, cloud_as_of, feed, valid_at)
    except NotFoundError as error:
        cloud_missing = str(error)
    under: ContractorClouds | None = None
    if isinstance(rollup, RegistryRollup):
        on = (valid_at or cloud_as_of).date()
        if cloud is not None:
            _infrastructure_owners(cloud.offerings, rollup, on)
        with suppress(NotFoundError):  # no FedRAMP snapshot: cloud_missing says so
            under = contractor_clouds(engine, rollup, money.suppliers, cloud_as_of, feed, valid_at)
            _infrastructure_owners([o.offering for o in under.offerings], rollup, on)
    return AgencyReport(
        selection=selection,
        as_of=as_of,
        fiscal_years=fiscal_years,
        rollup=rollup.method,
        total=money.total,
        lines=money.lines,
        per_year=money.per_year,
        suppliers=money.suppliers[:top],
        supplier_count=money.supplier_count,
        it_suppliers=money.it_suppliers,
        it_total=money.it_total,
        supplier_awards=money.supplier_awards,
        awards=money.awards,
        award_count=money.award_count,
        psc=money.psc,
        naics=money.naics,
        code_names={
            "psc": code_names(engine, "psc", [g.key for g in money.psc]),
            "naics": code_names(engine, "naics", [g.key for g in money.naics]),
        },
        hhi=money.hhi,
        cr4=money.cr4,
        cloud=cloud,
        cloud_as_of=cloud_as_of,
        valid_at=valid_at or cloud_as_of,
        cloud_missing=cloud_missing,
        missing=missing_years(fiscal_years, loaded_fiscal_years(engine, as_of), money.years),
        unidentified=money.unidentified,
        resellers=money.resellers,
        splits=money.splits,
        it_splits=money.it_splits,
        snapshots=money.snapshots,
        contractor_clouds=under,
    )


def _owners(rollup: Rollup, chosen: bool) -> Owners:
    """The rollup's owners; kept between calls by a read-only engine when the answer is the
    statement's alone (the reported parent) or the store's registry's (chosen here)."""
    if isinstance(rollup, ReportedParentRollup):
        return rollup_owners(rollup, dated=False, cache="reports:owners:reported")
    return rollup_owners(rollup, dated=True, cache="reports:owners:registry" if chosen else None)


@dataclass
class _Money:
    total: Decimal
    lines: int
    it_total: Decimal
    per_year: list[Group]
    suppliers: list[Group]  # the first ``top`` (or all) with their files and members
    supplier_count: int
    it_suppliers: list[Group]
    supplier_awards: dict[str, list[AwardLine]]
    awards: list[AwardLine]
    award_count: int
    psc: list[Group]
    naics: list[Group]
    hhi: float | None
    cr4: float | None
    years: set[int]
    unidentified: list[Group]
    resellers: list[Group]
    splits: list[Split]
    it_splits: list[Split]
    snapshots: set[tuple[str, int]]


_PSC = "coalesce(nullif(psc, ''), '-')"
_NAICS = "coalesce(nullif(naics, ''), '-')"
_YEAR = "fiscal_year::VARCHAR"


def _money(table: LineTable, as_of: dt.datetime | None, top: int, every: bool) -> _Money:
    """Every figure of the report's contract money, grouped in SQL; of the suppliers, only the
    ``top`` shown come to Python (``every``: all of them)."""
    owner = ("owner_key", "owner_name")
    suppliers = table.groups(*owner, limit=None if every else top)
    table.detail(suppliers[:top], "owner_key", members=True)
    it_suppliers = table.detail(
        table.groups(*owner, "it", limit=top),
        "owner_key",
        "it",
        members=True,
        awards=SUPPLIER_AWARDS,
    )
    psc = table.detail(table.groups(_PSC, _PSC, limit=top), _PSC)
    naics = table.detail(table.groups(_NAICS, _NAICS, limit=top), _NAICS)
    per_year = table.detail(table.groups(_YEAR, _YEAR, order="key"), _YEAR, every=True)
    award_count, top_awards = table.awards(top)
    named = [k for supplier in it_suppliers for k in supplier.top_awards(SUPPLIER_AWARDS)]
    known = table.attributes([*top_awards, *named])  # one query for them all
    hhi, cr4 = table.concentration("owner_key")
    total, lines = table.totals()
    it_total, _ = table.totals("it")
    recipient = ("own_key", "member")
    return _Money(
        total=total,
        lines=lines,
        it_total=it_total,
        per_year=per_year,
        suppliers=suppliers,
        supplier_count=table.count("owner_key"),
        it_suppliers=it_suppliers,
        supplier_awards={
            supplier.key: table.award_lines(
                supplier.top_awards(SUPPLIER_AWARDS),
                as_of,
                known,
                "it AND owner_key = ?",
                [table.key("owner_key", supplier.key)],
            )
            for supplier in it_suppliers
        },
        awards=table.award_lines(top_awards, as_of, known),
        award_count=award_count,
        psc=psc,
        naics=naics,
        hhi=hhi,
        cr4=cr4,
        years={int(year) for year in table.column("fiscal_year")},
        unidentified=table.detail(
            table.groups(*recipient, "NOT identified"), "own_key", "NOT identified", members=True
        ),
        resellers=table.detail(
            table.groups(*recipient, "resale"), "own_key", "resale", members=True
        ),
        splits=table.splits(),
        it_splits=table.splits("it"),
        snapshots=table.snapshots(),
    )


def _infrastructure_owners(
    offerings: list[AuthorizedOffering], rollup: RegistryRollup, on: dt.date
) -> None:
    """Who owns the infrastructure each offering runs on, as of the cloud date."""
    for offering in offerings:
        for link in offering.runs_on:
            if link.provider_key:
                link.owner = rollup.provider_owner(link.provider_key, link.provider, link.uei, on)
