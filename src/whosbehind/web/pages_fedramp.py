"""The offering page, the market page and the changes page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

import whosbehind as wb
from whosbehind import OfferingLink, OfferingReport
from whosbehind.web.api_fedramp import Feed, OfferingId
from whosbehind.web.deps import AsOf, Store
from whosbehind.web.pages import date_control, tables_page
from whosbehind.web.tables import Link, Table, cite, text

router = APIRouter(include_in_schema=False)


def _page(kind: str, key: object) -> str:
    return f"/{kind}/{quote(str(key), safe='')}"


def offering_tables(report: OfferingReport) -> list[Table]:
    snap = report.snapshot
    versions = Table(
        "versions",
        "What the record said, when (record time: each version and the snapshots it was in)",
        ["feed", "first seen", "last seen", "status", "authorization date", "impact", "provider"],
        [
            [
                text(v.feed),
                text(v.first_seen),
                text(v.last_seen),
                text(v.status_raw),
                text(v.authorization_date),
                text(v.impact_raw),
                text(v.provider, _page("company", v.provider)),
            ]
            for v in report.versions
        ],
    )
    history = Table(
        "status-history",
        "What was true, when (valid time: status changes as the organization export dates them)",
        ["since", "status", "feed"],
        [[text(s.start_date), text(s.status_raw), text(s.feed)] for s in report.status_history],
        empty="no dated status history in the loaded records",
    )
    authorizations = Table(
        "authorizations",
        f"Authorizing agencies (as of the snapshot of {snap.record_time.date()})",
        ["kind", "agency", "subagency", "letter date", "expires"],
        [
            [
                text(a.kind),
                text(a.agency, f"/search?q={quote(a.agency or '')}"),
                text(a.subagency),
                cite(a.letter_date or a.last_sign_date, snap.cite(a.locator or "").id),
                text(a.expiration_date),
            ]
            for a in report.authorizations
        ],
    )
    edge_columns = ["offering", "name", "provider", "status"]
    runs_on = Table(
        "runs-on",
        "What it runs on",
        edge_columns,
        [_edge(r.underlying_id, r) for r in report.runs_on],
    )
    runs_on_it = Table(
        "runs-on-it",
        "What runs on it",
        edge_columns,
        [_edge(r.package_id, r) for r in report.runs_on_it],
    )
    return [versions, history, authorizations, runs_on, runs_on_it]


def _edge(other: str, row: OfferingLink) -> list[Link]:
    return [
        text(other, _page("offering", other)),
        text(row.name),
        text(row.provider, _page("company", row.provider) if row.provider else None),
        text(row.status),
    ]


@router.get("/offering/{offering}")
def offering_page(
    request: Request, engine: Store, offering: OfferingId, as_of: AsOf = None, feed: Feed = "auto"
) -> Response:
    report = wb.fedramp_offering(engine, offering, as_of=as_of, feed=wb.Feed(feed))
    current = report.current
    title = f"{report.package_id} {current.name if current else ''}".strip()
    return tables_page(
        request,
        "offering.html",
        title,
        offering_tables(report),
        report=report,
        current=current,
        citation=report.citations[0].to_json() if report.citations else None,
        date_control=date_control(request, ("as_of", "As of")),
    )


@router.get("/changes")
def changes_page(
    request: Request,
    engine: Store,
    since: Annotated[dt.date | None, Query(alias="from")] = None,
    until: Annotated[dt.date | None, Query(alias="to")] = None,
    feed: Feed = "auto",
) -> Response:
    control = date_control(request, ("from", "From"), ("to", "To"))
    if since is None:
        return tables_page(
            request, "changes.html", "Changes", [], report=None, date_control=control
        )
    report = wb.fedramp_changes(engine, since=since, until=until, feed=wb.Feed(feed))
    before, after = report.before.cite(), report.after.cite()
    table = Table(
        "changes",
        f"{report.before.record_time.date()} → {report.after.record_time.date()} "
        f"({report.after.feed})",
        ["change", "offering", "name / agency / underlying", "provider", "detail", "sources"],
        [
            [
                text(c.kind),
                text(c.package_id, _page("offering", c.package_id)),
                text(c.what),
                text(c.provider or ""),
                text(c.detail),
                Link("before · after", f"/cite/{before.id}"),
            ]
            for c in report.changes
        ],
        caption=", ".join(f"{kind}: {n}" for kind, n in report.counts().items() if n),
        empty="no changes between these two snapshots",
    )
    return tables_page(
        request,
        "changes.html",
        "Changes",
        [table],
        report=report,
        before=before,
        after=after,
        date_control=control,
    )
