"""Chains linking two entities of the supply-chain graph, shortest first, every hop cited.

``find_paths(graph, a, b)`` resolves ``a`` and ``b`` to nodes (``resolve_node``) and returns
the ``limit`` shortest simple chains between them with at most ``max_hops`` hops. Edges are
followed in either direction (an agency *authorized* an offering, a company *provides* it: the
chain agency -> offering -> company walks the second edge backwards) and each hop keeps the
real direction of its edges.

A hop joins two nodes and carries every edge between them (an award's ``obligated`` edges are
one per fiscal year). The search is a breadth-first search for the shortest chain and Yen's
algorithm for the next ones: ``limit`` x ``hops`` searches of linear cost, never an enumeration
of every chain (an agency node has thousands of awards). Among chains of equal length the
search visits larger money first; chains are listed by hops, then money.

``supply_chain_paths(engine, a, b, ...)`` builds the graph first (``build_graph``), for the
agency given or, by default, for the agency among ``a`` and ``b`` if one is.
"""

from __future__ import annotations

import datetime as dt
import difflib
import heapq
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from whosbehind.analysis.agencies import resolve_agency
from whosbehind.errors import MissingDataError, NotFoundError, UsageError, WhosbehindError
from whosbehind.export.build import build_graph
from whosbehind.export.graph import MONEY_KINDS, Edge, Graph, Node, plain
from whosbehind.export.path_limits import LIMIT as LIMIT
from whosbehind.export.path_limits import MAX_HOPS as MAX_HOPS
from whosbehind.model.citation import Citation
from whosbehind.resolve.names import name_key
from whosbehind.store.engine import Engine

WHOLE_STORE = "*"  # as ``agency``: search the graph of the whole store
_SHOWN = 12
Plain = str | int | bool | None


@dataclass(frozen=True)
class NodeRef:
    """A node of a path as shown: id, kind, label."""

    id: str
    kind: str
    label: str
    citations: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "citations": list(self.citations),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NodeRef:
        return cls(data["id"], data["kind"], data["label"], tuple(data["citations"]))


@dataclass(frozen=True)
class HopEdge:
    """One edge of a hop, in its real direction (``source`` -> ``target``)."""

    id: str
    kind: str
    source: str
    target: str
    forward: bool  # the chain walks it from source to target
    amount: Decimal | None
    fiscal_year: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    attributes: tuple[tuple[str, Plain], ...]
    citations: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "source": self.source,
            "target": self.target,
            "direction": "forward" if self.forward else "backward",
            "amount": None if self.amount is None else str(self.amount),
            "fiscal_year": self.fiscal_year,
            "valid_from": _iso(self.valid_from),
            "valid_to": _iso(self.valid_to),
            "attributes": dict(self.attributes),
            "citations": list(self.citations),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HopEdge:
        return cls(
            data["id"],
            data["kind"],
            data["source"],
            data["target"],
            data["direction"] == "forward",
            None if data["amount"] is None else Decimal(data["amount"]),
            data["fiscal_year"],
            _date(data["valid_from"]),
            _date(data["valid_to"]),
            tuple(data["attributes"].items()),
            tuple(data["citations"]),
        )


@dataclass(frozen=True)
class Hop:
    """One hop of a chain: its two ends and every edge joining them."""

    start: str
    end: str
    edges: tuple[HopEdge, ...]

    @property
    def money(self) -> Decimal:
        """The money of the hop: the sum of its edges of one money kind (never both)."""
        for kind in MONEY_KINDS:
            amounts = [e.amount for e in self.edges if e.kind == kind and e.amount is not None]
            if amounts:
                return sum(amounts, Decimal(0))
        return Decimal(0)

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.start,
            "to": self.end,
            "money": str(self.money) if self.money else None,
            "edges": [edge.to_json() for edge in self.edges],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Hop:
        return cls(data["from"], data["to"], tuple(HopEdge.from_json(e) for e in data["edges"]))


@dataclass(frozen=True)
class Chain:
    """One chain of hops from A to B."""

    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]

    @property
    def money(self) -> Decimal:
        """The money that flows along the chain: the smallest money of its money hops."""
        amounts = [hop.money for hop in self.hops if hop.money]
        return min(amounts) if amounts else Decimal(0)

    def to_json(self) -> dict[str, Any]:
        return {
            "hops": len(self.hops),
            "nodes": list(self.nodes),
            "steps": [hop.to_json() for hop in self.hops],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Chain:
        return cls(tuple(data["nodes"]), tuple(Hop.from_json(h) for h in data["steps"]))


@dataclass
class PathResult:
    """The chains linking two entities, shortest first (:func:`whosbehind.supply_chain_path`)."""

    source: NodeRef
    target: NodeRef
    chains: list[Chain]
    max_hops: int
    limit: int
    nodes: dict[str, NodeRef] = field(default_factory=dict)
    citations: dict[str, Citation] = field(default_factory=dict)
    scope: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.source.to_json(),
            "to": self.target.to_json(),
            "max_hops": self.max_hops,
            "limit": self.limit,
            "scope": self.scope,
            "chains": [chain.to_json() for chain in self.chains],
            "nodes": {node_id: node.to_json() for node_id, node in self.nodes.items()},
            "citations": {cid: citation.to_json() for cid, citation in self.citations.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PathResult:
        citations = {cid: Citation.from_json(c) for cid, c in data["citations"].items()}
        return cls(
            NodeRef.from_json(data["from"]),
            NodeRef.from_json(data["to"]),
            [Chain.from_json(chain) for chain in data["chains"]],
            data["max_hops"],
            data["limit"],
            {node_id: NodeRef.from_json(node) for node_id, node in data["nodes"].items()},
            citations,
            data["scope"],
        )


def supply_chain_paths(
    engine: Engine,
    a: str,
    b: str,
    as_of: dt.datetime | None = None,
    agency: str | None = None,
    max_hops: int = MAX_HOPS,
    limit: int = LIMIT,
) -> PathResult:
    """Build the supply-chain graph (of ``agency``, else of the agency among ``a`` and ``b``,
    else of the whole store; ``agency="*"``: the whole store) and find the chains between
    ``a`` and ``b`` in it."""
    missing: list[MissingDataError] = []  # no agency list: the likely reason A or B is not found
    scope = agency or next((q for q in (a, b) if _is_agency(engine, q, missing)), None)
    graph = build_graph(engine, as_of, None if scope == WHOLE_STORE else scope)
    try:
        result = find_paths(graph, a, b, max_hops, limit)
    except NotFoundError:
        if missing:
            raise missing[0] from None
        raise
    result.scope = {
        "agency": graph.metadata.get("agency"),
        "as_of": graph.metadata.get("as_of"),
        "company_grouping": graph.metadata.get("company_grouping"),
        "fedramp_snapshot": graph.metadata.get("fedramp_snapshot"),
        "graph": {"nodes": len(graph.nodes), "edges": len(graph.edges)},
    }
    return result


def _is_agency(engine: Engine, query: str, missing: list[MissingDataError]) -> bool:
    try:
        selection = resolve_agency(engine, query)
    except MissingDataError as error:
        missing.append(error)
        return False
    except WhosbehindError:
        return False
    return selection.label != query.strip().upper() and bool(
        selection.subtier_codes or selection.toptier_codes
    )


def find_paths(
    graph: Graph, a: str, b: str, max_hops: int = MAX_HOPS, limit: int = LIMIT
) -> PathResult:
    if max_hops < 1 or limit < 1:
        raise UsageError("--max-hops and --top must be at least 1")
    source, target = resolve_node(graph, a), resolve_node(graph, b)
    if source.id == target.id:
        raise UsageError(f"{a!r} and {b!r} are the same node ({source.id})")
    links = _links(graph.edges.values())
    adjacency = _adjacency(links)
    found = k_shortest(adjacency, source.id, target.id, max_hops, limit)
    chains = [Chain(tuple(p), tuple(_hop(links, s, e) for s, e in _pairs(p))) for p in found]
    chains.sort(key=lambda c: (len(c.hops), -c.money, c.nodes))
    on_chains = {node_id for chain in chains for node_id in chain.nodes}
    nodes = {node_id: _ref(graph.nodes[node_id]) for node_id in sorted(on_chains)}
    cited = {cid for node in nodes.values() for cid in node.citations}
    for chain in chains:
        cited.update(cid for hop in chain.hops for e in hop.edges for cid in e.citations)
    citations = {cid: graph.citations[cid] for cid in sorted(cited) if cid in graph.citations}
    return PathResult(
        _ref(graph.nodes[source.id]),
        _ref(graph.nodes[target.id]),
        chains,
        max_hops,
        limit,
        nodes,
        citations,
    )


def resolve_node(graph: Graph, query: str) -> Node:
    """The node ``query`` names: a node id; an agency code, abbreviation or name; a company
    name (any spelling with the same name key), DUNS, UEI or registry org id; a FedRAMP package
    id or offering name; an award key or PIID. Exact matches first, then names containing it."""
    text = query.strip()
    if not text:
        raise UsageError("give an entity: an agency, a company, an offering or a node id")
    if text in graph.nodes:
        return graph.nodes[text]
    exact = [node for node in graph.nodes.values() if text.lower() in _exact_keys(node)]
    if len(exact) == 1:
        return exact[0]
    if not exact:
        wanted, key = text.lower(), name_key(text)
        exact = [
            node
            for node in graph.nodes.values()
            if node.kind != "award"
            and (wanted in node.label.lower() or (key and key in _name_keys(node)))
        ]
        if len(exact) == 1:
            return exact[0]
    if exact:
        exact.sort(key=lambda node: (node.kind, node.label, node.id))
        raise UsageError(f"{query!r} matches {len(exact)} nodes: {_listing(exact)}; give an id")
    labels = {node.label: node for node in graph.nodes.values() if node.kind != "award"}
    close = [labels[label] for label in difflib.get_close_matches(text, list(labels), 6, 0.6)]
    hint = f"; close: {_listing(close)}" if close else ""
    raise NotFoundError(f"{query!r} is not in the supply-chain graph{hint}")


def _exact_keys(node: Node) -> set[str]:
    attributes = node.attributes
    keys = {node.label.lower(), node.id.split(":", 1)[1].lower()}
    names = (
        ("duns", "uei")
        if node.kind == "company"
        else ("code", "abbreviation", "package_id", "piid")
    )
    for name in names:
        value = attributes.get(name)
        if isinstance(value, str) and value:
            keys.update(part.strip().lower() for part in value.split(";"))
    if node.id.startswith("company:org:"):
        keys.add(node.id.removeprefix("company:org:").lower())
    if node.kind == "company" and (key := name_key(node.label)):
        keys.add(key)
    keys.discard("")
    return keys


def _name_keys(node: Node) -> str:
    value = node.attributes.get("name_keys")
    return value if isinstance(value, str) else ""


def _listing(nodes: list[Node]) -> str:
    shown = ", ".join(f"{node.id} ({node.kind} {node.label!r})" for node in nodes[:_SHOWN])
    more = f" and {len(nodes) - _SHOWN} more" if len(nodes) > _SHOWN else ""
    return shown + more


def _ref(node: Node) -> NodeRef:
    return NodeRef(node.id, node.kind, node.label, tuple(sorted(node.citations)))


Pair = tuple[str, str]


def _links(edges: Iterable[Edge]) -> dict[Pair, list[Edge]]:
    """Edges by their unordered pair of ends (both orders point to the same list)."""
    links: dict[Pair, list[Edge]] = {}
    for edge in edges:
        if edge.source == edge.target:
            continue
        pair = (edge.source, edge.target)
        found = links.get(pair)
        if found is None:
            found = links[pair] = links.setdefault((edge.target, edge.source), [])
        found.append(edge)
    return links


def _adjacency(links: dict[Pair, list[Edge]]) -> dict[str, list[str]]:
    """Neighbours of each node, larger money first, then by id (the search's visiting order)."""
    weighted: dict[str, list[tuple[Decimal, str]]] = {}
    for (start, end), edges in links.items():
        money = sum((abs(e.amount) for e in edges if e.amount is not None), Decimal(0))
        weighted.setdefault(start, []).append((-money, end))
    return {node: [end for _, end in sorted(pairs)] for node, pairs in weighted.items()}


def _hop(links: dict[Pair, list[Edge]], start: str, end: str) -> Hop:
    edges = sorted(
        links[(start, end)],
        key=lambda e: (e.kind, e.fiscal_year or 0, str(e.valid_from or ""), e.id),
    )
    return Hop(start, end, tuple(_hop_edge(edge, start) for edge in edges))


def _hop_edge(edge: Edge, start: str) -> HopEdge:
    return HopEdge(
        edge.id,
        edge.kind,
        edge.source,
        edge.target,
        edge.source == start,
        edge.amount,
        edge.fiscal_year,
        edge.valid_from,
        edge.valid_to,
        tuple((name, plain(value)) for name, value in sorted(edge.attributes.items())),
        tuple(sorted(edge.citations)),
    )


def _pairs(path: list[str]) -> list[Pair]:
    return list(itertools.pairwise(path))


def shortest(
    adjacency: dict[str, list[str]],
    start: str,
    goal: str,
    max_hops: int,
    banned_nodes: frozenset[str] | set[str] = frozenset(),
    banned_links: set[Pair] | None = None,
) -> list[str] | None:
    """Breadth-first: a chain of at most ``max_hops`` hops avoiding the banned nodes and links."""
    if start == goal:
        return [start]
    banned = banned_links or set()
    parent: dict[str, str] = {start: start}
    frontier = [start]
    for _ in range(max_hops):
        following: list[str] = []
        for node in frontier:
            for neighbour in adjacency.get(node, ()):
                if neighbour in parent or neighbour in banned_nodes or (node, neighbour) in banned:
                    continue
                parent[neighbour] = node
                if neighbour == goal:
                    path = [goal]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return path[::-1]
                following.append(neighbour)
        if not following:
            return None
        frontier = following
    return None


def k_shortest(
    adjacency: dict[str, list[str]], start: str, goal: str, max_hops: int, limit: int
) -> list[list[str]]:
    """Yen's algorithm on hop counts: up to ``limit`` simple chains, shortest first."""
    first = shortest(adjacency, start, goal, max_hops)
    if first is None:
        return []
    found = [first]
    seen = {tuple(first)}
    candidates: list[tuple[int, int, list[str]]] = []
    counter = 0
    while len(found) < limit:
        previous = found[-1]
        for index in range(len(previous) - 1):
            root = previous[: index + 1]
            banned: set[Pair] = set()
            for path in found:
                if path[: index + 1] == root and len(path) > index + 1:
                    banned.add((path[index], path[index + 1]))
                    banned.add((path[index + 1], path[index]))
            spur = shortest(adjacency, root[-1], goal, max_hops - index, set(root[:-1]), banned)
            if spur is None:
                continue
            candidate = root[:-1] + spur
            if tuple(candidate) not in seen:
                seen.add(tuple(candidate))
                counter += 1
                heapq.heappush(candidates, (len(candidate), counter, candidate))
        if not candidates:
            break
        found.append(heapq.heappop(candidates)[2])
    return found


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
