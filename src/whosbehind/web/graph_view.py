"""The supply-chain graph as the interactive page draws it: award nodes folded into the edges
from the agency that obligated to the company paid (money summed per fiscal year), so that a
graph of thousands of awards becomes one of suppliers; the largest ``limit`` suppliers kept.
Each node says which page opens it; each edge keeps its citation ids."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import quote

from whosbehind import Graph

VIEW_KINDS = ("money", "authorized", "provides", "runs_on", "owns", "part_of")


@dataclass
class ViewEdge:
    kind: str
    source: str
    target: str
    amount: Decimal = Decimal(0)
    years: dict[int, Decimal] = field(default_factory=dict)
    citations: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "target": self.target,
            "amount": str(self.amount) if self.kind == "money" else None,
            "fiscal_years": {str(y): str(a) for y, a in sorted(self.years.items())},
            "citations": sorted(self.citations)[:20],
        }


class Node(Protocol):
    """A node of the ``Graph``: what its link needs."""

    id: str
    kind: str
    label: str
    attributes: dict[str, Any]


def node_url(node: Node) -> str | None:
    key = node.id.partition(":")[2]
    if node.kind == "public_body":
        return f"/agency/{quote(key, safe='')}"
    if node.kind == "offering":
        return f"/offering/{quote(key, safe='')}"
    if node.kind == "company":
        org = node.attributes.get("org")
        return f"/company/{quote(str(org or node.label), safe='')}"
    return None


def graph_view(
    graph: Graph,
    fiscal_year: int | None = None,
    kinds: tuple[str, ...] = VIEW_KINDS,
    limit: int = 40,
) -> dict[str, Any]:
    payer = {e.target: e.source for e in graph.edges.values() if e.kind == "obligated"}
    edges: dict[tuple[str, str, str], ViewEdge] = {}

    def add(kind: str, source: str, target: str) -> ViewEdge:
        return edges.setdefault((kind, source, target), ViewEdge(kind, source, target))

    for edge in graph.edges.values():
        if edge.kind == "paid_to" and edge.amount is not None:
            if fiscal_year is not None and edge.fiscal_year != fiscal_year:
                continue
            found = add("money", payer.get(edge.source, edge.source), edge.target)
            found.amount += edge.amount
            if edge.fiscal_year is not None:
                found.years[edge.fiscal_year] = found.years.get(edge.fiscal_year, Decimal(0))
                found.years[edge.fiscal_year] += edge.amount
            found.citations |= edge.citations
        elif edge.kind in VIEW_KINDS:
            add(edge.kind, edge.source, edge.target).citations |= edge.citations
    chosen = [e for e in edges.values() if e.kind in kinds]
    chosen = _largest_suppliers(chosen, limit)
    used = {end for e in chosen for end in (e.source, e.target)}
    nodes = [
        {"id": n.id, "kind": n.kind, "label": n.label, "url": node_url(n)}
        for n in graph.nodes.values()
        if n.id in used
    ]
    years = sorted({e.fiscal_year for e in graph.edges.values() if e.fiscal_year is not None})
    return {
        "nodes": nodes,
        "edges": [e.to_json() for e in chosen],
        "fiscal_years": years,
        "kinds": list(VIEW_KINDS),
        "metadata": {k: str(v) for k, v in graph.metadata.items()},
    }


def _largest_suppliers(edges: list[ViewEdge], limit: int) -> list[ViewEdge]:
    """Money edges of the ``limit`` best-paid companies, and the other edges that reach out
    from what is kept: the agency's authorizations, the providers of the offerings kept, what
    those run on, and the owners of the companies kept (never an edge between strangers)."""
    paid: defaultdict[str, Decimal] = defaultdict(Decimal)
    for edge in edges:
        if edge.kind == "money":
            paid[edge.target] += edge.amount
    top = set(sorted(paid, key=lambda k: (-paid[k], k))[:limit])
    chosen = [e for e in edges if e.kind == "money" and e.target in top]
    kept = {end for e in chosen for end in (e.source, e.target)}
    kept |= {e.source for e in edges if e.kind in ("authorized", "part_of")}
    rest = [e for e in edges if e.kind != "money"]
    while True:
        more = [e for e in rest if _reaches(e, kept)]
        if not more:
            return chosen
        chosen += more
        rest = [e for e in rest if e not in more]
        kept |= {end for e in more for end in (e.source, e.target)}


def _reaches(edge: ViewEdge, kept: set[str]) -> bool:
    """Whether ``edge`` leads out from a kept node in the direction that explains it."""
    if edge.kind in ("authorized", "runs_on", "part_of"):
        return edge.source in kept  # agency -> offering, offering -> what it runs on
    return edge.target in kept  # provider -> offering, owner -> company
