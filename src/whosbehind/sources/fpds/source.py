"""FPDS as a source: ATOM feed pages (live or recorded), read into the same contract records
as USAspending (an action's key is the same whichever feed states it)."""

from __future__ import annotations

from whosbehind.model.contracts import Award, Quarantined, Transaction
from whosbehind.model.facts import Fact
from whosbehind.sources.fpds import metadata
from whosbehind.sources.protocol import Versioning


class FpdsSource:
    name = "fpds"
    publisher = metadata.PUBLISHER
    license = metadata.LICENSE
    feeds: tuple[str, ...] = (metadata.FEED,)
    formats = ("ATOM feed page (XML, live or recorded)",)
    fact_types: tuple[type[Fact], ...] = (Award, Transaction, Quarantined)
    versioning: Versioning = "record"
    org_records = ("usaspending",)  # its awards and transactions join the contract tables


FPDS = FpdsSource()
