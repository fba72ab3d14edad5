"""The marketplace feed reader on real snapshots: the newest one and early 2023 ones."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections import Counter
from typing import Any

import orjson
import pytest

from tests.conftest import marketplace_snapshots
from tests.support.jsonpath import select
from whosbehind.model.fedramp import Assessor, Authorization, Offering, RunsOn
from whosbehind.model.timeutil import US_EASTERN, implausible_dates, parse_record_date
from whosbehind.sources.fedramp import kept, marketplace
from whosbehind.sources.snapshot import RawSnapshot

# ---------------------------------------------------------------- helpers


def _facts(document: dict[str, Any]) -> list[Any]:
    return [fact for group in marketplace.parse(document).groups for fact in group.build()]


def _products(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in document["data"]["Products"] if str(p.get("id") or "").strip()]


def _listed(document: dict[str, Any]) -> set[str]:
    return {str(p["id"]).strip() for p in _products(document)}


def _mapping_rows(document: dict[str, Any], table: str) -> Counter[str]:
    listed = _listed(document)
    return Counter(
        str(row["id"]).strip()
        for row in document["data"].get(table) or []
        if str(row.get("id") or "").strip() in listed
    )


def _runs_on_expected(document: dict[str, Any]) -> Counter[tuple[str, str]]:
    """A product P listing Q in ``leveraged_systems`` means Q runs on P."""
    expected: Counter[tuple[str, str]] = Counter()
    for product in _products(document):
        for system in product.get("leveraged_systems") or []:
            other = str(system.get("id") or "").strip()
            if other and other != str(product["id"]).strip():
                expected[(other, str(product["id"]).strip())] += 1
    return expected


def _self_references(document: dict[str, Any]) -> int:
    return sum(
        1
        for p in _products(document)
        for s in p.get("leveraged_systems") or []
        if str(s.get("id") or "").strip() == str(p["id"]).strip()
    )


@pytest.fixture(scope="module")
def head(marketplace_head: RawSnapshot) -> dict[str, Any]:
    return orjson.loads(marketplace_head.content)


@pytest.fixture(scope="module")
def head_facts(head: dict[str, Any]) -> list[Any]:
    return _facts(head)


# ---------------------------------------------------------------- the newest snapshot


def test_one_offering_per_product(head: dict[str, Any], head_facts: list[Any]) -> None:
    products = _products(head)
    offerings = [f for f in head_facts if isinstance(f, Offering)]
    assert len(products) > 600
    assert len(offerings) == len(products)
    assert Counter(o.package_id for o in offerings) == Counter(
        str(p["id"]).strip() for p in products
    )


def test_offering_values(head: dict[str, Any], head_facts: list[Any]) -> None:
    by_id = {str(p["id"]).strip(): p for p in _products(head)}
    for offering in (f for f in head_facts if isinstance(f, Offering)):
        product = by_id[offering.package_id]
        assert offering.provider_raw == product["csp"]
        assert offering.status_raw == " ".join(product["status"].split())
        assert offering.impact_raw == " ".join(product["impact_level"].split())
        assert offering.service_models == ",".join(product["service_model"])
        assert offering.uei == (product["uei"].strip() or None)
        assert select(head, offering.locator) == [product]
        if product["status"] == "FedRAMP Authorized":
            assert offering.status == "authorized"
            assert offering.authorization_date == dt.date.fromisoformat(product["auth_date"][:10])


def test_leveraged_systems_read_as_the_inverse(head: dict[str, Any], head_facts: list[Any]) -> None:
    expected = _runs_on_expected(head)
    edges = Counter((f.package_id, f.underlying_id) for f in head_facts if isinstance(f, RunsOn))
    assert sum(expected.values()) > 500
    assert edges == expected


def test_runs_on_locators_select_the_one_listed_entry(
    head: dict[str, Any], head_facts: list[Any]
) -> None:
    runs_on = [f for f in head_facts if isinstance(f, RunsOn)]
    for fact in runs_on:
        entries = select(head, fact.locator)
        assert len(entries) == 1, fact.locator
        assert str(entries[0]["id"]).strip() == fact.package_id
        # the entry sits in the list of the offering that runs underneath
        owner = select(head, fact.locator.rsplit(".leveraged_systems", 1)[0])
        assert [str(p["id"]).strip() for p in owner] == [fact.underlying_id]


def test_leveraged_self_references_dropped(head: dict[str, Any], head_facts: list[Any]) -> None:
    assert _self_references(head) > 0  # the newest snapshot does hold some
    assert not any(f.package_id == f.underlying_id for f in head_facts if isinstance(f, RunsOn))


def test_initial_authorizations_are_ato_mapping_rows(
    head: dict[str, Any], head_facts: list[Any]
) -> None:
    expected = _mapping_rows(head, "AtoMapping")
    mapped = set(expected)
    for product in _products(head):
        if product["status"] == "FedRAMP Authorized" and str(product["id"]).strip() not in mapped:
            expected[str(product["id"]).strip()] += 1  # initial ATO stated without a mapping
    initial = [f for f in head_facts if isinstance(f, Authorization) and f.kind == "initial"]
    assert sum(expected.values()) > 500
    assert Counter(f.package_id for f in initial) == expected


def test_initial_authorization_values(head: dict[str, Any], head_facts: list[Any]) -> None:
    rows = {str(r["id"]).strip(): r for r in head["data"]["AtoMapping"]}
    for fact in head_facts:
        if isinstance(fact, Authorization) and fact.kind == "initial" and fact.package_id in rows:
            row = rows[fact.package_id]
            assert fact.agency_raw == row["parent"]
            if row["ato_date"]:
                assert fact.letter_date == dt.date.fromisoformat(row["ato_date"][:10])


def test_letters_are_reuse_mapping_rows_of_listed_products(
    head: dict[str, Any], head_facts: list[Any]
) -> None:
    expected = _mapping_rows(head, "ReuseMapping")
    all_rows = len(head["data"]["ReuseMapping"])
    assert all_rows > sum(expected.values())  # rows of unlisted products exist and are dropped
    letters = [f for f in head_facts if isinstance(f, Authorization) and f.kind == "letter"]
    assert Counter(f.package_id for f in letters) == expected
    # one fact per row: the store key does not fold two rows into one
    keys = [(f.package_id, f.kind, f.agency, f.subagency, f.agency_id, f.ordinal) for f in letters]
    assert len(keys) == len(set(keys))


def test_no_agency_groups_when_reuse_mapping_exists(head: dict[str, Any]) -> None:
    groups = marketplace.parse(head).groups
    assert not any(g.group.startswith("agency:") for g in groups)
    assessors = [a for a in head["data"]["Assessors"] if str(a.get("name") or "").strip()]
    assert sum(g.group.startswith("assessor:") for g in groups) == len(assessors)


def test_record_time_is_last_change_read_as_eastern_wall_clock() -> None:
    """``last_change`` carries a ``Z`` but is US Eastern local time: read so, every snapshot
    was committed to the archive within minutes after it, never before (in summer and winter)."""
    for raw in marketplace_snapshots(every=97, first=1):
        head = orjson.loads(raw.content)
        stamp = head["meta"]["last_change"]
        record_time = marketplace.parse(head).record_time
        assert record_time is not None
        wall = dt.datetime.fromisoformat(stamp.replace("Z", "")).replace(tzinfo=US_EASTERN)
        assert record_time == wall.astimezone(dt.UTC)
        lag = raw.fallback_time - record_time
        assert dt.timedelta(0) <= lag < dt.timedelta(minutes=10), (raw.commit, stamp, lag)


def test_sales_and_security_emails_appear_in_no_fact(
    head: dict[str, Any], head_facts: list[Any]
) -> None:
    data = head["data"]
    emails = {p.get(k) for p in data["Products"] for k in ("sales_email", "security_email")}
    emails |= {a.get("email") for a in data["Agencies"]}
    emails |= {a.get("email") for a in data["Assessors"]}
    emails = {str(e).strip().casefold() for e in emails if e and "@" in str(e)}
    assert len(emails) > 500
    # an assessor's point of contact, unless the firm bears that person's name
    contacts = {
        str(a["poc"]).strip().casefold()
        for a in data["Assessors"]
        if a.get("poc") and str(a["poc"]).strip().casefold() not in a["name"].casefold()
    }
    assert len(contacts) > 20
    text = "\n".join(
        value.casefold()
        for fact in head_facts
        for value in dataclasses.astuple(fact)
        if isinstance(value, str)
    )
    for value in emails | contacts:
        assert value not in text, value


# ---------------------------------------------------------------- locators


def _padded_ids(head: dict[str, Any], table: str) -> set[str]:
    return {str(r["id"]).strip() for r in head["data"][table] if r["id"] != r["id"].strip()}


def test_mapping_locators_select_their_row(head: dict[str, Any], head_facts: list[Any]) -> None:
    padded = {table: _padded_ids(head, table) for table in ("AtoMapping", "ReuseMapping")}
    checked = single = 0
    for fact in head_facts:
        if isinstance(fact, Authorization) and "Mapping" in fact.locator:
            table = "AtoMapping" if fact.kind == "initial" else "ReuseMapping"
            if fact.package_id in padded[table]:
                continue  # see test_mapping_locator_of_an_id_with_outer_whitespace
            rows = select(head, fact.locator)
            assert rows, fact.locator
            assert all(str(r["id"]).strip() == fact.package_id for r in rows)
            assert all(r["parent"] == fact.agency_raw for r in rows)
            # narrowed to the fact's own row: its sub-agency and its ATO date
            assert all(parse_record_date(r.get("ato_date")) == fact.letter_date for r in rows)
            assert all(" ".join(str(r.get("sub") or "").split()) == fact.subagency for r in rows)
            single += len(rows) == 1
            checked += 1
    assert checked > 3000 and single / checked > 0.99


def test_mapping_locator_of_an_id_with_outer_whitespace(
    head: dict[str, Any], head_facts: list[Any]
) -> None:
    padded = _padded_ids(head, "ReuseMapping")
    assert padded & _listed(head)
    for fact in head_facts:
        if isinstance(fact, Authorization) and fact.kind == "letter" and fact.package_id in padded:
            assert select(head, fact.locator)


def test_assessor_locators_select_their_record(head: dict[str, Any], head_facts: list[Any]) -> None:
    assessors = [f for f in head_facts if isinstance(f, Assessor)]
    assert assessors
    for assessor in assessors:
        assert select(head, assessor.locator)


# ---------------------------------------------------------------- early 2023 snapshots


@pytest.fixture(scope="module")
def early() -> list[tuple[RawSnapshot, dict[str, Any]]]:
    """Every 25th snapshot of 2023-02/03: JSON ones only (the very first is 1 byte)."""
    found = []
    for raw in marketplace_snapshots(every=25, count=4):
        try:
            found.append((raw, orjson.loads(raw.content)))
        except orjson.JSONDecodeError:
            continue
    return found


@pytest.fixture(scope="module")
def before_mappings(early: list[tuple[RawSnapshot, dict[str, Any]]]) -> dict[str, Any]:
    """The first of them without ReuseMapping/AtoMapping whose products list other products."""
    for _, doc in early:
        data = doc["data"]
        if "ReuseMapping" not in data and "AtoMapping" not in data and _runs_on_expected(doc):
            return doc
    raise AssertionError("no early snapshot without mappings")


def test_early_self_reference_only_snapshot_gives_no_runs_on(
    early: list[tuple[RawSnapshot, dict[str, Any]]],
) -> None:
    self_only = [doc for _, doc in early if _self_references(doc) and not _runs_on_expected(doc)]
    assert self_only
    for doc in self_only:
        assert not any(isinstance(f, RunsOn) for f in _facts(doc))


def test_early_letters_come_from_agency_auths(before_mappings: dict[str, Any]) -> None:
    expected: Counter[tuple[str, str]] = Counter()
    for agency in before_mappings["data"]["Agencies"]:
        agency_id = str(agency.get("id") or "").strip()
        if not agency_id or "JAB" in str(agency.get("parent")):
            continue  # a JAB P-ATO is the initial authorization, not a letter
        for system in agency.get("auths") or []:
            if isinstance(system, dict) and str(system.get("id") or "").strip():
                expected[(agency_id, str(system["id"]).strip())] += 1
    facts = _facts(before_mappings)
    letters = [f for f in facts if isinstance(f, Authorization) and f.kind == "ato"]
    assert sum(expected.values()) > 1000
    assert Counter((f.agency_id, f.package_id) for f in letters) == expected
    assert all(f.letter_date is None for f in letters)  # the auths lists are undated


def test_early_initial_authorization_without_mapping(before_mappings: dict[str, Any]) -> None:
    authorized = {
        str(p["id"]).strip(): p
        for p in _products(before_mappings)
        if p["status"] == "FedRAMP Authorized"
    }
    initial = [
        f for f in _facts(before_mappings) if isinstance(f, Authorization) and f.kind == "initial"
    ]
    assert Counter(f.package_id for f in initial) == Counter(authorized.keys())
    for fact in initial:
        jab = authorized[fact.package_id]["auth_type"] == "JAB"
        assert fact.agency == ("Joint Authorization Board" if jab else "(not stated)")


def test_early_runs_on_is_the_inverse(before_mappings: dict[str, Any]) -> None:
    edges = Counter(
        (f.package_id, f.underlying_id) for f in _facts(before_mappings) if isinstance(f, RunsOn)
    )
    assert edges == _runs_on_expected(before_mappings)


def test_python_repr_lists_are_parsed(before_mappings: dict[str, Any]) -> None:
    """The same real snapshot with its lists published as Python reprs (``"['PaaS']"``), as
    the reader's docstring says early snapshots do, yields the same facts.

    (The archived 2023 snapshots themselves hold JSON lists: the repr form is built here.)"""
    as_repr = copy.deepcopy(before_mappings)
    for product in as_repr["data"]["Products"]:
        for name in ("service_model", "leveraged_systems"):
            product[name] = repr(product[name])
    for agency in as_repr["data"]["Agencies"]:
        agency["auths"] = repr(agency["auths"])
    assert as_repr["data"]["Products"][0]["service_model"].startswith("['")
    original, reprs = _facts(before_mappings), _facts(as_repr)
    assert sum(isinstance(f, RunsOn) for f in original) > 100
    assert all(isinstance(f, Offering) and f.service_models for f in original[:1])
    assert reprs == original


# ---------------------------------------------------------------- mapping facts built once


def _built_fresh(document: dict[str, Any]) -> list[Any]:
    """The facts of ``document`` with nothing kept before or after."""
    kept._BUILT.clear()
    try:
        with implausible_dates():
            return _facts(document)
    finally:
        kept._BUILT.clear()


def test_mapping_facts_kept_from_a_snapshot_before_equal_those_built_afresh(
    head: dict[str, Any],
) -> None:
    # the same products under other values and other rows: kept facts where the rows' JSON is
    # the same, new ones where a row changed, or changed only its type (1 == True in Python)
    before = copy.deepcopy(head)
    ids = Counter(str(row["id"]).strip() for row in before["data"]["ReuseMapping"])
    alone = next(
        i
        for i, row in enumerate(before["data"]["ReuseMapping"])
        if ids[str(row["id"]).strip()] == 1 and str(row["id"]).strip() in _listed(before)
    )
    before["data"]["ReuseMapping"][alone]["sub_id"] = 1
    after = copy.deepcopy(before)
    rows = after["data"]["ReuseMapping"]
    rows[alone]["sub_id"] = True
    other = next(row for row in rows if ids[str(row["id"]).strip()] > 1)  # another product's
    other["sub"] = "Another Sub-Agency"
    for product in after["data"]["Products"][:50]:
        product["service_desc"] = "changed"
    expected = _built_fresh(after)
    with implausible_dates():
        first = _facts(before)
        got = _facts(after)
    assert got == expected
    assert sorted(map(repr, got)) == sorted(map(repr, expected))  # the types too
    assert any(fact.agency_id == "True" for fact in got if isinstance(fact, Authorization))
    # and most mapping facts were kept, not built again
    kept = {id(fact) for fact in first} & {id(fact) for fact in got}
    assert len(kept) > len(head["data"]["ReuseMapping"]) / 2


def test_mapping_rows_with_an_implausible_date_are_counted_each_time_never_kept(
    head: dict[str, Any],
) -> None:
    document = copy.deepcopy(head)
    row = document["data"]["AtoMapping"][0]
    row["ato_date"] = "0001-01-01T00:00:00.000Z"
    kept._BUILT.clear()
    for _ in range(2):
        with implausible_dates() as found:
            _facts(document)
        assert sum(found.values()) == 1
    assert ("marketplace", row["id"].strip(), "initial", "AtoMapping") not in kept._BUILT
