"""USAspending as a source: contract CSV downloads (files, folders, zip archives), API
responses (live or recorded) and the agency list. Its records are versioned by record time
per key (``store.contracts``) and ingested by ``pipeline.contracts``."""

from __future__ import annotations

from whosbehind.model.agencies import Agency
from whosbehind.model.contracts import CONTRACT_FACT_TYPES
from whosbehind.model.facts import Fact
from whosbehind.sources.protocol import Versioning
from whosbehind.sources.usaspending import metadata
from whosbehind.sources.usaspending.agency_list import FEED as FEED_AGENCIES


class UsaspendingSource:
    name = "usaspending"
    publisher = metadata.PUBLISHER
    license = metadata.LICENSE
    feeds: tuple[str, ...] = (metadata.FEED_CSV, metadata.FEED_API, FEED_AGENCIES)
    formats = (
        "contract CSV (award summaries, transactions; 2018 headerless layout)",
        "zip archive of CSVs",
        "API response (JSON, live or recorded)",
        "agency list (JSON)",
    )
    fact_types: tuple[type[Fact], ...] = (*CONTRACT_FACT_TYPES, Agency)
    versioning: Versioning = "record"
    org_records = ("usaspending",)


USASPENDING = UsaspendingSource()
