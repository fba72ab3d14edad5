"""The market answers: FedRAMP shares at a date, their concentration over time, and the
concentration of contract spending per fiscal year (by recipient or parent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from whosbehind import Engine, SpendingBy, SpendingResult, spending


@dataclass
class YearConcentration:
    fiscal_year: int
    result: SpendingResult

    def to_json(self, top: int) -> dict[str, Any]:
        return {"fiscal_year": self.fiscal_year, **self.result.to_json(top)}


def spending_years(engine: Engine, agency: str | None) -> list[int]:
    result = spending(engine, by=SpendingBy.FISCAL_YEAR, agency=agency)
    return sorted(int(row.key) for row in result.rows if row.key.isdigit())


def spending_concentration(
    engine: Engine,
    by: str,
    agency: str | None,
    years: tuple[int | None, int | None],
    as_of: dt.date | None,
) -> list[YearConcentration]:
    """Per fiscal year: total, HHI, CR4 and the largest groups, as ``spending --by`` gives."""
    known = spending_years(engine, agency)
    first = years[0] if years[0] is not None else min(known, default=0)
    last = years[1] if years[1] is not None else max(known, default=-1)
    return [
        YearConcentration(
            year,
            spending(engine, by=SpendingBy(by), agency=agency, fiscal_year=year, as_of=as_of),
        )
        for year in known
        if first <= year <= last
    ]


def total(found: list[YearConcentration]) -> Decimal:
    return sum((y.result.total for y in found), Decimal(0))
