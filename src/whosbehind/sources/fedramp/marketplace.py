"""The marketplace feed ``data.json`` (2023-): ``Products``, ``Agencies``, ``Assessors``,
``AtoMapping`` (each product's initial ATO) and ``ReuseMapping`` (agencies' ATO letters).
Snapshots before the mappings existed list each agency's ATOs, undated, in ``Agencies[].auths``
without marking which is the initial one: there every listed ATO is read as a letter.

A product's ``leveraged_systems`` lists the products that run ON it: the inverse of the legacy
``Underlying_CSP_Package_ID``. Early snapshots publish lists as Python reprs (``"['PaaS']"``).
Sales and security e-mails, and assessors' ``poc``/``email``, are never read into facts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from whosbehind.model.facts import Fact, ParsedSnapshot, RecordGroup
from whosbehind.model.fedramp import Assessor, Authorization, Offering, RunsOn
from whosbehind.model.timeutil import parse_eastern_wall_clock, parse_record_date
from whosbehind.sources.fedramp import jsonpath
from whosbehind.sources.fedramp import normalize as norm
from whosbehind.sources.fedramp.audit import FieldAudit, ShapeError, kind_of, listed
from whosbehind.sources.fedramp.initial import initial_authorization
from whosbehind.sources.fedramp.kept import kept_facts
from whosbehind.sources.fedramp.metadata import MARKETPLACE

PRODUCT_FIELDS = frozenset(
    "id name csp cso logo service_offering status authorization reuse ready_status ready_date "
    "ip_jab_status ip_jab_date ip_prog_status ip_prog_date ip_prog_date2 ip_agency_status "
    "ip_agency_date ip_pmo_status ip_pmo_date auth_date auth_type fedramp_ready "
    "partnering_agency fedramp_auth annual_assessment independent_assessor service_model "
    "deployment_model impact_level impact_level_number leveraged_systems agency_authorizations "
    "agency_reuse service_desc fedramp_msg sales_email security_email website uei "
    "small_business business_function service_last_90 all_others filter_classes".split()
)
MAPPING_FIELDS = frozenset(
    "id agency_id parent sub sub_id ato_date auth_date exp_date assessment_date".split()
)
ASSESSOR_FIELDS = frozenset(
    "id name csp logo products_assessing accredited_since poc email founded address desc csps "
    "frameworks clients services filter_classes".split()
)
TOP_LEVEL = frozenset("Metrics Filters Products Agencies Assessors AtoMapping ReuseMapping".split())
AGENCY_FIELDS = frozenset(
    "id parent sub csp logo authorization reuse email website auths reuses procs "
    "filter_classes".split()
)
IN_PROCESS_DATES = ("ip_jab_date", "ip_agency_date", "ip_pmo_date", "ip_prog_date")


def parse(document: Mapping[str, Any]) -> ParsedSnapshot:
    meta: Mapping[str, Any] = document.get("meta") or {}
    if not isinstance(meta, dict):
        meta = {}
    data: Mapping[str, Any] = document.get("data") or {}
    if not isinstance(data.get("Products"), list):
        # an object or null here is a malformed snapshot, not an empty market
        raise ShapeError(f"data.Products is {kind_of(data.get('Products'))}, not a list")
    audit = FieldAudit()
    audit.check("data", data, TOP_LEVEL)
    initial = _by_product(listed(data.get("AtoMapping"), "data.AtoMapping"), audit, "AtoMapping[]")
    reuse = _by_product(
        listed(data.get("ReuseMapping"), "data.ReuseMapping"), audit, "ReuseMapping[]"
    )
    groups: list[RecordGroup] = []
    # every record of every parsed snapshot passes here: only what must be done per record,
    # the rest (facts, their JSONPaths) when the record changed (``RecordGroup``)
    for product in data["Products"]:
        package_id = norm.text(product.get("id")) if isinstance(product, dict) else ""
        if not package_id:
            audit.counts["Products[] without id"] += 1
            continue
        if not PRODUCT_FIELDS.issuperset(product):  # the usual record: no call at all
            audit.check("Products[]", product, PRODUCT_FIELDS)
        # mapping rows come in no stable order: sorted, a reordering is not a change
        raw = (product, _ordered(initial.get(package_id, [])), _ordered(reuse.get(package_id, [])))
        groups.append(RecordGroup(f"offering:{package_id}", raw, partial(product_facts, *raw)))
    if "ReuseMapping" not in data:
        for agency in listed(data.get("Agencies"), "data.Agencies"):
            if isinstance(agency, dict) and norm.text(agency.get("id")):
                audit.check("Agencies[]", agency, AGENCY_FIELDS)
                key = norm.text(agency["id"])
                groups.append(RecordGroup(f"agency:{key}", agency, _agency_builder(agency)))
    for assessor in listed(data.get("Assessors"), "data.Assessors"):
        if isinstance(assessor, dict) and norm.text(assessor.get("name")):
            audit.check("Assessors[]", assessor, ASSESSOR_FIELDS)
            key = norm.name_key(assessor["name"])
            groups.append(RecordGroup(f"assessor:{key}", assessor, _assessor_builder(assessor)))
    return ParsedSnapshot(
        MARKETPLACE.name,
        parse_eastern_wall_clock(meta.get("last_change")),
        groups,
        dict(audit.counts),
    )


def _by_product(
    rows: Sequence[Any], audit: FieldAudit, where: str
) -> dict[str, list[Mapping[str, Any]]]:
    grouped: defaultdict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        key = norm.text(row.get("id")) if isinstance(row, dict) else ""
        if key:
            if not MAPPING_FIELDS.issuperset(row):
                audit.check(where, row, MAPPING_FIELDS)
            grouped[key].append(row)
    return grouped


def _ordered(rows: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    if len(rows) < 2:
        return list(rows)
    return sorted(rows, key=_row_order)


def _row_order(row: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(map(str, row.values()))


def _agency_builder(agency: Mapping[str, Any]) -> Callable[[], Sequence[Fact]]:
    return lambda: agency_letters(agency)


def _assessor_builder(record: Mapping[str, Any]) -> Callable[[], Sequence[Fact]]:
    return lambda: [assessor_fact(record)]


def product_facts(
    product: Mapping[str, Any],
    initial: Sequence[Mapping[str, Any]],
    reuse: Sequence[Mapping[str, Any]],
) -> list[Fact]:
    package_id = norm.text(product["id"])
    where = jsonpath.where("$.data.Products", "id", product["id"])
    provider_raw = str(product.get("csp") or product.get("name") or "")
    status_raw = norm.text(product.get("status"))
    first_agency = initial[0] if initial else {}
    authorizing = norm.optional_text(first_agency.get("sub")) or norm.optional_text(
        first_agency.get("parent")
    )
    in_process = [parse_record_date(product.get(name)) for name in IN_PROCESS_DATES]
    offering = Offering(
        package_id=package_id,
        provider=norm.text(provider_raw),
        provider_raw=provider_raw,
        provider_key=norm.name_key(provider_raw),
        name=norm.text(product.get("cso") or product.get("service_offering")),
        status=norm.status(status_raw),
        status_raw=status_raw,
        impact=norm.impact_level(product.get("impact_level")),
        impact_raw=norm.text(product.get("impact_level")),
        path=norm.auth_path(product.get("auth_type")),
        service_models=",".join(norm.string_list(product.get("service_model"))),
        deployment_model=norm.optional_text(product.get("deployment_model")),
        authorization_date=parse_record_date(product.get("auth_date"))
        or parse_record_date(product.get("fedramp_auth")),
        ready_date=parse_record_date(product.get("ready_date"))
        or parse_record_date(product.get("fedramp_ready")),
        in_process_date=min((day for day in in_process if day), default=None),
        authorizing_agency=norm.agency(authorizing) if authorizing else None,
        assessor=norm.optional_text(product.get("independent_assessor")),
        uei=norm.optional_text(product.get("uei")),
        locator=where,
    )
    facts: list[Fact] = [offering]
    if offering.status == "authorized" and not initial:
        # no AtoMapping: JAB, or an agency the snapshot does not name
        facts.append(initial_authorization(offering, None, unstated="(not stated)"))
    for kind, table, rows in (
        ("initial", "AtoMapping", initial),
        ("letter", "ReuseMapping", reuse),
    ):
        build = partial(_mapping_facts, package_id, kind, table, rows)
        facts.extend(kept_facts(("marketplace", package_id, kind, table), rows, build))
    for system in norm.object_list(product.get("leveraged_systems")):
        runs_on_it = norm.text(system.get("id"))
        if runs_on_it and runs_on_it != package_id:
            # the entry of the product that runs on this one, not the whole list
            listed = jsonpath.where(f"{where}.leveraged_systems", "id", system.get("id"))
            facts.append(RunsOn(runs_on_it, package_id, listed))
    return facts


def _mapping_facts(
    package_id: str, kind: str, table: str, rows: Sequence[Mapping[str, Any]]
) -> list[Fact]:
    ordered = sorted(
        rows,
        key=lambda row: (
            norm.text(row.get("parent")),
            norm.text(row.get("sub")),
            norm.text(row.get("ato_date")),
        ),
    )
    seen: defaultdict[tuple[str, str], int] = defaultdict(int)
    facts: list[Fact] = []
    for row in ordered:
        agency, subagency = norm.agency(row.get("parent")), norm.text(row.get("sub"))
        ordinal = seen[(agency, subagency)]
        seen[(agency, subagency)] += 1
        facts.append(
            Authorization(
                package_id=package_id,
                kind=kind,
                agency=agency,
                subagency=subagency,
                ordinal=ordinal,
                agency_raw=str(row.get("parent") or ""),
                agency_id=norm.optional_text(row.get("sub_id") or row.get("agency_id")),
                letter_date=parse_record_date(row.get("ato_date")),
                last_sign_date=parse_record_date(row.get("auth_date")),
                expiration_date=parse_record_date(row.get("exp_date")),
                locator=_mapping_locator(table, row),
            )
        )
    return facts


def _mapping_locator(table: str, row: Mapping[str, Any]) -> str:
    """The row's JSONPath, narrowed by sub-agency and dates where it has them: one agency
    often has several rows for one offering (one per sub-agency, one per renewal)."""
    conditions = [f"@.id=={jsonpath.literal(row.get('id'))}"]
    conditions.append(f"@.agency_id=={jsonpath.literal(row.get('agency_id'))}")
    for field in ("sub_id", "ato_date", "auth_date"):
        value = row.get(field)
        if isinstance(value, str) and "&&" not in value:
            conditions.append(f"@.{field}=={jsonpath.literal(value)}")
    return f"$.data.{table}[?(" + " && ".join(conditions) + ")]"


def agency_letters(agency: Mapping[str, Any]) -> list[Fact]:
    """Undated ATOs from one agency's ``auths`` list (snapshots before the mappings), of kind
    ``ato``: the list does not say which of an offering's ATOs was the initial one. The JAB's
    list is skipped: a JAB P-ATO is the offering's initial authorization, recorded already."""
    agency_id = norm.text(agency.get("id"))
    name, subagency = norm.agency(agency.get("parent")), norm.text(agency.get("sub"))
    if name == "Joint Authorization Board":
        return []
    seen: defaultdict[str, int] = defaultdict(int)
    facts: list[Fact] = []
    for system in norm.object_list(agency.get("auths")):
        package_id = norm.text(system.get("id"))
        if not package_id:
            continue
        facts.append(
            Authorization(
                package_id=package_id,
                kind="ato",
                agency=name,
                subagency=subagency,
                ordinal=seen[package_id],
                agency_raw=str(agency.get("parent") or ""),
                agency_id=agency_id,
                letter_date=None,
                last_sign_date=None,
                expiration_date=None,
                locator=jsonpath.where("$.data.Agencies", "id", agency.get("id")) + ".auths",
            )
        )
        seen[package_id] += 1
    return facts


def assessor_fact(record: Mapping[str, Any]) -> Assessor:
    name_raw = str(record.get("name") or "")
    return Assessor(
        name_key=norm.name_key(name_raw),
        name=norm.text(name_raw),
        name_raw=name_raw,
        accreditation_date=parse_record_date(record.get("accredited_since")),
        locator=jsonpath.where("$.data.Assessors", "id", record.get("id")),
    )
