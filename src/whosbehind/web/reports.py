"""The agency and company answers, as the API and the pages both show them: the library's
report laid out as its cited ``Document`` (the same one ``whosbehind agency --json`` prints)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from whosbehind.analysis.reports.agency import AgencyReport, agency_report
from whosbehind.analysis.reports.agency_document import agency_document
from whosbehind.analysis.reports.company import CompanyReport, company_report
from whosbehind.analysis.reports.company_document import company_document
from whosbehind.analysis.reports.sections import Document
from whosbehind.errors import NotFoundError
from whosbehind.store.engine import Engine
from whosbehind.web.cache import cached
from whosbehind.web.deps import instant


@dataclass
class AgencyAnswer:
    report: AgencyReport
    document: Document
    scope: dict[str, Any]

    def to_json(self) -> dict[str, object]:
        return self.document.to_json("agency", self.scope)


@dataclass
class CompanyAnswer:
    report: CompanyReport
    document: Document
    scope: dict[str, Any]

    def to_json(self) -> dict[str, object]:
        return self.document.to_json("company", self.scope)


def agency_answer(
    engine: Engine,
    agency: str,
    as_of: dt.datetime | None,
    contracts_as_of: dt.datetime | None,
    fiscal_years: tuple[int | None, int | None],
    top: int,
) -> AgencyAnswer:
    report = agency_report(
        engine, agency, as_of, fiscal_years, top, contracts_as_of=contracts_as_of
    )
    scope: dict[str, Any] = {
        "agency": report.selection.to_json(),
        "as_of": report.cloud_as_of.isoformat(),
        "contracts_as_of": report.as_of.isoformat() if report.as_of else None,
        "fiscal_years": {"from": fiscal_years[0], "to": fiscal_years[1]},
        "total": report.total,
        "hhi": report.hhi,
        "cr4": report.cr4,
        "rollup": report.rollup,
    }
    return AgencyAnswer(report, agency_document(report, engine), scope)


def company_answer(
    engine: Engine,
    company: str,
    as_of: dt.datetime | None,
    contracts_as_of: dt.datetime | None,
    top: int,
) -> CompanyAnswer:
    report = company_report(engine, company, as_of, top, contracts_as_of=contracts_as_of)
    scope: dict[str, Any] = {
        "company": {
            "query": report.identity.query,
            "name": report.identity.name,
            "org_id": report.identity.org_id,
            "matched": report.identity.method,
        },
        "as_of": report.cloud_as_of.isoformat(),
        "contracts_as_of": report.as_of.isoformat() if report.as_of else None,
        "total": report.total,
    }
    return CompanyAnswer(report, company_document(report, engine, top), scope)


def section_table(document: Document, key: str) -> tuple[list[str], list[list[object]]]:
    """One section's columns and raw rows (with a last column of citation ids)."""
    for section in document.sections:
        if section.key == key:
            rows: list[list[object]] = [
                [*row.cells, " ".join(row.citations)] for row in section.rows
            ]
            return [*section.columns, "citations"], rows
    known = ", ".join(s.key for s in document.sections)
    raise NotFoundError(f"no table {key!r} in this report; its tables: {known}")


def agency_for(
    request: Request,
    engine: Engine,
    agency: str,
    as_of: dt.date | None,
    contracts_as_of: dt.date | None,
    fiscal_years: tuple[int | None, int | None],
    top: int,
) -> AgencyAnswer:
    """``agency_answer`` for a request's parameters, reused while the data version holds."""
    key = ("agency", agency, as_of, contracts_as_of, fiscal_years, top)
    return cached(
        request,
        key,
        lambda: agency_answer(
            engine, agency, instant(as_of), instant(contracts_as_of), fiscal_years, top
        ),
    )


def company_for(
    request: Request,
    engine: Engine,
    company: str,
    as_of: dt.date | None,
    contracts_as_of: dt.date | None,
    top: int,
) -> CompanyAnswer:
    key = ("company", company, as_of, contracts_as_of, top)
    return cached(
        request,
        key,
        lambda: company_answer(engine, company, instant(as_of), instant(contracts_as_of), top),
    )
