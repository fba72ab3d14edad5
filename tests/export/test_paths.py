"""Chains between two entities of ICE's supply-chain graph (FY13-FY18 contracts, FedRAMP)."""

from __future__ import annotations

import json
from decimal import Decimal
from itertools import islice

import networkx as nx
import pytest

from whosbehind.errors import NotFoundError, UsageError
from whosbehind.export.graph import Graph
from whosbehind.export.paths import PathResult, find_paths, resolve_node, supply_chain_paths
from whosbehind.store.citations import find_citation
from whosbehind.store.engine import Engine

AMAZON = "company:uei:NQEWN6C1LSU5"  # the FedRAMP provider "Amazon" (AWS GovCloud, US East/West)
GOVCLOUD = "offering:F1603047866"


def undirected(graph: Graph) -> nx.Graph:
    found: nx.Graph = nx.Graph()
    found.add_edges_from((e.source, e.target) for e in graph.edges.values() if e.source != e.target)
    return found


@pytest.fixture(scope="module")
def ice_to_amazon(ice_graph: Graph) -> PathResult:
    return find_paths(ice_graph, "7012", "Amazon", max_hops=8, limit=20)


def test_every_hop_is_an_edge_of_the_graph_with_its_real_direction(
    ice_to_amazon: PathResult, ice_graph: Graph
) -> None:
    assert ice_to_amazon.source.id == "agency:7012" and ice_to_amazon.target.id == AMAZON
    assert len(ice_to_amazon.chains) == 20
    for chain in ice_to_amazon.chains:
        assert chain.nodes[0] == "agency:7012" and chain.nodes[-1] == AMAZON
        assert len(set(chain.nodes)) == len(chain.nodes)  # simple
        for hop, start, end in zip(chain.hops, chain.nodes, chain.nodes[1:], strict=False):
            assert len(chain.hops) == len(chain.nodes) - 1
            assert (hop.start, hop.end) == (start, end) and hop.edges
            between = {
                e.id for e in ice_graph.edges.values() if {e.source, e.target} == {start, end}
            }
            assert {edge.id for edge in hop.edges} == between  # every edge of the pair
            for edge in hop.edges:
                stored = ice_graph.edges[edge.id]
                assert (edge.kind, edge.source, edge.target) == (
                    stored.kind, stored.source, stored.target,
                )  # fmt: skip
                assert edge.forward == (stored.source == start)
                assert edge.amount == stored.amount and edge.fiscal_year == stored.fiscal_year
                assert edge.citations and set(edge.citations) == stored.citations
    first = ice_to_amazon.chains[0]
    assert first.nodes == ("agency:7012", GOVCLOUD, AMAZON)
    authorized, provides = first.hops
    assert {e.kind for e in authorized.edges} == {"authorized"}
    assert all(e.forward and e.valid_from for e in authorized.edges)  # ICE -> AWS GovCloud
    assert [(e.kind, e.forward) for e in provides.edges] == [("provides", False)]


def test_citations_of_the_chains_resolve_in_the_stored_records(
    ice_to_amazon: PathResult, ice_graph: Graph, chain: Engine
) -> None:
    used = {c for chain in ice_to_amazon.chains for h in chain.hops for e in h.edges
            for c in e.citations}  # fmt: skip
    used |= {c for node in ice_to_amazon.nodes.values() for c in node.citations}
    assert used == set(ice_to_amazon.citations)
    for citation_id in sorted(used):  # no registration: the store is opened read-only
        assert find_citation(chain, citation_id) == ice_graph.citations[citation_id]


def test_shortest_first_as_networkx_counts_them(
    ice_to_amazon: PathResult, ice_graph: Graph
) -> None:
    reference = undirected(ice_graph)
    lengths = [len(chain.hops) for chain in ice_to_amazon.chains]
    assert lengths == sorted(lengths)
    expected = [len(p) - 1 for p in islice(nx.shortest_simple_paths(reference, "agency:7012",
                                                                   AMAZON), 20)]  # fmt: skip
    assert lengths == expected == [2] + [3] * 19
    assert len({chain.nodes for chain in ice_to_amazon.chains}) == 20


def test_max_hops_is_respected(ice_graph: Graph) -> None:
    two = find_paths(ice_graph, "agency:7012", AMAZON, max_hops=2, limit=10)
    assert [chain.nodes for chain in two.chains] == [("agency:7012", GOVCLOUD, AMAZON)]
    assert find_paths(ice_graph, "agency:7012", AMAZON, max_hops=1).chains == []
    three = find_paths(ice_graph, "agency:7012", AMAZON, max_hops=3, limit=500)
    assert three.chains and all(len(chain.hops) <= 3 for chain in three.chains)
    reference = undirected(ice_graph)
    within = sum(1 for _ in nx.all_simple_paths(reference, "agency:7012", AMAZON, cutoff=3))
    assert len(three.chains) == within  # every chain of at most 3 hops, no more
    with pytest.raises(UsageError, match="at least 1"):
        find_paths(ice_graph, "7012", "Amazon", max_hops=0)


def test_a_money_chain_from_an_award_to_the_infrastructure_provider(ice_graph: Graph) -> None:
    result = find_paths(ice_graph, "HSCETE14F00057", "Amazon", max_hops=4, limit=20)
    award = result.source.id
    assert result.chains[0].nodes == (award, "agency:7012", GOVCLOUD, AMAZON)  # via who paid
    chain = next(c for c in result.chains if c.nodes[1] != "agency:7012")
    labels = [result.nodes[node].label for node in chain.nodes]
    assert labels == ["HSCETE14F00057", "CONCUR TECHNOLOGIES, INC.",
                      "Concur Cloud for Public Sector", "AWS GovCloud", "Amazon"]  # fmt: skip
    paid = chain.hops[0]
    assert {e.kind for e in paid.edges} == {"paid_to"} and all(e.forward for e in paid.edges)
    stored = sum(
        (e.amount or Decimal(0) for e in ice_graph.edges.values()
         if e.kind == "paid_to" and (e.source, e.target) == (chain.nodes[0], chain.nodes[1])),
        Decimal(0),
    )  # fmt: skip
    assert paid.money == stored > 0 and chain.money == stored
    assert {e.fiscal_year for e in paid.edges} <= set(range(2013, 2019))
    assert [e.kind for hop in chain.hops[1:] for e in hop.edges] == [
        "provides", "runs_on", "provides",
    ]  # fmt: skip


def test_the_json_round_trips(ice_to_amazon: PathResult) -> None:
    data = json.loads(json.dumps(ice_to_amazon.to_json()))
    assert PathResult.from_json(data) == ice_to_amazon
    step = data["chains"][0]["steps"][0]
    assert step["edges"][0]["kind"] == "authorized" and step["edges"][0]["direction"] == "forward"
    assert step["edges"][0]["valid_from"] and data["citations"][step["edges"][0]["citations"][0]]


def test_entities_resolve_like_the_graph_nodes(ice_graph: Graph) -> None:
    for query, node_id in (
        ("7012", "agency:7012"),
        ("ICE", "agency:7012"),
        ("Department of Homeland Security", "agency:070"),
        ("F1603047866", GOVCLOUD),
        ("aws govcloud", GOVCLOUD),
        ("362130952", "company:duns:362130952"),  # DUNS of PALANTIR TECHNOLOGIES INC.
        ("Palantir Technologies", "company:duns:362130952"),  # name key
        ("NQEWN6C1LSU5", AMAZON),
        (AMAZON, AMAZON),
    ):
        assert resolve_node(ice_graph, query).id == node_id, query
    with pytest.raises(UsageError) as ambiguous:
        resolve_node(ice_graph, "Palantir")
    assert "company:duns:362130952" in str(ambiguous.value)
    assert "company:duns:825284321" in str(ambiguous.value)  # PALANTIR USG, INC.
    with pytest.raises(NotFoundError, match=r"close: .*AWS GovCloud"):
        resolve_node(ice_graph, "AWS GovClod")
    with pytest.raises(UsageError, match="same node"):
        find_paths(ice_graph, "ICE", "7012")


def test_the_graph_is_the_agency_s_when_one_end_is_an_agency(chain: Engine) -> None:
    result = supply_chain_paths(chain, "Amazon", "7012", max_hops=2)
    assert result.scope["agency"]["subtier_codes"] == ["7012"]
    assert [chain.nodes for chain in result.chains] == [(AMAZON, GOVCLOUD, "agency:7012")]
    assert result.chains[0].hops[0].edges[0].forward  # Amazon provides AWS GovCloud


def test_the_whole_store_links_an_ice_award_to_palantir_s_cloud_and_amazon(
    chain: Engine,
) -> None:
    result = supply_chain_paths(chain, "HSCETC15C00001", "Amazon", agency="*", max_hops=4, limit=40)
    assert result.scope["agency"] is None and result.scope["graph"]["nodes"] > 7000
    via_palantir = [c for c in result.chains if c.nodes[1] == "company:duns:362130952"]
    assert via_palantir and all(len(c.hops) == 4 for c in via_palantir)
    for found in via_palantir:  # award -> PALANTIR -> its FedRAMP offering -> AWS -> Amazon
        labels = [result.nodes[node].label for node in found.nodes]
        assert labels[1] == "PALANTIR TECHNOLOGIES INC." and labels[-1] == "Amazon"
        assert labels[2].startswith("Palantir Federal Cloud Service")
        assert labels[3] in {"AWS GovCloud", "AWS US East/West"}
        steps = [(e.kind, e.forward) for hop in found.hops for e in hop.edges[:1]]
        assert steps == [("paid_to", True), ("provides", True), ("runs_on", True),
                         ("provides", False)]  # fmt: skip
        assert found.money == found.hops[0].money > 0


def test_ice_s_own_graph_links_ice_s_palantir_award_to_palantir_s_cloud_and_amazon(
    chain: Engine,
) -> None:
    """The chain of issue 5 inside ICE's graph: award -> Palantir -> Palantir's FedRAMP offering
    (which ICE itself did not authorize) -> AWS -> Amazon."""
    result = supply_chain_paths(
        chain, "HSCETC15C00001", "Amazon", agency="7012", max_hops=4, limit=40
    )
    assert result.scope["agency"] is not None
    via_palantir = [c for c in result.chains if c.nodes[1] == "company:duns:362130952"]
    assert via_palantir
    for found in via_palantir:
        labels = [result.nodes[node].label for node in found.nodes]
        assert labels[2].startswith("Palantir Federal Cloud Service") and labels[-1] == "Amazon"
        kinds = [hop.edges[0].kind for hop in found.hops]
        assert kinds == ["paid_to", "provides", "runs_on", "provides"]
