"""Parents reported under the recipient's own name, on the real ICE FY13-FY18 contracts: the row
says "owned by whoever holds this parent DUNS", so sisters reporting one such DUNS share a family
and stay separate organizations; ``whosbehind org`` lists no identifier as a name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.support.registry import build_contracts_and_fedramp
from whosbehind.model.orgs import Judgement, JudgementKind, OrgRecord, RecordRef
from whosbehind.resolve.clusters import IDENTIFIER_KINDS
from whosbehind.resolve.judgements import append_judgements
from whosbehind.resolve.org_view import org_view
from whosbehind.resolve.registry import lookup, org_names, org_of, ownership_edges, run_resolve
from whosbehind.resolve.registry_store import load_records
from whosbehind.resolve.ultimate import OwnershipIndex
from whosbehind.store.engine import Engine

END_FY18 = dt.date(2018, 9, 30)
# parent DUNS -> the recipients that report it under their own names
SISTERS = {
    "150776503": (
        "TIME WARNER CABLE INC.",
        "TIME WARNER CABLE ENTERPRISES LLC",
        "TIME WARNER ENTERTAINMENT COMPANY, L.P.",
    ),
    "338309115": ("CENTRAL LAKE ARMOR EXPRESS, INC.", "KDH DEFENSE SYSTEMS INC"),
    "627071103": ("POINT BLANK ENTERPRISES, INC.", "PROTECTIVE PRODUCTS ENTERPRISES, INC"),
    "611639688": ("CORP TEN INTERNATIONAL", "DTC COMMUNICATIONS, INC."),
}
_JUDGED: list[tuple[JudgementKind, str, str]] = [
    # vendor_decorations.csv:1094 names DUNS 251100749, West Publishing's parent DUNS
    ("same", "duns:251100749", "name:The Thomson Company"),
    ("same", "cik:1075124", "name:Thomson Reuters Corp"),
    ("parent-of", "cik:1075124", "name:The Thomson Company"),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp("self-named")
    path = build_contracts_and_fedramp(folder / "store.duckdb", fedramp=False)
    judgements = folder / "judgements.tsv"
    append_judgements(
        judgements,
        [
            Judgement(kind, RecordRef.parse(a), RecordRef.parse(b), source="test")
            for kind, a, b in _JUDGED
        ],
    )
    opened = Engine(path)
    run_resolve(opened, judgements_path=judgements)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def records(engine: Engine) -> list[OrgRecord]:
    return load_records(engine)[0]


def _org_of_name(records: list[OrgRecord], members: dict[str, str], name: str) -> str:
    (org,) = {members[r.record_key] for r in records if r.name == name}
    return org


@pytest.mark.parametrize("parent_duns", sorted(SISTERS))
def test_sisters_naming_themselves_roll_up_to_the_holder_of_their_parent_duns(
    engine: Engine, records: list[OrgRecord], parent_duns: str
) -> None:
    members = org_of(engine)
    (holder,) = lookup(engine, f"duns:{parent_duns}")
    assert org_names(engine, [holder]) == {holder: f"DUNS {parent_duns}"}
    # the holder is the nameless parent record alone: it joined no sister
    assert [r.name for r in records if members[r.record_key] == holder] == [""]
    sisters = {name: _org_of_name(records, members, name) for name in SISTERS[parent_duns]}
    assert len(set(sisters.values())) >= 2 and holder not in sisters.values()
    edges = ownership_edges(engine)
    index = OwnershipIndex(edges)
    for org in sisters.values():
        assert index.ultimate(org, END_FY18) == holder
        edge = index.parent_of(org, END_FY18)
        assert edge is not None and edge.basis == "reported"
        assert f"identified by its DUNS {parent_duns} alone" in edge.detail


def test_time_warner_entertainment_stays_apart_from_time_warner_cable(
    engine: Engine, records: list[OrgRecord]
) -> None:
    members = org_of(engine)
    entertainment = _org_of_name(records, members, "TIME WARNER ENTERTAINMENT COMPANY, L.P.")
    cable = {_org_of_name(records, members, n) for n in SISTERS["150776503"][:2]}
    assert entertainment not in cable


def test_nameless_parent_records_join_only_by_their_identifier(
    engine: Engine, records: list[OrgRecord]
) -> None:
    nameless = {r.record_key for r in records if r.record_key.startswith("usaspending-parent:")}
    nameless &= {r.record_key for r in records if not r.name}
    assert len(nameless) >= len(SISTERS)
    touching = engine.rows(
        "SELECT kind, count(*) AS n FROM org_evidence WHERE left_key IN (SELECT unnest(?)) "
        "OR right_key IN (SELECT unnest(?)) GROUP BY kind",
        [sorted(nameless), sorted(nameless)],
    )
    kinds = {row["kind"] for row in touching}
    assert "duns" in kinds and kinds <= {*IDENTIFIER_KINDS, "same"}  # "same": the judgement
    matched = engine.scalar(
        "SELECT count(*) FROM org_match WHERE left_key IN (SELECT unnest(?)) "
        "OR right_key IN (SELECT unnest(?))",
        [sorted(nameless), sorted(nameless)],
    )
    assert matched == 0


def test_west_publishing_rolls_up_through_its_parent_duns_to_thomson_reuters(
    engine: Engine, records: list[OrgRecord]
) -> None:
    members = org_of(engine)
    west = _org_of_name(records, members, "WEST PUBLISHING CORPORATION")
    (thomson_company,) = lookup(engine, "duns:251100749")
    (reuters,) = lookup(engine, "cik:1075124")
    assert org_names(engine, [thomson_company, reuters]) == {
        thomson_company: "The Thomson Company",
        reuters: "Thomson Reuters Corp",
    }
    view = org_view(engine, west, END_FY18, ownership_edges(engine))
    assert [link.org_id for link in view.parents] == [thomson_company, reuters]
    assert [link.basis for link in view.parents] == ["reported", "judgement"]
    assert view.ultimate_parent_name == "Thomson Reuters Corp"


def test_org_view_lists_no_identifier_as_a_name(engine: Engine) -> None:
    edges = ownership_edges(engine)
    (reuters,) = lookup(engine, "cik:1075124")
    view = org_view(engine, reuters, END_FY18, edges)
    assert view.name == "Thomson Reuters Corp"
    assert [(n.name, n.source) for n in view.names] == [("Thomson Reuters Corp", "judgement")]
    assert view.identifiers == {"cik": ["0001075124"]}  # as SEC writes it
    (thomson_company,) = lookup(engine, "duns:251100749")
    view = org_view(engine, thomson_company, END_FY18, edges)
    assert [n.name for n in view.names] == ["The Thomson Company"]
    assert view.identifiers == {"duns": ["251100749"]}
    (holder,) = lookup(engine, "duns:150776503")
    view = org_view(engine, holder, END_FY18, edges)
    assert (view.name, view.names, view.identifiers) == (
        "DUNS 150776503",
        [],
        {"duns": ["150776503"]},
    )
    assert {s.name for s in view.subsidiaries} >= {"TIME WARNER ENTERTAINMENT COMPANY, L.P."}
