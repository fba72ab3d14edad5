"""Market concentration of a distribution of counts or amounts.

HHI is the sum of squared percentage shares (0 to 10,000), as the US antitrust agencies use it;
CR-k is the combined share of the k largest.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal


def shares(amounts: Iterable[float | int | Decimal]) -> list[float]:
    values = [float(amount) for amount in amounts]
    total = sum(values)
    return [value / total for value in values] if total else [0.0 for _ in values]


def hhi(share_values: Iterable[float]) -> float:
    return sum((share * 100) ** 2 for share in share_values)


def concentration_ratio(share_values: Iterable[float], k: int = 4) -> float:
    return sum(sorted(share_values, reverse=True)[:k])
