"""The JSON API of FedRAMP and the market: an offering's history, shares and their
concentration, spending concentration, changes between two dates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

import whosbehind as wb
from whosbehind.web.deps import AsOf, ContractsAsOf, FiscalYear, Store, Top
from whosbehind.web.jsonout import json_response
from whosbehind.web.market import spending_concentration

router = APIRouter(tags=["fedramp and market"])
Feed = Literal["auto", "marketplace", "legacy", "org"]
Measure = Literal["authorizations", "offerings", "letters"]
Attribution = Literal["infrastructure", "direct"]
Impact = Literal["low", "li-saas", "moderate", "high"]
ShareBy = Literal["provider", "parent"]
SpendBy = Literal["recipient", "parent", "reported-parent"]
Every = Literal["month", "quarter", "year"]
ValidAt = Annotated[
    dt.date | None,
    Query(description="Valid time: count what was true on this date (default: as_of)."),
]
OfferingId = Annotated[
    str, Path(min_length=1, max_length=200, description="A package id, or part of a name.")
]


@router.get("/offering/{offering}", summary="An offering: status, history, authorizations")
def offering(
    engine: Store, offering: OfferingId, as_of: AsOf = None, feed: Feed = "auto"
) -> Response:
    return json_response(
        wb.fedramp_offering(engine, offering, as_of=as_of, feed=wb.Feed(feed)).to_json()
    )


@router.get("/market/share", summary="FedRAMP shares by provider or parent, HHI and CR4")
def share(
    engine: Store,
    as_of: AsOf = None,
    valid_at: ValidAt = None,
    measure: Measure = "authorizations",
    attribution: Attribution = "infrastructure",
    impact: Impact | None = None,
    by: ShareBy = "provider",
    feed: Feed = "auto",
    top: Top = 10,
) -> Response:
    result = wb.fedramp_share(
        engine,
        as_of=as_of,
        valid_at=valid_at,
        measure=wb.Measure(measure),
        attribution=wb.Attribution(attribution),
        impact=wb.Impact(impact) if impact else None,
        feed=wb.Feed(feed),
        by=wb.ShareBy(by),
    )
    return json_response(result.to_json(top))


@router.get("/market/timeline", summary="FedRAMP shares at the end of each period")
def timeline(
    engine: Store,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    stop: Annotated[dt.date | None, Query(alias="to")] = None,
    every: Every = "year",
    measure: Measure = "authorizations",
    attribution: Attribution = "infrastructure",
    impact: Impact | None = None,
    feed: Feed = "auto",
    top: Top = 5,
) -> Response:
    result = wb.fedramp_timeline(
        engine,
        start=start,
        stop=stop,
        every=wb.Period(every),
        measure=wb.Measure(measure),
        attribution=wb.Attribution(attribution),
        impact=wb.Impact(impact) if impact else None,
        feed=wb.Feed(feed),
    )
    return json_response(result.to_json(top))


@router.get("/market/spending", summary="Concentration of contract spending per fiscal year")
def spending_market(
    engine: Store,
    by: SpendBy = "parent",
    agency: Annotated[str | None, Query(max_length=200)] = None,
    from_fy: FiscalYear = None,
    to_fy: FiscalYear = None,
    contracts_as_of: ContractsAsOf = None,
    top: Top = 5,
) -> Response:
    found = spending_concentration(engine, by, agency, (from_fy, to_fy), contracts_as_of)
    return json_response({"by": by, "years": [y.to_json(top) for y in found]})


@router.get("/changes", summary="What changed in the FedRAMP record between two dates")
def changes(
    engine: Store,
    since: Annotated[dt.date, Query(alias="from")],
    until: Annotated[dt.date | None, Query(alias="to")] = None,
    feed: Feed = "auto",
) -> Response:
    found = wb.fedramp_changes(engine, since=since, until=until, feed=wb.Feed(feed))
    return json_response(found.to_json())
