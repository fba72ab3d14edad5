"""The one-question reports: who is behind an agency, what a company does for the government.

``as_of`` is the record time of the FedRAMP record (default now) and ``contracts_as_of`` that of
the contract records (default: the newest); ``valid_at`` is valid time: the cloud and ownership
sections count the ATOs dated on or before it and the owners on it (default ``as_of``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from whosbehind.analysis.contracts.lines import snapshot_citations
from whosbehind.analysis.reports import agency as agency_module
from whosbehind.analysis.reports import company as company_module
from whosbehind.analysis.reports.agency import AgencyReport
from whosbehind.analysis.reports.agency_document import agency_document
from whosbehind.analysis.reports.chart import plot_per_year
from whosbehind.analysis.reports.company import CompanyReport
from whosbehind.analysis.reports.company_document import company_document
from whosbehind.analysis.reports.sections import Document
from whosbehind.api.dates import When, instant
from whosbehind.api.options import ReportFormat
from whosbehind.export import graph_plot, report_formats
from whosbehind.export.graph import Graph
from whosbehind.store.engine import Engine


@dataclass(frozen=True, slots=True)
class AgencyAnswer:
    """An agency report: the figures (``report``) and the cited document made of them."""

    report: AgencyReport
    document: Document

    def to_json(self) -> dict[str, object]:
        """The document with its scope, citation ids and a citations map."""
        report = self.report
        first, last = report.fiscal_years
        scope: dict[str, object] = {
            "agency": report.selection.to_json(),
            "as_of": report.cloud_as_of.isoformat(),
            "valid_at": report.valid_at.isoformat(),
            "contracts_as_of": report.as_of.isoformat() if report.as_of else None,
            "fiscal_years": {"from": first, "to": last},
            "total": report.total,
            "hhi": report.hhi,
            "cr4": report.cr4,
            "rollup": report.rollup,
        }
        return self.document.to_json("agency", scope)


@dataclass(frozen=True, slots=True)
class CompanyAnswer:
    """A company report: the figures (``report``) and the cited document made of them."""

    report: CompanyReport
    document: Document

    def to_json(self) -> dict[str, object]:
        """The document with its scope, citation ids and a citations map."""
        report = self.report
        scope: dict[str, object] = {
            "company": {
                "query": report.identity.query,
                "name": report.identity.name,
                "org_id": report.identity.org_id,
                "matched": report.identity.method,
            },
            "as_of": report.cloud_as_of.isoformat(),
            "valid_at": report.valid_at.isoformat(),
            "contracts_as_of": report.as_of.isoformat() if report.as_of else None,
            "total": report.total,
        }
        return self.document.to_json("company", scope)


def agency_report(
    engine: Engine,
    agency: str,
    *,
    as_of: When | None = None,
    valid_at: When | None = None,
    contracts_as_of: When | None = None,
    from_fy: int | None = None,
    to_fy: int | None = None,
    top: int = 10,
) -> AgencyAnswer:
    """Who is behind an agency (a subtier code or name, or a toptier agency): suppliers rolled
    up to their owners, money per fiscal year, largest awards, what it bought, the cloud
    offerings it authorized and what they run on, concentration, and what the record lacks."""
    report = agency_module.agency_report(
        engine,
        agency,
        instant(as_of),
        (from_fy, to_fy),
        top,
        contracts_as_of=instant(contracts_as_of),
        valid_at=instant(valid_at),
    )
    return AgencyAnswer(report, agency_document(report, engine))


def company_report(
    engine: Engine,
    company: str,
    *,
    as_of: When | None = None,
    valid_at: When | None = None,
    contracts_as_of: When | None = None,
    top: int = 10,
) -> CompanyAnswer:
    """What a company (any spelling of its name, a DUNS or UEI, or an org id) does for the
    government: agencies, money, largest awards, its FedRAMP offerings, ownership."""
    report = company_module.company_report(
        engine,
        company,
        instant(as_of),
        top,
        contracts_as_of=instant(contracts_as_of),
        valid_at=instant(valid_at),
    )
    return CompanyAnswer(report, company_document(report, engine, top))


def plot_agency_money(engine: Engine, answer: AgencyAnswer, path: Path) -> Path:
    """Draw an agency report's money per fiscal year as ``path`` (.png or .svg)."""
    report = answer.report
    return plot_per_year(
        report.per_year,
        path,
        report.selection,
        report.as_of,
        snapshot_citations(engine, report.snapshots),
    )


def plot_agency_graph(
    engine: Engine,
    agency: str,
    path: Path,
    *,
    as_of: When | None = None,
    contracts_as_of: When | None = None,
    top: int = 10,
) -> Path:
    """Draw an agency's supply chain as ``path`` (.png or .svg): its top suppliers by money,
    the offerings it authorized, what they run on, and their owners."""
    graph = agency_graph(engine, agency, as_of=as_of, contracts_as_of=contracts_as_of)
    return graph_plot.plot_agency_graph(graph, path, top)


def agency_graph(
    engine: Engine,
    agency: str,
    *,
    as_of: When | None = None,
    contracts_as_of: When | None = None,
) -> Graph:
    """An agency's supply-chain graph on the report's two clocks: contracts as recorded at
    ``contracts_as_of`` (default: the newest), FedRAMP as of ``as_of`` (default: the same);
    a provider is joined to the contractor with the same UEI, DUNS or name key."""
    return graph_plot.agency_graph(engine, agency, instant(contracts_as_of), instant(as_of))


def render_report(document: Document, *, format: ReportFormat = ReportFormat.MARKDOWN) -> str:
    """A report's document as Markdown or HTML text, every number referring to its numbered
    source (``table`` is drawn by the terminal, not written here)."""
    return report_formats.render_report(document, format, tuple(ReportFormat))
