"""The supply-chain graph: typed nodes and edges, each with the citation ids behind it.

Node kinds: ``public_body`` (a toptier or subtier agency), ``company`` (an organization),
``award`` (a contract, order or IDV), ``offering`` (a FedRAMP cloud offering). Edge kinds:

- ``part_of``: subtier agency -> its toptier agency;
- ``obligated``: agency -> award, the money the agency obligated on it in one fiscal year;
- ``paid_to``: award -> company, the same money by recipient (one edge per fiscal year);
- ``order_of``: order -> its parent IDV (no money: an IDV's ceiling is never added to orders);
- ``authorized``: agency -> offering (an ATO letter or the initial authorization, with dates);
- ``provides``: company -> offering; ``runs_on``: offering -> the offering it leverages;
- ``owns``: parent company -> child company over valid time.

Money is exact (``Decimal``). The two money kinds each sum to the total obligated in the
selection: add up one kind, never both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from whosbehind.model.citation import Citation

NODE_KINDS = ("public_body", "company", "award", "offering")
EDGE_KINDS = (
    "part_of",
    "obligated",
    "paid_to",
    "order_of",
    "authorized",
    "provides",
    "runs_on",
    "owns",
)
MONEY_KINDS = ("obligated", "paid_to")
Value = str | int | Decimal | dt.date | bool | None


@dataclass
class Node:
    id: str  # stable across runs: kind prefix and the source's own key
    kind: str
    label: str
    attributes: dict[str, Value] = field(default_factory=dict)
    citations: set[str] = field(default_factory=set)


@dataclass
class Edge:
    kind: str
    source: str
    target: str
    amount: Decimal | None = None
    fiscal_year: int | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    attributes: dict[str, Value] = field(default_factory=dict)
    citations: set[str] = field(default_factory=set)

    @property
    def id(self) -> str:
        """Stable: a hash of kind, ends, fiscal year, start date and the distinguishing detail."""
        detail = self.attributes.get("key", "")
        text = f"{self.kind}|{self.source}|{self.target}|{self.fiscal_year}|{self.valid_from}|"
        return "e" + hashlib.sha256(f"{text}{detail}".encode()).hexdigest()[:15]


@dataclass
class Graph:
    """The supply-chain graph: nodes and edges with citation ids, the citations, and metadata."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[str, Edge] = field(default_factory=dict)
    citations: dict[str, Citation] = field(default_factory=dict)
    metadata: dict[str, object] = field(default_factory=dict)

    def cite(self, citations: Iterable[Citation]) -> set[str]:
        """Register citations; returns their ids."""
        ids = set()
        for citation in citations:
            self.citations.setdefault(citation.id, citation)
            ids.add(citation.id)
        return ids

    def add_node(self, node: Node) -> Node:
        """Add a node, or merge attributes and citations into the one with the same id."""
        found = self.nodes.get(node.id)
        if found is None:
            self.nodes[node.id] = node
            return node
        for name, value in node.attributes.items():
            if found.attributes.get(name) is None:
                found.attributes[name] = value
        found.citations |= node.citations
        return found

    def add_edge(self, edge: Edge) -> Edge:
        """Add an edge, or add its money and citations to the one with the same id."""
        found = self.edges.get(edge.id)
        if found is None:
            self.edges[edge.id] = edge
            return edge
        if edge.amount is not None:
            found.amount = (found.amount or Decimal(0)) + edge.amount
        found.citations |= edge.citations
        return found

    def money_by_fiscal_year(self, kind: str = "obligated") -> dict[int, Decimal]:
        totals: dict[int, Decimal] = {}
        for edge in self.edges.values():
            if edge.kind == kind and edge.amount is not None and edge.fiscal_year is not None:
                totals[edge.fiscal_year] = totals.get(edge.fiscal_year, Decimal(0)) + edge.amount
        return dict(sorted(totals.items()))

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for node in self.nodes.values():
            found[f"nodes.{node.kind}"] = found.get(f"nodes.{node.kind}", 0) + 1
        for edge in self.edges.values():
            found[f"edges.{edge.kind}"] = found.get(f"edges.{edge.kind}", 0) + 1
        return dict(sorted(found.items()))


def stable_id(prefix: str, *parts: object) -> str:
    """``prefix:`` and a short digest of the parts (for keys that are not readable ids)."""
    text = "\x1f".join("" if part is None else str(part) for part in parts)
    return f"{prefix}:{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def plain(value: Value) -> str | int | bool | None:
    """A value for a format without dates or decimals: ISO dates, exact decimal text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
