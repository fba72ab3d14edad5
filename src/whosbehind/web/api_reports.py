"""The JSON API of the reports: an agency, a company, one table of either as CSV or JSON, a
citation and its raw record, the data version."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from whosbehind import NotFoundError, cite
from whosbehind.web.cache import cached
from whosbehind.web.deps import AsOf, ContractsAsOf, FiscalYear, Store, Top, Version
from whosbehind.web.downloads import table_response
from whosbehind.web.jsonout import json_response
from whosbehind.web.orgs import org_answer
from whosbehind.web.reports import agency_for, company_for, section_table

router = APIRouter(tags=["reports"])
TableFormat = Literal["csv", "json"]
AgencyName = Annotated[
    str,
    Path(min_length=1, max_length=200, description="Subtier code (7012) or name, or a toptier."),
]
CompanyName = Annotated[
    str,
    Path(min_length=1, max_length=200, description="A name (any spelling), DUNS, UEI or org id."),
]
Key = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,40}$", description="A table's key.")]
CitationId = Annotated[str, Path(pattern=r"^c[0-9a-f]{16}$", description="c + 16 hex digits.")]


@router.get("/version", summary="The data version: newest snapshot of each feed, a digest")
def version(version: Version) -> Response:
    return json_response(version.to_json())


@router.get("/agency/{agency}", summary="Who is behind an agency (the `agency` report)")
def agency(
    request: Request,
    engine: Store,
    agency: AgencyName,
    as_of: AsOf = None,
    contracts_as_of: ContractsAsOf = None,
    from_fy: FiscalYear = None,
    to_fy: FiscalYear = None,
    top: Top = 10,
) -> Response:
    answer = agency_for(request, engine, agency, as_of, contracts_as_of, (from_fy, to_fy), top)
    return json_response(answer.to_json())


@router.get("/agency/{agency}/tables/{key}", summary="One table of the agency report")
def agency_table(
    request: Request,
    engine: Store,
    agency: AgencyName,
    key: Key,
    as_of: AsOf = None,
    contracts_as_of: ContractsAsOf = None,
    from_fy: FiscalYear = None,
    to_fy: FiscalYear = None,
    top: Top = 10,
    format: Annotated[TableFormat, Query()] = "json",
) -> Response:
    answer = agency_for(request, engine, agency, as_of, contracts_as_of, (from_fy, to_fy), top)
    columns, rows = section_table(answer.document, key)
    return table_response(f"agency-{key}", columns, rows, format)


@router.get("/company/{company}", summary="What a company does for the government")
def company(
    request: Request,
    engine: Store,
    company: CompanyName,
    as_of: AsOf = None,
    contracts_as_of: ContractsAsOf = None,
    top: Top = 10,
) -> Response:
    answer = company_for(request, engine, company, as_of, contracts_as_of, top)
    return json_response(answer.to_json())


@router.get("/company/{company}/tables/{key}", summary="One table of the company report")
def company_table(
    request: Request,
    engine: Store,
    company: CompanyName,
    key: Key,
    as_of: AsOf = None,
    contracts_as_of: ContractsAsOf = None,
    top: Top = 10,
    format: Annotated[TableFormat, Query()] = "json",
) -> Response:
    answer = company_for(request, engine, company, as_of, contracts_as_of, top)
    columns, rows = section_table(answer.document, key)
    return table_response(f"company-{key}", columns, rows, format)


@router.get("/cite/{citation_id}", summary="A citation and the redacted raw record it names")
def citation(request: Request, engine: Store, citation_id: CitationId) -> Response:
    return json_response(
        cached(request, ("cite", citation_id), lambda: cite(engine, citation_id)).to_json()
    )


@router.get("/org/{org}", summary="What the organization registry knows (`whosbehind org`)")
def org(engine: Store, org: CompanyName, as_of: AsOf = None) -> Response:
    found = org_answer(engine, org, as_of)
    if found is None:
        raise NotFoundError(f"no organization matches {org!r} (run `whosbehind resolve` first)")
    return json_response(found.to_json())
