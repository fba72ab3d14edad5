"""The agency and company answers, as the API and the pages both show them: the library's
report and its cited ``Document`` (``whosbehind agency --json`` prints the same), kept per data
version for the page, its JSON and its table downloads."""

from __future__ import annotations

import datetime as dt

from fastapi import Request

from whosbehind import (
    AgencyAnswer,
    CompanyAnswer,
    Document,
    Engine,
    NotFoundError,
    agency_report,
    company_report,
)
from whosbehind.web.cache import cached


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
    """The library's agency report for a request's parameters, reused while the data version
    holds."""
    key = ("agency", agency, as_of, contracts_as_of, fiscal_years, top)
    first, last = fiscal_years
    return cached(
        request,
        key,
        lambda: agency_report(
            engine,
            agency,
            as_of=as_of,
            contracts_as_of=contracts_as_of,
            from_fy=first,
            to_fy=last,
            top=top,
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
        lambda: company_report(
            engine, company, as_of=as_of, contracts_as_of=contracts_as_of, top=top
        ),
    )
