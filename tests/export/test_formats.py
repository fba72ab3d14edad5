"""Every export format read back with the library that consumers use: followthemoney,
networkx, sqlite3, csv, pyarrow. Money read back equals the store's spending total to the cent."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import Counter
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq
import pytest
from followthemoney import model

from tests.support.contracts import totals_2018
from whosbehind.errors import UsageError
from whosbehind.export.ftm import entities, entity_id, write_ftm
from whosbehind.export.gexf import write_gexf
from whosbehind.export.graph import Graph
from whosbehind.export.graphml import write_graphml
from whosbehind.export.sqlite import write_sqlite
from whosbehind.export.tabular import write_csv, write_parquet

TOTAL = Decimal("832205941.18")  # ICE FY13-FY18, summed from the CSV files in test_graph


def test_followthemoney_parses_every_entity_unchanged(ice_graph: Graph, tmp_path: Path) -> None:
    out = tmp_path / "ice.ftm.json"
    count = write_ftm(ice_graph, out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert count == len(lines)
    found = [json.loads(line) for line in lines]
    ids = {entity["id"] for entity in found}
    assert len(ids) == len(found)
    schemata: Counter[str] = Counter()
    for entity in found:
        proxy = model.get_proxy(entity)  # cleans every value by its property type
        assert proxy.to_dict()["properties"] == entity["properties"], entity
        assert proxy.schema.name == entity["schema"]
        for prop, value in proxy.itervalues():
            if prop.type.name == "entity":
                assert value in ids, (entity["schema"], prop.name)
        for name in proxy.schema.required:
            assert proxy.has(name), (entity["schema"], name)
        schemata[proxy.schema.name] += 1
    assert set(schemata) == {
        "PublicBody", "Company", "Contract", "ContractAward", "Asset", "Ownership", "UnknownLink"
    }  # fmt: skip
    awarded = sum(
        (Decimal(e["properties"]["amount"][0]) for e in found if e["schema"] == "ContractAward"),
        Decimal(0),
    )
    assert awarded == TOTAL
    ice = next(e for e in found if e["id"] == entity_id("agency:7012"))
    assert ice["properties"]["parent"] == [entity_id("agency:070")]
    assert ice["properties"]["publisher"] == [
        "USAspending.gov (Bureau of the Fiscal Service, US Treasury)"
    ]
    assert ice["properties"]["notes"][0].startswith("whosbehind citations: c")


def test_ftm_ids_are_stable_across_exports(ice_graph: Graph) -> None:
    first = [e["id"] for e in entities(ice_graph)]
    assert first == [e["id"] for e in entities(ice_graph)]
    assert all(i.startswith("wb-") and len(i) == 43 for i in first)


@pytest.mark.parametrize("kind", ["gexf", "graphml"])
def test_networkx_reads_the_gephi_formats(ice_graph: Graph, tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"ice.{kind}"
    (write_gexf if kind == "gexf" else write_graphml)(ice_graph, out)
    graph = nx.read_gexf(out) if kind == "gexf" else nx.read_graphml(out)
    assert graph.is_directed()
    assert graph.number_of_nodes() == len(ice_graph.nodes)
    assert graph.number_of_edges() == len(ice_graph.edges)
    per_year: Counter[int] = Counter()
    money = Decimal(0)
    for _, _, data in graph.edges(data=True):
        if data["kind"] == "obligated":
            money += Decimal(data["amount"])
            per_year[data["fiscal_year"]] += 1
            assert data["weight"] == float(data["amount"]) and data["citations"].startswith("c")
    assert money == TOTAL and set(per_year) == set(range(2013, 2019))
    ice = graph.nodes["agency:7012"]
    assert ice["kind"] == "public_body" and "Immigration" in ice["label"]
    letters = [d for _, _, d in graph.edges(data=True) if d["kind"] == "authorized"]
    assert letters and all("valid_from" in d or "ato_kind" in d for d in letters)


def test_sqlite_opens_with_foreign_keys_and_sums_to_the_cent(
    ice_graph: Graph, tmp_path: Path
) -> None:
    out = tmp_path / "ice.sqlite"
    write_sqlite(ice_graph, out)
    with pytest.raises(UsageError, match="exists"):
        write_sqlite(ice_graph, out)
    connection = sqlite3.connect(out)
    try:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        by_year = dict(connection.execute("SELECT fiscal_year, cents FROM money_by_fiscal_year"))
        from_files, _ = totals_2018()
        assert {y: Decimal(c) / 100 for y, c in by_year.items()} == from_files
        exact = connection.execute(
            "SELECT amount FROM edges WHERE kind = 'paid_to' AND amount IS NOT NULL"
        ).fetchall()
        assert sum((Decimal(a) for (a,) in exact), Decimal(0)) == TOTAL
        counts = dict(connection.execute("SELECT kind, count(*) FROM nodes GROUP BY kind"))
        assert counts == {
            k.split(".")[1]: v for k, v in ice_graph.counts().items() if k.startswith("nodes.")
        }
        meta = dict(connection.execute("SELECT key, value FROM metadata"))
        assert meta["company_grouping"] == "identifiers-and-name-key"
        indexes = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert {"edges_source", "edges_target", "edges_kind_year"} <= indexes
        cited = connection.execute(
            "SELECT count(*) FROM edge_citations ec JOIN citations c ON c.id = ec.citation_id"
        ).fetchone()[0]
        assert cited == sum(len(e.citations) for e in ice_graph.edges.values())
    finally:
        connection.close()


def test_csv_and_parquet_tables(ice_graph: Graph, tmp_path: Path) -> None:
    names = [p.name for p in write_csv(ice_graph, tmp_path / "csv")]
    assert names == ["nodes.csv", "edges.csv", "citations.csv", "metadata.json"]
    with (tmp_path / "csv" / "edges.csv").open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == len(ice_graph.edges)
    assert (
        sum((Decimal(r["amount"]) for r in rows if r["kind"] == "obligated"), Decimal(0)) == TOTAL
    )
    with (tmp_path / "csv" / "citations.csv").open(newline="", encoding="utf-8") as stream:
        assert {r["id"] for r in csv.DictReader(stream)} == set(ice_graph.citations)
    write_parquet(ice_graph, tmp_path / "parquet")
    edges = pq.read_table(tmp_path / "parquet" / "edges.parquet").to_pylist()
    assert sum((r["amount"] for r in edges if r["kind"] == "paid_to"), Decimal(0)) == TOTAL
    nodes = pq.read_table(tmp_path / "parquet" / "nodes.parquet")
    assert nodes.num_rows == len(ice_graph.nodes)
    metadata = json.loads((tmp_path / "parquet" / "metadata.json").read_text())
    assert metadata["obligated"] == str(TOTAL)
