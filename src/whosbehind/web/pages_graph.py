"""The graph page of an agency (drawn by static/graph.js over the graph API, with its edges as
a table for readers without script) and the path page (chains between two nodes)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from whosbehind import PATH_MAX_HOPS, PathResult, find_agency, supply_chain_path
from whosbehind.web.api_graph import EdgeKind, graph_for
from whosbehind.web.api_reports import AgencyName
from whosbehind.web.deps import AsOf, ContractsAsOf, FiscalYear, Store
from whosbehind.web.graph_view import VIEW_KINDS, graph_view
from whosbehind.web.pages import date_control, tables_page
from whosbehind.web.tables import Link, Table, cite, text

router = APIRouter(include_in_schema=False)


def edge_table(view: dict[str, Any]) -> Table:
    nodes = {n["id"]: n for n in view["nodes"]}

    def node(key: str) -> Link:
        found = nodes.get(key, {"label": key, "url": None})
        return text(found["label"], found["url"])

    edges = sorted(view["edges"], key=lambda e: (e["kind"], -Decimal(e["amount"] or 0)))
    return Table(
        "edges",
        "The graph's edges",
        ["kind", "from", "to", "obligated", "fiscal years"],
        [
            [
                text(e["kind"]),
                node(e["source"]),
                node(e["target"]),
                cite(
                    Decimal(e["amount"]) if e["amount"] else None,
                    e["citations"][0] if e["citations"] else None,
                    "money",
                ),
                text(", ".join(f"FY{y}" for y in e["fiscal_years"])),
            ]
            for e in edges
        ],
    )


@router.get("/agency/{agency}/graph")
def graph_page(
    request: Request,
    engine: Store,
    agency: AgencyName,
    as_of: AsOf = None,
    contracts_as_of: ContractsAsOf = None,
    fiscal_year: FiscalYear = None,
    kind: Annotated[list[EdgeKind] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 40,
) -> Response:
    label = find_agency(engine, agency).label
    graph = graph_for(request, engine, agency, as_of, contracts_as_of)
    kinds = tuple(kind) if kind else VIEW_KINDS
    view = graph_view(graph, fiscal_year, kinds, limit)
    return tables_page(
        request,
        "graph.html",
        f"Supply chain of {label}",
        [edge_table(view)],
        label=label,
        view=view,
        kinds=kinds,
        limit=limit,
        fiscal_year=fiscal_year,
        api=f"/api/agency/{quote(agency, safe='')}/graph",
        date_control=date_control(
            request, ("as_of", "Cloud as of"), ("contracts_as_of", "Contracts as recorded on")
        ),
    )


def chain_tables(result: PathResult) -> list[Table]:
    tables = []
    for number, chain in enumerate(result.chains, 1):
        rows = []
        for hop in chain.hops:
            for edge in hop.edges:
                start, end = result.nodes.get(edge.source), result.nodes.get(edge.target)
                rows.append(
                    [
                        text(start.label if start else edge.source),
                        text(edge.kind),
                        text(end.label if end else edge.target),
                        cite(edge.amount, edge.citations[0] if edge.citations else None, "money"),
                        text(f"FY{edge.fiscal_year}" if edge.fiscal_year else ""),
                        cite(edge.valid_from, edge.citations[0] if edge.citations else None),
                        Link(
                            f"{len(edge.citations)} sources",
                            f"/cite/{edge.citations[0]}" if edge.citations else None,
                        ),
                    ]
                )
        labels = [result.nodes[n].label if n in result.nodes else n for n in chain.nodes]
        tables.append(
            Table(
                f"chain-{number}",
                f"Chain {number}: " + " → ".join(labels),
                ["from", "edge", "to", "obligated", "fiscal year", "from date", "sources"],
                rows,
            )
        )
    return tables


@router.get("/path")
def path_page(
    request: Request,
    engine: Store,
    a: Annotated[str, Query(max_length=200)] = "",
    b: Annotated[str, Query(max_length=200)] = "",
    as_of: AsOf = None,
    agency: Annotated[str, Query(max_length=200)] = "",
    max_hops: Annotated[int, Query(ge=1, le=PATH_MAX_HOPS)] = PATH_MAX_HOPS,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:
    result = None
    if a.strip() and b.strip():
        result = supply_chain_path(
            engine, a, b, as_of=as_of, agency=agency or None, max_hops=max_hops, top=limit
        )
    return tables_page(
        request,
        "path.html",
        f"Chains between {a} and {b}" if result else "Chains between two names",
        chain_tables(result) if result else [],
        result=result,
        a=a,
        b=b,
        agency=agency,
        date_control=date_control(request, ("as_of", "As of")),
    )
