"""Money lines: every obligation the store knows, once, with what it is grouped and filtered by.

An award's money is the sum of its transactions (each action's federal obligation, as the
transaction's own record reports recipient, agency and codes). An award the store knows only
from award-level records (award-summary downloads, API award records) has no transactions:
its line is the total obligation stated in its latest record, dated by that record's latest
action. Money obligated on an IDV itself is a transaction of the IDV; an order's money is the
order's: an IDV's line never includes its orders', so nothing is counted twice.

``as_of`` (record time) selects the versions live at that instant; by default the newest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from whosbehind.analysis.agencies import AgencySelection
from whosbehind.errors import MissingDataError, UsageError
from whosbehind.model.citation import Citation
from whosbehind.store import like
from whosbehind.store.citations import record_selector
from whosbehind.store.citations import snapshot_citations as stored_snapshot_citations
from whosbehind.store.contracts.lines import ATTRIBUTES, latest_awards_sql, lines_sql
from whosbehind.store.engine import Engine
from whosbehind.store.missing import what_is_missing

__all__ = [
    "ATTRIBUTES",
    "Filters",
    "check_fiscal_year",
    "cite_record",
    "latest_awards_sql",
    "lines_sql",
    "recipient_condition",
    "record_selector_prefix",
    "require_contracts",
    "snapshot_citations",
]

CSV_FEEDS = ("usaspending-csv",)
_DUNS_DIGITS = 9


def require_contracts(engine: Engine) -> None:
    if not engine.kept("contracts:present", lambda: _has_contracts(engine)):
        raise MissingDataError(*what_is_missing("contract_award"))


def _has_contracts(engine: Engine) -> bool:
    return engine.has_table("contract_award") and bool(
        engine.scalar("SELECT count(*) FROM (SELECT 1 FROM contract_award LIMIT 1)")
    )


@dataclass(frozen=True)
class Filters:
    """Which contract records an award list or spending total counts."""

    agency: AgencySelection | None = None
    recipient: str | None = None
    fiscal_year: int | None = None
    psc: str | None = None
    naics: str | None = None
    first_fiscal_year: int | None = None  # a range: these fiscal years and those between
    last_fiscal_year: int | None = None

    def __post_init__(self) -> None:
        for year in (self.fiscal_year, self.first_fiscal_year, self.last_fiscal_year):
            check_fiscal_year(year)
        ranged = self.first_fiscal_year is not None or self.last_fiscal_year is not None
        if self.fiscal_year is not None and ranged:
            raise UsageError("give one fiscal year or a range of them, not both")
        first, last = self.first_fiscal_year, self.last_fiscal_year
        if first is not None and last is not None and last < first:
            raise UsageError(f"--to-fy ({last}) is before --from-fy ({first})")

    @property
    def fiscal_years(self) -> str | None:
        """The fiscal years selected, as a person reads them ("FY2018", "FY2016-FY2018")."""
        if self.fiscal_year is not None:
            return f"FY{self.fiscal_year}"
        first, last = self.first_fiscal_year, self.last_fiscal_year
        if first is None and last is None:
            return None
        if first == last:
            return f"FY{first}"
        return f"FY{first if first is not None else '...'}-FY{last if last is not None else '...'}"

    def where(self, alias: str = "l") -> tuple[str, list[Any]]:
        parts = ["true"]
        params: list[Any] = []
        if self.agency is not None:
            sql, more = self.agency.where(
                f"{alias}.awarding_subtier_code", f"{alias}.awarding_toptier_code"
            )
            parts.append(sql)
            params += more
        if self.recipient:
            sql, more = recipient_condition(self.recipient, alias)
            parts.append(sql)
            params += more
        if self.fiscal_year is not None:
            parts.append(f"{alias}.fiscal_year = ?")
            params.append(self.fiscal_year)
        if self.first_fiscal_year is not None:
            parts.append(f"{alias}.fiscal_year >= ?")
            params.append(self.first_fiscal_year)
        if self.last_fiscal_year is not None:
            parts.append(f"{alias}.fiscal_year <= ?")
            params.append(self.last_fiscal_year)
        for column, value in (("psc_code", self.psc), ("naics_code", self.naics)):
            if value:
                parts.append(f"starts_with(upper({alias}.{column}), upper(?))")
                params.append(value.strip())
        return " AND ".join(parts), params

    def to_json(self) -> dict[str, object]:
        return {
            "agency": self.agency.to_json() if self.agency else None,
            "recipient": self.recipient,
            "fiscal_year": self.fiscal_year,
            "first_fiscal_year": self.first_fiscal_year,
            "last_fiscal_year": self.last_fiscal_year,
            "psc": self.psc,
            "naics": self.naics,
        }


def recipient_condition(text: str, alias: str = "l") -> tuple[str, list[Any]]:
    """A DUNS (digits) or UEI (12 letters and digits) names the recipient itself; any other
    text is a part of the recipient's or its parent's name as reported (any case)."""
    value = text.strip()
    if value.isdigit() and len(value) <= _DUNS_DIGITS:
        return f"{alias}.recipient_duns = ?", [value.zfill(_DUNS_DIGITS)]
    if identifies_recipient(value):
        return f"{alias}.recipient_uei = ?", [value.upper()]
    pattern = like.contains(value)
    return (
        f"({alias}.recipient_name ILIKE ? {like.ESCAPE} "
        f"OR {alias}.recipient_parent_name ILIKE ? {like.ESCAPE})",
        [pattern, pattern],
    )


def identifies_recipient(text: str) -> bool:
    """Whether ``--recipient`` text is a DUNS or a UEI (not a part of a name)."""
    value = text.strip()
    if value.isdigit() and len(value) <= _DUNS_DIGITS:
        return True
    return bool(re.fullmatch(r"[0-9A-Za-z]{12}", value)) and not value.isalpha()


def check_fiscal_year(year: int | None) -> None:
    if year is not None and not 1900 < year < 2200:
        raise UsageError(f"not a fiscal year: {year}")


def snapshot_citations(
    engine: Engine, snapshots: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], Citation]:
    """The file or response each (feed, seq) names, as a citation (a read-only store asks
    each snapshot once per engine: repeated calls name the same few files)."""
    wanted = set(snapshots)
    known: dict[tuple[str, int], Citation | None] = engine.kept("contracts:citations", dict)
    asked = sorted(wanted - known.keys())
    if asked:
        found = stored_snapshot_citations(
            engine, "(feed || ':' || seq) IN (SELECT unnest(?))", [[f"{f}:{s}" for f, s in asked]]
        )
        known.update({key: found.get(key) for key in asked})
    return {key: cited for key in sorted(wanted) if (cited := known[key]) is not None}


def cite_record(citation: Citation, piid: str | None) -> Citation:
    """The citation narrowed to one award's rows: ``file#award_id_piid=X`` in a CSV,
    ``#piid=X`` in a response or feed page."""
    if not piid:
        return citation
    return citation.narrow(record_selector_prefix(citation) + piid)


def record_selector_prefix(citation: Citation) -> str:
    """The selector of an award's rows in this citation's file without the PIID
    (``award_id_piid=`` in a CSV, ``piid=`` elsewhere): ``cite_record`` appends the PIID."""
    column = "award_id_piid" if citation.source in CSV_FEEDS else "piid"
    return record_selector(column, "")
