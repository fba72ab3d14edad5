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

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from whosbehind.analysis.agencies import AgencySelection
from whosbehind.errors import NotFoundError, UsageError
from whosbehind.model.citation import Citation
from whosbehind.store.engine import Engine

ATTRIBUTES = (
    "piid award_type parent_idv_piid awarding_toptier_code awarding_subtier_code "
    "recipient_name recipient_duns recipient_uei recipient_parent_name recipient_parent_duns "
    "recipient_parent_uei psc_code naics_code"
).split()
CSV_FEEDS = ("usaspending-csv",)
_DUNS_DIGITS = 9


def require_contracts(engine: Engine) -> None:
    found = engine.scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'contract_award'"
    )
    if not found or not engine.scalar("SELECT count(*) FROM contract_award"):
        raise NotFoundError(
            "no contract records in the store yet (run `whosbehind ingest usaspending` "
            "or `whosbehind ingest fpds` first)"
        )


def _live(alias: str, as_of: dt.datetime | None) -> tuple[str, list[Any]]:
    if as_of is None:
        return f"{alias}.record_to IS NULL", []
    return (
        f"({alias}.record_from <= ? AND ({alias}.record_to IS NULL OR {alias}.record_to > ?))",
        [as_of, as_of],
    )


def latest_awards_sql(as_of: dt.datetime | None) -> tuple[str, list[Any]]:
    """Each award's latest record (the newest version with the latest ``as_of``)."""
    if as_of is None:
        return "SELECT * FROM contract_award WHERE latest", []
    live, params = _live("a", as_of)
    return (
        f"SELECT * FROM contract_award a WHERE {live} QUALIFY row_number() OVER "
        "(PARTITION BY award_key ORDER BY as_of DESC, record_from DESC, rowid DESC) = 1",
        params,
    )


def lines_sql(as_of: dt.datetime | None) -> tuple[str, list[Any]]:
    """Columns: award_key, feed, seq, fiscal_year, first_date, last_date, amount, basis and
    ``ATTRIBUTES``."""
    live_t, params_t = _live("t", as_of)
    latest, params_l = latest_awards_sql(as_of)
    attributes = ", ".join(f"t.{name}" for name in ATTRIBUTES)
    from_award = ", ".join(f"a.{name}" for name in ATTRIBUTES)
    base = (
        "t.award_key, t.feed, t.seq, t.fiscal_year, t.action_date AS first_date, "
        "t.action_date AS last_date, t.federal_action_obligation AS amount, "
        "'transaction' AS basis"
    )
    if as_of is None:
        counting = f"SELECT * FROM ({latest}) a WHERE a.counts"
        params_c: list[Any] = []
    else:
        counting = (
            f"SELECT * FROM ({latest}) a WHERE a.grain = 'award' AND NOT EXISTS "
            "(SELECT 1 FROM contract_transaction x WHERE x.award_key = a.award_key "
            "AND x.record_from <= ?)"
        )
        params_c = [*params_l, as_of]
    sql = (
        f"SELECT {base}, {attributes} FROM contract_transaction t "
        f"WHERE {live_t} AND t.attributes_stated "
        f"UNION ALL SELECT {base}, {from_award} FROM contract_transaction t "
        f"JOIN ({latest}) a ON a.award_key = t.award_key "
        f"WHERE {live_t} AND NOT t.attributes_stated "
        "UNION ALL SELECT a.award_key, a.feed, a.seq, a.fiscal_year, "
        "coalesce(a.base_action_date, a.as_of) AS first_date, a.as_of AS last_date, "
        f"a.total_obligation AS amount, 'award total' AS basis, {from_award} "
        f"FROM ({counting}) a WHERE a.total_obligation IS NOT NULL"
    )
    params = [*params_t, *params_l, *params_t]
    params += params_c if as_of is not None else []
    return sql, params


@dataclass(frozen=True)
class Filters:
    agency: AgencySelection | None = None
    recipient: str | None = None
    fiscal_year: int | None = None
    psc: str | None = None
    naics: str | None = None

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
            "psc": self.psc,
            "naics": self.naics,
        }


def recipient_condition(text: str, alias: str = "l") -> tuple[str, list[Any]]:
    """A DUNS (digits) or UEI (12 letters and digits) names the recipient itself; any other
    text is a part of the recipient's or its parent's name as reported (any case)."""
    value = text.strip()
    if value.isdigit() and len(value) <= _DUNS_DIGITS:
        return f"{alias}.recipient_duns = ?", [value.zfill(_DUNS_DIGITS)]
    if re.fullmatch(r"[0-9A-Za-z]{12}", value) and not value.isalpha():
        return f"{alias}.recipient_uei = ?", [value.upper()]
    pattern = "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return (
        f"({alias}.recipient_name ILIKE ? ESCAPE '\\' "
        f"OR {alias}.recipient_parent_name ILIKE ? ESCAPE '\\')",
        [pattern, pattern],
    )


def check_fiscal_year(year: int | None) -> None:
    if year is not None and not 1900 < year < 2200:
        raise UsageError(f"not a fiscal year: {year}")


def snapshot_citations(
    engine: Engine, snapshots: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], Citation]:
    """The file or response each (feed, seq) names, as a citation."""
    wanted = sorted(set(snapshots))
    if not wanted:
        return {}
    found = engine.rows(
        "SELECT feed, seq, locator, record_time, sha256 FROM snapshot WHERE status = 'ok' AND "
        "(feed || ':' || seq) IN (SELECT unnest(?))",
        [[f"{feed}:{seq}" for feed, seq in wanted]],
    )
    return {
        (row["feed"], row["seq"]): Citation(
            row["feed"], row["locator"], row["record_time"], row["sha256"]
        )
        for row in found
    }


def cite_record(citation: Citation, piid: str | None) -> Citation:
    """The citation narrowed to one award's rows: ``file#award_id_piid=X`` in a CSV,
    ``#piid=X`` in a response or feed page."""
    if not piid:
        return citation
    selector = "award_id_piid" if citation.source in CSV_FEEDS else "piid"
    return Citation(
        citation.source,
        f"{citation.locator}#{selector}={piid}",
        citation.record_time,
        citation.content_hash,
    )
