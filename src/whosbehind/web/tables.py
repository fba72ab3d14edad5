"""Plain tables for pages that are not report documents: each cell is text with an optional
link (a number links to its citation, a name to its page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from whosbehind import format_cell

Cell = str | int | float | Decimal | dt.date | None  # a report cell, as ``format_cell`` takes


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    href: str | None = None
    numeric: bool = False
    raw: object = None  # the value as downloads write it (exact decimals, ISO dates)


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Link]] = field(default_factory=list)
    download: bool = True  # the page answers ?download=KEY&format=csv|json with these rows
    empty: str = "nothing in the loaded records"
    caption: str = ""


def text(value: Cell | bool, href: str | None = None, kind: str | None = None) -> Link:
    shown = format_cell(value, kind) if not isinstance(value, bool) else str(value).lower()
    return Link(shown, href, kind is not None, value)


def cite(value: Cell, citation: str | None, kind: str | None = None) -> Link:
    return Link(format_cell(value, kind), f"/cite/{citation}" if citation else None, True, value)


def raw_rows(table: Table) -> list[list[object]]:
    return [[cell.raw if cell.raw is not None else cell.text for cell in row] for row in table.rows]
