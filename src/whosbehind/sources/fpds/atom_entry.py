"""One FPDS ATOM ``<award>`` or ``<IDV>`` document read into an Award and its Transaction.

Elements are matched by namespace URI, never by prefix: recorded pages write ``ns1:``, the
live feed may bind the FPDS namespace to any prefix. Who entered the record
(``transactionInformation``: ``createdBy``, ``approvedBy``... are officials' e-mail
addresses) is never read.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import TypedDict

from whosbehind.model.contracts import (
    Award,
    Transaction,
    check_date,
    classify_award_type,
    fiscal_year,
    make_award_key,
    normalize_duns,
    parse_money,
)
from whosbehind.sources.fpds.metadata import FPDS_NAMESPACE

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?")


class _Agencies(TypedDict):
    awarding_toptier_code: str | None
    awarding_toptier_name: str | None
    awarding_subtier_code: str | None
    awarding_subtier_name: str | None
    awarding_office_code: str | None
    awarding_office_name: str | None
    funding_toptier_code: str | None
    funding_toptier_name: str | None
    funding_subtier_code: str | None
    funding_subtier_name: str | None


class _Vendor(TypedDict):
    recipient_name: str | None
    recipient_duns: str | None
    recipient_uei: str | None
    recipient_parent_name: str | None
    recipient_parent_duns: str | None
    recipient_parent_uei: str | None
    recipient_city: str | None
    recipient_state: str | None
    recipient_zip: str | None
    recipient_country: str | None


class BadElement(Exception):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class Document:
    """Typed access to an FPDS document by slash paths of local names."""

    __slots__ = ("_element",)

    def __init__(self, element: ET.Element) -> None:
        self._element = element

    def find(self, path: str) -> ET.Element | None:
        qualified = "/".join(
            part if part in (".", "") else f"{{{FPDS_NAMESPACE}}}{part}" for part in path.split("/")
        )
        return self._element.find(qualified)

    def text(self, path: str) -> str | None:
        element = self.find(path)
        value = (element.text or "").strip() if element is not None else ""
        return value or None

    def attr(self, path: str, name: str) -> str | None:
        element = self.find(path)
        value = (element.get(name) or "").strip() if element is not None else ""
        return value or None

    def money(self, path: str) -> Decimal | None:
        value = self.text(path)
        try:
            return None if value is None else parse_money(value)
        except ValueError as error:
            raise BadElement(path, str(error)) from None

    def date(self, path: str, action: bool = False) -> dt.date | None:
        value = self.text(path)
        if value is None:
            return None
        try:
            if not _DATE.fullmatch(value):
                raise ValueError(f"not a date: {value!r}")
            return check_date(dt.date.fromisoformat(value[:10]), action)
        except ValueError as error:
            raise BadElement(path, str(error)) from None


def read_document(doc: Document, is_idv: bool, locator: str) -> tuple[Award, Transaction]:
    ids = "contractID/IDVID" if is_idv else "awardID/awardContractID"
    parent_ids = "contractID/referencedIDVID" if is_idv else "awardID/referencedIDVID"
    piid = doc.text(f"{ids}/PIID")
    if piid is None:
        raise BadElement(f"{ids}/PIID", "missing")
    signed_path, obligation_path = (
        "relevantContractDates/signedDate",
        "dollarValues/obligatedAmount",
    )
    signed = doc.date(signed_path, action=True)
    obligation = doc.money(obligation_path)
    if signed is None or obligation is None:
        raise BadElement(signed_path if signed is None else obligation_path, "missing")
    parent_piid = doc.text(f"{parent_ids}/PIID")
    parent_agency = doc.text(f"{parent_ids}/agencyID")
    type_code = doc.text("contractData/contractActionType")
    if is_idv and type_code:
        type_code = f"IDV_{type_code}"
    key = make_award_key(
        is_idv=is_idv,
        piid=piid,
        agency_code=doc.text(f"{ids}/agencyID"),
        parent_idv_piid=parent_piid,
        parent_idv_agency_code=parent_agency,
    )
    award = Award(
        award_key=key,
        piid=piid,
        award_type=classify_award_type(
            is_idv=is_idv, type_code=type_code, parent_idv_piid=parent_piid
        ),
        locator=locator,
        parent_idv_piid=parent_piid,
        parent_idv_agency_code=parent_agency,
        award_type_code=type_code,
        award_type_description=doc.attr("contractData/contractActionType", "description"),
        **_agencies(doc),
        **_vendor(doc),
        psc_code=doc.text("productOrServiceInformation/productOrServiceCode"),
        psc_description=doc.attr("productOrServiceInformation/productOrServiceCode", "description"),
        naics_code=doc.text("productOrServiceInformation/principalNAICSCode"),
        naics_description=doc.attr("productOrServiceInformation/principalNAICSCode", "description"),
        pop_city=doc.attr("placeOfPerformance/placeOfPerformanceZIPCode", "city"),
        pop_state=doc.text("placeOfPerformance/principalPlaceOfPerformance/stateCode"),
        pop_country=doc.text("placeOfPerformance/principalPlaceOfPerformance/countryCode"),
        description=doc.text("contractData/descriptionOfContractRequirement"),
        total_obligation=doc.money("totalDollarValues/totalObligatedAmount"),
        base_and_exercised=doc.money("totalDollarValues/totalBaseAndExercisedOptionsValue"),
        potential_total_value=doc.money("totalDollarValues/totalBaseAndAllOptionsValue"),
        latest_action_date=signed,
        start_date=doc.date("relevantContractDates/effectiveDate"),
        current_end_date=doc.date("relevantContractDates/currentCompletionDate"),
        potential_end_date=doc.date("relevantContractDates/ultimateCompletionDate"),
    )
    transaction = Transaction(
        award_key=key,
        modification_number=doc.text(f"{ids}/modNumber") or "0",
        transaction_number=doc.text(f"{ids}/transactionNumber") or "0",
        action_date=signed,
        fiscal_year=fiscal_year(signed),
        federal_action_obligation=obligation,
        action_type=doc.text("contractData/reasonForModification"),
        action_type_description=doc.attr("contractData/reasonForModification", "description"),
        locator=locator,
    )
    return award, transaction


def _agencies(doc: Document) -> _Agencies:
    office = "purchaserInformation/contractingOfficeAgencyID"
    funding = "purchaserInformation/fundingRequestingAgencyID"
    return {
        "awarding_toptier_code": doc.attr(office, "departmentID"),
        "awarding_toptier_name": doc.attr(office, "departmentName"),
        "awarding_subtier_code": doc.text(office),
        "awarding_subtier_name": doc.attr(office, "name"),
        "awarding_office_code": doc.text("purchaserInformation/contractingOfficeID"),
        "awarding_office_name": doc.attr("purchaserInformation/contractingOfficeID", "name"),
        "funding_toptier_code": doc.attr(funding, "departmentID"),
        "funding_toptier_name": doc.attr(funding, "departmentName"),
        "funding_subtier_code": doc.text(funding),
        "funding_subtier_name": doc.attr(funding, "name"),
    }


def _vendor(doc: Document) -> _Vendor:
    uei = "vendor/vendorSiteDetails/entityIdentifiers/vendorUEIInformation"
    duns = "vendor/vendorSiteDetails/entityIdentifiers/vendorDUNSInformation"
    location = "vendor/vendorSiteDetails/vendorLocation"
    return {
        "recipient_name": doc.text("vendor/vendorHeader/vendorName")
        or doc.text("vendor/contractorName")
        or doc.text(f"{uei}/UEILegalBusinessName"),
        "recipient_duns": normalize_duns(doc.text(f"{duns}/DUNSNumber")),
        "recipient_uei": doc.text(f"{uei}/UEI"),
        "recipient_parent_name": doc.text(f"{uei}/ultimateParentUEIName")
        or doc.text(f"{duns}/globalParentDUNSName"),
        "recipient_parent_duns": normalize_duns(doc.text(f"{duns}/globalParentDUNSNumber")),
        "recipient_parent_uei": doc.text(f"{uei}/ultimateParentUEI"),
        "recipient_city": doc.text(f"{location}/city"),
        "recipient_state": doc.text(f"{location}/state"),
        "recipient_zip": doc.text(f"{location}/ZIPCode"),
        "recipient_country": doc.text(f"{location}/countryCode"),
    }
