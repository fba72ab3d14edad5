"""``whosbehind agency`` and ``whosbehind company``: one-question reports, every line cited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from whosbehind.analysis.contracts.lines import snapshot_citations
from whosbehind.analysis.reports.agency import agency_report
from whosbehind.analysis.reports.agency_document import agency_document
from whosbehind.analysis.reports.chart import plot_per_year
from whosbehind.analysis.reports.company import company_report
from whosbehind.analysis.reports.company_document import company_document
from whosbehind.cli.choices import ReportFormat
from whosbehind.cli.context import open_store
from whosbehind.cli.render import Wide, print_json, set_wide
from whosbehind.cli.report_render import FORMATS, write_or_print
from whosbehind.errors import UsageError
from whosbehind.export.graph_plot import agency_graph, plot_agency_graph
from whosbehind.model.timeutil import parse_user_instant

AsOf = Annotated[
    str | None,
    typer.Option(
        help="Date of the cloud and ownership sections: what the FedRAMP record said on this "
        "date, ATOs dated on or before it. Default: now."
    ),
]
ContractsAsOf = Annotated[
    str | None,
    typer.Option(
        help="Record time of the contract data (what the contract records said on this date). "
        "Default: the newest."
    ),
]
Format = Annotated[ReportFormat, typer.Option("--format", help="How to write it.")]
Out = Annotated[Path | None, typer.Option(help="Write the report to this file.")]
Top = Annotated[int, typer.Option(help="How many rows each ranking lists.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON: citation ids and a citations map.")]


def register(app: typer.Typer) -> None:
    app.command("agency")(agency)
    app.command("company")(company)


def _instant(text: str | None) -> dt.datetime | None:
    return parse_user_instant(text) if text else None


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def agency(
    context: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME|CODE",
            help="Subtier code (7012) or name, or a toptier agency (070, 7000, its name).",
        ),
    ],
    as_of: AsOf = None,
    contracts_as_of: ContractsAsOf = None,
    from_fy: Annotated[int | None, typer.Option(help="First fiscal year.")] = None,
    to_fy: Annotated[int | None, typer.Option(help="Last fiscal year.")] = None,
    top: Top = 10,
    fmt: Format = "table",
    out: Out = None,
    plot: Annotated[
        Path | None, typer.Option(help="Write money per fiscal year as FILE.png or FILE.svg.")
    ] = None,
    plot_graph: Annotated[
        Path | None,
        typer.Option(
            help="Draw the supply chain as FILE.png or FILE.svg: top suppliers by money, the "
            "offerings it authorized, what they run on, owners."
        ),
    ] = None,
    wide: Wide = False,
    as_json: Json = False,
) -> None:
    """Who is behind an agency: suppliers, owners, money, cloud, concentration, gaps.

    Suppliers rolled up to their owners, money per fiscal year, largest awards, what it bought,
    the cloud offerings it authorized and what they run on, concentration (HHI, CR4), and what
    the public record lacks.
    """
    _check(fmt)
    set_wide(wide)
    instant = _instant(as_of)
    with open_store(context) as engine:
        report = agency_report(
            engine, name, instant, (from_fy, to_fy), top, contracts_as_of=_instant(contracts_as_of)
        )
        document = agency_document(report, engine)
        if plot:
            plot_per_year(
                report.per_year,
                plot,
                report.selection,
                report.as_of,
                snapshot_citations(engine, report.snapshots),
            )
        if plot_graph:
            graph = agency_graph(engine, name, _instant(contracts_as_of), instant)
            plot_agency_graph(graph, plot_graph, top)
    if as_json:
        scope: dict[str, object] = {
            "agency": report.selection.to_json(),
            "as_of": report.cloud_as_of.isoformat(),
            "contracts_as_of": report.as_of.isoformat() if report.as_of else None,
            "fiscal_years": {"from": from_fy, "to": to_fy},
            "total": report.total,
            "hhi": report.hhi,
            "cr4": report.cr4,
            "rollup": report.rollup,
        }
        print_json(document.to_json("agency", scope))
        return
    write_or_print(document, fmt, out)
    if plot and out is None and fmt == "table":
        typer.echo(f"chart written to {plot}")
    if plot_graph and out is None and fmt == "table":
        typer.echo(f"supply-chain graph written to {plot_graph}")


def company(
    context: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME|ID",
            help="A company name (any spelling), a DUNS or UEI, or a registry org id.",
        ),
    ],
    as_of: AsOf = None,
    contracts_as_of: ContractsAsOf = None,
    top: Top = 10,
    fmt: Format = "table",
    out: Out = None,
    wide: Wide = False,
    as_json: Json = False,
) -> None:
    """What a company does for the government: agencies, money, cloud, ownership.

    Agencies served, money per fiscal year, largest awards, its FedRAMP offerings and what they
    run on, what runs on its infrastructure, its parent and subsidiaries.
    """
    _check(fmt)
    set_wide(wide)
    instant = _instant(as_of)
    with open_store(context) as engine:
        report = company_report(
            engine, name, instant, top, contracts_as_of=_instant(contracts_as_of)
        )
        document = company_document(report, engine, top)
    if as_json:
        scope: dict[str, object] = {
            "company": {
                "query": report.identity.query,
                "name": report.identity.name,
                "org_id": report.identity.org_id,
                "matched": report.identity.method,
            },
            "as_of": report.cloud_as_of.isoformat(),
            "contracts_as_of": report.as_of.isoformat() if report.as_of else None,
            "total": report.total,
        }
        print_json(document.to_json("company", scope))
        return
    write_or_print(document, fmt, out)
