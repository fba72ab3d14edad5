"""The legacy feed reader on real snapshots: the newest one and the earliest (bare-list) ones."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from tests.conftest import legacy_snapshots
from tests.support.jsonpath import select
from whosbehind.model.fedramp import (
    IMPACT_LEVELS,
    STATUSES,
    Assessor,
    Authorization,
    Offering,
    RunsOn,
)
from whosbehind.sources.fedramp import legacy
from whosbehind.sources.snapshot import RawSnapshot

PERSONAL_FIELDS = ("CSP_POC_Email", "CSP_POC_Name", "Agency_POC", "Agency_POC_email")


# ---------------------------------------------------------------- helpers


def _facts(document: dict[str, Any]) -> list[Any]:
    return [fact for group in legacy.parse(document).groups for fact in group.build()]


def _providers(document: dict[str, Any]) -> list[dict[str, Any]]:
    data = document["data"]
    return data if isinstance(data, list) else data["Providers"]


def _with_id(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        p
        for p in _providers(document)
        if isinstance(p, dict) and str(p.get("Package_ID") or "").strip()
    ]


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_select_helper_itself() -> None:
    doc = {"data": {"P": [{"id": "a", "x": [1]}, {"id": "b", "x": [2]}, {"id": 3}]}}
    assert select(doc, "$.data.P[?(@.id=='b')]") == [{"id": "b", "x": [2]}]
    assert select(doc, "$.data.P[?(@.id=='b')].x[0]") == [2]
    assert select(doc, "$.data.P[?(@.id=='3')]") == []  # strict: a number is not a string
    assert select(doc, "$['data'].P[1].id") == ["b"]
    with pytest.raises(ValueError):
        select(doc, "$.data.P[?(@.id=='it's')]")


@pytest.fixture(scope="module")
def head(legacy_head: RawSnapshot) -> dict[str, Any]:
    return orjson.loads(legacy_head.content)


@pytest.fixture(scope="module")
def head_facts(head: dict[str, Any]) -> list[Any]:
    return _facts(head)


# ---------------------------------------------------------------- the newest snapshot


def test_one_offering_per_provider_record_with_package_id(
    head: dict[str, Any], head_facts: list[Any]
) -> None:
    records = _with_id(head)
    assert len(records) > 400
    offerings = [f for f in head_facts if isinstance(f, Offering)]
    assert len(offerings) == len(records)
    assert Counter(o.package_id for o in offerings) == Counter(
        str(r["Package_ID"]).strip() for r in records
    )
    groups = legacy.parse(head).groups
    assert sum(g.group.startswith("offering:") for g in groups) == len(records)
    for group in groups:
        if group.group.startswith("offering:"):
            built = group.build()
            assert isinstance(built[0], Offering)
            assert sum(isinstance(f, Offering) for f in built) == 1


def test_letters_equal_raw_leveraged_ato_letters(
    head: dict[str, Any], head_facts: list[Any]
) -> None:
    raw = Counter()
    for record in _with_id(head):
        letters = record.get("Leveraged_ATO_Letters") or []
        raw[str(record["Package_ID"]).strip()] += sum(isinstance(x, dict) for x in letters)
    letters = [f for f in head_facts if isinstance(f, Authorization) and f.kind == "letter"]
    assert sum(raw.values()) > 1000
    assert len(letters) == sum(raw.values())
    assert Counter(f.package_id for f in letters) == +raw


def test_letter_keys_are_unique_within_a_record(head: dict[str, Any]) -> None:
    """Two letters of one agency in one record get ordinals 0, 1, ... not one key twice."""
    for record in _with_id(head):
        facts = legacy.offering_facts(record)
        keys = [
            (f.kind, f.agency, f.subagency, f.ordinal)
            for f in facts
            if isinstance(f, Authorization)
        ]
        assert len(keys) == len(set(keys)), record["Package_ID"]


def test_initial_authorization_per_compliant_record(
    head: dict[str, Any], head_facts: list[Any]
) -> None:
    compliant = [r for r in _with_id(head) if str(r.get("Designation")).strip() == "Compliant"]
    initial = [f for f in head_facts if isinstance(f, Authorization) and f.kind == "initial"]
    assert len(initial) == len(compliant) > 0
    jab = {str(r["Package_ID"]).strip() for r in compliant if r.get("Path") == "JAB"}
    assert jab
    for fact in initial:
        if fact.package_id in jab:
            assert fact.agency == "Joint Authorization Board"


def test_runs_on_edges_equal_underlying_ids_minus_self_references(
    head: dict[str, Any], head_facts: list[Any]
) -> None:
    expected = Counter()
    for record in _with_id(head):
        package_id = str(record["Package_ID"]).strip()
        for underlying in record.get("Underlying_CSP_Package_ID") or []:
            if str(underlying).strip() and str(underlying).strip() != package_id:
                expected[(package_id, str(underlying).strip())] += 1
    edges = Counter((f.package_id, f.underlying_id) for f in head_facts if isinstance(f, RunsOn))
    assert sum(expected.values()) > 500
    assert edges == expected


def test_self_reference_is_dropped() -> None:
    record = {
        "Package_ID": "F1",
        "Cloud_Service_Provider_Name": "A",
        "Designation": "In Process",
        "Underlying_CSP_Package_ID": ["F1", "F2", " F1 "],
    }
    edges = [f for f in legacy.offering_facts(record) if isinstance(f, RunsOn)]
    assert [(e.package_id, e.underlying_id) for e in edges] == [("F1", "F2")]


def test_no_fact_contains_personal_contact_data(
    head: dict[str, Any], head_facts: list[Any]
) -> None:
    """Every value of a point-of-contact field is absent from every fact, except values that
    the same record also publishes in a non-contact field (a POC "name" that is the company)."""
    fact_text = "\n".join(
        value.casefold()
        for fact in head_facts
        for value in dataclasses.astuple(fact)
        if isinstance(value, str)
    )
    checked = 0
    for record in _with_id(head):
        contacts = [record.get(k) for k in PERSONAL_FIELDS]
        public = [
            v
            for k, v in record.items()
            if k not in PERSONAL_FIELDS and k != "Leveraged_ATO_Letters"
        ]
        for letter in record.get("Leveraged_ATO_Letters") or []:
            contacts += [letter.get(k) for k in PERSONAL_FIELDS]
            public += [v for k, v in letter.items() if k not in PERSONAL_FIELDS]
        public_text = "\n".join(_strings(public)).casefold()
        for contact in contacts:
            value = str(contact or "").strip().casefold()
            if not value or value in {"n/a", "none", "tbd"} or value in public_text:
                continue
            checked += 1
            assert value not in fact_text, (record["Package_ID"], contact)
    assert checked > 300
    values = [
        getattr(fact, field.name)
        for fact in head_facts
        for field in dataclasses.fields(fact)
        if field.name != "locator"
    ]
    assert not any("@" in value for value in values if isinstance(value, str))  # no e-mail


def test_original_values_kept_beside_normalized(
    head: dict[str, Any], head_facts: list[Any]
) -> None:
    by_id = {str(r["Package_ID"]).strip(): r for r in reversed(_with_id(head))}  # first wins
    offerings = {}
    for fact in head_facts:
        if isinstance(fact, Offering):
            offerings.setdefault(fact.package_id, fact)
    changed_provider = changed_impact = 0
    for package_id, offering in offerings.items():
        record = by_id[package_id]
        raw_provider = record.get("Cloud_Service_Provider_Name") or ""
        assert offering.provider_raw == raw_provider
        assert offering.provider == " ".join(raw_provider.split())
        assert offering.impact_raw == " ".join(str(record.get("Impact_Level") or "").split())
        assert offering.status_raw == " ".join(str(record.get("Designation") or "").split())
        assert offering.impact in (*IMPACT_LEVELS, None)
        assert offering.status in STATUSES
        changed_provider += offering.provider != offering.provider_raw
        changed_impact += offering.impact != offering.impact_raw
    assert changed_provider > 0  # trailing spaces in real names
    assert changed_impact == len(offerings)  # "Moderate" -> "moderate", "LI-SaaS" -> "li-saas"


def test_offering_fields_read_from_the_record(head: dict[str, Any]) -> None:
    record = next(r for r in _with_id(head) if r["Package_ID"] == "F1607067912")  # 18F
    offering = legacy.offering_facts(record)[0]
    assert isinstance(offering, Offering)
    assert offering.name == record["Cloud_Service_Provider_Package"].strip()
    assert offering.service_models == ",".join(record["Service_Model"])
    assert offering.path == record["Path"].casefold()
    assert offering.authorization_date == dt.date.fromisoformat(
        record["Original_Authorization_Date"][:10]
    )
    assert offering.uei is None


def test_record_time_is_created_at(legacy_head: RawSnapshot, head: dict[str, Any]) -> None:
    created = dt.datetime.fromisoformat(head["meta"]["Created_At"].replace("Z", "+00:00"))
    parsed = legacy.parse(head)
    assert parsed.record_time == created
    assert parsed.feed == "fedramp-legacy"
    assert parsed.record_time != legacy_head.fallback_time


def test_assessors(head: dict[str, Any], head_facts: list[Any]) -> None:
    raw = [a for a in head["data"]["Assessors"] if str(a.get("Name") or "").strip()]
    assessors = [f for f in head_facts if isinstance(f, Assessor)]
    assert len(assessors) == len(raw) > 0
    assert {a.name_raw for a in assessors} == {a["Name"] for a in raw}
    for assessor in assessors:
        assert select(head, assessor.locator) != []


# ---------------------------------------------------------------- locators


def _clean_id(record: dict[str, Any]) -> bool:
    return record["Package_ID"] == record["Package_ID"].strip()


def test_offering_locators_select_their_record(head: dict[str, Any]) -> None:
    checked = 0
    for record in _with_id(head):
        if not _clean_id(record):
            continue  # see test_offering_locator_of_an_id_with_outer_whitespace
        facts = legacy.offering_facts(record)
        selected = select(head, facts[0].locator)
        assert record in selected
        assert all(r["Package_ID"] == record["Package_ID"] for r in selected)
        for fact in facts:
            if isinstance(fact, RunsOn):
                lists = select(head, fact.locator)
                assert any(fact.underlying_id in (x.strip() for x in lst) for lst in lists)
        checked += 1
    assert checked > 400


def test_letter_locators_select_a_letter_of_that_agency(head: dict[str, Any]) -> None:
    checked = 0
    for record in _with_id(head):
        if not _clean_id(record):
            continue
        for fact in legacy.offering_facts(record):
            if not isinstance(fact, Authorization) or fact.kind != "letter":
                continue
            if "'" in fact.agency_raw:
                continue  # see test_letter_locator_of_an_agency_with_an_apostrophe
            letters = select(head, fact.locator)
            assert letters, fact.locator
            assert all(x.get("Authorizing_Agency") == fact.agency_raw for x in letters)
            checked += 1
    assert checked > 1000


def test_head_holds_ids_with_outer_whitespace_and_agencies_with_apostrophes(
    head: dict[str, Any],
) -> None:
    """Preconditions of the two locator tests below, checked on the raw JSON."""
    assert any(not _clean_id(r) for r in _with_id(head))
    assert any(
        "'" in str(x.get("Authorizing_Agency"))
        for r in _with_id(head)
        for x in r.get("Leveraged_ATO_Letters") or []
    )


def test_offering_locator_of_an_id_with_outer_whitespace(head: dict[str, Any]) -> None:
    for record in _with_id(head):
        if not _clean_id(record):
            assert record in select(head, legacy.offering_facts(record)[0].locator)


def test_letter_locator_of_an_agency_with_an_apostrophe(head: dict[str, Any]) -> None:
    for record in _with_id(head):
        for fact in legacy.offering_facts(record):
            if isinstance(fact, Authorization) and "'" in fact.agency_raw:
                assert select(head, fact.locator)


# ---------------------------------------------------------------- the earliest snapshots


@pytest.fixture(scope="module")
def earliest() -> list[tuple[RawSnapshot, dict[str, Any]]]:
    return [(raw, orjson.loads(raw.content)) for raw in legacy_snapshots(count=8)]


def test_earliest_snapshots_hold_a_bare_list(
    earliest: list[tuple[RawSnapshot, dict[str, Any]]],
) -> None:
    kinds = [type(doc["data"]).__name__ for _, doc in earliest]
    assert kinds.count("list") == 7
    assert kinds[-1] == "dict"


def test_bare_list_snapshots_are_parsed(
    earliest: list[tuple[RawSnapshot, dict[str, Any]]],
) -> None:
    for raw, doc in earliest:
        if not isinstance(doc["data"], list):
            continue
        parsed = legacy.parse(doc)
        groups = [g.group for g in parsed.groups]
        assert not any(g.startswith("assessor:") for g in groups), raw.commit
        facts = [f for g in parsed.groups for f in g.build()]
        offerings = [f for f in facts if isinstance(f, Offering)]
        assert len(offerings) == len(_with_id(doc)) > 70
        letters = sum(len(r.get("Leveraged_ATO_Letters") or []) for r in _with_id(doc))
        assert sum(isinstance(f, Authorization) and f.kind == "letter" for f in facts) == letters
        created = dt.datetime.fromisoformat(doc["meta"]["Created_At"].replace("Z", "+00:00"))
        assert parsed.record_time == created


def test_unknown_fields_are_audited_with_counts(
    earliest: list[tuple[RawSnapshot, dict[str, Any]]],
    head: dict[str, Any],
) -> None:
    head_fields = {k for r in _with_id(head) for k in r}
    retired_seen: set[str] = set()
    for raw, doc in earliest:
        records = _with_id(doc)
        present = Counter(k for r in records for k in r)
        audit = legacy.parse(doc).unknown_fields
        for path, count in audit.items():
            where, _, name = path.rpartition(".")
            if where == "Providers[]":
                assert count == present[name], (raw.commit, path)
        # fields of these early snapshots that the feed later dropped are reported
        for retired in ("Active", "FedRAMP_Website_URL"):
            if present[retired]:
                assert retired not in head_fields
                assert audit[f"Providers[].{retired}"] == present[retired]
                retired_seen.add(retired)
        # fields the reader reads are never reported
        for read in ("Package_ID", "Designation", "Impact_Level", "Leveraged_ATO_Letters"):
            assert f"Providers[].{read}" not in audit
    assert retired_seen == {"Active", "FedRAMP_Website_URL"}
