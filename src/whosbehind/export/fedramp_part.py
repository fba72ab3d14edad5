"""FedRAMP in the graph: offerings live in the snapshot that answers for the date, the agencies
that authorized them (ATO letters and initial authorizations, with their dates), the companies
that provide them and the offerings they run on.

With an agency selection, the offerings are those the agency authorized or its contractors
provide and, transitively, what they run on. Every node and edge cites the snapshot and the
JSONPath of its record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from whosbehind.analysis.agencies import AgencySelection
from whosbehind.analysis.fedramp.feeds import choose_snapshot
from whosbehind.errors import NotFoundError
from whosbehind.export.agencies import Agencies, selects
from whosbehind.export.companies import Companies
from whosbehind.export.graph import Edge, Graph, Node
from whosbehind.store.asof import LIVE, SnapshotRef
from whosbehind.store.engine import Engine

OFFERING_FIELDS = (
    "package_id name provider provider_key status impact service_models deployment_model "
    "authorization_date ready_date in_process_date authorizing_agency assessor uei locator"
).split()


@dataclass
class FedrampData:
    snapshot: SnapshotRef | None
    offerings: dict[str, dict[str, Any]] = field(default_factory=dict)
    authorizations: list[dict[str, Any]] = field(default_factory=list)
    runs_on: list[dict[str, Any]] = field(default_factory=list)


def read_fedramp(engine: Engine, as_of: dt.datetime) -> FedrampData:
    try:
        snapshot = choose_snapshot(engine, as_of)
    except NotFoundError:
        return FedrampData(None)
    live = snapshot.live_params()
    offerings = {
        row["package_id"]: row
        for row in engine.rows(
            f"SELECT {', '.join(OFFERING_FIELDS)} FROM fedramp_offering "
            f"WHERE feed = ? AND {LIVE} ORDER BY package_id",
            live,
        )
    }
    authorizations = engine.rows(
        "SELECT package_id, kind, agency, subagency, ordinal, letter_date, last_sign_date, "
        f"expiration_date, locator FROM fedramp_authorization WHERE feed = ? AND {LIVE} "
        "ORDER BY package_id, kind, agency, subagency, ordinal",
        live,
    )
    runs_on = engine.rows(
        "SELECT package_id, underlying_id, locator FROM fedramp_runs_on "
        f"WHERE feed = ? AND {LIVE} ORDER BY package_id, underlying_id",
        live,
    )
    return FedrampData(snapshot, offerings, authorizations, runs_on)


def narrow_to_agency(
    data: FedrampData,
    agencies: Agencies,
    selection: AgencySelection,
    companies: Companies,
    suppliers: set[str],
) -> FedrampData:
    """The part of the snapshot that concerns one agency: the offerings it authorized, the
    offerings its contractors (``suppliers``, company node ids) provide, and, transitively,
    what those run on. A contractor's cloud need not be authorized by the agency to carry its
    work (Palantir's for ICE is authorized by other agencies)."""
    authorizations = [
        row
        for row in data.authorizations
        if selects(selection, *agencies.match(row["agency"], row["subagency"]), agencies.rows)
    ]
    wanted = {row["package_id"] for row in authorizations}
    wanted |= {
        package_id
        for package_id, row in data.offerings.items()
        if companies.company_of(row["uei"], None, row["provider"]) in suppliers
    }
    while True:  # what the wanted offerings run on, transitively
        more = {r["underlying_id"] for r in data.runs_on if r["package_id"] in wanted} - wanted
        if not more:
            break
        wanted |= more
    offerings = {pid: row for pid, row in data.offerings.items() if pid in wanted}
    runs_on = [r for r in data.runs_on if r["package_id"] in wanted]
    return FedrampData(data.snapshot, offerings, authorizations, runs_on)


def register_providers(data: FedrampData, companies: Companies) -> None:
    for row in data.offerings.values():
        companies.add(row["uei"], None, row["provider"])


def add_fedramp(
    graph: Graph,
    data: FedrampData,
    agencies: Agencies,
    companies: Companies,
    selection: AgencySelection | None,
) -> None:
    snapshot = data.snapshot
    if snapshot is None:
        return
    for row in data.offerings.values():
        ids = graph.cite([snapshot.cite(row["locator"])])
        node = _offering(graph, row["package_id"], ids)
        node.label = row["name"] or row["package_id"]
        node.attributes.update(
            {name: row[name] for name in OFFERING_FIELDS if name not in ("locator", "name")}
        )
        node.attributes["feed"] = snapshot.feed
        company = companies.company_of(row["uei"], None, row["provider"])
        if company not in graph.nodes:
            members = companies.members(company)
            attributes: dict[str, Any] = {
                scheme: "; ".join(values) for scheme, values in members.items() if scheme != "key"
            }
            attributes["name_keys"] = "; ".join(members.get("key", []))
            attributes["grouping"] = companies.grouping
            graph.add_node(Node(company, "company", companies.label(company), attributes))
        graph.nodes[company].citations |= ids
        graph.add_edge(Edge("provides", company, node.id, citations=set(ids)))
    for row in data.authorizations:
        ids = graph.cite([snapshot.cite(row["locator"])])
        agency = agencies.fedramp_agency(row["agency"], row["subagency"], ids, selection)
        if agency is None:
            continue
        offering = _offering(graph, row["package_id"], ids)
        graph.add_edge(
            Edge(
                "authorized",
                agency,
                offering.id,
                valid_from=row["letter_date"] or row["last_sign_date"],
                valid_to=row["expiration_date"],
                citations=ids,
                attributes={
                    "key": f"{row['kind']}|{row['agency']}|{row['subagency']}|{row['ordinal']}",
                    "ato_kind": row["kind"],
                    "agency_as_named": row["agency"],
                    "subagency_as_named": row["subagency"],
                    "letter_date": row["letter_date"],
                    "last_sign_date": row["last_sign_date"],
                    "expiration_date": row["expiration_date"],
                },
            )
        )
    for row in data.runs_on:
        ids = graph.cite([snapshot.cite(row["locator"])])
        source = _offering(graph, row["package_id"], ids)
        target = _offering(graph, row["underlying_id"], ids)
        graph.add_edge(Edge("runs_on", source.id, target.id, citations=ids))


def _offering(graph: Graph, package_id: str, ids: set[str]) -> Node:
    """The offering's node; one the snapshot does not list is named by its id only."""
    return graph.add_node(
        Node(f"offering:{package_id}", "offering", package_id, {"package_id": package_id}, set(ids))
    )
