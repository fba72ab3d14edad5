"""The graph as three tables, ``nodes``, ``edges`` and ``citations``, written as CSV or Parquet
into a folder (``nodes.csv``/``edges.csv``/``citations.csv``, or ``.parquet``), plus
``metadata.json``.

Columns: nodes ``id, kind, label, citations`` and every attribute; edges ``id, kind, source,
target, amount, fiscal_year, valid_from, valid_to, citations`` and every attribute;
citations ``id, source, locator, record_time, content_hash``. Citation ids are space-separated.
In Parquet ``amount`` is ``decimal128(38, 2)`` (exact) and ``fiscal_year`` an integer.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from whosbehind.export.graph import Graph, plain
from whosbehind.export.xml_graphs import edge_columns, node_columns

EDGE_HEAD = ("id", "kind", "source", "target", "amount", "fiscal_year", "valid_from", "valid_to")
CITATION_HEAD = ("id", "source", "locator", "record_time", "content_hash")


def node_table(graph: Graph) -> tuple[list[str], list[dict[str, Any]]]:
    attributes = [c for c in node_columns(graph) if c not in ("kind", "citations")]
    head = ["id", "kind", "label", "citations", *attributes]
    rows = [
        {
            "id": node.id,
            "kind": node.kind,
            "label": node.label,
            "citations": " ".join(sorted(node.citations)),
            **{name: plain(node.attributes.get(name)) for name in attributes},
        }
        for node in graph.nodes.values()
    ]
    return head, rows


def edge_table(graph: Graph) -> tuple[list[str], list[dict[str, Any]]]:
    fixed = set(EDGE_HEAD) | {"weight", "citations"}
    attributes = [c for c in edge_columns(graph) if c not in fixed]
    head = [*EDGE_HEAD, "citations", *attributes]
    rows = [
        {
            "id": edge.id,
            "kind": edge.kind,
            "source": edge.source,
            "target": edge.target,
            "amount": edge.amount,
            "fiscal_year": edge.fiscal_year,
            "valid_from": plain(edge.valid_from),
            "valid_to": plain(edge.valid_to),
            "citations": " ".join(sorted(edge.citations)),
            **{name: plain(edge.attributes.get(name)) for name in attributes},
        }
        for edge in graph.edges.values()
    ]
    return head, rows


def citation_table(graph: Graph) -> tuple[list[str], list[dict[str, Any]]]:
    rows = [
        {key: value for key, value in citation.to_json().items() if key in CITATION_HEAD}
        for _, citation in sorted(graph.citations.items())
    ]
    return list(CITATION_HEAD), rows


TABLES = {"nodes": node_table, "edges": edge_table, "citations": citation_table}


def write_csv(graph: Graph, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in TABLES.items():
        head, rows = table(graph)
        path = out / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.DictWriter(stream, head)
            writer.writeheader()
            writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
        written.append(path)
    return [*written, _metadata(graph, out)]


def write_parquet(graph: Graph, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in TABLES.items():
        head, rows = table(graph)
        fields = [pa.field(column, _arrow_type(column)) for column in head]
        columns = {
            column: [_arrow_value(column, row.get(column)) for row in rows] for column in head
        }
        path = out / f"{name}.parquet"
        pq.write_table(pa.table(columns, schema=pa.schema(fields)), path)
        written.append(path)
    return [*written, _metadata(graph, out)]


def _arrow_type(column: str) -> pa.DataType:
    if column == "amount":
        return pa.decimal128(38, 2)
    if column == "fiscal_year":
        return pa.int64()
    return pa.string()


def _arrow_value(column: str, value: Any) -> Any:
    if value is None or column in ("amount", "fiscal_year"):
        return value if not isinstance(value, Decimal) else value.quantize(Decimal("0.01"))
    return str(value).lower() if isinstance(value, bool) else str(value)


def _metadata(graph: Graph, out: Path) -> Path:
    path = out / "metadata.json"
    path.write_text(json.dumps(graph.metadata, indent=2, default=str) + "\n", encoding="utf-8")
    return path
