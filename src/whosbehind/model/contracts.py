"""Federal contract facts: awards, their transactions, recipients, and rows that could not be read.

Money is ``decimal.Decimal`` read from the record's own text, never through ``float``.
An award's key is USAspending's generated unique award id (``CONT_AWD_...``/``CONT_IDV_...``);
sources that do not state it build the same string from agency, PIID and parent IDV, so the
same award read from a CSV, the API and FPDS gets one key.

Orders (``award_type == "order"``) are placed under a parent IDV named by ``parent_idv_piid``.
An IDV's own value is a ceiling shared by its orders: sum orders or IDVs, never both.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from whosbehind.model.redaction import masked_text

AWARD_TYPES = ("contract", "order", "idv")
NONE_PART = "-NONE-"

# ASCII digits only: ``\d`` would take full-width and other scripts' digits as amounts
_MONEY = re.compile(r"[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?")
_NOT_A_NUMBER = frozenset({"nan", "snan", "inf", "infinity"})
_AGENCY = r"([0-9A-Z]{4}|-NONE-)"
_AWARD_KEY = re.compile(rf"CONT_AWD_(.+)_{_AGENCY}_(.+)_{_AGENCY}|CONT_IDV_(.+)_{_AGENCY}")
# FPDS award types A (BPA call) and C (delivery order) are always placed under an IDV.
_ORDER_TYPE_CODES = frozenset({"A", "C"})
_MAX_MONEY_DIGITS = 30
_DUNS_DIGITS = 9


@dataclass(frozen=True, slots=True)
class Award:
    """One contract award or IDV as last reported by a source.

    ``base_and_exercised`` and ``potential_total_value`` are award totals (all options
    exercised so far / all options), ``total_obligation`` the sum obligated where stated.
    Parent (ultimate parent) names and identifiers are as reported, not resolved; DUNS
    numbers are restored to nine digits (see ``normalize_duns``). ``description`` never holds
    contact data: e-mail addresses and phone numbers in it are masked when the Award is made
    (``whosbehind.model.redaction``), whichever reader makes it.
    """

    TABLE: ClassVar[str] = "contract_award"
    KEY: ClassVar[tuple[str, ...]] = ("award_key",)

    award_key: str
    piid: str
    award_type: str  # one of AWARD_TYPES
    locator: str
    parent_idv_piid: str | None = None
    parent_idv_agency_code: str | None = None
    award_type_code: str | None = None
    award_type_description: str | None = None
    awarding_toptier_code: str | None = None
    awarding_toptier_name: str | None = None
    awarding_subtier_code: str | None = None
    awarding_subtier_name: str | None = None
    awarding_office_code: str | None = None
    awarding_office_name: str | None = None
    funding_toptier_code: str | None = None
    funding_toptier_name: str | None = None
    funding_subtier_code: str | None = None
    funding_subtier_name: str | None = None
    recipient_name: str | None = None
    recipient_duns: str | None = None
    recipient_uei: str | None = None
    recipient_parent_name: str | None = None
    recipient_parent_duns: str | None = None
    recipient_parent_uei: str | None = None
    recipient_city: str | None = None
    recipient_state: str | None = None
    recipient_zip: str | None = None
    recipient_country: str | None = None
    psc_code: str | None = None
    psc_description: str | None = None
    naics_code: str | None = None
    naics_description: str | None = None
    pop_city: str | None = None
    pop_state: str | None = None
    pop_country: str | None = None
    description: str | None = None
    total_obligation: Decimal | None = None
    base_and_exercised: Decimal | None = None
    potential_total_value: Decimal | None = None
    base_action_date: dt.date | None = None
    latest_action_date: dt.date | None = None
    start_date: dt.date | None = None
    current_end_date: dt.date | None = None
    potential_end_date: dt.date | None = None

    def __post_init__(self) -> None:
        if self.description is not None:
            object.__setattr__(self, "description", masked_text(self.description))


@dataclass(frozen=True, slots=True)
class Transaction:
    """One contract action (base award or modification) and the money it obligated."""

    TABLE: ClassVar[str] = "contract_transaction"
    KEY: ClassVar[tuple[str, ...]] = ("award_key", "modification_number", "transaction_number")

    award_key: str
    modification_number: str
    transaction_number: str
    action_date: dt.date
    fiscal_year: int
    federal_action_obligation: Decimal
    action_type: str | None
    action_type_description: str | None
    locator: str


@dataclass(frozen=True, slots=True)
class Recipient:
    """A USAspending recipient profile. ``alternate_names`` are joined with `` | ``."""

    TABLE: ClassVar[str] = "contract_recipient"
    KEY: ClassVar[tuple[str, ...]] = ("recipient_id",)

    recipient_id: str
    name: str | None
    duns: str | None
    uei: str | None
    recipient_level: str | None
    parent_id: str | None
    parent_name: str | None
    parent_duns: str | None
    parent_uei: str | None
    alternate_names: str
    city: str | None
    state: str | None
    country: str | None
    locator: str


@dataclass(frozen=True, slots=True)
class Quarantined:
    """A record that could not be read. ``line`` is the file line, or the record's 1-based
    position in a JSON result list or ATOM feed. ``raw_excerpt`` never holds personal fields."""

    TABLE: ClassVar[str] = "contract_quarantine"
    KEY: ClassVar[tuple[str, ...]] = ("file", "line")

    file: str
    line: int
    field: str
    reason: str
    raw_excerpt: str


ACTION_DATES = (dt.date(1970, 1, 1), dt.date(2099, 12, 31))
OTHER_DATES = (dt.date(1900, 1, 1), dt.date(2199, 12, 31))


def check_date(day: dt.date, action: bool) -> dt.date:
    """``day`` if it is plausible, else ValueError. An action date (signed, base, latest)
    lies in ``ACTION_DATES``, any other date (periods of performance) in ``OTHER_DATES``.
    Fixed bounds, not "today plus some years": the same file reads the same on any day."""
    low, high = ACTION_DATES if action else OTHER_DATES
    if not low <= day <= high:
        kind = "an action date" if action else "a date"
        raise ValueError(
            f"implausible date {day.isoformat()}: {kind} lies in {low.year}..{high.year}"
        )
    return day


def fiscal_year(day: dt.date) -> int:
    """The federal fiscal year: FY2018 runs 2017-10-01 .. 2018-09-30."""
    return day.year + 1 if day.month >= 10 else day.year


def parse_money(text: str) -> Decimal:
    """An amount exactly as written: ``"8392.90"``, ``"-1.5"``, Excel's ``"1.40E+11"``.

    Raises ValueError for anything else (empty, NaN, thousands separators, absurd exponents,
    digits other than ASCII ``0-9``).
    """
    stripped = text.strip()
    if stripped.lstrip("+-").lower() in _NOT_A_NUMBER:
        raise ValueError(f"not a number: {text!r}")
    if not _MONEY.fullmatch(stripped):
        raise ValueError(f"not an amount: {text!r}")
    try:
        value = Decimal(stripped)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise ValueError(f"not an amount: {text!r}") from None
    if value.adjusted() > _MAX_MONEY_DIGITS:
        raise ValueError(f"implausible amount: {text!r}")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        value = Decimal(int(value))  # 1.40E+11 -> 140000000000, same value, plain notation
    return value


def money_from_json(value: object) -> Decimal | None:
    """An amount from parsed JSON. Parse with ``parse_float=Decimal`` to keep the exact text;
    a float that slipped through is converted via its shortest repr, never ``Decimal(float)``."""
    if value is None:
        return None
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, Decimal) or (isinstance(value, float) and not math.isfinite(value)):
        raise ValueError(f"not a number: {value!r}")  # NaN or an infinity
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return parse_money(str(value))
    raise ValueError(f"not an amount: {value!r}")


def normalize_duns(value: str | None) -> str | None:
    """A DUNS number as nine digits. Spreadsheet round trips dropped leading zeros
    (``74108176`` for ``074108176``); anything not all digits is kept as written."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    return text.zfill(_DUNS_DIGITS) if text.isdigit() and len(text) < _DUNS_DIGITS else text


def classify_award_type(*, is_idv: bool, type_code: str | None, parent_idv_piid: str | None) -> str:
    if is_idv:
        return "idv"
    if parent_idv_piid or (type_code or "").upper() in _ORDER_TYPE_CODES:
        return "order"
    return "contract"


def make_award_key(
    *,
    is_idv: bool,
    piid: str,
    agency_code: str | None,
    parent_idv_piid: str | None = None,
    parent_idv_agency_code: str | None = None,
) -> str:
    """USAspending's generated unique award id, built from its parts."""
    agency = agency_code or NONE_PART
    if is_idv:
        return f"CONT_IDV_{piid}_{agency}".upper()
    parent = parent_idv_piid or NONE_PART
    parent_agency = parent_idv_agency_code or NONE_PART
    return f"CONT_AWD_{piid}_{agency}_{parent}_{parent_agency}".upper()


@dataclass(frozen=True, slots=True)
class AwardKeyParts:
    is_idv: bool
    piid: str
    agency_code: str | None
    parent_idv_piid: str | None
    parent_idv_agency_code: str | None


def split_award_key(key: str) -> AwardKeyParts | None:
    """The parts of a contract award key; None for assistance or unrecognised keys.

    Agency codes are four characters (or ``-NONE-``), so a ``_`` inside a PIID is kept whole.
    """
    match = _AWARD_KEY.fullmatch(key)
    if match is None:
        return None

    def part(text: str | None) -> str | None:
        return None if text in (None, NONE_PART) else text

    if match.group(5) is not None:
        return AwardKeyParts(True, match.group(5), part(match.group(6)), None, None)
    piid, agency, parent, parent_agency = match.group(1, 2, 3, 4)
    return AwardKeyParts(False, piid, part(agency), part(parent), part(parent_agency))


CONTRACT_FACT_TYPES = (Award, Transaction, Recipient, Quarantined)
ContractRecord = Award | Transaction | Quarantined
