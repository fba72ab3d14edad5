"""The graph API: an agency's supply-chain graph (JSON for the page; GEXF, FollowTheMoney,
GraphML as downloads) and the chains between two nodes, each hop cited."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from whosbehind import (
    PATH_MAX_HOPS,
    Engine,
    ExportFormat,
    Graph,
    agency_graph,
    graph_format,
    supply_chain_path,
)
from whosbehind.web.api_reports import AgencyName
from whosbehind.web.cache import cached
from whosbehind.web.deps import AsOf, ContractsAsOf, FiscalYear, Store
from whosbehind.web.graph_view import VIEW_KINDS, graph_view
from whosbehind.web.jsonout import json_response

router = APIRouter(tags=["graph"])
GraphFormat = Literal["json", "gexf", "ftm", "graphml", "sqlite"]  # single-file formats
EdgeKind = Literal["money", "authorized", "provides", "runs_on", "owns", "part_of"]
Node = Annotated[str, Query(min_length=1, max_length=200)]


@router.get("/agency/{agency}/graph", summary="An agency's supply-chain graph")
def agency_graph_route(
    request: Request,
    engine: Store,
    agency: AgencyName,
    as_of: AsOf = None,
    contracts_as_of: ContractsAsOf = None,
    fiscal_year: FiscalYear = None,
    kind: Annotated[list[EdgeKind] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 40,
    format: GraphFormat = "json",
) -> Response:
    graph = graph_for(request, engine, agency, as_of, contracts_as_of)
    if format == "json":
        kinds = tuple(kind) if kind else VIEW_KINDS
        return json_response(graph_view(graph, fiscal_year, kinds, limit))
    return graph_file(graph, format, f"graph-{agency}")


def graph_for(
    request: Request,
    engine: Engine,
    agency: str,
    as_of: dt.date | None,
    contracts_as_of: dt.date | None,
) -> Graph:
    """The agency's graph on the report's two clocks, kept per data version."""
    return cached(
        request,
        ("graph", agency, as_of, contracts_as_of),
        lambda: agency_graph(engine, agency, as_of=as_of, contracts_as_of=contracts_as_of),
    )


def graph_file(graph: Graph, fmt: str, name: str) -> Response:
    """The graph written by the export registry's writer, as a download."""
    spec = graph_format(ExportFormat(fmt))
    with tempfile.TemporaryDirectory(prefix="whosbehind-web-") as folder:
        out = FilePath(folder) / f"graph{spec.suffix}"
        spec.write(graph, out)
        data = out.read_bytes()
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
    headers = {"Content-Disposition": f'attachment; filename="{safe}{spec.suffix}"'}
    return Response(data, media_type=spec.media_type, headers=headers)


@router.get("/path", summary="Chains between two nodes of the graph, every hop cited")
def path(
    engine: Store,
    a: Node,
    b: Node,
    as_of: AsOf = None,
    agency: Annotated[str | None, Query(max_length=200)] = None,
    max_hops: Annotated[int, Query(ge=1, le=PATH_MAX_HOPS)] = PATH_MAX_HOPS,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:
    result = supply_chain_path(
        engine, a, b, as_of=as_of, agency=agency, max_hops=max_hops, top=limit
    )
    return json_response(result.to_json())
