"""Where each format states each ``Award`` field: one table for the four award readers.

A USAspending CSV row (``sources/usaspending/csv_rows.py``, and the DuckDB reader's SQL in
``csv_duckdb.py``), an API search result (``api_reader.py``), an API award detail
(``api_award.py``) and an FPDS ATOM document (``sources/fpds/atom_entry.py``) all fill the same
``Award``. For every field filled by reading one value, ``AWARD_FIELDS`` gives its kind and, per
format, the places to read, first stated wins:

- ``csv``: column names (current names; older layouts' renames are the layout's business);
- ``api_summary`` and ``api_detail``: JSON keys, ``/`` between nested objects;
- ``fpds``: element paths of local names, ``@name`` for an attribute of the element.

``()`` means the format does not state the field; ``READER`` that the reader computes it from
several values (a search result's NAICS and PSC are an object or a bare code; an FPDS action's
date is its signed date). The fields every reader computes (the
key, PIID, type, parent IDV, locator) are ``COMPUTED``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Format = Literal["csv", "api_summary", "api_detail", "fpds"]
Kind = Literal["text", "duns", "money", "date", "action_date"]  # action: when it was signed
FORMATS: tuple[Format, ...] = ("csv", "api_summary", "api_detail", "fpds")
READER = ("(computed by the reader)",)
COMPUTED = frozenset(
    {
        "award_key",
        "piid",
        "award_type",
        "locator",
        "parent_idv_piid",
        "parent_idv_agency_code",
        "award_type_code",
    }
)

_UEI = "vendor/vendorSiteDetails/entityIdentifiers/vendorUEIInformation"
_DUNS = "vendor/vendorSiteDetails/entityIdentifiers/vendorDUNSInformation"
_VENDOR_AT = "vendor/vendorSiteDetails/vendorLocation"
_OFFICE = "purchaserInformation/contractingOfficeAgencyID"
_FUNDING = "purchaserInformation/fundingRequestingAgencyID"
_PRODUCT = "productOrServiceInformation"
_PLACE = "placeOfPerformance/principalPlaceOfPerformance"
_LATEST = "latest_transaction_contract_data"


@dataclass(frozen=True, slots=True)
class Places:
    """One ``Award`` field: its kind and where each format states it."""

    kind: Kind
    csv: tuple[str, ...]
    api_summary: tuple[str, ...]
    api_detail: tuple[str, ...]
    fpds: tuple[str, ...]

    def of(self, fmt: Format) -> tuple[str, ...]:
        places: tuple[str, ...] = getattr(self, fmt)
        return places


def _t(csv: str, summary: str | None, detail: str | None, fpds: str | None) -> Places:
    """A text field stated in one place per format (None: not stated)."""
    return Places(
        "text",
        (csv,),
        (summary,) if summary else (),
        (detail,) if detail else (),
        (fpds,) if fpds else (),
    )


# in the order the readers read them (which bad value a record is quarantined for first)
AWARD_FIELDS: dict[str, Places] = {
    "award_type_description": Places(
        "text", READER, ("Contract Award Type",), ("type_description",),
        ("contractData/contractActionType@description",),
    ),
    "awarding_toptier_code": _t(
        "awarding_agency_code", "Awarding Agency Code", "awarding_agency/toptier_agency/code",
        f"{_OFFICE}@departmentID",
    ),
    "awarding_toptier_name": _t(
        "awarding_agency_name", "Awarding Agency", "awarding_agency/toptier_agency/name",
        f"{_OFFICE}@departmentName",
    ),
    "awarding_subtier_code": _t(  # api_summary: else the award key's agency
        "awarding_sub_agency_code", "Awarding Sub Agency Code",
        "awarding_agency/subtier_agency/code", _OFFICE,
    ),
    "awarding_subtier_name": _t(
        "awarding_sub_agency_name", "Awarding Sub Agency", "awarding_agency/subtier_agency/name",
        f"{_OFFICE}@name",
    ),
    "awarding_office_code": _t(
        "awarding_office_code", None, None, "purchaserInformation/contractingOfficeID"
    ),
    "awarding_office_name": _t(
        "awarding_office_name", None, "awarding_agency/office_agency_name",
        "purchaserInformation/contractingOfficeID@name",
    ),
    "funding_toptier_code": _t(
        "funding_agency_code", "Funding Agency Code", "funding_agency/toptier_agency/code",
        f"{_FUNDING}@departmentID",
    ),
    "funding_toptier_name": _t(
        "funding_agency_name", "Funding Agency", "funding_agency/toptier_agency/name",
        f"{_FUNDING}@departmentName",
    ),
    "funding_subtier_code": _t(
        "funding_sub_agency_code", "Funding Sub Agency Code", "funding_agency/subtier_agency/code",
        _FUNDING,
    ),
    "funding_subtier_name": _t(
        "funding_sub_agency_name", "Funding Sub Agency", "funding_agency/subtier_agency/name",
        f"{_FUNDING}@name",
    ),
    "recipient_name": Places(
        "text", ("recipient_name",), ("Recipient Name",), ("recipient/recipient_name",),
        ("vendor/vendorHeader/vendorName", "vendor/contractorName",
         f"{_UEI}/UEILegalBusinessName"),
    ),
    "recipient_duns": Places(
        "duns", ("recipient_duns",), ("Recipient DUNS Number",),
        ("recipient/recipient_unique_id",), (f"{_DUNS}/DUNSNumber",),
    ),
    "recipient_uei": _t("recipient_uei", "Recipient UEI", "recipient/recipient_uei", f"{_UEI}/UEI"),
    "recipient_parent_name": Places(
        "text", ("recipient_parent_name",), (), ("recipient/parent_recipient_name",),
        (f"{_UEI}/ultimateParentUEIName", f"{_DUNS}/globalParentDUNSName"),
    ),
    "recipient_parent_duns": Places(
        "duns", ("recipient_parent_duns",), (), ("recipient/parent_recipient_unique_id",),
        (f"{_DUNS}/globalParentDUNSNumber",),
    ),
    "recipient_parent_uei": _t(
        "recipient_parent_uei", None, "recipient/parent_recipient_uei",
        f"{_UEI}/ultimateParentUEI",
    ),
    "recipient_city": _t(
        "recipient_city_name", "Recipient Location/city_name", "recipient/location/city_name",
        f"{_VENDOR_AT}/city",
    ),
    "recipient_state": _t(
        "recipient_state_code", "Recipient Location/state_code", "recipient/location/state_code",
        f"{_VENDOR_AT}/state",
    ),
    "recipient_zip": _t(
        "recipient_zip_4_code", "Recipient Location/zip5", "recipient/location/zip5",
        f"{_VENDOR_AT}/ZIPCode",
    ),
    "recipient_country": _t(
        "recipient_country_code", "Recipient Location/location_country_code",
        "recipient/location/location_country_code", f"{_VENDOR_AT}/countryCode",
    ),
    "psc_code": Places(
        "text", ("product_or_service_code",), READER,
        (f"{_LATEST}/product_or_service_code", "psc_hierarchy/base_code/code"),
        (f"{_PRODUCT}/productOrServiceCode",),
    ),
    "psc_description": Places(
        "text", ("product_or_service_code_description",), READER,
        (f"{_LATEST}/product_or_service_description", "psc_hierarchy/base_code/description"),
        (f"{_PRODUCT}/productOrServiceCode@description",),
    ),
    "naics_code": Places(
        "text", ("naics_code",), READER, (f"{_LATEST}/naics",),
        (f"{_PRODUCT}/principalNAICSCode",),
    ),
    "naics_description": Places(
        "text", ("naics_description",), READER, (f"{_LATEST}/naics_description",),
        (f"{_PRODUCT}/principalNAICSCode@description",),
    ),
    "pop_city": _t(
        "primary_place_of_performance_city_name", "Primary Place of Performance/city_name",
        "place_of_performance/city_name", "placeOfPerformance/placeOfPerformanceZIPCode@city",
    ),
    "pop_state": _t(
        "primary_place_of_performance_state_code", "Primary Place of Performance/state_code",
        "place_of_performance/state_code", f"{_PLACE}/stateCode",
    ),
    "pop_country": _t(
        "primary_place_of_performance_country_code",
        "Primary Place of Performance/location_country_code",
        "place_of_performance/location_country_code", f"{_PLACE}/countryCode",
    ),
    "description": _t(
        "prime_award_base_transaction_description", "Description", "description",
        "contractData/descriptionOfContractRequirement",
    ),
    "total_obligation": Places(
        "money", ("total_obligated_amount", "total_dollars_obligated"), ("Award Amount",),
        ("total_obligation",), ("totalDollarValues/totalObligatedAmount",),
    ),
    "base_and_exercised": Places(
        "money", ("current_total_value_of_award",), (), ("base_exercised_options",),
        ("totalDollarValues/totalBaseAndExercisedOptionsValue",),
    ),
    "potential_total_value": Places(
        "money", ("potential_total_value_of_award",), (), ("base_and_all_options",),
        ("totalDollarValues/totalBaseAndAllOptionsValue",),
    ),
    "base_action_date": Places(
        "action_date", ("award_base_action_date",), ("Base Obligation Date",), ("date_signed",), ()
    ),
    "latest_action_date": Places(
        "action_date", ("award_latest_action_date", "action_date"), (), (), READER
    ),
    "start_date": Places(
        "date", ("period_of_performance_start_date",), ("Start Date",),
        ("period_of_performance/start_date",), ("relevantContractDates/effectiveDate",),
    ),
    "current_end_date": Places(
        "date", ("period_of_performance_current_end_date",), ("End Date",),
        ("period_of_performance/end_date",), ("relevantContractDates/currentCompletionDate",),
    ),
    "potential_end_date": Places(
        "date", ("period_of_performance_potential_end_date",), (),
        ("period_of_performance/potential_end_date",),
        ("relevantContractDates/ultimateCompletionDate",),
    ),
}  # fmt: skip

Read = Callable[[Kind, str], Any]


def read_award_fields(fmt: Format, read: Read) -> dict[str, Any]:
    """The ``Award`` fields ``fmt`` states, by name: ``read(kind, place)`` reads one place (and
    raises for a malformed value); every place of a field is read, the first stated one wins.
    Fields the format does not state are left out (the ``Award`` default, None); ``READER``
    fields are the reader's to add."""
    values: dict[str, Any] = {}
    for name, spec in AWARD_FIELDS.items():
        places = spec.of(fmt)
        if not places or places == READER:
            continue
        found = [read(spec.kind, place) for place in places]
        values[name] = next((value for value in found if value is not None), None)
    return values
