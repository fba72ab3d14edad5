"""The report formats written as text: name, file suffix, media type and writer.

``whosbehind agency`` and ``whosbehind company`` (``--format markdown|html``) and the web app
render a report ``Document`` through ``render_report``; the terminal table is the CLI's own.
A new format is a writer module in this package and one ``ReportFormat`` here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from whosbehind.analysis.reports.sections import Document
from whosbehind.errors import UsageError
from whosbehind.export.report_html import html_page
from whosbehind.export.report_markdown import markdown


@dataclass(frozen=True, slots=True)
class ReportFormat:
    name: str
    suffix: str
    media_type: str
    render: Callable[[Document], str]


REPORT_FORMATS: dict[str, ReportFormat] = {
    spec.name: spec
    for spec in (
        ReportFormat("markdown", ".md", "text/markdown; charset=utf-8", markdown),
        ReportFormat("html", ".html", "text/html; charset=utf-8", html_page),
    )
}


def render_report(document: Document, name: str, choices: tuple[str, ...] = ()) -> str:
    """``document`` in the format ``name``; a ``UsageError`` naming ``choices`` (default: these
    formats) for any other."""
    if name not in REPORT_FORMATS:
        names = choices or tuple(REPORT_FORMATS)
        raise UsageError(f"unknown format {name!r}; choose one of {', '.join(names)}")
    return REPORT_FORMATS[name].render(document)
