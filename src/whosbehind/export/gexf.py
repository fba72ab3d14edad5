"""GEXF 1.2 for Gephi: a directed graph, node labels and kinds, edge weights = money, the
fiscal year, valid dates and citation ids as attributes (see ``xml_graphs``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from whosbehind.export.graph import Graph
from whosbehind.export.xml_graphs import (
    TYPES,
    describe,
    edge_columns,
    edge_values,
    node_columns,
    node_values,
)

NAMESPACE = "http://www.gexf.net/1.2draft"


def write_gexf(graph: Graph, out: Path) -> None:
    root = ET.Element("gexf", {"xmlns": NAMESPACE, "version": "1.2"})
    meta = ET.SubElement(
        root, "meta", {"lastmodifieddate": str(graph.metadata.get("generated_at", ""))[:10]}
    )
    ET.SubElement(meta, "creator").text = "whosbehind"
    obligated = graph.metadata.get("obligated")
    ET.SubElement(meta, "description").text = f"{describe(graph)}; obligated {obligated} USD"
    body = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "static"})
    node_ids = _attributes(body, "node", node_columns(graph))
    edge_ids = _attributes(body, "edge", [c for c in edge_columns(graph) if c != "weight"])
    nodes = ET.SubElement(body, "nodes")
    for node in graph.nodes.values():
        element = ET.SubElement(nodes, "node", {"id": node.id, "label": node.label})
        _values(element, node_ids, node_values(node))
    edges = ET.SubElement(body, "edges")
    for edge in graph.edges.values():
        values = edge_values(edge)
        element = ET.SubElement(
            edges,
            "edge",
            {
                "id": edge.id,
                "source": edge.source,
                "target": edge.target,
                "weight": values.pop("weight"),
                "label": edge.kind,
            },
        )
        _values(element, edge_ids, values)
    ET.indent(root)
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)


def _attributes(body: ET.Element, kind: str, columns: list[str]) -> dict[str, str]:
    block = ET.SubElement(body, "attributes", {"class": kind})
    ids = {}
    for number, name in enumerate(columns):
        ids[name] = str(number)
        ET.SubElement(
            block,
            "attribute",
            {"id": str(number), "title": name, "type": TYPES.get(name, "string")},
        )
    return ids


def _values(element: ET.Element, ids: dict[str, str], values: dict[str, str]) -> None:
    holder = ET.SubElement(element, "attvalues")
    for name, value in values.items():
        ET.SubElement(holder, "attvalue", {"for": ids[name], "value": value})
