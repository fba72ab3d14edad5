"""One row per award: its PIID, recipient and parent as reported, agency, the money obligated in
the selection, its potential value, and its first and last action in the selection.

The money is that of ``contracts.lines`` (filters apply to each action as its record states
it); the description, recipient, parent and potential value come from the award's latest
record. An IDV's potential value is a ceiling shared by its orders: the totals add it only when
none of its orders is listed, so no ceiling is added to the values of its own orders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from whosbehind.analysis.agencies import agency_names
from whosbehind.analysis.contracts.lines import (
    Filters,
    cite_record,
    latest_awards_sql,
    lines_sql,
    require_contracts,
    snapshot_citations,
)
from whosbehind.model.citation import Citation
from whosbehind.store.engine import Engine

SORTS = {"obligated": "obligated DESC", "last-action": "last DESC NULLS LAST", "piid": "piid"}


@dataclass
class AwardRow:
    """One award: PIID, recipient and parent as reported, agency, money, dates, citations."""

    award_key: str
    award_id: str
    award_type: str | None
    parent_idv: str | None
    recipient: str | None
    recipient_parent: str | None
    recipient_duns: str | None
    recipient_uei: str | None
    agency_code: str | None
    agency: str | None
    obligated: Decimal
    potential_value: Decimal | None
    first_action: dt.date | None
    last_action: dt.date | None
    actions: int
    basis: str
    description: str | None
    citations: list[Citation] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            name: getattr(self, name)
            for name in (
                "award_id award_key award_type parent_idv recipient recipient_parent "
                "recipient_duns recipient_uei agency_code agency obligated potential_value "
                "first_action last_action actions basis description"
            ).split()
        }
        data["citations"] = [citation.id for citation in self.citations]
        return data


@dataclass
class AwardsResult:
    """An award list (see :func:`whosbehind.awards`): every award the filters select, largest
    first, with totals."""

    filters: Filters
    as_of: dt.datetime | None
    rows: list[AwardRow]
    obligated: Decimal
    potential_value: Decimal
    idvs_with_orders_listed: int

    @property
    def citations(self) -> dict[str, Citation]:
        return {c.id: c for row in self.rows for c in row.citations}

    def to_json(self, limit: int | None = None) -> dict[str, object]:
        shown = self.rows[:limit]
        return {
            "filters": self.filters.to_json(),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "awards": len(self.rows),
            "obligated": self.obligated,
            "potential_value": self.potential_value,
            "idvs_with_orders_listed": self.idvs_with_orders_listed,
            "rows": [row.to_json() for row in shown],
            "citations": [
                c.to_json() for c in {c.id: c for r in shown for c in r.citations}.values()
            ],
        }


def list_awards(
    engine: Engine,
    filters: Filters | None = None,
    as_of: dt.datetime | None = None,
    sort: str = "obligated",
) -> AwardsResult:
    filters = filters or Filters()
    require_contracts(engine)
    lines, params = lines_sql(as_of)
    latest, latest_params = latest_awards_sql(as_of)
    where, more = filters.where("l")
    found = engine.rows(
        f"WITH money AS (SELECT award_key, sum(amount) AS obligated, min(first_date) AS first, "
        "max(last_date) AS last, count(*) FILTER (WHERE basis = 'transaction') AS actions, "
        "min(basis) AS basis, list(DISTINCT struct_pack(feed := feed, seq := seq)) AS snapshots "
        f"FROM ({lines}) l WHERE {where} GROUP BY award_key) "
        "SELECT m.*, a.piid, a.award_type, a.parent_idv_piid, a.recipient_name, "
        "a.recipient_parent_name, a.recipient_duns, a.recipient_uei, a.awarding_subtier_code, "
        "a.potential_total_value, a.description "
        f"FROM money m LEFT JOIN ({latest}) a USING (award_key) "
        f"ORDER BY {SORTS.get(sort, SORTS['obligated'])}, award_key",
        [*params, *more, *latest_params],
    )
    names = agency_names(engine, sorted({r["awarding_subtier_code"] for r in found} - {None}))
    cited = snapshot_citations(
        engine, {(s["feed"], s["seq"]) for r in found for s in r["snapshots"]}
    )
    rows = [_row(row, names, cited) for row in found]
    listed_parents = {
        row.parent_idv for row in rows if row.award_type == "order" and row.parent_idv
    }
    potential = Decimal(0)
    idvs_with_orders = 0
    for row in rows:
        if row.award_type == "idv" and row.award_id in listed_parents:
            idvs_with_orders += 1
            continue
        potential += row.potential_value or Decimal(0)
    return AwardsResult(
        filters,
        as_of,
        rows,
        sum((row.obligated for row in rows), Decimal(0)),
        potential,
        idvs_with_orders,
    )


def _row(
    row: dict[str, Any], names: dict[str, str], cited: dict[tuple[str, int], Citation]
) -> AwardRow:
    piid = row["piid"]
    snapshots = sorted((s["feed"], s["seq"]) for s in row["snapshots"])
    return AwardRow(
        award_key=row["award_key"],
        award_id=piid or row["award_key"],
        award_type=row["award_type"],
        parent_idv=row["parent_idv_piid"],
        recipient=row["recipient_name"],
        recipient_parent=row["recipient_parent_name"],
        recipient_duns=row["recipient_duns"],
        recipient_uei=row["recipient_uei"],
        agency_code=row["awarding_subtier_code"],
        agency=names.get(row["awarding_subtier_code"] or ""),
        obligated=row["obligated"],
        potential_value=row["potential_total_value"],
        first_action=row["first"],
        last_action=row["last"],
        actions=int(row["actions"]),
        basis=row["basis"],
        description=row["description"],
        citations=[cite_record(cited[s], piid) for s in snapshots if s in cited],
    )
