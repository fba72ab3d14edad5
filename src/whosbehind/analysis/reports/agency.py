"""Who is behind an agency: its suppliers rolled up to their owners, the money per fiscal year,
its largest awards, what it bought, the cloud offerings it authorized and what they run on,
how concentrated its spending is, and what the public record does not say.

``agency_report`` gathers the facts (typed, with what they were read from);
``agency_document.agency_document`` lays them out, cited, as sections for the renderers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal

from whosbehind.analysis.agencies import AgencySelection, resolve_agency
from whosbehind.analysis.fedramp.agency import AgencyCloud, AuthorizedOffering, agency_cloud
from whosbehind.analysis.reports.contractor_clouds import ContractorClouds, contractor_clouds
from whosbehind.analysis.reports.coverage import (
    MissingYears,
    is_it_psc,
    missing_years,
    resellers,
    unidentified,
)
from whosbehind.analysis.reports.money import (
    AwardAttributes,
    AwardLine,
    Group,
    Line,
    award_attributes,
    award_lines,
    code_names,
    concentration,
    fetch_lines,
    group_lines,
    loaded_fiscal_years,
    owner_key,
)
from whosbehind.analysis.reports.rollup import RegistryRollup, Rollup, choose_rollup
from whosbehind.analysis.reports.splits import Split, splits
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
    rollup = rollup or choose_rollup(engine)
    lines = fetch_lines(
        engine,
        selection.where("l.awarding_subtier_code", "l.awarding_toptier_code"),
        as_of,
        fiscal_years,
    )
    key = owner_key(rollup)
    suppliers = group_lines(lines, key)
    it_lines = [line for line in lines if is_it_psc(line.psc)]
    it_suppliers = group_lines(it_lines, key)[:top]
    by_award = group_lines(lines, lambda line: (line.award_key, line.award_key))
    psc = group_lines(lines, lambda line: (line.psc or "-", line.psc or "-"))[:top]
    naics = group_lines(lines, lambda line: (line.naics or "-", line.naics or "-"))[:top]
    hhi, cr4 = concentration(suppliers)
    top_awards = [g.key for g in by_award[:top]]
    named = [k for supplier in it_suppliers for k in supplier.top_awards(SUPPLIER_AWARDS)]
    known = award_attributes(engine, [*top_awards, *named], as_of)  # one query for them all
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
            under = contractor_clouds(engine, rollup, suppliers, cloud_as_of, feed, valid_at)
            _infrastructure_owners([o.offering for o in under.offerings], rollup, on)
    return AgencyReport(
        selection=selection,
        as_of=as_of,
        fiscal_years=fiscal_years,
        rollup=rollup.method,
        total=sum((line.amount for line in lines), Decimal(0)),
        lines=len(lines),
        per_year=group_lines(lines, lambda line: (str(line.fiscal_year),) * 2, order="key"),
        suppliers=suppliers[:top],
        supplier_count=len(suppliers),
        it_suppliers=it_suppliers,
        it_total=sum((line.amount for line in it_lines), Decimal(0)),
        supplier_awards=_supplier_awards(engine, it_lines, it_suppliers, key, as_of, known),
        awards=award_lines(engine, lines, top_awards, as_of, known),
        award_count=len(by_award),
        psc=psc,
        naics=naics,
        code_names={
            "psc": code_names(engine, "psc", [g.key for g in psc]),
            "naics": code_names(engine, "naics", [g.key for g in naics]),
        },
        hhi=hhi,
        cr4=cr4,
        cloud=cloud,
        cloud_as_of=cloud_as_of,
        valid_at=valid_at or cloud_as_of,
        cloud_missing=cloud_missing,
        missing=missing_years(
            fiscal_years, loaded_fiscal_years(engine, as_of), (g.fiscal_year for g in lines)
        ),
        unidentified=unidentified(lines),
        resellers=resellers(lines),
        splits=splits(lines, key),
        it_splits=splits(it_lines, key),
        snapshots={line.snapshot for line in lines},
        contractor_clouds=under,
    )


def _supplier_awards(
    engine: Engine,
    lines: list[Line],
    suppliers: list[Group],
    key: Callable[[Line], tuple[str, str]],
    as_of: dt.datetime | None,
    known: AwardAttributes,
) -> dict[str, list[AwardLine]]:
    wanted = {supplier.key for supplier in suppliers}
    own: dict[str, list[Line]] = {supplier.key: [] for supplier in suppliers}
    for line in lines:
        owner = key(line)[0]
        if owner in wanted:
            own[owner].append(line)
    return {
        supplier.key: award_lines(
            engine, own[supplier.key], supplier.top_awards(SUPPLIER_AWARDS), as_of, known
        )
        for supplier in suppliers
    }


def _infrastructure_owners(
    offerings: list[AuthorizedOffering], rollup: RegistryRollup, on: dt.date
) -> None:
    """Who owns the infrastructure each offering runs on, as of the cloud date."""
    for offering in offerings:
        for link in offering.runs_on:
            if link.provider_key:
                link.owner = rollup.provider_owner(link.provider_key, link.provider, link.uei, on)
