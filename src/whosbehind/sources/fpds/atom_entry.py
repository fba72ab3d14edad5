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
from whosbehind.sources.award_fields import Kind, read_award_fields
from whosbehind.sources.fpds.metadata import FPDS_NAMESPACE

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?")


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

    def read(self, kind: Kind, place: str) -> object:
        """The value at ``place`` (``path`` or ``path@attribute``) read as an ``Award`` field
        of ``kind`` (``sources.award_fields``)."""
        path, _, attribute = place.partition("@")
        if attribute:
            return self.attr(path, attribute)
        if kind == "money":
            return self.money(path)
        if kind in ("date", "action_date"):
            return self.date(path, action=kind == "action_date")
        text = self.text(path)
        return normalize_duns(text) if kind == "duns" else text


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
        latest_action_date=signed,
        **read_award_fields("fpds", doc.read),
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
