"""Build the supply-chain graph from the stores, as of a record time, optionally for one agency.

``build_graph(engine, as_of, agency)`` reads contracts (``analysis.contracts.lines`` and
``analysis.contracts.awards``), FedRAMP (the snapshot ``analysis.fedramp.feeds`` picks for the
date), the agency hierarchy and, when ``whosbehind resolve`` has run, the org registry. The
metadata says which record time, which agencies, which snapshot and which company grouping were
used.
"""

from __future__ import annotations

import datetime as dt

from whosbehind.analysis.agencies import resolve_agency
from whosbehind.analysis.contracts.lines import Filters, require_contracts
from whosbehind.errors import NotFoundError
from whosbehind.export.agencies import Agencies
from whosbehind.export.companies import REGISTRY, Companies, registry_ownership
from whosbehind.export.contracts_part import ContractData, add_contracts, read_contracts
from whosbehind.export.contracts_part import register_companies as register_recipients
from whosbehind.export.fedramp_part import (
    add_fedramp,
    narrow_to_agency,
    read_fedramp,
    register_providers,
)
from whosbehind.export.graph import Edge, Graph, Node
from whosbehind.model.timeutil import now_utc
from whosbehind.store.citations import find_citations
from whosbehind.store.engine import Engine

FORMAT_VERSION = 1


def build_graph(
    engine: Engine, as_of: dt.datetime | None = None, agency: str | None = None
) -> Graph:
    graph = Graph()
    selection = resolve_agency(engine, agency) if agency else None
    agencies = Agencies(engine, graph)
    companies = Companies(engine)
    notes: list[str] = []
    contracts: ContractData | None = None
    try:
        require_contracts(engine)
        contracts = read_contracts(engine, Filters(agency=selection), as_of)
        register_recipients(contracts, companies)
    except NotFoundError as error:
        notes.append(f"no contracts: {error}")
    if contracts is not None and not contracts.groups:
        notes.append("no contract obligations recorded on or before that date for the selection")
        contracts = None
    fedramp = read_fedramp(engine, as_of or now_utc())
    if fedramp.snapshot is None:
        notes.append("no FedRAMP snapshot on or before the date (run `whosbehind ingest fedramp`)")
    if contracts is None and fedramp.snapshot is None:
        raise NotFoundError(
            "nothing to export: the store holds neither contracts nor FedRAMP snapshots for "
            "that date (run `whosbehind ingest usaspending` or `whosbehind ingest fedramp`)"
        )
    register_providers(fedramp, companies)
    companies.resolve()
    if contracts is not None:
        add_contracts(graph, contracts, agencies, companies)
    if selection is not None:
        suppliers = {edge.target for edge in graph.edges.values() if edge.kind == "paid_to"}
        fedramp = narrow_to_agency(fedramp, agencies, selection, companies, suppliers)
    add_fedramp(graph, fedramp, agencies, companies, selection)
    if companies.grouping == REGISTRY:
        _add_registry_ownership(graph, engine)
    graph.metadata = {
        "format_version": FORMAT_VERSION,
        "generated_at": now_utc().isoformat(),
        "as_of": as_of.isoformat() if as_of else None,
        "agency": selection.to_json() if selection else None,
        "company_grouping": companies.grouping,
        "fedramp_snapshot": fedramp.snapshot.to_json() if fedramp.snapshot else None,
        "obligated": str(sum(graph.money_by_fiscal_year().values())),
        "obligated_by_fiscal_year": {
            str(year): str(amount) for year, amount in graph.money_by_fiscal_year().items()
        },
        "counts": graph.counts(),
        "citations": len(graph.citations),
        "notes": notes,
    }
    return graph


def _add_registry_ownership(graph: Graph, engine: Engine) -> None:
    """Ownership between registry organizations (``org_ownership``), where both are in the
    graph or the owner is (an owner of a supplier is what the graph is for). An edge cites the
    record that states it: the registry's citation starts with its id."""
    rows = registry_ownership(engine)
    stated = {str(row.get("citation") or "").partition(" ")[0] for row in rows}
    known = find_citations(engine, sorted(stated - {""}))
    for row in rows:
        parent, child = f"company:org:{row['parent_id']}", f"company:org:{row['child_id']}"
        if child not in graph.nodes:
            continue
        detail = str(row.get("detail") or "")
        if parent not in graph.nodes:
            graph.add_node(
                Node(parent, "company", detail or str(row["parent_id"]), {"grouping": REGISTRY})
            )
        citation = str(row.get("citation") or "")
        cited = citation.partition(" ")[0]
        graph.add_edge(
            Edge(
                "owns",
                parent,
                child,
                valid_from=row.get("valid_from"),  # type: ignore[arg-type]
                valid_to=row.get("valid_to"),  # type: ignore[arg-type]
                attributes={
                    "basis": str(row.get("basis") or ""),
                    "detail": detail,
                    "source_citation": citation,
                },
                citations=graph.cite([known[cited]]) if cited in known else set(),
            )
        )
