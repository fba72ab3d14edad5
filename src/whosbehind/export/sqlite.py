"""The graph as a SQLite database that Datasette serves as it is.

Tables: ``nodes`` (id, kind, label, attributes as JSON), ``edges`` (id, kind, source and target
referencing ``nodes``, ``amount`` as exact decimal text and ``amount_cents`` as an integer for
exact sums in SQL, fiscal year, valid dates, attributes as JSON), ``citations``, the link tables
``node_citations`` and ``edge_citations`` (foreign keys both ways), and ``metadata`` (key,
value). Indexes on the join and filter columns; the view ``money_by_fiscal_year`` sums the
``obligated`` edges.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from whosbehind.errors import UsageError
from whosbehind.export.graph import Graph, Value, plain

SCHEMA = """
CREATE TABLE metadata (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE citations (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, locator TEXT NOT NULL,
    record_time TEXT NOT NULL, content_hash TEXT NOT NULL);
CREATE TABLE nodes (id TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT, attributes TEXT);
CREATE TABLE edges (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL,
    source TEXT NOT NULL REFERENCES nodes(id), target TEXT NOT NULL REFERENCES nodes(id),
    amount TEXT, amount_cents INTEGER, fiscal_year INTEGER, valid_from TEXT, valid_to TEXT,
    attributes TEXT);
CREATE TABLE node_citations (
    node_id TEXT NOT NULL REFERENCES nodes(id),
    citation_id TEXT NOT NULL REFERENCES citations(id), PRIMARY KEY (node_id, citation_id));
CREATE TABLE edge_citations (
    edge_id TEXT NOT NULL REFERENCES edges(id),
    citation_id TEXT NOT NULL REFERENCES citations(id), PRIMARY KEY (edge_id, citation_id));
CREATE INDEX nodes_kind ON nodes(kind);
CREATE INDEX edges_source ON edges(source);
CREATE INDEX edges_target ON edges(target);
CREATE INDEX edges_kind_year ON edges(kind, fiscal_year);
CREATE INDEX node_citations_citation ON node_citations(citation_id);
CREATE INDEX edge_citations_citation ON edge_citations(citation_id);
CREATE VIEW money_by_fiscal_year AS
    SELECT fiscal_year, sum(amount_cents) AS cents, count(*) AS edges FROM edges
    WHERE kind = 'obligated' GROUP BY fiscal_year ORDER BY fiscal_year;
"""


def write_sqlite(graph: Graph, out: Path) -> None:
    if out.exists():
        raise UsageError(f"{out} exists; remove it or choose another --out")
    connection = sqlite3.connect(out)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.executescript(SCHEMA)
        connection.executemany(
            "INSERT INTO metadata VALUES (?, ?)",
            [
                (k, v if isinstance(v, str) else json.dumps(v, default=str))
                for k, v in graph.metadata.items()
            ],
        )
        connection.executemany(
            "INSERT INTO citations VALUES (?, ?, ?, ?, ?)",
            [
                (c.id, c.source, c.where, c.record_time.isoformat(), c.content_hash)
                for c in graph.citations.values()
            ],
        )
        connection.executemany(
            "INSERT INTO nodes VALUES (?, ?, ?, ?)",
            [(n.id, n.kind, n.label, _json(n.attributes)) for n in graph.nodes.values()],
        )
        connection.executemany(
            "INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    e.id,
                    e.kind,
                    e.source,
                    e.target,
                    None if e.amount is None else str(e.amount),
                    None if e.amount is None else int(e.amount * 100),
                    e.fiscal_year,
                    plain(e.valid_from),
                    plain(e.valid_to),
                    _json({k: v for k, v in e.attributes.items() if k != "key"}),
                )
                for e in graph.edges.values()
            ],
        )
        connection.executemany(
            "INSERT INTO node_citations VALUES (?, ?)",
            [(n.id, c) for n in graph.nodes.values() for c in sorted(n.citations)],
        )
        connection.executemany(
            "INSERT INTO edge_citations VALUES (?, ?)",
            [(e.id, c) for e in graph.edges.values() for c in sorted(e.citations)],
        )
        connection.commit()
    finally:
        connection.close()


def _json(attributes: Mapping[str, Value]) -> str:
    return json.dumps(
        {k: plain(v) for k, v in attributes.items() if v is not None},
        ensure_ascii=False,
        sort_keys=True,
    )
