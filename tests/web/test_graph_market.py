"""The graph, path and market pages: money on the graph's edges against the contract files,
chains with cited hops, shares and concentration against the library's answers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from tests.support.contracts import rows_2018
from tests.web.conftest import Ask
from whosbehind.analysis.fedramp.share import fedramp_share
from whosbehind.model.timeutil import now_utc
from whosbehind.resolve.registry import lookup

HTML = {"accept": "text/html"}


def _fiscal_year(text: str) -> int:
    _, month, year = (int(part) for part in text.split("/"))
    return year + 1 if month >= 10 else year


def test_graph_edges_carry_the_money_the_files_give(client: TestClient, ask: Ask[Any]) -> None:
    palantir = ask(lambda e: lookup(e, "PALANTIR TECHNOLOGIES INC."))[0]
    per_year: defaultdict[int, Decimal] = defaultdict(Decimal)
    for row in rows_2018():
        if row["recipient_name"].upper().startswith("PALANTIR TECHNOLOGIES"):
            per_year[_fiscal_year(row["action_date"])] += Decimal(row["federal_action_obligation"])
    view = client.get("/api/agency/7012/graph", params={"limit": 500}).json()
    nodes = {n["id"]: n for n in view["nodes"]}
    (edge,) = [
        e
        for e in view["edges"]
        if e["kind"] == "money" and nodes[e["target"]]["url"] == f"/company/{palantir}"
    ]
    assert Decimal(edge["amount"]) == sum(per_year.values())
    assert {int(y): Decimal(a) for y, a in edge["fiscal_years"].items()} == per_year
    year = max(per_year)
    only = client.get(
        "/api/agency/7012/graph", params={"fiscal_year": year, "kind": "money", "limit": 500}
    ).json()
    assert {e["kind"] for e in only["edges"]} == {"money"}
    (edge,) = [e for e in only["edges"] if e["target"] == edge["target"]]
    assert Decimal(edge["amount"]) == per_year[year]
    page = client.get("/agency/7012/graph", headers=HTML).text
    assert 'id="graph"' in page and "/static/graph.js" in page and f"/company/{palantir}" in page


def test_graph_downloads(client: TestClient) -> None:
    gexf = client.get("/api/agency/7012/graph", params={"format": "gexf"})
    assert gexf.status_code == 200 and "attachment" in gexf.headers["content-disposition"]
    root = ET.fromstring(gexf.content)
    assert root.tag.endswith("gexf") and len(root.findall(".//{*}node")) > 100
    ftm = client.get("/api/agency/7012/graph", params={"format": "ftm"})
    entities = [json.loads(line) for line in ftm.text.splitlines()]
    assert {"PublicBody", "Company", "Contract"} <= {e["schema"] for e in entities}


def test_path_from_ice_to_palantir_cites_every_hop(client: TestClient) -> None:
    found = client.get("/api/path", params={"a": "7012", "b": "Palantir Technologies"}).json()
    assert found["chains"] and found["chains"][0]["hops"] == 2
    for chain in found["chains"]:
        for step in chain["steps"]:
            assert all(edge["citations"] for edge in step["edges"])
    page = client.get("/path", params={"a": "7012", "b": "Palantir Technologies"}, headers=HTML)
    assert page.status_code == 200 and page.text.count("Chain ") == len(found["chains"])


def test_market_shares_and_concentration(client: TestClient, ask: Ask[Any]) -> None:
    expected = ask(
        lambda e: fedramp_share(e, now_utc(), None, "offerings", "direct", None, "auto", "provider")
    )
    data = client.get(
        "/api/market/share", params={"measure": "offerings", "attribution": "direct", "top": 200}
    ).json()
    assert data["total"] == expected.total and data["hhi"] == expected.hhi
    assert [(r["provider"], r["count"]) for r in data["rows"]] == [
        (r.provider, r.count) for r in expected.rows[:200]
    ]
    page = client.get(
        "/market", params={"measure": "offerings", "attribution": "direct"}, headers=HTML
    ).text
    assert f"HHI {expected.hhi:,.0f}" in page and expected.rows[0].provider in page
    spending = client.get("/api/market/spending", params={"by": "recipient"}).json()
    per_year: defaultdict[int, Decimal] = defaultdict(Decimal)
    for row in rows_2018():
        per_year[_fiscal_year(row["action_date"])] += Decimal(row["federal_action_obligation"])
    assert {y["fiscal_year"]: Decimal(y["total"]) for y in spending["years"]} == per_year
    csv = client.get("/market", params={"download": "share", "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv") and "share" in csv.text
