"""whosbehind: the technology supply chain behind government agencies, from public records.

This module is the public API: every answer the ``whosbehind`` command gives is a function
here, taking an open store (:func:`open_store`) and keyword options, and returning typed
results that carry their citations (source, locator, record time, content hash) and turn into
the CLI's JSON with ``to_json()``. The CLI and the web app call nothing else. For example::

    from whosbehind import Measure, fedramp_share, open_store

    with open_store("whosbehind.duckdb") as engine:
        result = fedramp_share(engine, as_of="2024-06-30", measure=Measure.OFFERINGS)
        for row in result.rows[:5]:
            print(row.provider, row.count, f"{row.share:.1%}")

**The two clocks.** ``as_of`` is record time: what the records said on that date.
``valid_at`` is valid time: what was true on that date according to the records (ATOs dated
on or before it, parents and subsidiaries). A date may be a ``datetime``, a ``date`` (the end
of that day, UTC) or text (``"2024-06-30"``).

**Options** are ``StrEnum`` members (:class:`Measure`, :class:`Attribution`, ...); a plain
string equal to a member's value works too.

**Errors** are :class:`WhosbehindError` subclasses: :class:`UsageError` (a bad option),
:class:`NotFoundError` and :class:`MissingDataError` (nothing matches; data not ingested),
:class:`StoreError`, :class:`SourceError`, :class:`SnapshotError`.

See docs/api.md. ``tests/test_public_api.py`` lists every exported name.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names, for type checkers; at run time each is imported on first use
    from whosbehind.analysis.agencies import AgencySelection
    from whosbehind.analysis.contracts.awards import AwardRow, AwardsResult
    from whosbehind.analysis.contracts.lines import Filters
    from whosbehind.analysis.contracts.spending import SpendingResult, SpendingRow
    from whosbehind.analysis.fedramp.agency import AtoLetter
    from whosbehind.analysis.fedramp.changes import Change, ChangeReport
    from whosbehind.analysis.fedramp.offering import (
        OfferingAuthorization,
        OfferingLink,
        OfferingReport,
        OfferingStatus,
        OfferingVersion,
    )
    from whosbehind.analysis.fedramp.runs_on import RunsOnReport, RunsOnRow
    from whosbehind.analysis.fedramp.share import ShareResult, ShareRow
    from whosbehind.analysis.fedramp.timeline import Timeline
    from whosbehind.analysis.reports.agency import AgencyReport
    from whosbehind.analysis.reports.company import CompanyReport
    from whosbehind.analysis.reports.sections import Document, format_cell
    from whosbehind.analysis.search import Hit, SearchIndex
    from whosbehind.api.contracts import (
        awards,
        contract_filters,
        find_agency,
        plot_spending,
        spending,
        spending_by_year,
    )
    from whosbehind.api.dates import When
    from whosbehind.api.defaults import AGENCY_LIST_URL, FEDRAMP_FEED_URL, PATH_MAX_HOPS, PATH_TOP
    from whosbehind.api.fedramp import (
        fedramp_changes,
        fedramp_offering,
        fedramp_runs_on,
        fedramp_share,
        fedramp_timeline,
        plot_timeline,
    )
    from whosbehind.api.graph import (
        cite,
        graph_format,
        plot_path,
        supply_chain_graph,
        supply_chain_path,
        write_graph,
    )
    from whosbehind.api.ingest import (
        ContractQuery,
        ingest_agencies,
        ingest_fedramp,
        ingest_fpds,
        ingest_sec,
        ingest_usaspending,
    )
    from whosbehind.api.judgements import (
        JudgementCheck,
        JudgementImport,
        JudgementList,
        check_judgements,
        import_judgements,
        judgements_file,
        list_judgements,
    )
    from whosbehind.api.options import (
        Attribution,
        AwardSort,
        ExportFormat,
        Feed,
        Impact,
        ImportFormat,
        Measure,
        Period,
        Relation,
        ReportFormat,
        ShareBy,
        SpendingBy,
    )
    from whosbehind.api.orgs import (
        OrgMatch,
        OrgMatches,
        explain_orgs,
        find_orgs,
        org,
        resolve_organizations,
    )
    from whosbehind.api.reports import (
        AgencyAnswer,
        CompanyAnswer,
        agency_graph,
        agency_report,
        company_report,
        plot_agency_graph,
        plot_agency_money,
        render_report,
    )
    from whosbehind.api.review import (
        REVIEW_PROMPT,
        review_answer,
        review_pairs,
        uncertain_pairs,
        undecided_pairs,
    )
    from whosbehind.api.search import SEARCH_KINDS, search_index
    from whosbehind.api.store import PUBLISHED_CHECK_EVERY, damaged_store, open_store
    from whosbehind.errors import (
        MissingDataError,
        NotFoundError,
        SnapshotError,
        SourceError,
        StoreError,
        UsageError,
        WhosbehindError,
    )
    from whosbehind.export.cite import CitedRecord, StoredSnapshot
    from whosbehind.export.formats import GraphFormat
    from whosbehind.export.graph import Graph
    from whosbehind.export.paths import Chain, Hop, HopEdge, NodeRef, PathResult
    from whosbehind.model.citation import Citation
    from whosbehind.model.fedramp import Offering
    from whosbehind.model.orgs import CandidatePair, Judgement, OrgRecord
    from whosbehind.pipeline.contracts.ingest import ContractIngestSummary
    from whosbehind.pipeline.contracts.summary import IngestedFile
    from whosbehind.pipeline.snapshot_ingest import IngestSummary
    from whosbehind.resolve.explain import Explanation
    from whosbehind.resolve.names import name_key
    from whosbehind.resolve.org_view import OrgView
    from whosbehind.resolve.registry import ResolveSummary
    from whosbehind.resolve.review import ReviewSummary
    from whosbehind.store.asof import SnapshotRef
    from whosbehind.store.engine import Engine, resolve_db_path
    from whosbehind.store.published import PublishedVersion
    from whosbehind.store.published_reader import PublishedStore

# name -> the module that defines it. Importing the package imports none of them: a name's module
# is imported when the name is first used, so that `whosbehind --help` does not pay for DuckDB,
# Arrow, SciPy, ... (tests/test_lazy_imports.py checks this map against the imports above).
_EXPORTS: dict[str, str] = {
    "PUBLISHED_CHECK_EVERY": "whosbehind.api.store",
    "Hit": "whosbehind.analysis.search",
    "SearchIndex": "whosbehind.analysis.search",
    "SEARCH_KINDS": "whosbehind.api.search",
    "search_index": "whosbehind.api.search",
    "AgencySelection": "whosbehind.analysis.agencies",
    "AwardRow": "whosbehind.analysis.contracts.awards",
    "AwardsResult": "whosbehind.analysis.contracts.awards",
    "Filters": "whosbehind.analysis.contracts.lines",
    "SpendingResult": "whosbehind.analysis.contracts.spending",
    "SpendingRow": "whosbehind.analysis.contracts.spending",
    "AtoLetter": "whosbehind.analysis.fedramp.agency",
    "Change": "whosbehind.analysis.fedramp.changes",
    "ChangeReport": "whosbehind.analysis.fedramp.changes",
    "OfferingAuthorization": "whosbehind.analysis.fedramp.offering",
    "OfferingLink": "whosbehind.analysis.fedramp.offering",
    "OfferingReport": "whosbehind.analysis.fedramp.offering",
    "OfferingStatus": "whosbehind.analysis.fedramp.offering",
    "OfferingVersion": "whosbehind.analysis.fedramp.offering",
    "RunsOnReport": "whosbehind.analysis.fedramp.runs_on",
    "RunsOnRow": "whosbehind.analysis.fedramp.runs_on",
    "ShareResult": "whosbehind.analysis.fedramp.share",
    "ShareRow": "whosbehind.analysis.fedramp.share",
    "Timeline": "whosbehind.analysis.fedramp.timeline",
    "AgencyReport": "whosbehind.analysis.reports.agency",
    "CompanyReport": "whosbehind.analysis.reports.company",
    "Document": "whosbehind.analysis.reports.sections",
    "format_cell": "whosbehind.analysis.reports.sections",
    "awards": "whosbehind.api.contracts",
    "contract_filters": "whosbehind.api.contracts",
    "find_agency": "whosbehind.api.contracts",
    "plot_spending": "whosbehind.api.contracts",
    "spending": "whosbehind.api.contracts",
    "spending_by_year": "whosbehind.api.contracts",
    "When": "whosbehind.api.dates",
    "AGENCY_LIST_URL": "whosbehind.api.defaults",
    "FEDRAMP_FEED_URL": "whosbehind.api.defaults",
    "PATH_MAX_HOPS": "whosbehind.api.defaults",
    "PATH_TOP": "whosbehind.api.defaults",
    "fedramp_changes": "whosbehind.api.fedramp",
    "fedramp_offering": "whosbehind.api.fedramp",
    "fedramp_runs_on": "whosbehind.api.fedramp",
    "fedramp_share": "whosbehind.api.fedramp",
    "fedramp_timeline": "whosbehind.api.fedramp",
    "plot_timeline": "whosbehind.api.fedramp",
    "cite": "whosbehind.api.graph",
    "graph_format": "whosbehind.api.graph",
    "plot_path": "whosbehind.api.graph",
    "supply_chain_graph": "whosbehind.api.graph",
    "supply_chain_path": "whosbehind.api.graph",
    "write_graph": "whosbehind.api.graph",
    "ContractQuery": "whosbehind.api.ingest",
    "ingest_agencies": "whosbehind.api.ingest",
    "ingest_fedramp": "whosbehind.api.ingest",
    "ingest_fpds": "whosbehind.api.ingest",
    "ingest_sec": "whosbehind.api.ingest",
    "ingest_usaspending": "whosbehind.api.ingest",
    "JudgementCheck": "whosbehind.api.judgements",
    "JudgementImport": "whosbehind.api.judgements",
    "JudgementList": "whosbehind.api.judgements",
    "check_judgements": "whosbehind.api.judgements",
    "import_judgements": "whosbehind.api.judgements",
    "judgements_file": "whosbehind.api.judgements",
    "list_judgements": "whosbehind.api.judgements",
    "Attribution": "whosbehind.api.options",
    "AwardSort": "whosbehind.api.options",
    "ExportFormat": "whosbehind.api.options",
    "Feed": "whosbehind.api.options",
    "Impact": "whosbehind.api.options",
    "ImportFormat": "whosbehind.api.options",
    "Measure": "whosbehind.api.options",
    "Period": "whosbehind.api.options",
    "Relation": "whosbehind.api.options",
    "ReportFormat": "whosbehind.api.options",
    "ShareBy": "whosbehind.api.options",
    "SpendingBy": "whosbehind.api.options",
    "OrgMatch": "whosbehind.api.orgs",
    "OrgMatches": "whosbehind.api.orgs",
    "explain_orgs": "whosbehind.api.orgs",
    "find_orgs": "whosbehind.api.orgs",
    "org": "whosbehind.api.orgs",
    "resolve_organizations": "whosbehind.api.orgs",
    "AgencyAnswer": "whosbehind.api.reports",
    "CompanyAnswer": "whosbehind.api.reports",
    "agency_graph": "whosbehind.api.reports",
    "agency_report": "whosbehind.api.reports",
    "company_report": "whosbehind.api.reports",
    "plot_agency_graph": "whosbehind.api.reports",
    "plot_agency_money": "whosbehind.api.reports",
    "render_report": "whosbehind.api.reports",
    "REVIEW_PROMPT": "whosbehind.api.review",
    "review_answer": "whosbehind.api.review",
    "review_pairs": "whosbehind.api.review",
    "uncertain_pairs": "whosbehind.api.review",
    "undecided_pairs": "whosbehind.api.review",
    "damaged_store": "whosbehind.api.store",
    "open_store": "whosbehind.api.store",
    "MissingDataError": "whosbehind.errors",
    "NotFoundError": "whosbehind.errors",
    "SnapshotError": "whosbehind.errors",
    "SourceError": "whosbehind.errors",
    "StoreError": "whosbehind.errors",
    "UsageError": "whosbehind.errors",
    "WhosbehindError": "whosbehind.errors",
    "CitedRecord": "whosbehind.export.cite",
    "StoredSnapshot": "whosbehind.export.cite",
    "GraphFormat": "whosbehind.export.formats",
    "Graph": "whosbehind.export.graph",
    "Chain": "whosbehind.export.paths",
    "Hop": "whosbehind.export.paths",
    "HopEdge": "whosbehind.export.paths",
    "NodeRef": "whosbehind.export.paths",
    "PathResult": "whosbehind.export.paths",
    "Citation": "whosbehind.model.citation",
    "Offering": "whosbehind.model.fedramp",
    "CandidatePair": "whosbehind.model.orgs",
    "Judgement": "whosbehind.model.orgs",
    "OrgRecord": "whosbehind.model.orgs",
    "ContractIngestSummary": "whosbehind.pipeline.contracts.ingest",
    "IngestedFile": "whosbehind.pipeline.contracts.summary",
    "IngestSummary": "whosbehind.pipeline.snapshot_ingest",
    "Explanation": "whosbehind.resolve.explain",
    "name_key": "whosbehind.resolve.names",
    "OrgView": "whosbehind.resolve.org_view",
    "ResolveSummary": "whosbehind.resolve.registry",
    "ReviewSummary": "whosbehind.resolve.review",
    "SnapshotRef": "whosbehind.store.asof",
    "Engine": "whosbehind.store.engine",
    "resolve_db_path": "whosbehind.store.engine",
    "PublishedVersion": "whosbehind.store.published",
    "PublishedStore": "whosbehind.store.published_reader",
}

__version__ = "0.1.0"

__all__ = [
    "AGENCY_LIST_URL",
    "FEDRAMP_FEED_URL",
    "PATH_MAX_HOPS",
    "PATH_TOP",
    "PUBLISHED_CHECK_EVERY",
    "REVIEW_PROMPT",
    "SEARCH_KINDS",
    "AgencyAnswer",
    "AgencyReport",
    "AgencySelection",
    "AtoLetter",
    "Attribution",
    "AwardRow",
    "AwardSort",
    "AwardsResult",
    "CandidatePair",
    "Chain",
    "Change",
    "ChangeReport",
    "Citation",
    "CitedRecord",
    "CompanyAnswer",
    "CompanyReport",
    "ContractIngestSummary",
    "ContractQuery",
    "Document",
    "Engine",
    "Explanation",
    "ExportFormat",
    "Feed",
    "Filters",
    "Graph",
    "GraphFormat",
    "Hit",
    "Hop",
    "HopEdge",
    "Impact",
    "ImportFormat",
    "IngestSummary",
    "IngestedFile",
    "Judgement",
    "JudgementCheck",
    "JudgementImport",
    "JudgementList",
    "Measure",
    "MissingDataError",
    "NodeRef",
    "NotFoundError",
    "Offering",
    "OfferingAuthorization",
    "OfferingLink",
    "OfferingReport",
    "OfferingStatus",
    "OfferingVersion",
    "OrgMatch",
    "OrgMatches",
    "OrgRecord",
    "OrgView",
    "PathResult",
    "Period",
    "PublishedStore",
    "PublishedVersion",
    "Relation",
    "ReportFormat",
    "ResolveSummary",
    "ReviewSummary",
    "RunsOnReport",
    "RunsOnRow",
    "SearchIndex",
    "ShareBy",
    "ShareResult",
    "ShareRow",
    "SnapshotError",
    "SnapshotRef",
    "SourceError",
    "SpendingBy",
    "SpendingResult",
    "SpendingRow",
    "StoreError",
    "StoredSnapshot",
    "Timeline",
    "UsageError",
    "When",
    "WhosbehindError",
    "agency_graph",
    "agency_report",
    "awards",
    "check_judgements",
    "cite",
    "company_report",
    "contract_filters",
    "damaged_store",
    "explain_orgs",
    "fedramp_changes",
    "fedramp_offering",
    "fedramp_runs_on",
    "fedramp_share",
    "fedramp_timeline",
    "find_agency",
    "find_orgs",
    "format_cell",
    "graph_format",
    "import_judgements",
    "ingest_agencies",
    "ingest_fedramp",
    "ingest_fpds",
    "ingest_sec",
    "ingest_usaspending",
    "judgements_file",
    "list_judgements",
    "name_key",
    "open_store",
    "org",
    "plot_agency_graph",
    "plot_agency_money",
    "plot_path",
    "plot_spending",
    "plot_timeline",
    "render_report",
    "resolve_db_path",
    "resolve_organizations",
    "review_answer",
    "review_pairs",
    "search_index",
    "spending",
    "spending_by_year",
    "supply_chain_graph",
    "supply_chain_path",
    "uncertain_pairs",
    "undecided_pairs",
    "write_graph",
]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'whosbehind' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later uses are plain lookups
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
