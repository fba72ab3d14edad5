"""The fixed sets of values the public API's options take.

Each is a ``StrEnum``: a member *is* its string (``Measure.LETTERS == "letters"``), so a plain
string from a form or a notebook works wherever a member does, and ``Measure("letters")``
rejects anything else with a ``ValueError``. The CLI offers the same values as choices
(tests/api/test_options.py checks that they stay equal).
"""

from __future__ import annotations

from enum import StrEnum


class Measure(StrEnum):
    """What a FedRAMP share counts."""

    AUTHORIZATIONS = "authorizations"
    """1 per authorized offering plus 1 per agency ATO letter."""
    OFFERINGS = "offerings"
    """1 per authorized offering."""
    LETTERS = "letters"
    """Agency ATO letters only."""


class Attribution(StrEnum):
    """Who an authorization counts for."""

    INFRASTRUCTURE = "infrastructure"
    """The offering's provider and each provider it runs on."""
    DIRECT = "direct"
    """The offering's own provider only."""


class Impact(StrEnum):
    """A FedRAMP impact level."""

    LOW = "low"
    LI_SAAS = "li-saas"
    MODERATE = "moderate"
    HIGH = "high"


class Feed(StrEnum):
    """Which FedRAMP feed answers."""

    AUTO = "auto"
    """For each date the newest feed that covers it."""
    MARKETPLACE = "marketplace"
    LEGACY = "legacy"
    ORG = "org"


class ShareBy(StrEnum):
    """What FedRAMP shares are grouped by."""

    PROVIDER = "provider"
    PARENT = "parent"
    """Each provider's ultimate parent on the valid date (needs a resolved registry)."""


class Period(StrEnum):
    """The step of a timeline."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class AwardSort(StrEnum):
    """The order of an award list."""

    OBLIGATED = "obligated"
    LAST_ACTION = "last-action"
    PIID = "piid"


class SpendingBy(StrEnum):
    """What contract obligations are totalled by."""

    RECIPIENT = "recipient"
    PARENT = "parent"
    """The recipient's owner in the resolved registry (else as reported)."""
    REPORTED_PARENT = "reported-parent"
    AGENCY = "agency"
    PSC = "psc"
    NAICS = "naics"
    FISCAL_YEAR = "fiscal-year"


class ExportFormat(StrEnum):
    """A format the supply-chain graph is written in."""

    FTM = "ftm"
    GEXF = "gexf"
    GRAPHML = "graphml"
    CSV = "csv"
    PARQUET = "parquet"
    SQLITE = "sqlite"


class ReportFormat(StrEnum):
    """How an agency or company report is written."""

    TABLE = "table"
    MARKDOWN = "markdown"
    HTML = "html"


class ImportFormat(StrEnum):
    """The layout of a file of organization judgements to import."""

    AUTO = "auto"
    VENDOR_DECORATIONS = "vendor-decorations"
    HOOVERS = "hoovers"
    FREEZER = "freezer"
    CHILD_COMPANIES = "child-companies"
    MAPPING = "mapping"


class Relation(StrEnum):
    """What a judgement states about two organizations."""

    SAME = "same"
    PARENT_OF = "parent-of"
