"""``whosbehind awards`` and ``whosbehind spending``: contract money, with citations."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import whosbehind as wb
from whosbehind.cli.choices import AwardSort, SpendingGroup
from whosbehind.cli.context import open_store
from whosbehind.cli.render import (
    Wide,
    cite_line,
    console,
    percent,
    print_json,
    set_wide,
    table,
)

if TYPE_CHECKING:
    from whosbehind import AwardsResult, Filters, SpendingResult

Agency = Annotated[
    str | None,
    typer.Option(
        help="Awarding agency: subtier code (7012) or name, or a toptier agency (070, its "
        "department id 7000, or its name) meaning every subtier under it."
    ),
]
FiscalYear = Annotated[
    int | None,
    typer.Option(help="Federal fiscal year (FY2018 = 2017-10-01 .. 2018-09-30)."),
]
FromFiscalYear = Annotated[
    int | None,
    typer.Option("--from-fy", help="First fiscal year of a range (instead of --fiscal-year)."),
]
ToFiscalYear = Annotated[
    int | None,
    typer.Option("--to-fy", help="Last fiscal year of a range (instead of --fiscal-year)."),
]
Recipient = Annotated[
    str | None,
    typer.Option(help="Part of the recipient's or its parent's name as reported, or a DUNS/UEI."),
]
Psc = Annotated[str | None, typer.Option(help="Product or service code, or its prefix.")]
Naics = Annotated[str | None, typer.Option(help="NAICS code, or its prefix.")]
AsOf = Annotated[
    str | None,
    typer.Option(help="Record time: what the records said on this date. Default: the newest."),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON, citations included.")]
_CITED = 5


def register(app: typer.Typer) -> None:
    app.command("awards")(awards_command)
    app.command("spending")(spending_command)


def _title(text: str, filters: Filters) -> str:
    return text + (f", {filters.fiscal_years}" if filters.fiscal_years else "")


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def awards_command(
    context: typer.Context,
    agency: Agency = None,
    recipient: Recipient = None,
    fiscal_year: FiscalYear = None,
    from_fy: FromFiscalYear = None,
    to_fy: ToFiscalYear = None,
    psc: Psc = None,
    naics: Naics = None,
    as_of: AsOf = None,
    sort: Annotated[AwardSort, typer.Option(help="Order of the awards.")] = "obligated",
    top: Annotated[int, typer.Option(help="How many awards to list.")] = 50,
    wide: Wide = False,
    as_json: Json = False,
) -> None:
    """One row per award: PIID, recipient, parent, agency, obligated, potential value, dates."""
    set_wide(wide)
    with open_store(context) as engine:
        result: AwardsResult = wb.awards(
            engine,
            agency=agency,
            recipient=recipient,
            fiscal_year=fiscal_year,
            from_fy=from_fy,
            to_fy=to_fy,
            psc=psc,
            naics=naics,
            as_of=as_of,
            sort=wb.AwardSort(sort),
        )
    filters = result.filters
    if as_json:
        print_json(result.to_json(top))
        return
    scope = filters.agency.label if filters.agency else "all agencies"
    table(
        _title(f"Awards, {scope}", filters),
        [
            "award_id",
            "type",
            "recipient",
            "recipient_parent",
            "agency_code",
            "obligated",
            "potential_value",
            "first action",
            "last action",
        ],
        [
            (
                r.award_id,
                r.award_type,
                r.recipient,
                r.recipient_parent,
                r.agency_code,
                _money(r.obligated),
                _money(r.potential_value),
                r.first_action,
                r.last_action,
            )
            for r in result.rows[:top]
        ],
        optional=("agency_code", "type", "first action", "recipient_parent"),
        caption=f"{len(result.rows)} awards · obligated {_money(result.obligated)} · potential "
        f"value {_money(result.potential_value)} (IDV ceilings with listed orders not added: "
        f"{result.idvs_with_orders_listed})",
    )
    cited = list(result.citations.values())
    for citation in cited[:_CITED]:
        console().print(
            "source " + cite_line(citation.to_json()), highlight=False, markup=False, soft_wrap=True
        )
    if len(cited) > _CITED:
        console().print(f"... and {len(cited) - _CITED} more sources (--json lists them all)")


def spending_command(
    context: typer.Context,
    by: Annotated[SpendingGroup, typer.Option(help="What to total by.")],
    agency: Agency = None,
    fiscal_year: FiscalYear = None,
    from_fy: FromFiscalYear = None,
    to_fy: ToFiscalYear = None,
    recipient: Recipient = None,
    psc: Psc = None,
    naics: Naics = None,
    as_of: AsOf = None,
    top: Annotated[int, typer.Option(help="How many groups to list.")] = 10,
    plot: Annotated[Path | None, typer.Option(help="Write a chart: FILE.png or FILE.svg.")] = None,
    wide: Wide = False,
    as_json: Json = False,
) -> None:
    """Obligations totalled by recipient, parent, agency, PSC, NAICS or fiscal year."""
    set_wide(wide)
    with open_store(context) as engine:
        result: SpendingResult = wb.spending(
            engine,
            by=wb.SpendingBy(by),
            agency=agency,
            recipient=recipient,
            fiscal_year=fiscal_year,
            from_fy=from_fy,
            to_fy=to_fy,
            psc=psc,
            naics=naics,
            as_of=as_of,
            top=None if by == "fiscal-year" else top,
        )
    filters = result.filters
    if plot:
        wb.plot_spending(result, plot, top=top)
    if as_json:
        print_json(result.to_json(None if by == "fiscal-year" else top))
        return
    scope = filters.agency.label if filters.agency else "all agencies"
    shown = len(result.rows) if by == "fiscal-year" else top
    concentration = (
        f" · HHI {result.hhi:,.0f} · CR4 {percent(result.cr4)}"
        if result.hhi is not None and result.cr4 is not None
        else ""
    )
    table(
        _title(f"Obligations by {by}, {scope}", filters),
        ["#", by, "key", "obligated", "share", "awards"],
        [
            (
                i,
                row.name,
                "" if row.key.startswith("name:") else row.key,
                _money(row.amount),
                f"{row.share * 100:.1f}%",
                row.awards,
            )
            for i, row in enumerate(result.rows[:shown], 1)
        ],
        caption=f"total {_money(result.total)}{concentration} · {result.groups} groups"
        + (f" · chart written to {plot}" if plot else "")
        + "".join(f"\nnote: {note}" for note in result.notes),
    )
    cited = list(result.citations.values())
    for citation in cited[:_CITED]:
        console().print(
            "source " + cite_line(citation.to_json()), highlight=False, markup=False, soft_wrap=True
        )
    if len(cited) > _CITED:
        console().print(f"... and {len(cited) - _CITED} more sources (--json lists them all)")
