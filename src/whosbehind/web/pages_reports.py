"""The agency page, the company page and the citation page."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from whosbehind import CompanyAnswer, NotFoundError, cite
from whosbehind.web.api_reports import AgencyName, CitationId, CompanyName
from whosbehind.web.cache import cached
from whosbehind.web.charts import Bar, bar_chart
from whosbehind.web.deps import AsOf, ContractsAsOf, FiscalYear, Store, Top
from whosbehind.web.jsonout import dumps
from whosbehind.web.orgs import org_answer, org_tables
from whosbehind.web.pages import date_control, footnotes, render, tables_page
from whosbehind.web.reports import agency_for, company_for

router = APIRouter(include_in_schema=False)
_DATES = (("as_of", "Cloud and ownership as of"), ("contracts_as_of", "Contracts as recorded on"))


def _company_link(name: object) -> str:
    return f"/company/{quote(str(name), safe='')}"


def _agency_link(code: object) -> str:
    return f"/agency/{quote(str(code), safe='')}"


class YearAmount(Protocol):
    """A report's money in one fiscal year (``AgencyReport.per_year``)."""

    @property
    def key(self) -> str: ...
    @property
    def amount(self) -> Decimal: ...


def _chart(groups: Sequence[YearAmount], citations: dict[str, list[str]], title: str) -> str:
    bars = [
        Bar(
            f"FY{g.key}",
            g.amount,
            f"/cite/{citations[g.key][0]}" if citations.get(g.key) else None,
        )
        for g in groups
    ]
    return bar_chart(bars, title)


def _year_citations(rows: list[Any]) -> dict[str, list[str]]:
    return {str(row.cells[0]).removeprefix("FY"): row.citations for row in rows}


@router.get("/agency/{agency}", response_class=HTMLResponse)
def agency_page(
    request: Request,
    engine: Store,
    agency: AgencyName,
    as_of: AsOf = None,
    contracts_as_of: ContractsAsOf = None,
    from_fy: FiscalYear = None,
    to_fy: FiscalYear = None,
    top: Top = 10,
) -> HTMLResponse:
    answer = agency_for(request, engine, agency, as_of, contracts_as_of, (from_fy, to_fy), top)
    doc = answer.document
    money = next((s for s in doc.sections if s.key == "money"), None)
    chart = _chart(
        answer.report.per_year,
        _year_citations(money.rows if money else []),
        f"Money obligated per fiscal year by {answer.report.selection.label}",
    )
    return render(
        request,
        "agency.html",
        doc.title,
        doc=doc,
        answer=answer,
        chart=chart,
        agency=agency,
        download=f"/api/agency/{quote(agency, safe='')}",
        links={"supplier": _company_link, "recipient": _company_link},
        date_control=date_control(request, *_DATES),
        **footnotes(doc),
    )


@router.get("/company/{company}")
def company_page(
    request: Request,
    engine: Store,
    company: CompanyName,
    as_of: AsOf = None,
    contracts_as_of: ContractsAsOf = None,
    top: Top = 10,
) -> Response:
    """The company report, and what the registry knows of the organization; an organization
    with neither contracts nor current offerings still has the registry's part."""
    try:
        answer: CompanyAnswer | None = company_for(
            request, engine, company, as_of, contracts_as_of, top
        )
    except NotFoundError as error:
        answer, missing = None, error
    org = org_answer(engine, answer.report.identity.org_id or company if answer else company, as_of)
    if answer is None and org is None:
        raise missing
    context: dict[str, Any] = {}
    if answer is not None:
        doc = answer.document
        money = next((s for s in doc.sections if s.key == "money"), None)
        context = {
            "doc": doc,
            "chart": _chart(
                answer.report.per_year,
                _year_citations(money.rows if money else []),
                f"Money obligated to {answer.report.identity.name} per fiscal year",
            ),
            "download": f"/api/company/{quote(company, safe='')}",
            "links": {"code": _agency_link},
            **footnotes(doc),
        }
    title = answer.document.title if answer else f"{org.name if org else company}"
    return tables_page(
        request,
        "company.html",
        title,
        org_tables(org) if org else [],
        answer=answer,
        org=org,
        company=company,
        date_control=date_control(request, *_DATES),
        **context,
    )


@router.get("/cite/{citation_id}", response_class=HTMLResponse)
def cite_page(request: Request, engine: Store, citation_id: CitationId) -> HTMLResponse:
    found = cached(request, ("cite", citation_id), lambda: cite(engine, citation_id))
    records = [dumps(r).decode() for r in found.records]
    return render(
        request,
        "cite.html",
        f"Source {citation_id}",
        found=found,
        data=found.to_json(),
        records=records,
    )
