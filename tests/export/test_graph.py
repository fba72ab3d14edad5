"""The supply-chain graph on real data: ICE's FY13-FY18 contracts and the FedRAMP history."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.contracts import totals_2018
from whosbehind.analysis.agencies import resolve_agency
from whosbehind.analysis.contracts.awards import list_awards
from whosbehind.analysis.contracts.lines import Filters
from whosbehind.analysis.contracts.spending import spending
from whosbehind.errors import NotFoundError
from whosbehind.export.build import build_graph
from whosbehind.export.companies import FALLBACK, REGISTRY
from whosbehind.export.graph import EDGE_KINDS, NODE_KINDS, Graph
from whosbehind.store.engine import Engine
from whosbehind.store.orgs_ownership import create_ownership_table
from whosbehind.store.orgs_schema import create_org_tables

PALANTIR_DUNS = "362130952"  # PALANTIR TECHNOLOGIES INC. in the ICE files


def test_money_per_fiscal_year_is_the_store_total_and_the_files_total(
    ice_graph: Graph, chain: Engine
) -> None:
    by_year = spending(chain, "fiscal-year", Filters(resolve_agency(chain, "7012")))
    expected = {int(row.key): row.amount for row in by_year.rows}
    from_files, _ = totals_2018()
    assert expected == from_files
    assert ice_graph.money_by_fiscal_year("obligated") == expected
    assert ice_graph.money_by_fiscal_year("paid_to") == expected
    assert ice_graph.metadata["obligated"] == str(by_year.total) == "832205941.18"
    assert ice_graph.metadata["obligated_by_fiscal_year"]["2018"] == "343840113.41"


def test_awards_carry_their_obligations_and_orders_point_to_idvs_without_money(
    ice_graph: Graph, chain: Engine
) -> None:
    listed = list_awards(chain, Filters(resolve_agency(chain, "7012"))).rows
    awards = {n.id: n for n in ice_graph.nodes.values() if n.kind == "award"}
    for row in listed:
        node = awards[f"award:{row.award_key}"]
        assert node.attributes["obligated"] == row.obligated
        assert node.attributes["piid"] == row.award_id
    per_award = sum(
        (n.attributes.get("obligated") or Decimal(0) for n in awards.values()), Decimal(0)
    )
    assert per_award == Decimal("832205941.18")  # IDVs hold only their own obligations
    orders = [e for e in ice_graph.edges.values() if e.kind == "order_of"]
    assert orders and all(e.amount is None for e in orders)
    for edge in orders:
        assert ice_graph.nodes[edge.source].attributes["award_type"] == "order"
        assert ice_graph.nodes[edge.target].attributes["award_type"] == "idv"
    palantir = awards["award:CONT_IDV_HSCETC14C00002_7012"]
    assert palantir.attributes["obligated_by_fiscal_year"] == "FY2017=709653.84; FY2018=1344000.00"


def test_every_node_and_edge_is_cited_and_kinds_are_known(ice_graph: Graph) -> None:
    assert {n.kind for n in ice_graph.nodes.values()} == set(NODE_KINDS)
    assert {e.kind for e in ice_graph.edges.values()} <= set(EDGE_KINDS)
    for item in [*ice_graph.nodes.values(), *ice_graph.edges.values()]:
        assert item.citations, item
        assert item.citations <= set(ice_graph.citations)
    for citation_id, citation in ice_graph.citations.items():
        assert citation.id == citation_id and len(citation.content_hash) == 64
    for edge in ice_graph.edges.values():
        assert edge.source in ice_graph.nodes and edge.target in ice_graph.nodes


def test_ice_and_its_department_with_the_offerings_ice_authorized_or_its_contractors_provide(
    ice_graph: Graph, chain: Engine
) -> None:
    ice = ice_graph.nodes["agency:7012"]
    assert ice.label == "U.S. Immigration and Customs Enforcement"
    assert ice_graph.nodes["agency:070"].label == "Department of Homeland Security"
    assert any(e.kind == "part_of" and e.source == "agency:7012" for e in ice_graph.edges.values())
    authorized = [e for e in ice_graph.edges.values() if e.kind == "authorized"]
    assert authorized and {e.source for e in authorized} == {"agency:7012"}
    assert all(e.attributes["subagency_as_named"] for e in authorized)
    offerings = {n.id for n in ice_graph.nodes.values() if n.kind == "offering"}
    paid = {e.target for e in ice_graph.edges.values() if e.kind == "paid_to"}
    by_contractors = {
        e.target for e in ice_graph.edges.values() if e.kind == "provides" and e.source in paid
    }
    reached = {e.target for e in authorized} | by_contractors
    while True:  # the rest is what those run on
        more = {
            e.target
            for e in ice_graph.edges.values()
            if e.kind == "runs_on" and e.source in reached
        } - reached
        if not more:
            break
        reached |= more
    assert offerings == reached
    # a contractor's cloud that ICE itself did not authorize is in ICE's graph
    assert by_contractors - {e.target for e in authorized}
    snapshot = ice_graph.metadata["fedramp_snapshot"]
    assert isinstance(snapshot, dict) and snapshot["feed"] == "fedramp-marketplace"
    department = build_graph(chain, agency="Department of Homeland Security")
    assert department.money_by_fiscal_year() == ice_graph.money_by_fiscal_year()
    dhs_authorized = {e.source for e in department.edges.values() if e.kind == "authorized"}
    assert {"agency:7012", "agency:070"} <= dhs_authorized and len(dhs_authorized) > 3


def test_companies_grouped_by_identifiers_and_name_key_join_contracts_and_fedramp(
    ice_graph: Graph,
) -> None:
    assert ice_graph.metadata["company_grouping"] == FALLBACK
    palantir = ice_graph.nodes[f"company:duns:{PALANTIR_DUNS}"]
    assert palantir.label == "PALANTIR TECHNOLOGIES INC."
    kinds = {e.kind for e in ice_graph.edges.values() if palantir.id in (e.source, e.target)}
    assert {"paid_to", "owns"} <= kinds
    owned = [e for e in ice_graph.edges.values() if e.kind == "owns" and e.source == palantir.id]
    assert owned and all(e.attributes["basis"] == "reported" for e in owned)
    usg = ice_graph.nodes[owned[0].target]
    assert "PALANTIR USG" in usg.label
    assert owned[0].valid_from is not None and owned[0].valid_to is not None
    # a supplier paid by ICE that also provides FedRAMP offerings ICE authorized: one company
    paid = {e.target for e in ice_graph.edges.values() if e.kind == "paid_to"}
    provides = {e.source for e in ice_graph.edges.values() if e.kind == "provides"}
    microsoft = ice_graph.nodes["company:duns:081466849"]
    assert microsoft.id in paid & provides and "MICROSOFT" in microsoft.label
    assert "microsoft" in str(microsoft.attributes["name_keys"])


def test_as_of_picks_the_record_of_that_date(chain: Engine) -> None:
    graph = build_graph(chain, as_of=dt.datetime(2019, 6, 1, tzinfo=dt.UTC))
    snapshot = graph.metadata["fedramp_snapshot"]
    assert isinstance(snapshot, dict) and snapshot["feed"] == "fedramp-legacy"
    assert snapshot["record_time"] <= "2019-06-01"
    # the ICE files are dated by their rows (newest modification mid-2018), not by their copy
    assert [n for n in graph.nodes.values() if n.kind == "award"]
    assert [n for n in graph.nodes.values() if n.kind == "offering"]
    before = build_graph(chain, as_of=dt.datetime(2018, 6, 1, tzinfo=dt.UTC))
    assert not [n for n in before.nodes.values() if n.kind == "award"]
    with pytest.raises(NotFoundError, match="nothing to export"):
        build_graph(chain, as_of=dt.datetime(2010, 1, 1, tzinfo=dt.UTC))


def test_the_org_registry_groups_when_resolve_has_run(chain_store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "registry.duckdb"
    shutil.copy(chain_store, copy)
    engine = Engine(copy)
    try:
        create_org_tables(engine)
        create_ownership_table(engine)
        engine.execute(
            "INSERT INTO org_record (record_key, source, name, duns, name_key) VALUES "
            "('usaspending:a', 'usaspending', 'PALANTIR TECHNOLOGIES INC.', ?, "
            "'palantir technologies'),"
            "('usaspending:b', 'usaspending', 'PALANTIR USG, INC.', NULL, 'palantir usg')",
            [PALANTIR_DUNS],
        )
        engine.execute(
            "INSERT INTO org_member VALUES ('usaspending:a', 'o-palantir'), "
            "('usaspending:b', 'o-palantir')"
        )
        engine.execute("INSERT INTO org_run (run, records) VALUES (1, 2)")
        engine.execute(
            "INSERT INTO org_ownership VALUES ('o-holding', 'o-palantir', DATE '2015-01-01', "
            "NULL, 'judgement', 'analyst note', 'judgements.csv:2')"
        )
        graph = build_graph(engine, agency="7012")
    finally:
        engine.close()
    assert graph.metadata["company_grouping"] == REGISTRY
    palantir = graph.nodes["company:org:o-palantir"]
    assert f"company:duns:{PALANTIR_DUNS}" not in graph.nodes
    assert any(e.target == palantir.id and e.kind == "paid_to" for e in graph.edges.values())
    owns = [e for e in graph.edges.values() if e.kind == "owns" and e.target == palantir.id]
    assert [(e.source, e.valid_from) for e in owns] == [
        ("company:org:o-holding", dt.date(2015, 1, 1))
    ]
    assert graph.money_by_fiscal_year() == build_graph_total(chain_store)


def build_graph_total(path: Path) -> dict[int, Decimal]:
    engine = Engine(path, read_only=True)
    try:
        result = spending(engine, "fiscal-year", Filters(resolve_agency(engine, "7012")))
        return {int(row.key): row.amount for row in result.rows}
    finally:
        engine.close()
