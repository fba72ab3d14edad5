"""Coverage notes on contract money: what the public record does not say.

- **Years missing**: fiscal years in the asked range for which the store holds no contract line
  at all (not loaded), and years loaded but without a line for the selection.
- **Recipients without an identifier**: money on actions whose recipient has neither DUNS nor
  UEI (known by name only, so it cannot be tied to an organization with certainty).
- **Money through resellers**: an action whose product or service code is information
  technology (PSC ``70xx``, ``7A``-``7K``, ``D3xx``, ``DA``-``DK``) while its NAICS code is a
  wholesale or retail trade one (``42xxxx`` wholesale, e.g. 423430 computer and software
  merchant wholesalers; 443142 electronics stores; 454110 electronic shopping). The NAICS code
  is the one the action reports for the acquisition, which for a reseller is its trade: the
  software's maker is then not the recipient, and its name is not in the record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from whosbehind.analysis.reports.money import Group, Line, group_lines
from whosbehind.analysis.reports.rollup import display_name

_RETAIL_NAICS = ("443142", "443120", "454110", "454111")


def is_it_psc(code: str | None) -> bool:
    text = (code or "").strip().upper()
    if len(text) < 2:
        return False
    if text.startswith("70") or text.startswith("D3"):
        return True
    return text[0] in "7D" and "A" <= text[1] <= "K"


def is_reseller_naics(code: str | None) -> bool:
    text = (code or "").strip()
    return text.startswith("42") or text.startswith(_RETAIL_NAICS)


def through_reseller(line: Line) -> bool:
    return is_it_psc(line.psc) and is_reseller_naics(line.naics)


@dataclass
class MissingYears:
    not_loaded: list[int]
    without_lines: list[int]


def missing_years(
    asked: tuple[int | None, int | None], loaded: set[int], with_money: Iterable[int]
) -> MissingYears:
    """Gaps in the asked range (default: the loaded years' span)."""
    present = set(with_money)
    if not loaded:
        return MissingYears([], [])
    first = asked[0] if asked[0] is not None else min(loaded)
    last = asked[1] if asked[1] is not None else max(loaded)
    span = range(first, last + 1)
    return MissingYears(
        [year for year in span if year not in loaded],
        [year for year in span if year in loaded and year not in present],
    )


def unidentified(lines: Iterable[Line]) -> list[Group]:
    """Money whose recipient has no DUNS and no UEI, by name."""
    return group_lines(
        (line for line in lines if not line.statement.identified),
        lambda line: (line.statement.own_key, display_name(line.statement.name)),
    )


def resellers(lines: Iterable[Line]) -> list[Group]:
    """IT bought from wholesale or retail trade recipients, by recipient."""
    return group_lines(
        (line for line in lines if through_reseller(line)),
        lambda line: (line.statement.own_key, display_name(line.statement.name)),
    )


def total(groups: Iterable[Group]) -> Decimal:
    return sum((group.amount for group in groups), Decimal(0))
