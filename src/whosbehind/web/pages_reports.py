"""The agency page, the company page and the citation page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from whosbehind.analysis.report_money import Group
from whosbehind.export.cite import cited_record
from whosbehind.sources.gitwalk import read_blob
from whosbehind.web.api_reports import AgencyName, CitationId, CompanyName
from whosbehind.web.charts import Bar, bar_chart
from whosbehind.web.deps import AsOf, ContractsAsOf, FiscalYear, Store, Top, instant
from whosbehind.web.jsonout import dumps
from whosbehind.web.pages import date_control, footnotes, render
from whosbehind.web.reports import agency_answer, company_answer

router = APIRouter(include_in_schema=False)
_DATES = (("as_of", "Cloud and ownership as of"), ("contracts_as_of", "Contracts as recorded on"))


def _company_link(name: object) -> str:
    return f"/company/{quote(str(name), safe='')}"


def _chart(groups: list[Group], citations: dict[str, list[str]], title: str) -> str:
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
    answer = agency_answer(
        engine, agency, instant(as_of), instant(contracts_as_of), (from_fy, to_fy), top
    )
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


@router.get("/company/{company}", response_class=HTMLResponse)
def company_page(
    request: Request,
    engine: Store,
    company: CompanyName,
    as_of: AsOf = None,
    contracts_as_of: ContractsAsOf = None,
    top: Top = 10,
) -> HTMLResponse:
    answer = company_answer(engine, company, instant(as_of), instant(contracts_as_of), top)
    doc = answer.document
    money = next((s for s in doc.sections if s.key == "money"), None)
    chart = _chart(
        answer.report.per_year,
        _year_citations(money.rows if money else []),
        f"Money obligated to {answer.report.identity.name} per fiscal year",
    )
    return render(
        request,
        "company.html",
        doc.title,
        doc=doc,
        answer=answer,
        chart=chart,
        download=f"/api/company/{quote(company, safe='')}",
        links={"parent": _company_link, "subsidiary": _company_link, "name": _company_link},
        date_control=date_control(request, *_DATES),
        **footnotes(doc),
    )


@router.get("/cite/{citation_id}", response_class=HTMLResponse)
def cite_page(request: Request, engine: Store, citation_id: CitationId) -> HTMLResponse:
    found = cited_record(engine, citation_id, read_blob)
    records = [dumps(r).decode() for r in found.records]
    return render(
        request,
        "cite.html",
        f"Source {citation_id}",
        found=found,
        data=found.to_json(),
        records=records,
    )
