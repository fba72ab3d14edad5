"""``whosbehind path A B``: the chains linking two entities of the supply-chain graph."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import whosbehind as wb
from whosbehind.cli.context import open_store
from whosbehind.cli.render import Wide, console, print_json, set_wide, table

if TYPE_CHECKING:
    from whosbehind import Chain, HopEdge, PathResult

Entity = "An agency (code or name), a company (name, DUNS, UEI, org id), a FedRAMP offering "


def register(app: typer.Typer) -> None:
    app.command("path")(path)


def path(
    context: typer.Context,
    a: Annotated[str, typer.Argument(metavar="A", help=Entity + "(package id or name).")],
    b: Annotated[str, typer.Argument(metavar="B", help="The other end, named the same ways.")],
    as_of: Annotated[
        str | None,
        typer.Option(help="Record time: what the records said on this date. Default: the newest."),
    ] = None,
    agency: Annotated[
        str | None,
        typer.Option(
            help="Search this agency's supply-chain graph (as `export --agency`); '*': the whole "
            "store. Default: the agency among A and B, if one is; else the whole store."
        ),
    ] = None,
    max_hops: Annotated[int, typer.Option(help="Longest chain, in hops.")] = wb.PATH_MAX_HOPS,
    top: Annotated[int, typer.Option(help="How many chains, shortest first.")] = wb.PATH_TOP,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    wide: Wide = False,
    plot: Annotated[
        Path | None, typer.Option(help="Draw the chains as FILE.png or FILE.svg.")
    ] = None,
) -> None:
    """The chains linking two entities, shortest first, each hop cited.

    For example an agency and the infrastructure provider behind its suppliers; each hop with
    its edge kind, direction, money, dates and citation ids.
    """
    set_wide(wide)
    with open_store(context) as engine:
        result = wb.supply_chain_path(
            engine, a, b, as_of=as_of, agency=agency, max_hops=max_hops, top=top
        )
    if plot:
        wb.plot_path(result, plot)
    if as_json:
        print_json(result.to_json())
        return
    _print(result)
    if plot:
        typer.echo(f"chart written to {plot}")


def _print(result: PathResult) -> None:
    out = console()
    title = (
        f"{result.source.label} ({result.source.id}) → {result.target.label} ({result.target.id})"
    )
    if not result.chains:
        out.print(
            f"{title}: no chain of at most {result.max_hops} hops in the graph "
            f"({_scope(result)}); try a larger --max-hops",
            highlight=False,
            markup=False,
        )
        return
    for number, chain in enumerate(result.chains, 1):
        table(
            f"Chain {number} of {len(result.chains)}: {len(chain.hops)} hops",
            ["#", "from", "edge", "to", "detail", "citations"],
            _rows(result, chain),
        )
    out.print(
        f"{title}: {len(result.chains)} chain(s), shortest first, at most {result.max_hops} "
        f"hops; {_scope(result)}. `whosbehind cite ID` prints any citation.",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


def _scope(result: PathResult) -> str:
    agency = result.scope.get("agency")
    label = agency.get("label") if isinstance(agency, dict) else "the whole store"
    grouping = result.scope.get("company_grouping")
    return f"graph of {label}, companies grouped by {grouping}"


def _rows(result: PathResult, chain: Chain) -> list[list[str]]:
    rows = []
    for index, hop in enumerate(chain.hops, 1):
        kinds = sorted({edge.kind for edge in hop.edges})
        arrows = [f"—{k}→" if _forward(hop.edges, k) else f"←{k}—" for k in kinds]
        rows.append(
            [
                str(index),
                result.nodes[hop.start].label,
                " ".join(arrows),
                result.nodes[hop.end].label,
                "; ".join(_detail(edge) for edge in hop.edges if _detail(edge)),
                " ".join(sorted({c for edge in hop.edges for c in edge.citations})),
            ]
        )
    return rows


def _forward(edges: tuple[HopEdge, ...], kind: str) -> bool:
    return any(edge.forward for edge in edges if edge.kind == kind)


def _detail(edge: HopEdge) -> str:
    parts = []
    if edge.fiscal_year is not None:
        parts.append(f"FY{edge.fiscal_year}")
    if edge.amount is not None:
        parts.append(f"{edge.amount:,} USD")
    attributes = dict(edge.attributes)
    if edge.kind == "authorized" and attributes.get("ato_kind"):
        parts.append(str(attributes["ato_kind"]))
    if edge.kind == "owns" and attributes.get("basis"):
        parts.append(str(attributes["basis"]))
    if edge.valid_from or edge.valid_to:
        parts.append(f"{edge.valid_from or '…'} to {edge.valid_to or '…'}")
    return " ".join(parts)
