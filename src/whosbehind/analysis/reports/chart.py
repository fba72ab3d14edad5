"""A report's money per fiscal year as a chart (the ``spending`` bar chart, PNG or SVG)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from whosbehind.analysis.agencies import AgencySelection
from whosbehind.analysis.contracts.lines import Filters
from whosbehind.analysis.contracts.spending import SpendingResult, SpendingRow
from whosbehind.analysis.contracts.spending_chart import plot_spending
from whosbehind.analysis.reports.money import Group
from whosbehind.model.citation import Citation


def plot_per_year(
    per_year: list[Group],
    path: Path,
    agency: AgencySelection | None,
    as_of: dt.datetime | None,
    citations: dict[tuple[str, int], Citation],
) -> Path:
    total = sum((group.amount for group in per_year), Decimal(0))
    rows = [
        SpendingRow(
            key=group.key,
            name=f"FY{group.key}",
            amount=group.amount,
            share=group.share,
            awards=group.awards,
            lines=group.lines,
        )
        for group in per_year
    ]
    result = SpendingResult(
        by="fiscal-year",
        filters=Filters(agency=agency),
        as_of=as_of,
        rows=rows,
        groups=len(rows),
        total=total,
        hhi=None,
        cr4=None,
        basis={},
        citations=citations,
    )
    return plot_spending(result, path, top=len(rows))
