"""Contracts in the graph: awards, the agencies that obligated money on them and the companies
that received it, per fiscal year, with the orders' parent IDVs and the parents as reported.

Money comes from ``analysis.contracts.lines`` (each obligation once: an IDV's line never holds
its orders' money) and award attributes from ``analysis.contracts.awards.list_awards``, so the
graph's totals are those of ``whosbehind awards`` and ``whosbehind spending`` for the same
selection.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from whosbehind.analysis.contracts.awards import AwardRow, list_awards
from whosbehind.analysis.contracts.lines import Filters, cite_record, lines_sql, snapshot_citations
from whosbehind.export.agencies import Agencies
from whosbehind.export.companies import FALLBACK, Companies
from whosbehind.export.graph import Edge, Graph, Node
from whosbehind.model.citation import Citation
from whosbehind.model.contracts import make_award_key, split_award_key
from whosbehind.store.citations import record_selector
from whosbehind.store.engine import Engine

_GROUPED = (
    "award_key, piid, fiscal_year, awarding_subtier_code, recipient_uei, recipient_duns, "
    "recipient_name, recipient_parent_uei, recipient_parent_duns, recipient_parent_name"
)


def money_groups(
    engine: Engine, filters: Filters, as_of: dt.datetime | None
) -> list[dict[str, Any]]:
    """Obligations by award, fiscal year, agency, recipient and parent as each record states."""
    lines, params = lines_sql(as_of)
    where, more = filters.where("l")
    return engine.rows(
        f"SELECT {_GROUPED}, sum(amount) AS amount, min(first_date) AS first, "
        "max(last_date) AS last, list(DISTINCT struct_pack(feed := feed, seq := seq)) AS snaps "
        f"FROM ({lines}) l WHERE {where} GROUP BY {_GROUPED} ORDER BY {_GROUPED}",
        [*params, *more],
    )


@dataclass
class ContractData:
    groups: list[dict[str, Any]]
    awards: dict[str, AwardRow]
    cited: dict[tuple[str, int], Citation]


def read_contracts(engine: Engine, filters: Filters, as_of: dt.datetime | None) -> ContractData:
    groups = money_groups(engine, filters, as_of)
    awards = {row.award_key: row for row in list_awards(engine, filters, as_of).rows}
    cited = snapshot_citations(engine, {(s["feed"], s["seq"]) for g in groups for s in g["snaps"]})
    return ContractData(groups, awards, cited)


def register_companies(data: ContractData, companies: Companies) -> None:
    """Every recipient and reported parent, for the grouping (before ``companies.resolve``)."""
    for group in data.groups:
        companies.add(group["recipient_uei"], group["recipient_duns"], group["recipient_name"])
        if _has_parent(group):
            companies.add(
                group["recipient_parent_uei"],
                group["recipient_parent_duns"],
                group["recipient_parent_name"],
            )


def add_contracts(
    graph: Graph, data: ContractData, agencies: Agencies, companies: Companies
) -> None:
    groups, awards, cited = data.groups, data.awards, data.cited
    by_year: defaultdict[str, dict[int, Decimal]] = defaultdict(dict)
    reported: dict[tuple[str, str], list[Any]] = {}
    for group in groups:
        snaps = [
            cited[(s["feed"], s["seq"])] for s in group["snaps"] if (s["feed"], s["seq"]) in cited
        ]
        ids = graph.cite(cite_record(c, group["piid"]) for c in snaps)
        award = _award_node(graph, group["award_key"], awards.get(group["award_key"]), ids)
        agency = agencies.subtier(group["awarding_subtier_code"] or "-", ids)
        company = _company_node(graph, companies, group, snaps)
        year = group["fiscal_year"]
        years = by_year[award]
        years[year] = years.get(year, Decimal(0)) + group["amount"]
        for kind, source, target in (("obligated", agency, award), ("paid_to", award, company)):
            graph.add_edge(
                Edge(
                    kind,
                    source,
                    target,
                    group["amount"],
                    year,
                    citations=set(ids),
                    attributes={"currency": "USD"},
                )
            )
        if companies.grouping == FALLBACK and _has_parent(group):
            parent = companies.company_of(
                group["recipient_parent_uei"],
                group["recipient_parent_duns"],
                group["recipient_parent_name"],
            )
            if parent != company:
                _parent_node(graph, companies, parent, group, snaps)
                seen = reported.setdefault(
                    (parent, company), [group["first"], group["last"], set()]
                )
                seen[0], seen[1] = min(seen[0], group["first"]), max(seen[1], group["last"])
                seen[2] |= ids
    for award, years in by_year.items():
        graph.nodes[award].attributes["obligated_by_fiscal_year"] = "; ".join(
            f"FY{year}={amount}" for year, amount in sorted(years.items())
        )
    for (parent, child), (first, last, ids) in sorted(reported.items()):
        graph.add_edge(
            Edge(
                "owns",
                parent,
                child,
                valid_from=first,
                valid_to=last,
                citations=ids,
                attributes={"basis": "reported", "detail": "parent as reported on award records"},
            )
        )
    _link_orders(graph, awards)


def _has_parent(group: dict[str, Any]) -> bool:
    return any(group[f"recipient_parent_{f}"] for f in ("uei", "duns", "name"))


def _award_node(graph: Graph, award_key: str, row: AwardRow | None, ids: set[str]) -> str:
    node_id = f"award:{award_key}"
    if node_id in graph.nodes:
        graph.nodes[node_id].citations |= ids
        return node_id
    attributes: dict[str, Any] = {"award_key": award_key}
    citations = set(ids)
    if row is not None:
        citations |= graph.cite(row.citations)
        attributes.update(
            piid=row.award_id,
            award_type=row.award_type,
            parent_idv=row.parent_idv,
            description=row.description,
            obligated=row.obligated,
            potential_value=row.potential_value,
            first_action=row.first_action,
            last_action=row.last_action,
            agency_code=row.agency_code,
            recipient=row.recipient,
        )
    label = row.award_id if row is not None else award_key
    graph.add_node(Node(node_id, "award", label, attributes, citations))
    return node_id


def _identifier_citations(
    graph: Graph,
    snaps: list[Citation],
    uei: str | None,
    duns: str | None,
    name: str | None,
    prefix: str = "recipient",
) -> set[str]:
    named = [(f, v) for f, v in ((f"{prefix}_duns", duns), (f"{prefix}_uei", uei),
                                 (f"{prefix}_name", name)) if v is not None]  # fmt: skip
    if not named:  # a recipient the files name by nothing: the files themselves
        return graph.cite(snaps)
    return graph.cite(c.narrow(record_selector(*named[0])) for c in snaps)


def _company_node(
    graph: Graph, companies: Companies, group: dict[str, Any], snaps: list[Citation]
) -> str:
    company = companies.company_of(
        group["recipient_uei"], group["recipient_duns"], group["recipient_name"]
    )
    ids = _identifier_citations(
        graph, snaps, group["recipient_uei"], group["recipient_duns"], group["recipient_name"]
    )
    _add_company(graph, companies, company, ids)
    return company


def _parent_node(
    graph: Graph, companies: Companies, company: str, group: dict[str, Any], snaps: list[Citation]
) -> None:
    ids = _identifier_citations(
        graph,
        snaps,
        group["recipient_parent_uei"],
        group["recipient_parent_duns"],
        group["recipient_parent_name"],
        prefix="recipient_parent",
    )
    _add_company(graph, companies, company, ids)


def _add_company(graph: Graph, companies: Companies, company: str, ids: set[str]) -> None:
    if company in graph.nodes:
        graph.nodes[company].citations |= ids
        return
    members = companies.members(company)
    attributes: dict[str, Any] = {
        scheme: "; ".join(values) for scheme, values in members.items() if scheme != "key"
    }
    attributes["name_keys"] = "; ".join(members.get("key", []))
    attributes["grouping"] = companies.grouping
    graph.add_node(Node(company, "company", companies.label(company), attributes, ids))


def _link_orders(graph: Graph, awards: dict[str, AwardRow]) -> None:
    """Each order -> its parent IDV (a node of its own, even when no money of it is listed)."""
    for key, row in sorted(awards.items()):
        parts = split_award_key(key)
        if row.award_type != "order" or parts is None or not parts.parent_idv_piid:
            continue
        order = f"award:{key}"
        if order not in graph.nodes:
            continue
        idv_key = make_award_key(
            is_idv=True, piid=parts.parent_idv_piid, agency_code=parts.parent_idv_agency_code
        )
        ids = set(graph.nodes[order].citations)
        idv = _award_node(graph, idv_key, awards.get(idv_key), set())
        if not graph.nodes[idv].citations:  # named only by its orders
            graph.nodes[idv].label = parts.parent_idv_piid
            graph.nodes[idv].attributes.update(piid=parts.parent_idv_piid, award_type="idv")
            graph.nodes[idv].citations |= ids
        graph.add_edge(Edge("order_of", order, idv, citations=ids))
