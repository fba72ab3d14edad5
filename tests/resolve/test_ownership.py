"""Ownership edges from ICE's FY13-FY18 contract records, SEC registrants and judgements."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA
from tests.support.orgs import cluster, contract_records
from whosbehind.model.orgs import Judgement, OrgRecord, OwnershipEdge, RecordRef
from whosbehind.resolve.org_index import OrgIndex, record_name, shown_name
from whosbehind.resolve.ownership import build_edges, build_ownership
from whosbehind.resolve.refs import RefIndex, judgement_records
from whosbehind.resolve.ultimate import OwnershipIndex, parent_of, ultimate_parent
from whosbehind.sources.sec.company_tickers import sec_org_records
from whosbehind.store.engine import Engine

DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def ice_records(ice_store: Path) -> list[OrgRecord]:
    engine = Engine(ice_store, read_only=True)
    try:
        return contract_records(engine) + sec_org_records(SHARED_DATA / "sec")
    finally:
        engine.close()


@pytest.fixture(scope="module")
def ice_orgs(ice_records: list[OrgRecord]) -> dict[str, str]:
    return cluster(ice_records)


def _statements(records: list[OrgRecord], duns: str) -> list[OrgRecord]:
    return sorted(
        (r for r in records if r.duns == duns and r.first_seen),
        key=lambda r: r.first_seen or dt.date.min,
    )


def _parent_of_record(record: OrgRecord, index: OrgIndex) -> str | None:
    return index.org_for_statement(record.parent_name, record.parent_duns, record.parent_uei)


def test_palantir_usg_rolls_up_to_palantir_technologies_from_the_year_it_said_so(
    ice_records: list[OrgRecord], ice_orgs: dict[str, str]
) -> None:
    index = OrgIndex(ice_records, ice_orgs)
    usg = index.best(RecordRef("name", "PALANTIR USG, INC."))
    assert usg is not None
    statements = _statements(
        ice_records,
        duns=next(r.duns for r in ice_records if r.name == "PALANTIR USG, INC." and r.duns) or "",
    )
    named = [(r.first_seen or dt.date.min, _parent_of_record(r, index)) for r in statements]
    others = [(day, parent) for day, parent in named if parent not in (None, usg)]
    selves = [day for day, parent in named if parent == usg]
    assert others and selves and max(selves) < min(day for day, _ in others)  # self first
    first_other_day, technologies = min(others, key=lambda pair: pair[0])
    assert technologies is not None
    assert index.display_name(technologies).upper().startswith("PALANTIR TECHNOLOGIES")
    edges = build_edges(ice_records, ice_orgs, [])
    assert ultimate_parent(edges, usg, max(selves)) == usg
    assert ultimate_parent(edges, usg, first_other_day - DAY) == usg
    assert ultimate_parent(edges, usg, first_other_day) == technologies
    edge = parent_of(edges, usg, first_other_day + 365 * DAY)
    assert edge is not None and edge.basis == "reported" and "PALANTIR TECHNOLOGIES" in edge.detail


def test_west_publishing_names_itself_with_another_duns_and_rolls_up_to_that_duns_holder(
    ice_records: list[OrgRecord], ice_orgs: dict[str, str]
) -> None:
    """West reports its own name as parent with DUNS 251100749 (The Thomson Company in the
    analysts' vendor_decorations.csv): its parent is whoever holds that DUNS, then Thomson
    Reuters from the date a judgement says so."""
    index = OrgIndex(ice_records, ice_orgs)
    west_records = [
        r for r in ice_records if r.name == "WEST PUBLISHING CORPORATION" and r.first_seen
    ]
    assert west_records and all(r.parent_name == r.name for r in west_records)
    assert {r.parent_duns for r in west_records} == {"251100749"}
    west = ice_orgs[west_records[0].record_key]
    holder = index.best(RecordRef("duns", "251100749"))
    assert holder is not None and holder != west
    days = sorted(d for r in west_records for d in (r.first_seen, r.last_seen) if d)
    edges = build_edges(ice_records, ice_orgs, [])
    (edge,) = [e for e in edges if west in (e.child_id, e.parent_id)]
    assert (edge.parent_id, edge.child_id, edge.basis) == (holder, west, "reported")
    assert (edge.valid_from, edge.valid_to) == (days[0], None)
    assert "identified by its DUNS 251100749 alone" in edge.detail
    thomson = index.best(RecordRef("cik", "1075124"))
    assert thomson is not None and index.display_name(thomson) == "THOMSON REUTERS CORP"
    judged_from = days[len(days) // 2]
    judgement = Judgement(
        "parent-of",
        RecordRef("cik", "0001075124"),
        RecordRef("duns", west_records[0].duns or ""),
        valid_from=judged_from,
        source="Thomson Reuters annual report",
        file="judgements.tsv",
        line=3,
    )
    edges = build_edges(ice_records, ice_orgs, [judgement])
    assert ultimate_parent(edges, west, days[0] - DAY) == west
    assert ultimate_parent(edges, west, days[0]) == holder
    assert ultimate_parent(edges, west, judged_from - DAY) == holder
    for day in days:
        if day >= judged_from:
            assert ultimate_parent(edges, west, day) == thomson
    judged = parent_of(edges, west, judged_from)
    assert judged is not None and judged.basis == "judgement"
    assert judged.citation == "judgements.tsv:3"


def test_a_judgement_overrides_the_reported_parent_only_where_it_holds(
    ice_records: list[OrgRecord], ice_orgs: dict[str, str]
) -> None:
    index = OrgIndex(ice_records, ice_orgs)
    child = next(r for r in ice_records if r.name == "AMAZON.COM LLC" and r.first_seen)
    assert child.first_seen is not None
    org = ice_orgs[child.record_key]
    reported = _parent_of_record(child, index)
    sec_amazon = index.best(RecordRef("cik", "1018724"))
    assert reported not in (None, org, sec_amazon) and sec_amazon is not None
    start, end = child.first_seen - 30 * DAY, child.first_seen + 30 * DAY
    judgement = Judgement(
        "parent-of", RecordRef("cik", "1018724"), RecordRef("duns", child.duns or ""), start, end
    )
    edges = build_edges(ice_records, ice_orgs, [judgement])
    assert ultimate_parent(edges, org, child.first_seen) == sec_amazon
    assert ultimate_parent(edges, org, end) == reported
    assert ultimate_parent(edges, org, start - DAY) == org
    kinds = {(e.basis, e.valid_from, e.valid_to) for e in edges if e.child_id == org}
    assert kinds == {("judgement", start, end), ("reported", end, None)}


def test_reported_edges_come_from_statements_and_never_overlap(
    ice_records: list[OrgRecord], ice_orgs: dict[str, str]
) -> None:
    index = OrgIndex(ice_records, ice_orgs)
    edges = build_edges(ice_records, ice_orgs, [], index.lookup)
    assert edges and all(e.basis == "reported" for e in edges)
    stated: defaultdict[tuple[str, str], set[dt.date]] = defaultdict(set)
    for record in ice_records:
        parent = _parent_of_record(record, index)
        if parent and record.record_key in ice_orgs:
            days = {d for d in (record.first_seen, record.last_seen) if d}
            stated[(parent, ice_orgs[record.record_key])] |= days
    by_child: defaultdict[str, list[OwnershipEdge]] = defaultdict(list)
    for edge in edges:
        assert edge.parent_id != edge.child_id
        assert edge.valid_from in stated[(edge.parent_id, edge.child_id)]
        by_child[edge.child_id].append(edge)
    for found in by_child.values():
        found.sort(key=lambda e: e.valid_from or dt.date.min)
        for before, after in itertools.pairwise(found):
            assert before.valid_to is not None and after.valid_from is not None
            assert before.valid_to <= after.valid_from
    index_edges = OwnershipIndex(edges)
    assert all(not index_edges.chain(child, dt.date(2018, 9, 30)).cycle for child in by_child)


def test_name_clauses_make_edges_at_the_lowest_precedence(
    ice_records: list[OrgRecord], ice_orgs: dict[str, str]
) -> None:
    parent_name = "PALANTIR TECHNOLOGIES INC."
    clause = OrgRecord(
        "test:clause",
        "usaspending",
        f"BLUE RIDGE ANALYTICS LLC, A WHOLLY-OWNED SUBSIDIARY OF {parent_name}",
        first_seen=dt.date(2016, 1, 4),
        citation="fy16.csv#clause",
    )
    records = [*ice_records, clause]
    orgs = {**ice_orgs, clause.record_key: "org:test-clause"}
    edges = build_edges(records, orgs, [])
    technologies = OrgIndex(records, orgs).best(RecordRef("name", parent_name))
    assert parent_of(edges, "org:test-clause", dt.date(2016, 1, 3)) is None
    edge = parent_of(edges, "org:test-clause", dt.date(2016, 1, 4))
    assert edge is not None and edge.basis == "name-clause" and edge.parent_id == technologies


def test_judgements_on_unknown_references_are_noted_not_used(
    ice_records: list[OrgRecord], ice_orgs: dict[str, str]
) -> None:
    unknown = Judgement(
        "parent-of",
        RecordRef("duns", "000000001"),
        RecordRef("name", "WEST PUBLISHING CORPORATION"),
        file="j.tsv",
        line=9,
    )
    built = build_ownership(ice_records, ice_orgs, [unknown])
    assert all(e.basis == "reported" for e in built.edges)
    assert built.notes == ["j.tsv:9: duns:000000001 is in no organization; parent-of not used"]


def _self_named(key: str, name: str, duns: str, parent_duns: str, **more: object) -> OrgRecord:
    return OrgRecord(
        key,
        "usaspending",
        name,
        duns=duns,
        parent_name=name.upper(),
        parent_duns=parent_duns,
        first_seen=dt.date(2015, 3, 2),
        last_seen=dt.date(2016, 5, 1),
        citation=f"fy15.csv#{key}",
        **more,  # type: ignore[arg-type]
    )


def test_a_parent_under_the_child_s_own_name_is_whoever_holds_its_duns_or_uei() -> None:
    """Sisters that give their own names as parent with one parent DUNS roll up to its holder
    (a nameless record of that DUNS); a self-named parent whose identifiers are the child's own,
    held by the child's org, held by no org, or known by no name and stated by that one child
    alone (its own headquarters number) is no parent, and is never looked up by name."""
    records = [
        _self_named("u:twc", "Time Warner Cable Inc.", "075165949", "150776503"),
        _self_named("u:twe", "Time Warner Entertainment Company, L.P.", "962685736", "150776503"),
        OrgRecord("p:150776503", "usaspending", "", duns="150776503"),
        _self_named("u:harris", "Harris Corporation", "021715206", "004203337"),
        OrgRecord("p:harris", "usaspending", "HARRIS CORPORATION", duns="004203337"),
        _self_named("u:acme", "Acme Inc", "111111111", "222222222"),
        OrgRecord("u:other-acme", "usaspending", "ACME INC", duns="333333333"),
        _self_named("u:own", "Own Duns LLC", "444444444", "444444444"),
        _self_named("u:both", "Both Ids LLC", "555555555", "666666666", parent_uei="UEIHOLDER01"),
        _self_named("u:both2", "Other Ids LLC", "777777777", "666666666", parent_uei="UEIHOLDER01"),
        OrgRecord("p:uei", "usaspending", "", uei="UEIHOLDER01"),
        OrgRecord("p:666666666", "usaspending", "", duns="666666666"),
        _self_named("u:mitre", "The Mitre Corporation", "007872690", "999999999"),
        OrgRecord("p:999999999", "usaspending", "", duns="999999999"),
    ]
    orgs = {r.record_key: f"org-{r.record_key}" for r in records}
    orgs["p:harris"] = orgs["u:harris"]  # one org, as the registry's name key makes it
    edges = build_edges(records, orgs, [])
    assert {(e.parent_id, e.child_id) for e in edges} == {
        ("org-p:150776503", "org-u:twc"),
        ("org-p:150776503", "org-u:twe"),
        ("org-p:uei", "org-u:both"),
        ("org-p:uei", "org-u:both2"),
    }
    twc = next(e for e in edges if e.child_id == "org-u:twc")
    assert (twc.basis, twc.valid_from, twc.valid_to) == ("reported", dt.date(2015, 3, 2), None)
    assert twc.detail.startswith(
        "parent identified by its DUNS 150776503 alone: the row named 'Time Warner Cable Inc.' "
        "itself as parent ('TIME WARNER CABLE INC.')"
    )
    assert twc.citation == "fy15.csv#u:twc"
    assert OrgIndex(records, orgs).display_name("org-p:150776503") == "DUNS 150776503"


def test_an_org_known_to_a_judgement_by_duns_is_named_by_its_records_not_the_number() -> None:
    """vendor_decorations.csv makes "duns:251100749" the same as "The Thomson Company": the
    judgement's record for the DUNS side carries the DUNS and no name. A registry written
    before holds it with the number as its name, which is no name either."""
    judgement = Judgement(
        "same", RecordRef("duns", "251100749"), RecordRef("name", "The Thomson Company")
    )
    by_duns, clean = sorted(
        judgement_records([judgement], RefIndex.build([])), key=lambda r: r.record_key
    )
    assert (by_duns.record_key, by_duns.name, by_duns.duns) == (
        "judgement:duns:251100749",
        "",
        "251100749",
    )
    assert record_name(by_duns) is None and record_name(clean) == "The Thomson Company"
    legacy = OrgRecord("judgement:duns:251100749", "judgement", "251100749", duns="251100749")
    assert record_name(legacy) is None
    # `org explain` shows a nameless record by its identifier
    assert [shown_name(r) for r in (by_duns, legacy, clean)] == [
        "DUNS 251100749",
        "DUNS 251100749",
        "The Thomson Company",
    ]
    for number in (by_duns, legacy):
        orgs = {number.record_key: "org-thomson", clean.record_key: "org-thomson"}
        index = OrgIndex([number, clean], orgs)
        assert index.display_name("org-thomson") == "The Thomson Company"
        assert index.lookup(RecordRef("duns", "251100749")) == ["org-thomson"]
        assert index.lookup(RecordRef("name", "251100749")) == []
        assert OrgIndex([number], orgs).display_name("org-thomson") == "DUNS 251100749"
    assert RefIndex.build([by_duns, legacy]).by_name == {}
