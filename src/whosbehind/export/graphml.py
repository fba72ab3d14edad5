"""GraphML for Gephi, yEd, networkx, igraph: the attributes of ``xml_graphs`` as typed keys."""

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

NAMESPACE = "http://graphml.graphdrawing.org/xmlns"
_GRAPHML_TYPES = {"double": "double", "integer": "long", "string": "string"}


def write_graphml(graph: Graph, out: Path) -> None:
    root = ET.Element("graphml", {"xmlns": NAMESPACE})
    node_keys = _keys(root, "node", ["label", *node_columns(graph)])
    edge_keys = _keys(root, "edge", edge_columns(graph))
    body = ET.SubElement(root, "graph", {"id": "whosbehind", "edgedefault": "directed"})
    ET.SubElement(body, "desc").text = describe(graph)
    for node in graph.nodes.values():
        element = ET.SubElement(body, "node", {"id": node.id})
        _data(element, node_keys, {"label": node.label, **node_values(node)})
    for edge in graph.edges.values():
        element = ET.SubElement(
            body, "edge", {"id": edge.id, "source": edge.source, "target": edge.target}
        )
        _data(element, edge_keys, edge_values(edge))
    ET.indent(root)
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)


def _keys(root: ET.Element, kind: str, columns: list[str]) -> dict[str, str]:
    ids = {}
    for name in columns:
        ids[name] = f"{kind[0]}_{name}"
        ET.SubElement(
            root,
            "key",
            {
                "id": ids[name],
                "for": kind,
                "attr.name": name,
                "attr.type": _GRAPHML_TYPES[TYPES.get(name, "string")],
            },
        )
    return ids


def _data(element: ET.Element, ids: dict[str, str], values: dict[str, str]) -> None:
    for name, value in values.items():
        ET.SubElement(element, "data", {"key": ids[name]}).text = value
