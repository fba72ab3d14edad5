"""Drawings of the supply-chain graph (PNG or SVG, no display needed).

Layered left to right: agency -> suppliers (awards folded into one money edge per supplier) ->
their cloud offerings -> the infrastructure those run on -> its provider -> parent companies.
Edge widths follow money. Two drawings:

- ``plot_paths(result, path)``: the chains ``whosbehind path`` found, each node in the column of
  its position on its shortest chain;
- ``plot_agency_graph(graph, path, top)``: an agency's supply chain from
  ``build_graph(engine, agency=...)``: the ``top`` suppliers by money, the offerings the agency
  authorized (those of its suppliers first), what they run on, who provides that, and owners.

SVG text is written as text (``svg.fonttype: none``), so labels can be searched and read.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from whosbehind.errors import NotFoundError, UsageError
from whosbehind.export.build import build_graph
from whosbehind.export.graph import Edge, Graph, Node
from whosbehind.export.paths import PathResult
from whosbehind.store.engine import Engine

FORMATS = (".png", ".svg")
CLOUD_KINDS = ("authorized", "provides", "runs_on")
COLOURS = {
    "public_body": "#dbe9f6",
    "award": "#f2f2f2",
    "company": "#fde9c9",
    "offering": "#dff0d8",
}
_LABEL = 34


@dataclass
class Drawing:
    title: str
    layers: dict[str, int] = field(default_factory=dict)  # node id -> column
    labels: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    # (left, right) in layout order -> (edge kind, money, whether the edge runs right to left)
    edges: dict[tuple[str, str], tuple[str, Decimal | None, bool]] = field(default_factory=dict)
    caption: str = ""

    def node(self, node_id: str, label: str, kind: str, layer: int) -> None:
        if node_id not in self.layers or layer < self.layers[node_id]:
            self.layers[node_id] = layer
        self.labels[node_id], self.kinds[node_id] = label, kind

    def edge(
        self,
        start: str,
        end: str,
        kind: str,
        amount: Decimal | None = None,
        backward: bool = False,
    ) -> None:
        """``end`` goes right of ``start``; the arrow points the way the edge runs (from
        ``end`` to ``start`` when ``backward``). The first edge between two nodes stays."""
        if (start, end) not in self.edges and (end, start) not in self.edges:
            self.edges[(start, end)] = (kind, amount, backward)


def plot_paths(result: PathResult, path: Path) -> Path:
    drawing = Drawing(
        f"{result.source.label} → {result.target.label}: "
        f"{len(result.chains)} chain(s), at most {result.max_hops} hops"
    )
    for chain in result.chains:
        for position, node_id in enumerate(chain.nodes):
            node = result.nodes[node_id]
            drawing.node(node_id, node.label, node.kind, position)
        for hop in chain.hops:
            kinds = sorted({edge.kind for edge in hop.edges})
            money = hop.money or None
            backward = not any(edge.forward for edge in hop.edges)
            drawing.edge(hop.start, hop.end, "/".join(kinds), money, backward)
    drawing.caption = _sources(citation.source for citation in result.citations.values())
    return draw(drawing, path)


def plot_agency_graph(graph: Graph, path: Path, top: int = 10) -> Path:
    """An agency's supply chain; ``graph`` is ``build_graph(engine, agency=...)``."""
    agency = graph.metadata.get("agency")
    label = agency.get("label") if isinstance(agency, dict) else None
    drawing = Drawing(f"Supply chain of {label or 'the selection'}")
    roots = _roots(graph)
    for root in roots:
        drawing.node(root, graph.nodes[root].label, "public_body", 0)
    paid = _paid(graph)
    suppliers = sorted(paid, key=lambda c: (-paid[c], c))[:top]
    for company in suppliers:
        drawing.node(company, graph.nodes[company].label, "company", 1)
        for root in roots[:1]:
            drawing.edge(root, company, "paid", paid[company])
    provider = {e.target: e.source for e in graph.edges.values() if e.kind == "provides"}
    authorized = defaultdict(set)
    for edge in graph.edges.values():
        if edge.kind == "authorized" and edge.source in roots:
            authorized[edge.target].add(edge.source)
    chosen = sorted(
        authorized,
        key=lambda o: (provider.get(o) not in suppliers, -len(authorized[o]), o),
    )[:top]
    offerings = set(chosen) | {o for o, c in provider.items() if c in suppliers}
    for offering in sorted(offerings):
        drawing.node(offering, graph.nodes[offering].label, "offering", 2)
        for root in sorted(authorized.get(offering, ())):
            drawing.edge(root, offering, "authorized")
        maker = provider.get(offering)
        if maker in suppliers:
            drawing.edge(maker, offering, "provides")
        elif maker is not None:
            drawing.node(maker, graph.nodes[maker].label, "company", 3)
            drawing.edge(offering, maker, "provides", backward=True)
    _infrastructure(graph, drawing, offerings, provider)
    _owners(graph, drawing)
    sources = (graph.citations[c].source for e in graph.edges.values() for c in e.citations)
    drawing.caption = _sources(sources)
    return draw(drawing, path)


def agency_graph(
    engine: Engine,
    agency: str,
    contracts_as_of: dt.datetime | None,
    cloud_as_of: dt.datetime | None,
) -> Graph:
    """An agency's graph on the report's two clocks: contracts as recorded at
    ``contracts_as_of`` (newest if None), FedRAMP as of ``cloud_as_of`` (the same if None).
    A provider is joined to the contractor with the same UEI, DUNS or name key."""
    graph = build_graph(engine, contracts_as_of, agency)
    if cloud_as_of is None or cloud_as_of == contracts_as_of:
        return graph
    try:
        cloud = build_graph(engine, cloud_as_of, agency)
    except NotFoundError:
        cloud = Graph()
    for edge_id in [i for i, e in graph.edges.items() if e.kind in CLOUD_KINDS]:
        del graph.edges[edge_id]
    for node_id in [i for i, n in graph.nodes.items() if n.kind == "offering"]:
        del graph.nodes[node_id]
    known = {key: n.id for n in graph.nodes.values() if n.kind == "company" for key in _keys(n)}
    same = {
        n.id: next((known[k] for k in sorted(_keys(n)) if k in known), n.id)
        for n in cloud.nodes.values()
        if n.kind == "company"
    }
    for edge in cloud.edges.values():
        if edge.kind not in CLOUD_KINDS:
            continue
        ends = [same.get(edge.source, edge.source), same.get(edge.target, edge.target)]
        for old, new in zip((edge.source, edge.target), ends, strict=True):
            node = cloud.nodes[old]
            graph.add_node(Node(new, node.kind, node.label, dict(node.attributes), node.citations))
        graph.add_edge(
            Edge(edge.kind, ends[0], ends[1], valid_from=edge.valid_from, valid_to=edge.valid_to,
                 attributes=dict(edge.attributes), citations=set(edge.citations))
        )  # fmt: skip
    graph.citations.update(cloud.citations)
    graph.metadata = {**graph.metadata, "fedramp_snapshot": cloud.metadata.get("fedramp_snapshot")}
    return graph


def _keys(node: Node) -> set[str]:
    keys = {node.id.removeprefix("company:")}
    for scheme, name in (("uei", "uei"), ("duns", "duns"), ("key", "name_keys")):
        value = node.attributes.get(name)
        if isinstance(value, str):
            keys.update(f"{scheme}:{part.strip()}" for part in value.split(";") if part.strip())
    return keys


def _roots(graph: Graph) -> list[str]:
    agency = graph.metadata.get("agency")
    codes: list[str] = []
    if isinstance(agency, dict):
        for name in ("subtier_codes", "toptier_codes"):
            value = agency.get(name)
            codes += [str(code) for code in value] if isinstance(value, list) else []
    found = [f"agency:{code}" for code in codes if f"agency:{code}" in graph.nodes]
    if found:
        return found
    return sorted(n.id for n in graph.nodes.values() if n.kind == "public_body")[:1]


def _paid(graph: Graph) -> dict[str, Decimal]:
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for edge in graph.edges.values():
        if edge.kind == "paid_to" and edge.amount is not None:
            paid[edge.target] += edge.amount
    return {company: amount for company, amount in paid.items() if amount > 0}


def _infrastructure(
    graph: Graph, drawing: Drawing, offerings: set[str], provider: dict[str, str]
) -> None:
    """The infrastructure each offering runs on: the bottom of its runs-on chains (offerings
    that run on nothing further), and who provides it."""
    runs_on: dict[str, set[str]] = defaultdict(set)
    for edge in graph.edges.values():
        if edge.kind == "runs_on":
            runs_on[edge.source].add(edge.target)
    for offering in sorted(offerings):
        below, frontier = set(), set(runs_on.get(offering, ()))
        while frontier:
            below |= frontier
            frontier = {n for f in frontier for n in runs_on.get(f, ())} - below
        for base in sorted(n for n in below if not runs_on.get(n) and n != offering):
            drawing.node(base, graph.nodes[base].label, "offering", 3)
            drawing.edge(offering, base, "runs_on")
            company = provider.get(base)
            if company is not None and company in drawing.layers:  # a supplier: no cycle
                drawing.edge(company, base, "provides")
            elif company is not None:
                drawing.node(company, graph.nodes[company].label, "company", 4)
                drawing.edge(base, company, "provides", backward=True)


def _owners(graph: Graph, drawing: Drawing) -> None:
    owners = defaultdict(set)
    for edge in graph.edges.values():
        if edge.kind == "owns":
            owners[edge.target].add(edge.source)
    frontier = sorted(n for n in drawing.layers if drawing.kinds[n] == "company")
    while frontier:
        following = []
        for company in frontier:
            for owner in sorted(owners.get(company, ())):
                if owner not in drawing.layers:
                    layer = drawing.layers[company] + 1
                    drawing.node(owner, graph.nodes[owner].label, "company", layer)
                    following.append(owner)
                drawing.edge(company, owner, "owns", backward=True)
        frontier = following


def _sources(feeds: object) -> str:
    names = sorted(set(feeds))  # type: ignore[call-overload]
    return f"Source: {', '.join(names)}, via whosbehind" if names else "via whosbehind"


def _short(text: str) -> str:
    return text if len(text) <= _LABEL else text[: _LABEL - 1] + "…"


def _positions(drawing: Drawing) -> dict[str, tuple[float, float]]:
    """Columns by layer; within a column, nodes ordered by the mean row of their neighbours
    in the columns to the left (fewer crossings), then by label."""
    _relax(drawing)
    columns: dict[int, list[str]] = defaultdict(list)
    for node_id, layer in drawing.layers.items():
        columns[layer].append(node_id)
    neighbours: dict[str, set[str]] = defaultdict(set)
    for start, end in drawing.edges:
        neighbours[start].add(end)
        neighbours[end].add(start)
    rows: dict[str, float] = {}
    height = max((len(ids) for ids in columns.values()), default=1)
    for layer in sorted(columns):
        ids = columns[layer]

        def order(node_id: str, layer: int = layer) -> tuple[float, str]:
            left = [rows[n] for n in neighbours[node_id] if n in rows and drawing.layers[n] < layer]
            return (sum(left) / len(left) if left else math.inf, drawing.labels[node_id])

        ids.sort(key=order)
        offset = (height - len(ids)) / 2
        for index, node_id in enumerate(ids):
            rows[node_id] = offset + index
    return {node_id: (float(drawing.layers[node_id]), -rows[node_id]) for node_id in rows}


def _relax(drawing: Drawing) -> None:
    """Push each arrow's head at least one column right of its tail (longest-path layering,
    bounded: a cycle stops after as many rounds as there are nodes)."""
    cap = len(drawing.layers) - 1
    for _ in range(len(drawing.layers)):
        moved = False
        for start, end in drawing.edges:
            if drawing.layers[end] <= drawing.layers[start] < cap:
                drawing.layers[end] = drawing.layers[start] + 1
                moved = True
        if not moved:
            return


def draw(drawing: Drawing, path: Path) -> Path:
    if path.suffix.lower() not in FORMATS:
        raise UsageError(f"{path}: a plot is written as .png or .svg")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    where = _positions(drawing)
    columns = max(drawing.layers.values(), default=0) + 1
    rows = max((-y for _, y in where.values()), default=0) + 1
    money = [abs(a) for _, a, _ in drawing.edges.values() if a]
    biggest = max(money, default=Decimal(1))
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure, axis = plt.subplots(figsize=(3.2 * columns + 1, 0.55 * rows + 1.6))
        for (start, end), (kind, amount, backward) in sorted(drawing.edges.items()):
            (x0, y0), (x1, y1) = where[start], where[end]
            tail, head = ((x1, y1), (x0, y0)) if backward else ((x0, y0), (x1, y1))
            width = 0.8 + (6 * math.sqrt(float(abs(amount) / biggest)) if amount else 0)
            axis.annotate(
                "",
                xy=head,
                xytext=tail,
                arrowprops={"arrowstyle": "-|>", "lw": width, "color": "#8c8c8c",
                            "alpha": 0.7, "shrinkA": 14, "shrinkB": 14},
            )  # fmt: skip
            text = kind + (f" ${_money(amount)}" if amount else "")
            axis.text((x0 + x1) / 2, (y0 + y1) / 2, text, fontsize=6, ha="center",
                      va="bottom", color="#555555")  # fmt: skip
        for node_id, (x, y) in where.items():
            axis.text(
                x, y, _short(drawing.labels[node_id]), fontsize=7, ha="center", va="center",
                bbox={"boxstyle": "round,pad=0.3", "fc": COLOURS.get(drawing.kinds[node_id],
                      "#ffffff"), "ec": "#666666", "lw": 0.6},
            )  # fmt: skip
        axis.set_xlim(-0.6, columns - 0.4)
        axis.set_ylim(-rows + 0.4, 0.6)
        axis.axis("off")
        axis.set_title(drawing.title, fontsize="medium")
        figure.text(0.01, 0.01, drawing.caption, fontsize="x-small")
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path)
        plt.close(figure)
    return path


def _money(amount: Decimal) -> str:
    value = float(amount)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.1f}{suffix}"
    return f"{value:.0f}"
