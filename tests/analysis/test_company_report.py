"""The company report on real records (the store of test_agency_report: ICE contracts FY13-FY18,
the agency list, FedRAMP legacy snapshots of the end of 2017 and 2019). Expected values are
computed from the same files with csv/json and Decimal."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.analysis.test_agency_report import at, legacy_on, report_store
from tests.support.contracts import rows_2018
from whosbehind.analysis.reports.company import company_report
from whosbehind.analysis.reports.company_identity import (
    CompanyIdentity,
    _parent_key,
    _relations,
    candidates,
)
from whosbehind.analysis.reports.money import fetch_lines
from whosbehind.analysis.reports.rollup import display_name
from whosbehind.errors import NotFoundError
from whosbehind.store.engine import Engine

__all__ = ["report_store"]  # the session fixture, shared
PALANTIRS = {"PALANTIR TECHNOLOGIES INC.", "PALANTIR USG, INC."}


@pytest.fixture
def store(report_store: Path) -> Iterator[Engine]:
    engine = Engine(report_store, read_only=True)
    yield engine
    engine.close()


def fiscal_year(text: str) -> int:
    _, month, year = (int(part) for part in text.split("/"))
    return year + 1 if month >= 10 else year


def test_palantir_technologies_with_its_subsidiary_money_and_awards(store: Engine) -> None:
    report = company_report(store, "Palantir Technologies", as_of=at("2020-06-30"))
    per_year: defaultdict[int, Decimal] = defaultdict(Decimal)
    per_piid: defaultdict[str, Decimal] = defaultdict(Decimal)
    for row in rows_2018():
        names = (row["recipient_name"].upper(), row["recipient_parent_name"].upper())
        if any(name.startswith("PALANTIR TECHNOLOGIES") for name in names):
            per_year[fiscal_year(row["action_date"])] += Decimal(row["federal_action_obligation"])
            per_piid[row["award_id_piid"]] += Decimal(row["federal_action_obligation"])
    assert {int(g.key): g.amount for g in report.per_year} == per_year
    assert report.total == sum(per_year.values())
    assert {a.piid: a.obligated for a in report.awards} == per_piid
    assert [g.key for g in report.agencies] == ["7012"]
    assert report.agency_names["7012"] == "U.S. Immigration and Customs Enforcement"
    assert {g.name for g in report.recipients} == {
        "PALANTIR TECHNOLOGIES INC.",
        "PALANTIR USG, INC.",
    }
    (subsidiary,) = report.identity.subsidiaries
    assert subsidiary.name == "PALANTIR USG, INC." and subsidiary.first == dt.date(2018, 5, 4)
    assert report.identity.parents == []


def test_palantir_usg_by_duns_names_its_reported_parent(store: Engine) -> None:
    report = company_report(store, "825284321")
    assert report.identity.name == "PALANTIR USG, INC."
    assert report.total == Decimal("709653.84") + Decimal("1344000.00")
    (parent,) = report.identity.parents
    assert parent.name == "PALANTIR TECHNOLOGIES INC." and parent.basis == "reported parent"
    assert parent.first == parent.last == dt.date(2018, 5, 4)


def test_palantir_cloud_offering_and_what_it_runs_on(store: Engine) -> None:
    report = company_report(store, "Palantir", as_of=at("2020-06-30"))
    assert report.cloud is not None
    data = json.loads(legacy_on(dt.date(2019, 12, 31)).content)
    expected = {
        p["Package_ID"]: set(p.get("Underlying_CSP_Package_ID") or [])
        for p in data["data"]["Providers"]
        if p["Cloud_Service_Provider_Name"].startswith("Palantir")
    }
    found = {
        o.package_id: {link.underlying_id for link in o.runs_on} for o in report.cloud.offerings
    }
    assert found == expected == {"FR1912671248": {"F1603047866", "F1212191840", "FR1823447014"}}
    (offering,) = report.cloud.offerings
    providers = {link.underlying_id: link.provider for link in offering.runs_on}
    assert providers["F1603047866"] == "Amazon"
    # "Palantir" names both recipients by the start of their normalized names
    assert {g.name for g in report.recipients} == {
        "PALANTIR TECHNOLOGIES INC.",
        "PALANTIR USG, INC.",
    }


def test_amazon_infrastructure_and_what_runs_on_it(store: Engine) -> None:
    report = company_report(store, "Amazon", as_of=at("2020-06-30"))
    assert report.total == 0 and report.cloud is not None
    data = json.loads(legacy_on(dt.date(2019, 12, 31)).content)
    providers = data["data"]["Providers"]
    own = {p["Package_ID"] for p in providers if p["Cloud_Service_Provider_Name"] == "Amazon"}
    assert {o.package_id for o in report.cloud.offerings} == own
    expected = {
        (p["Package_ID"], underlying)
        for p in providers
        if p["Package_ID"] not in own
        for underlying in p.get("Underlying_CSP_Package_ID") or []
        if underlying in own
    }
    found = {(d.package_id, d.runs_on.underlying_id) for d in report.cloud.dependents}
    assert found == expected and ("FR1724526654", "F1603047866") in found
    assert all(len(d.citations) == 2 for d in report.cloud.dependents)


def test_unknown_company(store: Engine) -> None:
    with pytest.raises(NotFoundError):
        company_report(store, "No Such Company Anywhere")


@pytest.mark.parametrize(
    "text",
    ["Palantir Technologies", "Palantir", "GEO GROUP", "amazon.com", "B.I. INC", "Motorola", "%_"],
)
def test_the_name_prefilter_compares_each_name_once_and_selects_the_same_lines(
    store: Engine, text: str
) -> None:
    """``condition(engine)`` matches the names once each; the lines are those the condition
    without it (every line's names compacted) selects."""
    first = candidates(text)
    once = fetch_lines(store, first.condition(store), None)
    every = fetch_lines(store, first.condition(), None)
    assert sorted(map(repr, once)) == sorted(map(repr, every))
    if text != "%_":
        assert every, text


def test_a_relation_is_named_by_its_most_used_spelling_whatever_the_line_order(
    store: Engine,
) -> None:
    """A reported parent spelled two ways (THE GEO GROUP INC. / INC) was named after the first
    line DuckDB returned; now after the spelling on the most lines, ties by sort order. The
    identity holds every recipient reporting that parent, as a name-prefix search may."""
    lines = fetch_lines(store, ("TRUE", []), None)
    spellings: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    children_of: defaultdict[str, set[str]] = defaultdict(set)
    for line in lines:
        parent = _parent_key(line.statement)
        if parent and parent != line.statement.own_key:
            spellings[parent][display_name(line.statement.parent_name)] += 1
            children_of[parent].add(line.statement.own_key)
    ambiguous = {key: counts for key, counts in spellings.items() if len(counts) > 1}
    assert "name:geo group" in ambiguous, "the real data spells a parent two ways"
    for parent, counts in ambiguous.items():
        keys = frozenset(children_of[parent])
        mine = [line for line in lines if line.statement.own_key in keys]
        orders = [mine, mine[::-1], *(random.Random(s).sample(mine, len(mine)) for s in range(3))]
        for spelling in counts:  # each spelling read first once
            first = [x for x in mine if display_name(x.statement.parent_name) == spelling][:1]
            orders.append(first + [x for x in mine if all(x is not f for f in first)])
        shown = set()
        for order in orders:
            identity = CompanyIdentity(parent, parent, "test", keys)
            _relations(identity, order)
            shown.add(tuple((r.name, r.first, r.last) for r in identity.parents))
        assert len(shown) == 1, shown
        (named,) = shown
        assert min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] in {n for n, _, _ in named}
