"""Drawings of the supply-chain graph: valid PNG and SVG files with the expected labels."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from whosbehind.errors import UsageError
from whosbehind.export.build import build_graph
from whosbehind.export.graph import Graph
from whosbehind.export.graph_plot import agency_graph, plot_agency_graph, plot_paths
from whosbehind.export.paths import find_paths
from whosbehind.store.engine import Engine

PNG = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def test_the_chains_as_png_and_svg(ice_graph: Graph, tmp_path: Path) -> None:
    result = find_paths(ice_graph, "7012", "Amazon", limit=4)
    png = plot_paths(result, tmp_path / "chains.png")
    assert png.read_bytes().startswith(PNG) and png.stat().st_size > 10_000
    texts = svg_texts(plot_paths(result, tmp_path / "out" / "chains.SVG"))
    assert {"AWS GovCloud", "Amazon", "authorized", "runs_on", "provides"} <= set(texts)
    assert any(text.startswith("U.S. Immigration and Customs Enfo") for text in texts)
    assert any("4 chain(s), at most 8 hops" in text for text in texts)
    assert any(text.startswith("Source: fedramp-marketplace") for text in texts)


def test_a_money_chain_has_its_money_on_the_arrow(ice_graph: Graph, tmp_path: Path) -> None:
    result = find_paths(ice_graph, "7012", "CONCUR TECHNOLOGIES", max_hops=2, limit=1)
    money = result.chains[0].hops[0].money
    assert money > 0
    texts = svg_texts(plot_paths(result, tmp_path / "concur.svg"))
    shown = f"${float(money) / 1e3:.1f}k" if money < 1_000_000 else f"${float(money) / 1e6:.1f}M"
    assert f"obligated {shown}" in texts and f"paid_to {shown}" in texts
    assert "CONCUR TECHNOLOGIES, INC." in texts


def test_the_agency_supply_chain(ice_graph: Graph, tmp_path: Path) -> None:
    texts = svg_texts(plot_agency_graph(ice_graph, tmp_path / "ice.svg", top=5))
    paid = [text for text in texts if text.startswith("paid $")]
    assert len(paid) == 5  # the top suppliers by money
    assert "THE GEO GROUP INC" in texts and "CORRECTIONS CORPORATION OF AMERICA" in texts
    assert "AWS GovCloud" in texts and "Amazon" in texts  # infrastructure and its provider
    assert {"authorized", "runs_on", "provides", "owns"} <= set(texts)
    assert any(text.startswith("Supply chain of U.S. Immigration and Customs") for text in texts)
    png = plot_agency_graph(ice_graph, tmp_path / "ice.png", top=5)
    assert png.read_bytes().startswith(PNG)
    with pytest.raises(UsageError, match=r"\.png or \.svg"):
        plot_agency_graph(ice_graph, tmp_path / "ice.pdf")


def test_two_clocks_contracts_newest_and_cloud_as_of_a_date(
    chain: Engine, ice_graph: Graph
) -> None:
    cloud_as_of = dt.datetime(2024, 6, 30, tzinfo=dt.UTC)
    graph = agency_graph(chain, "7012", None, cloud_as_of)
    assert graph.money_by_fiscal_year() == ice_graph.money_by_fiscal_year()
    cloud = build_graph(chain, cloud_as_of, "7012")
    kinds = ("authorized", "provides", "runs_on")
    assert {(e.kind, e.target) for e in graph.edges.values() if e.kind in kinds} == {
        (e.kind, e.target) for e in cloud.edges.values() if e.kind in kinds
    }
    assert graph.metadata["fedramp_snapshot"] == cloud.metadata["fedramp_snapshot"]
    # Microsoft, paid by ICE and provider of Azure: one node, as in the single-clock graph
    providers = {e.source for e in graph.edges.values() if e.kind == "provides"}
    assert "company:duns:081466849" in providers
    assert agency_graph(chain, "7012", None, None).counts() == ice_graph.counts()
