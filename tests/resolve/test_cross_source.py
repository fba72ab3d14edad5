"""Cross-source evidence between FedRAMP providers and contract / SEC names, on real names and
on the real registry (ICE's FY13-FY18 contracts, the FedRAMP organization export, the SEC
company list). Expected joins are the hand judgements of benchmarks/labels/
cross_source_identity.csv; the money is summed from the contract files with csv and Decimal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.contracts import rows_2018
from tests.support.registry import SEC_FOLDER, build_contracts_and_fedramp
from whosbehind.analysis.reports.company import company_report
from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.cross_source import (
    brand_of,
    cross_source_edges,
    domain_key,
    public_sector_brand,
    shorter_forms,
)
from whosbehind.resolve.names import name_key
from whosbehind.resolve.registry import lookup, run_resolve
from whosbehind.sources.sec.company_tickers import sec_org_records
from whosbehind.store.engine import Engine


def _record(key: str, source: str, name: str) -> OrgRecord:
    return OrgRecord(key, source, name)


def _edges(*records: OrgRecord) -> set[tuple[str, str, str]]:
    keys = {r.record_key: name_key(r.name) for r in records}
    return {(e.left, e.right, e.source) for e in cross_source_edges(records, keys)}


def test_domain_names_are_the_brand() -> None:
    assert domain_key("AMAZON.COM INC.", name_key("AMAZON.COM INC.")) == "amazon"
    assert domain_key("AMAZON.COM LLC", name_key("AMAZON.COM LLC")) == "amazon"
    assert domain_key("PALANTIR USG, INC.", name_key("PALANTIR USG, INC.")) is None


def test_shorter_forms_cut_one_corporate_word_at_a_time() -> None:
    assert shorter_forms("check point software technologies") == [
        "check point software",
        "check point",
    ]
    assert shorter_forms("crowdstrike holdings") == ["crowdstrike"]
    assert shorter_forms("holdings") == []  # never empty
    assert public_sector_brand("tenable public sector") == "tenable"
    assert public_sector_brand("tyler federal") == "tyler"
    assert public_sector_brand("tyler technologies") is None


@given(st.lists(st.sampled_from(["acme", "holdings", "software", "federal", "group", "x"])))
def test_brand_is_a_prefix_of_the_key_and_never_empty(words: list[str]) -> None:
    key = " ".join(words)
    brand = brand_of(key)
    assert key.startswith(brand)
    assert (brand == "") == (key == "")
    assert brand_of(brand) == brand


def test_amazon_joins_its_contract_names_and_registrant() -> None:
    found = _edges(
        _record("fedramp:amazon", "fedramp", "Amazon"),
        _record("p", "usaspending", "AMAZON.COM INC."),
        _record("r", "usaspending", "AMAZON.COM LLC"),
        _record("sec", "sec", "AMAZON COM INC"),
    )
    # the SEC name has the provider's own key: the name-key edge joins it, not this module
    assert found == {("fedramp:amazon", "p", "domain"), ("fedramp:amazon", "r", "domain")}


def test_brand_with_corporate_words_on_one_side_only() -> None:
    assert _edges(
        _record("fedramp:crowdstrike", "fedramp", "CrowdStrike, Inc."),
        _record("sec", "sec", "CrowdStrike Holdings, Inc."),
    ) == {("fedramp:crowdstrike", "sec", "brand")}
    # both add their own words: Lucid Software (Lucidchart) is not Lucid Group (Lucid Motors)
    assert not _edges(
        _record("fedramp:lucid", "fedramp", "Lucid Software, Inc."),
        _record("sec", "sec", "Lucid Group, Inc."),
    )
    assert not _edges(
        _record("fedramp:22nd", "fedramp", "22nd Century Technologies Inc."),
        _record("sec", "sec", "22nd Century Group, Inc."),
    )


def test_a_public_sector_arm_joins_its_brand() -> None:
    assert _edges(
        _record("fedramp:tyler", "fedramp", "Tyler Federal, LLC"),
        _record("sec", "sec", "TYLER TECHNOLOGIES INC"),
    ) == {("fedramp:tyler", "sec", "brand")}


def test_ambiguous_or_equal_names_make_no_edge() -> None:
    # two companies reduce to the brand: no edge
    assert not _edges(
        _record("fedramp:acme", "fedramp", "Rackspace"),
        _record("a", "sec", "Rackspace Technology, Inc."),
        _record("b", "usaspending", "RACKSPACE HOLDINGS LLC"),
    )
    # an equal name key is there: the registry's name-key edge joins it, no guess by brand
    assert not _edges(
        _record("fedramp:akamai", "fedramp", "Akamai"),
        _record("a", "sec", "AKAMAI TECHNOLOGIES INC"),
        _record("b", "usaspending", "AKAMAI INC"),
    )
    # two FedRAMP providers, or two contract names, are never joined here
    assert not _edges(
        _record("fedramp:a", "fedramp", "CrowdStrike, Inc."),
        _record("fedramp:b", "fedramp", "CrowdStrike Holdings, Inc."),
    )


def test_acronyms_of_four_letters_or_more() -> None:
    esri = _record("r", "usaspending", "ENVIRONMENTAL SYSTEMS RESEARCH INSTITUTE, INC.")
    assert _edges(_record("fedramp:esri", "fedramp", "ESRI"), esri) == {
        ("fedramp:esri", "r", "acronym")
    }
    # three letters: the initials of too many names (a real ICE recipient)
    assert not _edges(
        _record("fedramp:csc", "fedramp", "CSC"),
        _record("r", "usaspending", "COWBOY STREETLIGHT CONCEALMENTS LLC"),
    )


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = build_contracts_and_fedramp(tmp_path_factory.mktemp("cross") / "store.duckdb")
    engine = Engine(path)
    run_resolve(engine, judgements_path=None, extra_records=sec_org_records(SEC_FOLDER))
    yield engine
    engine.close()


def _org(engine: Engine, ref: str) -> str:
    (org,) = lookup(engine, ref)
    return org


# Provider -> records the hand labels judge its company (same) or its parent or subsidiary
# (parent-of), and which the registry now puts in the provider's organization.
JOINED = {
    "fedramp:amazon": ("duns:128990368", "duns:884745530", "cik:1018724"),
    "fedramp:esri": ("duns:063134175",),
    "fedramp:crowdstrike, inc": ("cik:1535527",),
    "fedramp:akamai": ("cik:1086222",),
    "fedramp:axon": ("cik:1069183",),
    "fedramp:onestream software": ("cik:1889956",),
    "fedramp:tyler federal, llc": ("cik:860731",),
    "fedramp:tenable public sector (tps)": ("cik:1660280",),
}
# ... and records whose names carry a provider's name that the labels judge another company.
APART = {
    "fedramp:box inc": ("cik:807882",),  # JACK IN THE BOX INC
    "fedramp:cisco systems inc": ("duns:153523022",),  # CISCO-EAGLE, INC.
    "fedramp:monster government solutions": ("cik:865752",),  # Monster Beverage Corp
    "fedramp:lucid software, inc": ("cik:1811210",),  # Lucid Group (Lucid Motors)
}


@pytest.mark.parametrize("provider", sorted(JOINED))
def test_fixed_providers_resolve_with_their_recipients_and_registrants(
    registry: Engine, provider: str
) -> None:
    org = _org(registry, provider)
    for ref in JOINED[provider]:
        assert _org(registry, ref) == org, (provider, ref)


@pytest.mark.parametrize("provider", sorted(APART))
def test_namesakes_stay_apart(registry: Engine, provider: str) -> None:
    org = _org(registry, provider)
    for ref in APART[provider]:
        assert lookup(registry, ref) and org not in lookup(registry, ref), (provider, ref)


def test_company_amazon_reports_the_amazon_contract_money(registry: Engine) -> None:
    expected = sum(
        (
            Decimal(row["federal_action_obligation"])
            for row in rows_2018()
            if row["recipient_name"].upper().startswith("AMAZON.COM")
        ),
        Decimal(0),
    )
    assert expected > 0
    report = company_report(registry, "amazon", as_of=dt.datetime.now(dt.UTC))
    assert report.identity.org_id == _org(registry, "fedramp:amazon")
    assert report.total == expected
    assert {g.name for g in report.recipients} == {"AMAZON.COM LLC"}
