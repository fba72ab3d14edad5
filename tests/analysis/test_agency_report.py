"""The agency report on real records: ICE's FY13-FY18 contracts, the agency list, and two real
FedRAMP legacy snapshots (the last of 2017 and of 2019). Expected values are computed here from
the same files with nothing but csv/json and Decimal."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LEGACY_REPO
from tests.support.contracts import ICE_2018, build, rows_2018, totals_2018
from tests.support.stores import build_store
from whosbehind.analysis.reports.agency import agency_report
from whosbehind.analysis.reports.agency_document import agency_document
from whosbehind.analysis.reports.coverage import is_it_psc, is_reseller_naics
from whosbehind.analysis.reports.rollup import ReportedParentRollup, Statement
from whosbehind.resolve.registry import run_resolve
from whosbehind.sources.gitwalk import list_snapshot_commits, walk_git_history
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store.engine import Engine

ICE = "Immigration and Customs Enforcement"
DHS = "Department of Homeland Security"
SNAPSHOT_DAYS = (dt.date(2017, 12, 31), dt.date(2019, 12, 31))


def legacy_on(day: dt.date) -> RawSnapshot:
    """The last legacy snapshot committed on or before ``day``."""
    commits = list_snapshot_commits(LEGACY_REPO, ("data/data.json",))
    commit = [c for c in commits if c[1].date() <= day][-1][0]
    found = walk_git_history(LEGACY_REPO, ("data/data.json",), only_commits=frozenset({commit}))
    return next(iter(found))


@pytest.fixture(scope="session")
def report_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ICE contracts FY13-FY18, the agency list, FedRAMP legacy snapshots of 2017 and 2019."""
    path = tmp_path_factory.mktemp("reports") / "reports.duckdb"
    build_store(path, [legacy_on(day) for day in SNAPSHOT_DAYS])
    build(path, ICE_2018)
    return path


@pytest.fixture
def store(report_store: Path) -> Iterator[Engine]:
    engine = Engine(report_store, read_only=True)
    yield engine
    engine.close()


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T23:59:59+00:00")


def expected_ice_offerings(day: dt.date) -> dict[str, dict[str, Any]]:
    """From the raw snapshot: offerings with an ICE letter (or an ICE initial authorization)
    dated on or before ``day``, their dates and what they run on."""
    data = json.loads(legacy_on(day).content)
    found: dict[str, dict[str, Any]] = {}
    for provider in data["data"]["Providers"]:
        dates = []
        for letter in provider.get("Leveraged_ATO_Letters") or []:
            if letter.get("Authorizing_Subagency") == ICE:
                stamp = letter.get("Letter_Date") or letter.get("Authorizing_Letter_Last_Sign_Date")
                dates.append(dt.date.fromisoformat(stamp[:10]))
        initial = provider.get("Original_Authorization_Date")
        if provider.get("Authorizing_Subagency") == ICE and initial:
            dates.append(dt.date.fromisoformat(initial[:10]))
        dates = [d for d in dates if d <= day]
        if dates:
            found[provider["Package_ID"]] = {
                "first": min(dates),
                "runs_on": set(provider.get("Underlying_CSP_Package_ID") or []),
            }
    return found


def palantir_rows() -> list[dict[str, str]]:
    return [row for row in rows_2018() if "PALANTIR" in row["recipient_name"].upper()]


def test_ice_lists_palantir_rolled_up_with_its_case_management_and_falcon_contracts(
    store: Engine,
) -> None:
    report = agency_report(store, "7012", as_of=at("2020-06-30"), top=100)
    assert [g.name for g in report.it_suppliers[:10]].count("PALANTIR TECHNOLOGIES INC.") == 1
    palantir = next(g for g in report.it_suppliers if g.name == "PALANTIR TECHNOLOGIES INC.")
    # rolled up by the parent each action reports: Palantir USG's FY2018 action names Palantir
    # Technologies as its parent, its FY2017 action names itself.
    assert "PALANTIR USG, INC." in palantir.members
    expected: defaultdict[str, Decimal] = defaultdict(Decimal)
    for row in palantir_rows():
        if row["recipient_parent_name"].upper().startswith("PALANTIR TECHNOLOGIES"):
            expected[row["award_id_piid"]] += Decimal(row["federal_action_obligation"])
    assert palantir.amount == sum(expected.values())
    awards = {a.piid: a for a in report.supplier_awards[palantir.key]}
    assert set(awards) == set(expected)
    for piid, amount in expected.items():
        assert awards[piid].obligated == amount, piid
    assert "CASE MANAGEMENT" in (awards["HSCETC14C00002"].description or "")
    assert awards["HSCETC14C00002"].obligated == Decimal("1344000.00")
    assert "FALCON" in (awards["HSCETC13F00030"].description or "")
    assert "FALCON" in (awards["HSCETC15C00001"].description or "")
    cited = awards["HSCETC14C00002"].citations
    assert cited and cited[0].where.endswith("fy18.csv#award_id_piid=HSCETC14C00002")
    assert len(cited[0].content_hash) == 64
    usg = next(g for g in report.it_suppliers if g.name.startswith("PALANTIR USG"))
    assert usg.amount == Decimal("709653.84")  # FY2017: Palantir USG reported itself as parent


def test_money_per_fiscal_year_and_concentration(store: Engine) -> None:
    report = agency_report(store, "Immigration and Customs Enforcement")
    per_year, _ = totals_2018()
    assert {int(g.key): g.amount for g in report.per_year} == per_year
    assert report.total == sum(per_year.values())
    assert report.lines == len(rows_2018())
    assert report.hhi is not None and report.cr4 is not None and 0 < report.hhi < 10_000
    top4 = sum(g.share for g in report.suppliers[:4])
    assert report.cr4 == pytest.approx(top4)
    assert report.suppliers[0].name == "THE GEO GROUP INC."
    assert "B.I. INCORPORATED" in report.suppliers[0].members  # reports GEO as its parent
    codes = {g.key for g in report.psc}
    assert "7030" in codes and report.code_names["psc"]["7030"] == "INFORMATION TECHNOLOGY SOFTWARE"


def test_fiscal_year_range_and_missing_years(store: Engine) -> None:
    report = agency_report(store, "7012", fiscal_years=(2011, 2014))
    per_year, _ = totals_2018()
    assert {int(g.key): g.amount for g in report.per_year} == {
        2013: per_year[2013],
        2014: per_year[2014],
    }
    assert report.missing.not_loaded == [2011, 2012]
    assert report.missing.without_lines == []


def test_resellers_are_it_bought_from_trade_naics(store: Engine) -> None:
    report = agency_report(store, "7012")
    expected: defaultdict[str, Decimal] = defaultdict(Decimal)
    for row in rows_2018():
        psc, naics = row["product_or_service_code"], row["naics_code"]
        retail = naics in ("443120", "443142", "454110", "454111")  # computer stores, e-shops
        if (psc[:2] in ("70", "D3")) and (naics.startswith("42") or retail):
            expected[row["recipient_name"].strip()] += Decimal(row["federal_action_obligation"])
    found = {g.name: g.amount for g in report.resellers}
    assert found["GOVPLACE"] == expected["GOVPLACE"] > 0
    assert sum(found.values()) == sum(expected.values())
    assert is_it_psc("7030") and is_it_psc("DA01") and is_it_psc("D399") and not is_it_psc("7110")
    assert is_reseller_naics("423430") and not is_reseller_naics("541512")


@pytest.mark.parametrize("day", SNAPSHOT_DAYS)
def test_cloud_section_lists_what_ice_had_authorized_as_of_the_date(
    store: Engine, day: dt.date
) -> None:
    report = agency_report(store, "7012", as_of=at((day + dt.timedelta(days=180)).isoformat()))
    assert report.cloud is not None
    expected = expected_ice_offerings(day)
    found = {o.package_id: o for o in report.cloud.offerings}
    assert set(found) == set(expected) and expected
    for package_id, wanted in expected.items():
        assert found[package_id].first_date == wanted["first"], package_id
        assert {link.underlying_id for link in found[package_id].runs_on} == wanted["runs_on"]
    assert report.cloud.snapshot.record_time.date() <= day + dt.timedelta(days=1)
    for offering in found.values():
        assert all(c.selector.endswith(f"'{offering.package_id}')]") for c in offering.citations)


def test_cloud_names_ice_infrastructure_and_its_provider(store: Engine) -> None:
    report = agency_report(store, "7012", as_of=at("2020-06-30"))
    assert report.cloud is not None
    links = {
        (o.package_id, link.underlying_id): link.provider
        for o in report.cloud.offerings
        for link in o.runs_on
    }
    assert links[("FR1724526654", "F1603047866")] == "Amazon"  # Intelliworx on AWS GovCloud
    assert links[("F1408115175", "AGENCYAMAZONEW")] == "Amazon"  # Huddle on AWS East/West


def test_department_takes_every_subagency(store: Engine) -> None:
    dhs = agency_report(store, "DHS", as_of=at("2020-06-30"))
    ice = agency_report(store, "7012", as_of=at("2020-06-30"))
    assert dhs.cloud is not None and ice.cloud is not None
    dhs_ids = {o.package_id for o in dhs.cloud.offerings}
    assert {o.package_id for o in ice.cloud.offerings} < dhs_ids
    assert "F1211011660" in dhs_ids  # IBM: a USCIS letter, not an ICE one
    assert dhs.total == ice.total  # the contract files hold ICE's actions only


def test_reported_parent_rollup() -> None:
    rollup = ReportedParentRollup()
    usg = Statement(
        "PALANTIR USG, INC.", "825284321", None, "PALANTIR USG  INC.", "825284321", None
    )
    assert rollup.owner(usg, dt.date(2017, 9, 25)).name == "PALANTIR USG, INC."
    assert rollup.owner(usg, None).via == "itself"
    owned = Statement(
        "PALANTIR USG, INC.", "825284321", None, "PALANTIR TECHNOLOGIES INC.", "362130952", None
    )
    owner = rollup.owner(owned, dt.date(2018, 5, 4))
    assert owner.name == "PALANTIR TECHNOLOGIES INC." and owner.via == "reported parent"
    technologies = Statement("PALANTIR TECHNOLOGIES INC.", "362130952", None, None, None, None)
    assert rollup.owner(technologies, None).key == owner.key


def test_with_the_registry_suppliers_roll_up_to_registry_orgs(
    report_store: Path, tmp_path: Path
) -> None:
    path = tmp_path / "resolved.duckdb"
    shutil.copy(report_store, path)
    engine = Engine(path)
    try:
        run_resolve(engine, judgements_path=None)
        report = agency_report(engine, "7012", as_of=at("2020-06-30"), top=100)
        document = agency_document(report, engine)
    finally:
        engine.close()
    assert report.rollup.startswith("organization registry")
    palantir = next(g for g in report.it_suppliers if g.name == "PALANTIR TECHNOLOGIES INC.")
    assert palantir.key.startswith("org:") and "PALANTIR USG, INC." in palantir.members
    expected = sum(
        Decimal(row["federal_action_obligation"])
        for row in palantir_rows()
        if row["recipient_parent_name"].upper().startswith("PALANTIR TECHNOLOGIES")
    )
    assert palantir.amount == expected  # USG's FY2018 action, from the date it reports the parent
    # the infrastructure ICE's offerings run on, with its provider's owner from the registry
    assert report.cloud is not None
    links = [link for offering in report.cloud.offerings for link in offering.runs_on]
    assert links and all(link.owner for link in links if link.provider_key)
    aws = [link for link in links if (link.name or "").startswith("AWS")]
    assert aws and {link.provider for link in aws} == {"Amazon"}
    assert len({link.owner for link in aws}) == 1
    # the clouds under its contractors: Palantir's own offerings in the 2019 snapshot, under
    # the supplier Palantir, with what they run on, whether or not ICE authorized them
    assert report.contractor_clouds is not None
    under = report.contractor_clouds.offerings
    providers = _legacy_providers(dt.date(2019, 12, 31))
    palantir_ids = {i for i, name in providers.items() if name.lower().startswith("palantir")}
    assert palantir_ids, "the 2019 snapshot lists Palantir's offerings"
    found = {o.offering.package_id for o in under if o.supplier_key == palantir.key}
    assert found == palantir_ids
    assert all(o.supplier == palantir.name for o in under if o.supplier_key == palantir.key)
    assert all(o.supplier_key.startswith("org:") for o in under)  # registry owners only
    assert any(link.name for o in under for link in o.offering.runs_on)
    section = next(s for s in document.sections if s.key == "contractor-clouds")
    assert {row.cells[1] for row in section.rows} == {o.offering.package_id for o in under}
    assert all(row.citations for row in section.rows)


def _legacy_providers(day: dt.date) -> dict[str, str]:
    """Package id -> provider name in the legacy snapshot of ``day``, read with json alone."""
    data = json.loads(legacy_on(day).content)["data"]
    return {
        p["Package_ID"]: (p.get("Cloud_Service_Provider_Name") or "").strip()
        for p in data["Providers"]
    }


def test_valid_time_counts_the_atos_dated_by_it_in_the_record_of_the_as_of_date(
    store: Engine,
) -> None:
    full = agency_report(store, "7012", as_of=at("2020-06-30"))
    assert full.cloud is not None and full.valid_at == full.cloud_as_of
    dates = sorted(o.first_date for o in full.cloud.offerings if o.first_date)
    cut = dates[len(dates) // 2]
    report = agency_report(store, "7012", as_of=at("2020-06-30"), valid_at=at(cut.isoformat()))
    assert report.cloud is not None and report.cloud.snapshot == full.cloud.snapshot
    assert report.valid_at.date() == cut and report.cloud_as_of == full.cloud_as_of
    found = {o.package_id: o for o in report.cloud.offerings}
    expected = {o.package_id for o in full.cloud.offerings if o.first_date and o.first_date <= cut}
    assert expected <= set(found) < {o.package_id for o in full.cloud.offerings}
    for offering in found.values():
        dated = [letter.letter_date or letter.last_sign_date for letter in offering.letters]
        assert all(date <= cut for date in dated if isinstance(date, dt.date))
    document = agency_document(report, store)
    assert f"(ATOs and owners on {cut})" in document.facts[1].text
    assert "ATOs and owners on" not in agency_document(full, store).facts[1].text
