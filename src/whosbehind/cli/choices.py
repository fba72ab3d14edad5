"""The fixed sets of values options take, as ``Literal`` types: Typer turns each into a choice
that ``--help``, shell completion and docs/cli.md list, and rejects anything else. Each equals
the library's own list (tests/api/test_options.py checks that)."""

from __future__ import annotations

from typing import Literal

ImpactLevel = Literal["low", "li-saas", "moderate", "high"]
MeasureName = Literal["authorizations", "offerings", "letters"]
AttributionName = Literal["infrastructure", "direct"]
FeedChoice = Literal["auto", "marketplace", "legacy", "org"]
ShareGrouping = Literal["provider", "parent"]
Period = Literal["month", "quarter", "year"]
AwardSort = Literal["obligated", "last-action", "piid"]
SpendingGroup = Literal[
    "recipient", "parent", "reported-parent", "agency", "psc", "naics", "fiscal-year"
]
ExportFormat = Literal["ftm", "gexf", "graphml", "csv", "parquet", "sqlite"]
ReportFormat = Literal["table", "markdown", "html"]
ImportFormatChoice = Literal[
    "auto", "vendor-decorations", "hoovers", "freezer", "child-companies", "mapping"
]
Relation = Literal["same", "parent-of"]
