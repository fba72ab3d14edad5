"""The FedRAMP organization export: products (delisted ones included, with UEI) and the dated
status changelog, read from the real export of 2026-05-30."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import Any

import orjson
import pytest

from tests.conftest import ORG_EXPORT
from whosbehind.model.fedramp import STATUSES, Authorization, Offering, StatusEvent
from whosbehind.sources.fedramp import orgexport
from whosbehind.sources.fedramp.reader import detect_format

# the export's public_status vocabulary, read off the file, and what each value means
PUBLIC_STATUS = {
    "FedRAMP Authorized": "authorized",
    "FedRAMP In Process": "in_process",
    "FRR": "ready",
    "No Status Found": "delisted",
    "": "other",
}
# the changelog's status names
CHANGELOG_STATUS = {
    "Authorized": "authorized",
    "Agency Review": "in_process",
    "PMO Review": "in_process",
    "JAB Review": "in_process",
    "Initial Program Review": "in_process",
    "Final Program Review": "in_process",
    "Agency In Process": "in_process",
    "FRR": "ready",
    "No Status Found": "delisted",
    "No Status Found (Delisted)": "delisted",
}


@pytest.fixture(scope="module")
def products_doc() -> dict[str, Any]:
    return orjson.loads((ORG_EXPORT / "fedramp-products.json").read_bytes())


@pytest.fixture(scope="module")
def changelog_doc() -> dict[str, Any]:
    return orjson.loads((ORG_EXPORT / "fedramp-status-changelog.json").read_bytes())


@pytest.fixture(scope="module")
def product_facts(products_doc: dict[str, Any]) -> list[Any]:
    parsed = orgexport.parse_products(products_doc)
    return [fact for group in parsed.groups for fact in group.build()]


# ---------------------------------------------------------------- products


def test_format_predicates(products_doc: dict[str, Any], changelog_doc: dict[str, Any]) -> None:
    assert orgexport.is_products(products_doc) and not orgexport.is_status_changelog(products_doc)
    assert orgexport.is_status_changelog(changelog_doc) and not orgexport.is_products(changelog_doc)
    assert detect_format(products_doc, "x") == "org-products"
    assert detect_format(changelog_doc, "x") == "org-status"


def test_every_product_is_an_offering(
    products_doc: dict[str, Any], product_facts: list[Any]
) -> None:
    raw = products_doc["products"]
    assert len(raw) == products_doc["metadata"]["total_products"] == 797
    offerings = [f for f in product_facts if isinstance(f, Offering)]
    assert len(offerings) == len(raw)
    assert Counter(o.package_id for o in offerings) == Counter(p["id"].strip() for p in raw)


def test_statuses_normalized_delisted_included(
    products_doc: dict[str, Any], product_facts: list[Any]
) -> None:
    raw = products_doc["products"]
    assert {p["public_status"] for p in raw} <= PUBLIC_STATUS.keys()
    expected = Counter(PUBLIC_STATUS[p["public_status"]] for p in raw)
    offerings = [f for f in product_facts if isinstance(f, Offering)]
    assert Counter(o.status for o in offerings) == expected
    assert expected["delisted"] > 100  # delisted products are kept
    assert all(o.status in STATUSES for o in offerings)
    by_id = {p["id"].strip(): p for p in raw}
    for offering in offerings:
        assert offering.status_raw == by_id[offering.package_id]["public_status"].strip()


def test_uei_kept(products_doc: dict[str, Any], product_facts: list[Any]) -> None:
    by_id = {p["id"].strip(): p for p in products_doc["products"]}
    offerings = [f for f in product_facts if isinstance(f, Offering)]
    with_uei = [o for o in offerings if o.uei]
    assert len(with_uei) == sum(bool(p["uei"].strip()) for p in by_id.values()) > 300
    for offering in offerings:
        assert offering.uei == (by_id[offering.package_id]["uei"].strip() or None)


def test_offering_values(products_doc: dict[str, Any], product_facts: list[Any]) -> None:
    by_id = {p["id"].strip(): p for p in products_doc["products"]}
    levels = Counter()
    for offering in (f for f in product_facts if isinstance(f, Offering)):
        product = by_id[offering.package_id]
        assert offering.provider_raw == product["csp"]
        assert offering.impact_raw == product["impact_level"].strip()
        assert offering.impact is not None
        assert offering.assessor == (product["3pao_name"].strip() or None)
        if product["auth_date"]:
            assert offering.authorization_date == dt.date.fromisoformat(product["auth_date"][:10])
        levels[offering.impact] += 1
    raw_levels = Counter(p["impact_level"] for p in by_id.values())
    assert levels["low"] == raw_levels["Low"] + raw_levels["20x Low"]
    assert levels["li-saas"] == raw_levels["LI-SaaS"]


def test_initial_authorization_of_authorized_products(
    products_doc: dict[str, Any], product_facts: list[Any]
) -> None:
    authorized = {
        p["id"].strip(): p
        for p in products_doc["products"]
        if p["public_status"] == "FedRAMP Authorized"
    }
    initial = [f for f in product_facts if isinstance(f, Authorization)]
    assert all(f.kind == "initial" for f in initial)  # the export holds no letters
    assert Counter(f.package_id for f in initial) == Counter(authorized.keys())
    for fact in initial:
        product = authorized[fact.package_id]
        if product["auth_path"] == "JAB":
            assert fact.agency == "Joint Authorization Board"
        else:
            assert fact.agency_raw == product["authorizing_agency_id"].strip()


def test_no_email_in_any_fact(products_doc: dict[str, Any], product_facts: list[Any]) -> None:
    fields = ("public_security_email", "sales_email", "fsi_email", "private_security_email")
    emails = {
        p[k].strip().casefold() for p in products_doc["products"] for k in fields if "@" in p[k]
    }
    assert len(emails) > 500
    text = "\n".join(
        value.casefold()
        for fact in product_facts
        for value in dataclasses.astuple(fact)
        if isinstance(value, str)
    )
    for email in emails:
        assert email not in text


def test_products_record_time_and_audit(products_doc: dict[str, Any]) -> None:
    parsed = orgexport.parse_products(products_doc)
    stamp = products_doc["metadata"]["export_timestamp"]
    assert parsed.record_time == dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert parsed.feed == "fedramp-org-products"
    assert parsed.unknown_fields == {}  # every field of the real export is known


def test_unknown_product_field_is_counted(products_doc: dict[str, Any]) -> None:
    doc = {
        "metadata": products_doc["metadata"],
        "products": [dict(p, new_field=1) for p in products_doc["products"][:3]]
        + [{"csp": "no id"}],
    }
    parsed = orgexport.parse_products(doc)
    assert parsed.unknown_fields == {"products[].new_field": 3, "products[] without id": 1}


# ---------------------------------------------------------------- status changelog


@pytest.fixture(scope="module")
def events(changelog_doc: dict[str, Any]) -> list[Any]:
    parsed = orgexport.parse_status_changelog(changelog_doc)
    return [fact for group in parsed.groups for fact in group.build()]


def test_events_per_package_equal_raw_statuses(
    changelog_doc: dict[str, Any], events: list[StatusEvent]
) -> None:
    raw = changelog_doc["products"]
    assert len(raw) == changelog_doc["metadata"]["total_products"]
    assert all(isinstance(e, StatusEvent) for e in events)
    expected = Counter({k.strip(): len(v["statuses"]) for k, v in raw.items()})
    assert Counter(e.package_id for e in events) == expected
    assert len(events) == sum(expected.values()) > 1900


def test_events_keep_order_and_status(
    changelog_doc: dict[str, Any], events: list[StatusEvent]
) -> None:
    by_package: dict[str, list[StatusEvent]] = {}
    for event in events:
        by_package.setdefault(event.package_id, []).append(event)
    names = {s["status_name"] for v in changelog_doc["products"].values() for s in v["statuses"]}
    assert names <= CHANGELOG_STATUS.keys()
    for package_id, history in changelog_doc["products"].items():
        facts = by_package.get(package_id.strip(), [])
        assert [e.ordinal for e in facts] == list(range(len(history["statuses"])))
        for fact, raw in zip(facts, history["statuses"], strict=True):
            assert fact.status_raw == raw["status_name"]
            assert fact.status == CHANGELOG_STATUS[raw["status_name"]]


def test_event_dates_parsed(changelog_doc: dict[str, Any], events: list[StatusEvent]) -> None:
    """Dates are instants at midnight US Eastern (``T04:00Z``/``T05:00Z``) or afternoon UTC
    stamps: in every case the publisher's date is the date part of the string."""
    raw = {
        (k.strip(), i): s["start_date"]
        for k, v in changelog_doc["products"].items()
        for i, s in enumerate(v["statuses"])
    }
    forms = Counter(stamp[10:] for stamp in raw.values())
    assert forms["T04:00:00.000Z"] > 1000 and forms["T05:00:00.000Z"] > 500
    for event in events:
        stamp = raw[(event.package_id, event.ordinal)]
        assert event.start_date == dt.date.fromisoformat(stamp[:10])
    assert min(e.start_date for e in events if e.start_date) == dt.date(2012, 6, 14)


def test_changelog_record_time(changelog_doc: dict[str, Any]) -> None:
    parsed = orgexport.parse_status_changelog(changelog_doc)
    stamp = changelog_doc["metadata"]["export_timestamp"]
    assert parsed.record_time == dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert parsed.unknown_fields == {}
