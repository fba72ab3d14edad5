"""Cited building blocks shared by the report documents: citations of contract files registered
as they are used, award rows, ATO dates."""

from __future__ import annotations

import re
from collections.abc import Iterable

from whosbehind.analysis.contracts.lines import snapshot_citations
from whosbehind.analysis.fedramp.agency import AtoLetter
from whosbehind.analysis.reports.money import AwardLine, Group
from whosbehind.analysis.reports.sections import Cell, CitationBook, Row, date_text
from whosbehind.model.citation import Citation
from whosbehind.store.engine import Engine

# Descriptions are free text; people's addresses in them are not what a report is about.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
FORMATS = {
    "obligated": "money",
    "potential value": "money",
    "share": "percent",
}


class Cited:
    """Citations of contract files by (feed, seq), registered in a book as they are used."""

    def __init__(self, engine: Engine, snapshots: set[tuple[str, int]], book: CitationBook):
        self.files = snapshot_citations(engine, snapshots)
        self.book = book
        # each file's id, worked out once: a large report cites a few files 100,000 times
        self._ids = {snapshot: citation.id for snapshot, citation in self.files.items()}

    def group(self, group: Group) -> list[str]:
        return self.of(group.snapshots)

    def groups(self, groups: list[Group]) -> list[str]:
        return self.of({s for group in groups for s in group.snapshots})

    def all(self) -> list[str]:
        return self.of(self.files)

    def of(self, snapshots: Iterable[tuple[str, int]]) -> list[str]:
        """``book.add`` of the files' citations, in the order of their (feed, seq)."""
        return self.book.add_identified(
            (self._ids[s], self.files[s]) for s in sorted(set(snapshots)) if s in self._ids
        )

    def add(self, citations: list[Citation]) -> list[str]:
        return self.book.add(citations)


def award_row(award: AwardLine, cited: Cited, supplier: str | None = None) -> Row:
    cells: list[Cell] = [] if supplier is None else [supplier]
    cells += [
        award.piid,
        award.award_type,
        award.recipient,
        award.recipient_parent,
        _EMAIL.sub("[email removed]", award.description or "")[:120],
        award.obligated,
        award.potential_value,
        award.first_action,
        award.last_action,
    ]
    return Row(cells, cited.add(award.citations))


AWARD_COLUMNS = [
    "PIID",
    "type",
    "recipient",
    "parent as reported",
    "description",
    "obligated",
    "potential value",
    "first action",
    "last action",
]


def letter_text(letter: AtoLetter) -> str:
    shown = date_text(letter.date) if letter.date is not None else "undated"
    return f"{letter.kind} {shown}"
