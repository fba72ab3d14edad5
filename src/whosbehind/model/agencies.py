"""The federal agency hierarchy: toptier agencies (departments) and their subtier agencies.

Codes as USAspending uses them: the toptier CGAC code (``070`` Homeland Security), the FPDS
department id (``7000``) and the four-character subtier code (``7012`` ICE). Award records name
their awarding agency by subtier code; a toptier is every subtier under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class Agency:
    """One row of the agency list: a subtier agency and the toptier agency it belongs to."""

    TABLE: ClassVar[str] = "contract_agency"
    KEY: ClassVar[tuple[str, ...]] = ("subtier_code",)

    subtier_code: str
    subtier_name: str | None
    subtier_abbreviation: str | None
    toptier_code: str | None  # CGAC, three characters
    toptier_name: str | None
    toptier_abbreviation: str | None
    department_id: str | None  # FPDS department id, four characters


def toptier_variants(code: str) -> frozenset[str]:
    """How award records write one toptier code: ``070``, and ``70`` in the 2018 export."""
    text = code.strip()
    return frozenset({text, text.lstrip("0") or "0", text.zfill(3)})
