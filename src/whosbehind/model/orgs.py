"""Organizations: the records that name one, the judgements about them, and who owns whom.

An *org record* is one way a source names an organization: a USAspending recipient with its
identifiers, a FedRAMP provider, an SEC registrant, a name in an analyst's mapping. Resolution
groups org records into organizations (``org_id``); ownership links organizations over valid
time. Only organizations: personal fields never reach these records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

# Schemes of a record reference, strongest first. ``name`` is a raw name as some source wrote it;
# ``org`` is a registry id (stable across runs, see resolve.registry).
RefScheme = Literal["uei", "duns", "cik", "cage", "fedramp", "name", "org"]
REF_SCHEMES: tuple[RefScheme, ...] = ("uei", "duns", "cik", "cage", "fedramp", "name", "org")
IDENTIFIER_SCHEMES: tuple[RefScheme, ...] = ("uei", "duns", "cik", "cage")

JudgementKind = Literal["same", "different", "parent-of"]
JUDGEMENT_KINDS: tuple[JudgementKind, ...] = ("same", "different", "parent-of")

# How an ownership edge is known, most trusted first.
OwnershipBasis = Literal["judgement", "reported", "name-clause"]


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A reference to org records by identifier or name, written ``scheme:value``.

    ``duns:080961462`` refers to every record with that DUNS; ``name:PALANTIR USG, INC.`` to every
    record with exactly that raw name (compared after whitespace folding and case folding).
    """

    scheme: RefScheme
    value: str

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"

    @classmethod
    def parse(cls, text: str) -> RecordRef:
        """Parse ``scheme:value``; raises ValueError naming what is wrong."""
        scheme, sep, value = text.partition(":")
        scheme = scheme.strip().lower()
        value = value.strip()
        if not sep or scheme not in REF_SCHEMES:
            raise ValueError(
                f"not a record reference: {text!r} (expected one of "
                + ", ".join(f"{s}:..." for s in REF_SCHEMES)
                + ")"
            )
        if not value:
            raise ValueError(f"record reference {text!r} has no value after {scheme}:")
        return cls(scheme, value)


@dataclass(frozen=True, slots=True)
class OrgRecord:
    """One source's statement of an organization: its name, identifiers and address.

    ``record_key`` is stable across runs: the source and the identifying fields, so that the
    same statement read again is the same record. ``first_seen``/``last_seen`` are valid-time
    dates (first and last action date of a recipient, authorization dates of a provider).
    ``parent_*`` are the parent as the source reported it, not a resolved fact.
    """

    record_key: str
    source: str  # usaspending | fedramp | sec | judgement
    name: str
    uei: str | None = None
    duns: str | None = None
    cik: str | None = None
    cage: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    parent_name: str | None = None
    parent_duns: str | None = None
    parent_uei: str | None = None
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    citation: str = ""  # a locator into the source (file#line, feed@commit#path, URL)


@dataclass(frozen=True, slots=True)
class Judgement:
    """An analyst's decision about two references, read from line ``line`` of ``file``.

    ``same``/``different`` override every automatic rule. ``parent-of`` says ``left`` owns
    ``right`` from ``valid_from`` (inclusive) until ``valid_to`` (exclusive); open ends are None.
    """

    kind: JudgementKind
    left: RecordRef
    right: RecordRef
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source: str = ""
    note: str = ""
    author: str = ""
    recorded: dt.date | None = None
    file: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class OwnershipEdge:
    """``parent_id`` owns ``child_id`` over valid time ``[valid_from, valid_to)``."""

    parent_id: str
    child_id: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    basis: OwnershipBasis
    detail: str  # what states it: the reported parent's name, or the judgement's source and note
    citation: str


@dataclass(frozen=True, slots=True)
class MatchedPair:
    """Two org records (by ``record_key``) that a matcher scored.

    ``probability`` is the matcher's probability that they are one organization; ``detail`` says
    why in words a person can check (which fields agreed, and how much each weighed).
    """

    left_key: str
    right_key: str
    probability: float
    method: str  # e.g. "splink", "fuzzy-ratio"
    detail: str


@dataclass(frozen=True, slots=True)
class CandidatePair:
    """A pair the automatic rules left uncertain, shown to a person by ``whosbehind review``."""

    left: OrgRecord
    right: OrgRecord
    probability: float
    detail: str
