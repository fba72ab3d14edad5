"""The shape every report takes: sections of rows, each row citing the records behind it.

A report (``agency_report``, ``company_report``) turns its typed content into a ``Document``:
a title, facts about the scope, sections (a table each: columns, rows, notes) and coverage
notes. Every row and every note carries the ids of its citations; ``Document.citations`` maps
each id to its ``Citation`` (source, locator, record time, content hash). The renderers (table,
Markdown with footnotes, HTML with footnotes, JSON) only lay a ``Document`` out, so every output
format carries the same numbers with the same citations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from whosbehind.model.citation import Citation

Cell = str | int | float | Decimal | dt.date | None


class CitationBook:
    """Citations by id, in the order first used (the order of footnotes)."""

    def __init__(self) -> None:
        self.by_id: dict[str, Citation] = {}

    def add(self, citations: Iterable[Citation]) -> list[str]:
        """Register citations; their ids, without repeats, in the order given."""
        return self.add_identified((citation.id, citation) for citation in citations)

    def add_identified(self, identified: Iterable[tuple[str, Citation]]) -> list[str]:
        """``add`` of (id, citation) pairs whose ids were worked out before (an id is a digest
        of the citation; a report may cite one file 100,000 times)."""
        ids: list[str] = []
        for key, citation in identified:
            self.by_id.setdefault(key, citation)
            if key not in ids:
                ids.append(key)
        return ids

    def merge(self, other: dict[str, Citation]) -> None:
        for key, citation in other.items():
            self.by_id.setdefault(key, citation)


@dataclass
class Row:
    cells: list[Cell]
    citations: list[str] = field(default_factory=list)


@dataclass
class Note:
    text: str
    citations: list[str] = field(default_factory=list)


@dataclass
class Section:
    key: str  # stable name, used in JSON and as the HTML anchor
    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)  # column -> "money" | "percent"
    empty: str = "nothing in the loaded records"

    def shown(self, row: Row) -> list[str]:
        """A row's cells as text for people: money with separators, shares as percents."""
        return [
            format_cell(cell, self.formats.get(column))
            for column, cell in zip(self.columns, row.cells, strict=True)
        ]

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "title": self.title,
            "columns": self.columns,
            "rows": [
                {**dict(zip(self.columns, row.cells, strict=True)), "citations": row.citations}
                for row in self.rows
            ],
            "notes": [{"text": note.text, "citations": note.citations} for note in self.notes],
        }


@dataclass
class Document:
    """A report as cited text: facts, sections of rows, coverage notes, and the citations they
    use."""

    title: str
    facts: list[Note]  # one line each: scope, dates, roll-up used, totals
    sections: list[Section]
    coverage: list[Note]  # what the public record lacks
    citations: dict[str, Citation]

    def used_citations(self) -> list[str]:
        """Ids in order of first use: facts, sections (rows, then notes), coverage."""
        seen: dict[str, None] = {}
        for note in self.facts:
            seen.update(dict.fromkeys(note.citations))
        for section in self.sections:
            for row in section.rows:
                seen.update(dict.fromkeys(row.citations))
            for note in section.notes:
                seen.update(dict.fromkeys(note.citations))
        for note in self.coverage:
            seen.update(dict.fromkeys(note.citations))
        return [key for key in seen if key in self.citations]

    def to_json(self, kind: str, scope: dict[str, object]) -> dict[str, object]:
        """Everything, with the citations map restricted to the ids used, in footnote order."""
        return {
            "report": kind,
            "title": self.title,
            **scope,
            "facts": [{"text": note.text, "citations": note.citations} for note in self.facts],
            "sections": [section.to_json() for section in self.sections],
            "coverage": [{"text": n.text, "citations": n.citations} for n in self.coverage],
            "citations": {key: self.citations[key].to_json() for key in self.used_citations()},
        }


def format_cell(cell: Cell, kind: str | None) -> str:
    """A report cell as text: money (``kind`` "money") and percents as the reports print
    them, dates as ISO dates, nothing as an empty string."""
    if cell is None:
        return ""
    if kind == "money" and isinstance(cell, Decimal):
        return money(cell)
    if kind == "percent" and isinstance(cell, float):
        return percent(cell)
    if isinstance(cell, dt.date | dt.datetime):
        return date_text(cell)
    return str(cell)


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def valid_note(as_of: dt.datetime, valid_at: dt.datetime, what: str) -> str:
    """Nothing when the two clocks agree, else what the valid date applies to."""
    if valid_at.date() == as_of.date():
        return ""
    return f" ({what} on {date_text(valid_at)})"


def date_text(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
