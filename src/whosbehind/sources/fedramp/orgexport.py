"""The FedRAMP organization export: ``fedramp-products.json`` (every product, delisted ones
included, with UEI) and ``fedramp-status-changelog.json`` (dated status history per package).

The products export carries no agency letters and no runs-on links (those fields are empty in
every published copy); it adds UEIs, delisted products and the dated status history.
E-mail fields are never read into facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from whosbehind.model.facts import Fact, ParsedSnapshot, RecordGroup
from whosbehind.model.fedramp import Offering, StatusEvent
from whosbehind.model.timeutil import parse_record_date, parse_record_timestamp
from whosbehind.sources.fedramp import jsonpath
from whosbehind.sources.fedramp import normalize as norm
from whosbehind.sources.fedramp.audit import FieldAudit, listed
from whosbehind.sources.fedramp.initial import initial_authorization
from whosbehind.sources.fedramp.metadata import ORG_PRODUCTS, ORG_STATUS

PRODUCT_FIELDS = frozenset(
    "id csp cso service_model auth_type auth_path deployment_model impact_level uei 3pao_name "
    "3pao_id public_security_email sales_email small_business logo_url website description "
    "business_functions additional_info public_status internal_status status_updated_date "
    "auth_date old_auth_services new_auth_services authorizations reuse agency_auths "
    "agency_reuse leveraged_systems annual_assessment authorizing_agency_id "
    "authorizing_subagency_id trust_center fsi_email remediation remediation_reason last_synced "
    "endpoint private_security_email alt_transition_date prev_status".split()
)
STATUS_FIELDS = frozenset({"current_status", "statuses"})
EVENT_FIELDS = frozenset({"status_name", "start_date"})


def is_products(document: Mapping[str, Any]) -> bool:
    return isinstance(document.get("products"), list)


def is_status_changelog(document: Mapping[str, Any]) -> bool:
    return isinstance(document.get("products"), dict)


def parse_products(document: Mapping[str, Any]) -> ParsedSnapshot:
    metadata = document.get("metadata") or {}
    audit = FieldAudit()
    groups: list[RecordGroup] = []
    for product in document.get("products") or []:
        if not isinstance(product, dict) or not norm.text(product.get("id")):
            audit.counts["products[] without id"] += 1
            continue
        audit.check("products[]", product, PRODUCT_FIELDS)
        package_id = norm.text(product["id"])
        groups.append(RecordGroup(f"offering:{package_id}", product, _product_builder(product)))
    return ParsedSnapshot(
        ORG_PRODUCTS.name,
        parse_record_timestamp(metadata.get("export_timestamp")),
        groups,
        dict(audit.counts),
    )


def _product_builder(product: Mapping[str, Any]) -> Callable[[], Sequence[Fact]]:
    return lambda: product_facts(product)


def product_facts(product: Mapping[str, Any]) -> list[Fact]:
    package_id = norm.text(product["id"])
    where = jsonpath.where("$.products", "id", product["id"])
    provider_raw = str(product.get("csp") or "")
    status_raw = norm.text(product.get("public_status"))
    path = norm.auth_path(product.get("auth_path"))
    agency = norm.optional_text(product.get("authorizing_agency_id"))
    offering = Offering(
        package_id=package_id,
        provider=norm.text(provider_raw),
        provider_raw=provider_raw,
        provider_key=norm.name_key(provider_raw),
        name=norm.text(product.get("cso")),
        status=norm.status(status_raw) if status_raw else "other",
        status_raw=status_raw,
        impact=norm.impact_level(product.get("impact_level")),
        impact_raw=norm.text(product.get("impact_level")),
        path=path,
        service_models=",".join(norm.string_list(product.get("service_model"))),
        deployment_model=norm.optional_text(product.get("deployment_model")),
        authorization_date=parse_record_date(product.get("auth_date")),
        ready_date=None,
        in_process_date=None,
        authorizing_agency=norm.agency(agency) if agency else None,
        assessor=norm.optional_text(product.get("3pao_name")),
        uei=norm.optional_text(product.get("uei")),
        locator=where,
    )
    facts: list[Fact] = [offering]
    if offering.status == "authorized":
        facts.append(
            initial_authorization(offering, agency, product.get("authorizing_subagency_id"))
        )
    return facts


def parse_status_changelog(document: Mapping[str, Any]) -> ParsedSnapshot:
    metadata = document.get("metadata") or {}
    audit = FieldAudit()
    groups: list[RecordGroup] = []
    for package_id, history in (document.get("products") or {}).items():
        if not isinstance(history, dict):
            audit.counts["products{} entry that is not an object"] += 1
            continue
        audit.check("products{}", history, STATUS_FIELDS)
        where = f"$.products[{jsonpath.literal(package_id)}].statuses"
        audit.check_all(
            "products{}.statuses[]", listed(history.get("statuses"), where), EVENT_FIELDS
        )
        key = norm.text(package_id)
        groups.append(RecordGroup(f"status:{key}", history, _status_builder(package_id, history)))
    return ParsedSnapshot(
        ORG_STATUS.name,
        parse_record_timestamp(metadata.get("export_timestamp")),
        groups,
        dict(audit.counts),
    )


def _status_builder(package_id: str, history: Mapping[str, Any]) -> Callable[[], Sequence[Fact]]:
    return lambda: status_facts(package_id, history)


def status_facts(listed_id: str, history: Mapping[str, Any]) -> list[Fact]:
    package_id = norm.text(listed_id)
    events = [event for event in history.get("statuses") or [] if isinstance(event, dict)]
    return [
        StatusEvent(
            package_id=package_id,
            ordinal=ordinal,
            status=norm.status(event.get("status_name")),
            status_raw=norm.text(event.get("status_name")),
            start_date=parse_record_date(event.get("start_date")),
            locator=f"$.products[{jsonpath.literal(listed_id)}].statuses[{ordinal}]",
        )
        for ordinal, event in enumerate(events)
    ]
