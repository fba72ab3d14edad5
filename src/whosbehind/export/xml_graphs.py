"""Flat attribute tables shared by the GEXF and GraphML writers.

Every node has ``kind``, ``label`` and ``citations`` (citation ids, space-separated) and the
attributes of its kind; every edge has ``kind``, ``weight`` (money in dollars, else 1),
``amount`` (exact decimal text), ``fiscal_year``, ``valid_from``/``valid_to`` (ISO dates),
``citations`` and the attributes of its kind. Values are text except ``weight`` (double) and
``fiscal_year`` (integer).
"""

from __future__ import annotations

from whosbehind.export.graph import Edge, Graph, Node, plain

NODE_FIXED = ("kind", "citations")
EDGE_FIXED = ("kind", "weight", "amount", "fiscal_year", "valid_from", "valid_to", "citations")
TYPES = {"weight": "double", "fiscal_year": "integer"}


def describe(graph: Graph) -> str:
    """The graph's one-line description: what it shows and as of when."""
    meta = graph.metadata
    return (
        f"whosbehind supply-chain graph; as of {meta.get('as_of') or 'the newest records'}; "
        f"company grouping {meta.get('company_grouping')}"
    )


def node_columns(graph: Graph) -> list[str]:
    names = {name for node in graph.nodes.values() for name in node.attributes}
    return [*NODE_FIXED, *sorted(names - set(NODE_FIXED) - {"label"})]


def edge_columns(graph: Graph) -> list[str]:
    names = {name for edge in graph.edges.values() for name in edge.attributes}
    return [*EDGE_FIXED, *sorted(names - set(EDGE_FIXED) - {"key"})]


def node_values(node: Node) -> dict[str, str]:
    found = {"kind": node.kind, "citations": " ".join(sorted(node.citations))}
    for name, value in node.attributes.items():
        text = plain(value)
        if text is not None and text != "":
            found[name] = str(text).lower() if isinstance(text, bool) else str(text)
    return found


def edge_values(edge: Edge) -> dict[str, str]:
    found = {
        "kind": edge.kind,
        "weight": str(float(edge.amount)) if edge.amount is not None else "1.0",
        "citations": " ".join(sorted(edge.citations)),
    }
    if edge.amount is not None:
        found["amount"] = str(edge.amount)
    if edge.fiscal_year is not None:
        found["fiscal_year"] = str(edge.fiscal_year)
    for name, value in (("valid_from", edge.valid_from), ("valid_to", edge.valid_to)):
        if value is not None:
            found[name] = value.isoformat()
    for name, attribute in edge.attributes.items():
        text = plain(attribute)
        if name != "key" and text is not None and text != "":
            found[name] = str(text)
    return found
