"""``whosbehind agency`` and ``whosbehind company``: one-question reports, every line cited."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import whosbehind as wb
from whosbehind.cli.choices import ReportFormat
from whosbehind.cli.context import open_store
from whosbehind.cli.render import Wide, print_json, set_wide

AsOf = Annotated[
    str | None,
    typer.Option(
        help="Record time of the cloud and ownership sections: what the FedRAMP record said "
        "on this date. Default: now."
    ),
]
ValidAt = Annotated[
    str | None,
    typer.Option(
        help="Valid time of the cloud and ownership sections: ATOs dated on or before this "
        "date, owners on it. Default: --as-of."
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


def _check(fmt: str) -> None:
    from whosbehind.cli.report_render import FORMATS

    if fmt not in FORMATS:
        raise wb.UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


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
    valid_at: ValidAt = None,
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
    with open_store(context) as engine:
        answer = wb.agency_report(
            engine,
            name,
            as_of=as_of,
            valid_at=valid_at,
            contracts_as_of=contracts_as_of,
            from_fy=from_fy,
            to_fy=to_fy,
            top=top,
        )
        if plot:
            wb.plot_agency_money(engine, answer, plot)
        if plot_graph:
            wb.plot_agency_graph(
                engine, name, plot_graph, as_of=as_of, contracts_as_of=contracts_as_of, top=top
            )
    if as_json:
        print_json(answer.to_json())
        return
    _write(answer.document, fmt, out)
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
    valid_at: ValidAt = None,
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
    with open_store(context) as engine:
        answer = wb.company_report(
            engine,
            name,
            as_of=as_of,
            valid_at=valid_at,
            contracts_as_of=contracts_as_of,
            top=top,
        )
    if as_json:
        print_json(answer.to_json())
        return
    _write(answer.document, fmt, out)


def _write(document: wb.Document, fmt: str, out: Path | None) -> None:
    from whosbehind.cli.report_render import write_or_print

    write_or_print(document, fmt, out)
