"""SEC facts: a registrant of the SEC's company ticker files, by CIK, as one file lists it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class SecRegistrant:
    """One CIK of one ticker file: its first name there, and every ticker and exchange listed."""

    TABLE: ClassVar[str] = "sec_registrant"
    KEY: ClassVar[tuple[str, ...]] = ("cik",)

    cik: str  # ten digits, as EDGAR writes it
    name: str  # without EDGAR's tag
    name_raw: str  # as the file gives it ("THOMSON REUTERS CORP /CAN/")
    tag: str | None  # EDGAR's tag: "CAN", "DE", "ADR", "NEW"
    tickers: str  # in file order, comma-separated
    exchanges: str  # idem; empty when the file names none
    locator: str  # JSONPath of the first record that names the CIK


FACT_TYPES = (SecRegistrant,)
