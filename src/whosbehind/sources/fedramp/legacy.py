"""The legacy feed ``data/data.json``: ``{meta, data: {Providers, Assessors}}`` (2016-2024).

The seven earliest snapshots hold ``data`` as a bare list of providers. Point-of-contact names
and e-mails (``CSP_POC_*``, ``Agency_POC*``, ``POC_*``) are never read into facts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from whosbehind.model.facts import Fact, ParsedSnapshot, RecordGroup
from whosbehind.model.fedramp import Assessor, Authorization, Offering, RunsOn
from whosbehind.model.timeutil import parse_record_date, parse_record_timestamp
from whosbehind.sources.fedramp import jsonpath
from whosbehind.sources.fedramp import normalize as norm
from whosbehind.sources.fedramp.audit import FieldAudit, ShapeError, kind_of, listed
from whosbehind.sources.fedramp.initial import initial_authorization
from whosbehind.sources.fedramp.kept import kept_facts
from whosbehind.sources.fedramp.metadata import LEGACY

PROVIDER_FIELDS = frozenset(
    "Cloud_Service_Provider_Name Cloud_Service_Provider_Package Path Designation Package_ID "
    "Service_Model Deployment_Model Impact_Level Original_Authorization_Date Sponsoring_Agency "
    "Authorizing_Agency Authorizing_Subagency CSP_URL Independent_Assessor "
    "Underlying_CSP_Package_ID CSP_Website CSO_Description Announcement_Date CSP_POC_Name "
    "CSP_POC_Email Fedramp_Ready_Date FedRAMP_In-Process_Date Leveraged_ATO_Letters "
    "Sponsoring_Agency_Logo Original_Expiration_Date Agency_POC Agency_POC_email".split()
)
LETTER_FIELDS = frozenset(
    "Letter_Date Authorizing_Letter_Last_Sign_Date Authorizing_Agency Authorizing_Subagency "
    "Agency_Logo Include_In_Marketplace Letter_Expiration_Date Agency_POC Agency_POC_email".split()
)
ASSESSOR_FIELDS = frozenset(
    "Name Accreditation_Date Logo Description POC_Name POC_Email website Remediation Founded "
    "Primary_Office_Locations FedRAMP_Assessed Provide_Consulting_Services "
    "Description_of_Consulting_Services Consulting_Services_To Additional_Cyber_Frameworks".split()
)


def parse(document: Mapping[str, Any]) -> ParsedSnapshot:
    meta: Mapping[str, Any] = document.get("meta") or {}
    if not isinstance(meta, dict):
        meta = {}
    data = document.get("data")
    providers: Sequence[Any]
    if isinstance(data, list):
        providers, assessors = data, []
    else:
        if not isinstance(data, dict) or not isinstance(data.get("Providers"), list):
            # an object or null here is a malformed snapshot, not an empty market
            found = data.get("Providers") if isinstance(data, dict) else data
            raise ShapeError(f"data.Providers is {kind_of(found)}, not a list")
        providers = data["Providers"]
        assessors = listed(data.get("Assessors"), "data.Assessors")
    audit = FieldAudit()
    groups: list[RecordGroup] = []
    # every record of every parsed snapshot passes here: only what must be done per record,
    # the rest (facts, their JSONPaths) when the record changed (``RecordGroup``)
    for record in providers:
        package_id = norm.text(record.get("Package_ID")) if isinstance(record, dict) else ""
        if not package_id:
            audit.counts["Providers[] without Package_ID"] += 1
            continue
        if not PROVIDER_FIELDS.issuperset(record):  # the usual record: no call at all
            audit.check("Providers[]", record, PROVIDER_FIELDS)
        letters = record.get("Leveraged_ATO_Letters")
        if not isinstance(letters, list):
            letters = listed(letters, partial(_letters_path, record))
        if letters:
            audit.check_all("Providers[].Leveraged_ATO_Letters[]", letters, LETTER_FIELDS)
        groups.append(
            RecordGroup(f"offering:{package_id}", record, partial(offering_facts, record))
        )
    for record in assessors:
        if isinstance(record, dict) and norm.text(record.get("Name")):
            audit.check("Assessors[]", record, ASSESSOR_FIELDS)
            groups.append(
                RecordGroup(
                    f"assessor:{norm.name_key(record['Name'])}", record, _assessor_builder(record)
                )
            )
    return ParsedSnapshot(
        LEGACY.name,
        parse_record_timestamp(meta.get("Created_At")),
        groups,
        dict(audit.counts),
    )


def _letters_path(record: Mapping[str, Any]) -> str:
    where = jsonpath.where("$.data.Providers", "Package_ID", record["Package_ID"])
    return f"{where}.Leveraged_ATO_Letters"


def _assessor_builder(record: Mapping[str, Any]) -> Any:
    return lambda: [assessor_fact(record)]


def offering_facts(record: Mapping[str, Any]) -> list[Fact]:
    package_id = norm.text(record["Package_ID"])
    where = jsonpath.where("$.data.Providers", "Package_ID", record["Package_ID"])
    provider_raw = str(record.get("Cloud_Service_Provider_Name") or "")
    status_raw = norm.text(record.get("Designation"))
    path = norm.auth_path(record.get("Path"))
    authorizing = norm.optional_text(record.get("Authorizing_Agency")) or norm.optional_text(
        record.get("Sponsoring_Agency")
    )
    offering = Offering(
        package_id=package_id,
        provider=norm.text(provider_raw),
        provider_raw=provider_raw,
        provider_key=norm.name_key(provider_raw),
        name=norm.text(record.get("Cloud_Service_Provider_Package")),
        status=norm.status(status_raw),
        status_raw=status_raw,
        impact=norm.impact_level(record.get("Impact_Level")),
        impact_raw=norm.text(record.get("Impact_Level")),
        path=path,
        service_models=",".join(norm.string_list(record.get("Service_Model"))),
        deployment_model=norm.optional_text(record.get("Deployment_Model")),
        authorization_date=parse_record_date(record.get("Original_Authorization_Date")),
        ready_date=parse_record_date(record.get("Fedramp_Ready_Date")),
        in_process_date=parse_record_date(record.get("FedRAMP_In-Process_Date")),
        authorizing_agency=norm.agency(authorizing) if authorizing else None,
        assessor=norm.optional_text(record.get("Independent_Assessor")),
        uei=None,
        locator=where,
    )
    facts: list[Fact] = [offering]
    if offering.status == "authorized":
        expiration = parse_record_date(record.get("Original_Expiration_Date"))
        facts.append(
            initial_authorization(
                offering, authorizing, record.get("Authorizing_Subagency"), expiration
            )
        )
    letters = record.get("Leveraged_ATO_Letters") or []
    key = ("legacy", package_id, where)
    facts.extend(kept_facts(key, letters, partial(_letters, package_id, where, letters)))
    for underlying in norm.string_list(record.get("Underlying_CSP_Package_ID")):
        if underlying != package_id:
            facts.append(RunsOn(package_id, underlying, f"{where}.Underlying_CSP_Package_ID"))
    return facts


def _letters(package_id: str, where: str, letters: Sequence[Any]) -> list[Fact]:
    rows = []
    for letter in letters:
        if not isinstance(letter, dict):
            continue
        agency_raw = str(letter.get("Authorizing_Agency") or "")
        rows.append(
            (
                norm.agency(agency_raw),
                norm.text(letter.get("Authorizing_Subagency")),
                parse_record_date(letter.get("Letter_Date")),
                parse_record_date(letter.get("Authorizing_Letter_Last_Sign_Date")),
                parse_record_date(letter.get("Letter_Expiration_Date")),
                agency_raw,
            )
        )
    rows.sort(key=lambda row: (row[0], row[1], str(row[2] or row[3] or "")))
    seen: defaultdict[tuple[str, str], int] = defaultdict(int)
    facts: list[Fact] = []
    for agency, subagency, letter_date, signed, expires, agency_raw in rows:
        ordinal = seen[(agency, subagency)]
        seen[(agency, subagency)] += 1
        facts.append(
            Authorization(
                package_id=package_id,
                kind="letter",
                agency=agency,
                subagency=subagency,
                ordinal=ordinal,
                agency_raw=agency_raw,
                agency_id=None,
                letter_date=letter_date or signed,
                last_sign_date=signed,
                expiration_date=expires,
                locator=jsonpath.where(
                    f"{where}.Leveraged_ATO_Letters", "Authorizing_Agency", agency_raw
                ),
            )
        )
    return facts


def assessor_fact(record: Mapping[str, Any]) -> Assessor:
    name_raw = str(record.get("Name") or "")
    return Assessor(
        name_key=norm.name_key(name_raw),
        name=norm.text(name_raw),
        name_raw=name_raw,
        accreditation_date=parse_record_date(record.get("Accreditation_Date")),
        locator=jsonpath.where("$.data.Assessors", "Name", record.get("Name")),
    )
