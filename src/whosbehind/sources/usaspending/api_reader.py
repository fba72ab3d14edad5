"""Parse USAspending API v2 responses into contract records.

Covers ``search/spending_by_award`` pages, ``awards/<id>`` detail, ``transactions``,
``idvs/awards`` (the orders under an IDV) and ``recipient/<id>`` profiles. Parse the bytes
with ``load_json`` so amounts keep their exact decimal text. Executive compensation
(``executive_details``: officers' names and pay) is never read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from whosbehind.errors import SnapshotError
from whosbehind.model.contracts import (
    Award,
    Recipient,
    Transaction,
    classify_award_type,
    fiscal_year,
    normalize_duns,
    split_award_key,
)
from whosbehind.sources.award_fields import read_award_fields
from whosbehind.sources.usaspending.api_award import award_from_detail
from whosbehind.sources.usaspending.api_json import (
    ApiResult,
    Fields,
    load_json,
    page_info,
    results_of,
)
from whosbehind.sources.usaspending.values import BadField

__all__ = [
    "ApiResult",
    "load_json",
    "parse_award_detail",
    "parse_award_search",
    "parse_idv_awards",
    "parse_recipient",
    "parse_transactions",
]

SEARCH_FIELDS = frozenset(
    {
        "internal_id", "generated_internal_id", "Award ID", "Recipient Name", "Recipient UEI",
        "Recipient DUNS Number", "recipient_id", "prime_award_recipient_id", "Recipient Location",
        "Primary Place of Performance", "Awarding Agency", "Awarding Agency Code",
        "Awarding Sub Agency", "Awarding Sub Agency Code", "Funding Agency", "Funding Agency Code",
        "Funding Sub Agency", "Funding Sub Agency Code", "awarding_agency_id", "agency_slug",
        "Description", "Award Amount", "Total Outlays", "Contract Award Type", "Award Type",
        "Start Date", "End Date", "Base Obligation Date", "Last Modified Date",
        "Last Date to Order", "NAICS", "PSC", "def_codes", "COVID-19 Obligations",
        "COVID-19 Outlays", "Infrastructure Obligations", "Infrastructure Outlays", "SAI Number",
        "CFDA Number", "Assistance Listings", "primary_assistance_listing",
    }
)  # fmt: skip
TRANSACTION_FIELDS = frozenset(
    {
        "id", "type", "type_description", "action_date", "action_type",
        "action_type_description", "modification_number", "description",
        "federal_action_obligation", "face_value_loan_guarantee", "original_loan_subsidy_cost",
        "cfda_number", "cfda_title",
    }
)  # fmt: skip
IDV_AWARD_FIELDS = frozenset(
    {
        "award_id", "award_type", "description", "funding_agency", "awarding_agency",
        "funding_agency_id", "awarding_agency_id", "funding_agency_slug", "awarding_agency_slug",
        "generated_unique_award_id", "last_date_to_order", "obligated_amount",
        "period_of_performance_current_end_date", "period_of_performance_start_date", "piid",
    }
)  # fmt: skip
RECIPIENT_FIELDS = frozenset(
    {
        "name", "alternate_names", "duns", "uei", "recipient_id", "recipient_level", "parent_id",
        "parent_name", "parent_duns", "parent_uei", "parents", "business_types", "location",
        "total_transaction_amount", "total_transactions", "total_face_value_loan_amount",
        "total_face_value_loan_transactions",
    }
)  # fmt: skip


def parse_award_search(payload: Any, locator: str) -> ApiResult:
    """A ``spending_by_award`` page: one partial Award per contract or IDV result."""
    results = results_of(payload, locator)
    result = ApiResult(page=page_info(payload, locator))
    if payload.get("spending_level") == "subawards":
        result.skipped = len(results)
        return result
    for position, item in enumerate(results, start=1):
        result.audit("results[]", item, SEARCH_FIELDS)
        fields = Fields(item)
        key = fields.text("generated_internal_id")
        if key is not None and split_award_key(key) is None:
            result.skipped += 1  # an assistance award (ASST_...)
            continue
        try:
            result.records.append(_search_award(fields, f"{locator}#results[{position - 1}]"))
        except BadField as bad:
            excerpt = fields.excerpt("generated_internal_id", "Award ID")
            result.quarantine(locator, position, bad, excerpt)
    return result


def _search_award(fields: Fields, locator: str) -> Award:
    key = fields.required_text("generated_internal_id")
    parts = split_award_key(key)
    assert parts is not None  # checked by the caller
    naics_code, naics_description = _code_pair(fields, "NAICS")
    psc_code, psc_description = _code_pair(fields, "PSC")
    values = read_award_fields("api_summary", fields.read)
    values["awarding_subtier_code"] = values["awarding_subtier_code"] or parts.agency_code
    return Award(
        award_key=key,
        piid=fields.text("Award ID") or parts.piid,
        award_type=classify_award_type(
            is_idv=parts.is_idv, type_code=None, parent_idv_piid=parts.parent_idv_piid
        ),
        locator=locator,
        parent_idv_piid=parts.parent_idv_piid,
        parent_idv_agency_code=parts.parent_idv_agency_code,
        psc_code=psc_code,
        psc_description=psc_description,
        naics_code=naics_code,
        naics_description=naics_description,
        **values,
    )


def _code_pair(fields: Fields, name: str) -> tuple[str | None, str | None]:
    """NAICS and PSC come as ``{"code", "description"}`` objects or, in older pages, a code."""
    sub = fields.sub(name)
    if sub.text("code") is not None:
        return sub.text("code"), sub.text("description")
    return fields.text(name), None


def parse_award_detail(payload: Any, locator: str) -> ApiResult:
    """An ``awards/<generated id>`` response for a contract or IDV: one Award."""
    if not isinstance(payload, Mapping):
        raise SnapshotError(locator, "expected an award object")
    result = ApiResult()
    try:
        award, unknown = award_from_detail(payload, locator)
    except BadField as bad:
        raise SnapshotError(locator, f"{bad.field}: {bad.reason}") from None
    result.records.append(award)
    result.unknown_fields.update(unknown)
    return result


def parse_transactions(payload: Any, award_key: str, locator: str) -> ApiResult:
    """A ``transactions`` page for the award ``award_key``: one Transaction per action."""
    results = results_of(payload, locator)
    result = ApiResult(page=page_info(payload, locator))
    for position, item in enumerate(results, start=1):
        result.audit("results[]", item, TRANSACTION_FIELDS)
        fields = Fields(item)
        identifier = fields.text("id") or ""
        if not identifier.startswith("CONT_TX_"):
            result.skipped += 1
            continue
        try:
            action_date = fields.date("action_date", action=True)
            obligation = fields.money("federal_action_obligation")
            if action_date is None or obligation is None:
                missing = "action_date" if action_date is None else "federal_action_obligation"
                raise BadField(missing, "missing")
        except BadField as bad:
            excerpt = fields.excerpt("id", "modification_number", bad.field)
            result.quarantine(locator, position, bad, excerpt)
            continue
        result.records.append(
            Transaction(
                award_key=award_key,
                modification_number=fields.text("modification_number") or "0",
                transaction_number=identifier.rsplit("_", 1)[-1],
                action_date=action_date,
                fiscal_year=fiscal_year(action_date),
                federal_action_obligation=obligation,
                action_type=fields.text("action_type"),
                action_type_description=fields.text("action_type_description"),
                locator=f"{locator}#results[{position - 1}]",
            )
        )
    return result


def parse_idv_awards(payload: Any, locator: str) -> ApiResult:
    """An ``idvs/awards`` page: the orders (or child IDVs) placed under one IDV."""
    results = results_of(payload, locator)
    result = ApiResult(page=page_info(payload, locator))
    for position, item in enumerate(results, start=1):
        result.audit("results[]", item, IDV_AWARD_FIELDS)
        fields = Fields(item)
        try:
            key = fields.required_text("generated_unique_award_id")
            parts = split_award_key(key)
            if parts is None:
                raise BadField("generated_unique_award_id", f"not a contract award key: {key}")
            result.records.append(
                Award(
                    award_key=key,
                    piid=fields.text("piid") or parts.piid,
                    award_type=classify_award_type(
                        is_idv=parts.is_idv, type_code=None, parent_idv_piid=parts.parent_idv_piid
                    ),
                    locator=f"{locator}#results[{position - 1}]",
                    parent_idv_piid=parts.parent_idv_piid,
                    parent_idv_agency_code=parts.parent_idv_agency_code,
                    award_type_description=fields.text("award_type"),
                    awarding_toptier_name=fields.text("awarding_agency"),
                    awarding_subtier_code=parts.agency_code,
                    funding_toptier_name=fields.text("funding_agency"),
                    description=fields.text("description"),
                    total_obligation=fields.money("obligated_amount"),
                    start_date=fields.date("period_of_performance_start_date"),
                    current_end_date=fields.date("period_of_performance_current_end_date"),
                )
            )
        except BadField as bad:
            excerpt = fields.excerpt("generated_unique_award_id", "piid")
            result.quarantine(locator, position, bad, excerpt)
    return result


def parse_recipient(payload: Any, locator: str) -> ApiResult:
    """A ``recipient/<id>`` profile: one Recipient with its parent as USAspending states it."""
    if not isinstance(payload, Mapping):
        raise SnapshotError(locator, "expected a recipient object")
    result = ApiResult()
    result.audit("recipient", payload, RECIPIENT_FIELDS)
    fields = Fields(payload)
    recipient_id = fields.text("recipient_id")
    if recipient_id is None:
        raise SnapshotError(locator, "recipient_id missing")
    names = payload.get("alternate_names")
    alternates = [str(name).strip() for name in names if name] if isinstance(names, list) else []
    location = fields.sub("location")
    result.records.append(
        Recipient(
            recipient_id=recipient_id,
            name=fields.text("name"),
            duns=normalize_duns(fields.text("duns")),
            uei=fields.text("uei"),
            recipient_level=fields.text("recipient_level"),
            parent_id=fields.text("parent_id"),
            parent_name=fields.text("parent_name"),
            parent_duns=normalize_duns(fields.text("parent_duns")),
            parent_uei=fields.text("parent_uei"),
            alternate_names=" | ".join(alternates),
            city=location.text("city_name"),
            state=location.text("state_code"),
            country=location.text("country_code"),
            locator=locator,
        )
    )
    return result
