"""The market page: FedRAMP shares at a date by provider or parent, their concentration over
time (HHI and CR4 at each period's end), and the concentration of contract spending per
fiscal year; the measure, attribution, impact and grouping are controls in the URL."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

import whosbehind as wb
from whosbehind import NotFoundError, ShareResult, Timeline
from whosbehind.web.api_fedramp import (
    Attribution,
    Every,
    Measure,
    ShareBy,
    SpendBy,
    ValidAt,
)
from whosbehind.web.deps import AsOf, ContractsAsOf, Store, Top
from whosbehind.web.market import YearConcentration, spending_concentration
from whosbehind.web.pages import date_control, tables_page
from whosbehind.web.tables import Table, cite, text

router = APIRouter(include_in_schema=False)
CONTROLS = {
    "measure": ("authorizations", "offerings", "letters"),
    "attribution": ("infrastructure", "direct"),
    "impact": ("", "low", "li-saas", "moderate", "high"),
    "by": ("provider", "parent"),
    "every": ("year", "quarter", "month"),
    "spend_by": ("parent", "recipient", "reported-parent"),
}


def share_table(result: ShareResult, top: int) -> Table:
    citation = result.snapshot.cite().id
    by_parent = result.by == "parent"
    return Table(
        "share",
        f"FedRAMP {result.measure} by {result.by}, {result.attribution} attribution"
        f"{', impact ' + result.impact if result.impact else ''}, "
        f"as of {result.as_of.date()}",
        ["#", result.by, "count", "share"] + (["providers"] if by_parent else []),
        [
            [
                text(i),
                text(row.provider, f"/company/{quote(row.org_id or row.provider, safe='')}"),
                cite(row.count, citation),
                cite(row.share, citation, "percent"),
            ]
            + ([text("; ".join(row.providers))] if by_parent else [])
            for i, row in enumerate(result.rows[:top], 1)
        ],
        caption=f"total {result.total} · HHI {result.hhi:,.0f} · CR4 "
        f"{result.cr4 * 100:.1f}% · snapshot {result.snapshot.feed} "
        f"{result.snapshot.record_time.date()}",
    )


def timeline_table(timeline: Timeline) -> Table:
    return Table(
        "concentration",
        f"Concentration over time (end of each {timeline.every})",
        ["as of", "total", "HHI", "CR4", "largest", "its share"],
        [
            [
                text(point.as_of.date()),
                cite(point.total, point.snapshot.cite().id),
                cite(round(point.hhi), point.snapshot.cite().id),
                cite(point.cr4, point.snapshot.cite().id, "percent"),
                text(point.rows[0].provider if point.rows else ""),
                text(point.rows[0].share if point.rows else None, kind="percent"),
            ]
            for point in timeline.points
        ],
    )


def spending_table(years: list[YearConcentration], by: str) -> Table:
    rows = []
    for year in years:
        result = year.result
        first = result.rows[0] if result.rows else None
        cited = (
            [result.citations[s].id for s in first.snapshots if s in result.citations]
            if first
            else []
        )
        rows.append(
            [
                text(f"FY{year.fiscal_year}"),
                cite(result.total, cited[0] if cited else None, "money"),
                text(result.groups),
                text(round(result.hhi) if result.hhi is not None else None),
                text(result.cr4, kind="percent"),
                text(
                    first.name if first else "",
                    f"/company/{quote(first.name, safe='')}" if first else None,
                ),
                cite(first.share if first else None, cited[0] if cited else None, "percent"),
            ]
        )
    return Table(
        "spending",
        f"Contract spending concentration per fiscal year, by {by}",
        ["fiscal year", "obligated", by + "s", "HHI", "CR4", "largest", "its share"],
        rows,
        empty="no contract data loaded",
    )


@router.get("/market")
def market_page(
    request: Request,
    engine: Store,
    as_of: AsOf = None,
    valid_at: ValidAt = None,
    measure: Measure = "authorizations",
    attribution: Attribution = "infrastructure",
    impact: Annotated[str, Query(pattern="^(|low|li-saas|moderate|high)$")] = "",
    by: ShareBy = "provider",
    every: Every = "year",
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    spend_by: SpendBy = "parent",
    agency: Annotated[str | None, Query(max_length=200)] = None,
    contracts_as_of: ContractsAsOf = None,
    top: Top = 10,
) -> Response:
    tables: list[Table] = []
    notes: list[str] = []
    try:
        counted, credited = wb.Measure(measure), wb.Attribution(attribution)
        level = wb.Impact(impact) if impact else None
        share = wb.fedramp_share(
            engine,
            as_of=as_of,
            valid_at=valid_at,
            measure=counted,
            attribution=credited,
            impact=level,
            by=wb.ShareBy(by),
        )
        tables.append(share_table(share, top))
        notes += share.notes
        timeline = wb.fedramp_timeline(
            engine,
            start=start,
            stop=as_of,
            every=wb.Period(every),
            measure=counted,
            attribution=credited,
            impact=level,
        )
        tables.append(timeline_table(timeline))
    except NotFoundError as error:
        notes.append(str(error))
    try:
        years = spending_concentration(
            engine, spend_by, agency or None, (None, None), contracts_as_of
        )
        tables.append(spending_table(years, spend_by))
    except NotFoundError as error:
        notes.append(str(error))
    return tables_page(
        request,
        "market.html",
        "Market",
        tables,
        notes=notes,
        controls=CONTROLS,
        date_control=date_control(
            request, ("as_of", "As of"), ("contracts_as_of", "Contracts as recorded on")
        ),
    )
