"""FedRAMP facts: offerings, authorizations, runs-on dependencies, assessors, status events.

Normalized values sit beside the original (``*_raw``) so nothing the record said is lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

STATUSES = ("authorized", "in_process", "ready", "delisted", "other")
IMPACT_LEVELS = ("low", "li-saas", "moderate", "high")


@dataclass(frozen=True, slots=True)
class Offering:
    """A cloud service offering, by FedRAMP package id."""

    TABLE: ClassVar[str] = "fedramp_offering"
    KEY: ClassVar[tuple[str, ...]] = ("package_id",)

    package_id: str
    provider: str
    provider_raw: str
    provider_key: str
    name: str
    status: str
    status_raw: str
    impact: str | None
    impact_raw: str
    path: str | None
    service_models: str
    deployment_model: str | None
    authorization_date: dt.date | None
    ready_date: dt.date | None
    in_process_date: dt.date | None
    authorizing_agency: str | None
    assessor: str | None
    uei: str | None
    locator: str


@dataclass(frozen=True, slots=True)
class Authorization:
    """The initial authorization (JAB P-ATO or agency ATO) or one agency's ATO letter."""

    TABLE: ClassVar[str] = "fedramp_authorization"
    KEY: ClassVar[tuple[str, ...]] = (
        "package_id",
        "kind",
        "agency",
        "subagency",
        "agency_id",
        "ordinal",
    )

    package_id: str
    kind: str  # "initial", "letter", or "ato" (an undated ATO that may be the initial one)
    agency: str
    subagency: str
    ordinal: int  # 0 for the first letter of this agency/subagency, 1 for a second one, ...
    agency_raw: str
    agency_id: str | None
    letter_date: dt.date | None
    last_sign_date: dt.date | None
    expiration_date: dt.date | None
    locator: str


@dataclass(frozen=True, slots=True)
class RunsOn:
    """``package_id`` runs on (leverages) ``underlying_id``."""

    TABLE: ClassVar[str] = "fedramp_runs_on"
    KEY: ClassVar[tuple[str, ...]] = ("package_id", "underlying_id")

    package_id: str
    underlying_id: str
    locator: str


@dataclass(frozen=True, slots=True)
class Assessor:
    """A third-party assessment organization (3PAO)."""

    TABLE: ClassVar[str] = "fedramp_assessor"
    KEY: ClassVar[tuple[str, ...]] = ("name_key",)

    name_key: str
    name: str
    name_raw: str
    accreditation_date: dt.date | None
    locator: str


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """A dated status in an offering's history, as the status changelog states it."""

    TABLE: ClassVar[str] = "fedramp_status_event"
    KEY: ClassVar[tuple[str, ...]] = ("package_id", "ordinal")

    package_id: str
    ordinal: int
    status: str
    status_raw: str
    start_date: dt.date | None
    locator: str


FACT_TYPES = (Offering, Authorization, RunsOn, Assessor, StatusEvent)
