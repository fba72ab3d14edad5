"""Which USAspending contract CSV layout a file is in, read from its first row.

Three layouts are known:

- ``awards-2018``: the 259-column export of 2018 (ICE FY13-FY18), one row per award holding its
  latest modification in the fiscal year. Only the first file of such an export has a header
  row; the others start with data, so a 259-cell first row of data is read by position.
- ``award-summaries``: today's "PrimeAwardSummaries" download (~280 columns), one row per award.
- ``transactions``: today's "PrimeTransactions" download and award data archive (297 columns),
  one row per transaction.

A header is compared with every layout; the best match wins. Columns the layout lists but the
header lacks are reported as ``missing`` (an error only when the reader needs them), columns
the layout does not list as ``unknown``.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from whosbehind.errors import SnapshotError
from whosbehind.sources.usaspending import columns

# A first row is a header when at least this share of its cells are known column names and
# it either has every column the reader needs or most of one layout's columns: a curated side
# file reusing a few USAspending names (``naics_description``) is not taken for a broken export.
_HEADER_SHARE = 0.5
_LAYOUT_SHARE = 0.5
_MIN_HEADER_CELLS = 5
_SHOWN_NAMES = 12
# Python's csv module refuses a cell over 128 KiB (its default limit); a long description in
# an otherwise valid row must not fail the row or its file. Raised, for every CSV reader of
# this package, to the longest line DuckDB's reader accepts (``csv_duckdb``).
MAX_CELL = 4 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    grain: str  # "transaction" (one row per action) or "award" (one row per award)
    columns: tuple[str, ...]
    required: tuple[str, ...]
    # The reader asks for columns by their current names; older layouts name a few otherwise.
    renames: Mapping[str, str] = field(default_factory=dict)
    headerless: bool = False
    day_first: bool = False

    def column(self, name: str) -> str:
        return self.renames.get(name, name)


AWARDS_2018 = Layout(
    name="awards-2018",
    grain="transaction",
    columns=columns.AWARDS_2018,
    required=(
        "award_id_piid",
        "modification_number",
        "federal_action_obligation",
        "action_date",
        "awarding_sub_agency_code",
    ),
    renames={
        "parent_award_id_piid": "parent_award_id",
        "prime_award_base_transaction_description": "award_description",
    },
    headerless=True,
    day_first=True,
)
AWARD_SUMMARIES = Layout(
    name="award-summaries",
    grain="award",
    columns=columns.AWARD_SUMMARIES,
    required=("contract_award_unique_key", "award_id_piid", "total_obligated_amount"),
)
TRANSACTIONS = Layout(
    name="transactions",
    grain="transaction",
    columns=columns.TRANSACTIONS,
    required=(
        "contract_award_unique_key",
        "award_id_piid",
        "modification_number",
        "federal_action_obligation",
        "action_date",
    ),
)
LAYOUTS = (AWARDS_2018, AWARD_SUMMARIES, TRANSACTIONS)


@dataclass(frozen=True, slots=True)
class LayoutMatch:
    layout: Layout
    columns: tuple[str, ...]  # this file's columns, in file order
    has_header: bool
    missing: tuple[str, ...]
    unknown: tuple[str, ...]

    def describe(self) -> str:
        origin = "header" if self.has_header else "no header, columns by position"
        text = f"{self.layout.name} ({len(self.columns)} columns, {origin})"
        if self.missing:
            text += f"; missing {len(self.missing)}: {_names(self.missing)}"
        if self.unknown:
            text += f"; unknown {len(self.unknown)}: {_names(self.unknown)}"
        return text


def _names(names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:_SHOWN_NAMES])
    return shown if len(names) <= _SHOWN_NAMES else f"{shown} and {len(names) - _SHOWN_NAMES} more"


def detect_layout(first_row: Sequence[str], locator: str) -> LayoutMatch | None:
    """The layout of a file whose first row is ``first_row``; None if it is no contract CSV.

    Raises SnapshotError when the file is recognised but lacks a column the reader needs.
    """
    cells = [name.strip().lstrip("\ufeff") for name in first_row]
    known = {name for layout in LAYOUTS for name in layout.columns}
    hits = sum(1 for name in cells if name in known)
    if len(cells) >= _MIN_HEADER_CELLS and hits >= _HEADER_SHARE * len(cells):
        present = set(cells)
        layout = max(LAYOUTS, key=lambda candidate: len(present.intersection(candidate.columns)))
        overlap = len(present.intersection(layout.columns))
        if present.issuperset(layout.required) or overlap >= _LAYOUT_SHARE * len(layout.columns):
            return _match_header(cells, layout, locator)
    for layout in LAYOUTS:
        if layout.headerless and len(cells) == len(layout.columns):
            return LayoutMatch(layout, layout.columns, False, (), ())
    return None


def _match_header(cells: list[str], layout: Layout, locator: str) -> LayoutMatch:
    present = set(cells)
    reference = set(layout.columns)
    duplicated = sorted({name for name in cells if cells.count(name) > 1})
    if duplicated:
        raise SnapshotError(locator, f"{layout.name} header repeats {', '.join(duplicated)}")
    match = LayoutMatch(
        layout=layout,
        columns=tuple(cells),
        has_header=True,
        missing=tuple(name for name in layout.columns if name not in present),
        unknown=tuple(name for name in cells if name not in reference),
    )
    lacking = [name for name in layout.required if name not in present]
    if lacking:
        raise SnapshotError(
            locator, f"missing required column(s) {', '.join(lacking)}; {match.describe()}"
        )
    return match
