"""One USAspending CSV row read into an Award, by current column names whatever the layout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from whosbehind.model.contracts import (
    Award,
    check_date,
    classify_award_type,
    make_award_key,
    normalize_duns,
    parse_money,
)
from whosbehind.sources.award_fields import Kind, read_award_fields
from whosbehind.sources.usaspending.columns import PERSONAL_COLUMNS
from whosbehind.sources.usaspending.csv_layout import LayoutMatch
from whosbehind.sources.usaspending.values import ACTION_DATE_COLUMNS, BadField, cell, parse_date

T = TypeVar("T")
_EXCERPT_LIMIT = 240


class Schema:
    """Where each column sits in one file's rows, by current column name."""

    __slots__ = ("match", "positions")

    def __init__(self, match: LayoutMatch) -> None:
        self.match = match
        index = {name: position for position, name in enumerate(match.columns)}
        layout = match.layout
        wanted = set(layout.columns) | set(layout.renames)
        self.positions = {
            name: index[layout.column(name)] for name in wanted if layout.column(name) in index
        }


class Row:
    """Cells of one row, looked up by current column name (older layouts renamed a few)."""

    __slots__ = ("_cells", "_match", "_positions")

    def __init__(self, schema: Schema, cells: list[str]) -> None:
        self._match = schema.match
        self._positions = schema.positions
        self._cells = cells

    def text(self, name: str) -> str | None:
        position = self._positions.get(name)
        return None if position is None else cell(self._cells[position])

    def money(self, name: str) -> Decimal | None:
        position = self._positions.get(name)
        written = None if position is None else self._cells[position].strip()
        # ``cell`` reads NAN as missing (spreadsheets wrote it so); an amount is never NAN
        value = written if written and written.upper() == "NAN" else self.text(name)
        if value is None:
            return None
        try:
            return parse_money(value)
        except ValueError as error:
            raise BadField(self._match.layout.column(name), str(error)) from None

    def date(self, name: str) -> dt.date | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            day = parse_date(value, day_first=self._match.layout.day_first)
            return check_date(day, name in ACTION_DATE_COLUMNS)
        except ValueError as error:
            raise BadField(self._match.layout.column(name), str(error)) from None

    def read(self, kind: Kind, name: str) -> object:
        """One column read as an ``Award`` field of ``kind`` (``sources.award_fields``)."""
        if kind in ("date", "action_date"):  # a column's name says whether it is an action
            return self.date(name)
        if kind == "money":
            return self.money(name)
        text = self.text(name)
        return normalize_duns(text) if kind == "duns" else text

    def required(self, read: Callable[[str], T | None], name: str) -> T:
        value = read(name)
        if value is None:
            raise BadField(self._match.layout.column(name), "empty")
        return value


def award_from_row(row: Row, locator: str) -> Award:
    piid = row.required(row.text, "award_id_piid")
    parent = row.text("parent_award_id_piid")
    parent_agency = row.text("parent_award_agency_id")
    flag = row.text("award_or_idv_flag")
    if flag is not None:
        is_idv = flag.upper() == "IDV"
    else:  # a trimmed file without the flag: an IDV fills idv_type_code, not award_type_code
        is_idv = row.text("idv_type_code") is not None and row.text("award_type_code") is None
    type_code = row.text("award_type_code")
    if is_idv:
        idv_code = row.text("idv_type_code")
        type_code = f"IDV_{idv_code}" if idv_code else "IDV"
    key = row.text("contract_award_unique_key") or make_award_key(
        is_idv=is_idv,
        piid=piid,
        agency_code=row.text("awarding_sub_agency_code"),
        parent_idv_piid=parent,
        parent_idv_agency_code=parent_agency,
    )
    return Award(
        award_key=key,
        piid=piid,
        award_type=classify_award_type(is_idv=is_idv, type_code=type_code, parent_idv_piid=parent),
        locator=locator,
        parent_idv_piid=parent,
        parent_idv_agency_code=parent_agency,
        award_type_code=type_code,
        award_type_description=row.text("idv_type" if is_idv else "award_type"),
        **read_award_fields("csv", row.read),
    )


def excerpt(cells: list[str], match: LayoutMatch, bad_field: str | None = None) -> str:
    """Enough of a row to find it again: PIID, modification and the offending cell only."""
    names = ["award_id_piid", "modification_number"]
    if bad_field and bad_field not in names and bad_field not in PERSONAL_COLUMNS:
        names.append(bad_field)
    parts = []
    for name in names:
        if name in match.columns and match.columns.index(name) < len(cells):
            parts.append(f"{name}={cells[match.columns.index(name)]!r}")
    if not parts:
        parts.append(f"first cell={cells[0]!r}" if cells else "empty row")
    return "; ".join(parts)[:_EXCERPT_LIMIT]
