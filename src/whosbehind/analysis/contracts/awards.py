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
    latest_awards_sql,
    lines_sql,
    record_selector_prefix,
    require_contracts,
    snapshot_citations,
)
from whosbehind.model.bulk import paused_gc
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
    order = f"ORDER BY {SORTS.get(sort, SORTS['obligated'])}, award_key"
    sql, params = _newest_sql(engine, filters) if as_of is None else _as_of_sql(as_of, filters)
    with paused_gc():  # tens of thousands of new objects, no cycle among them
        found = engine.connection.execute(f"{sql} {order}", params).fetchall()
        names = agency_names(engine, sorted({row[_AGENCY] for row in found} - {None}))
        cited = snapshot_citations(engine, _files(found))
        rows = _rows(found, names, cited)
    listed_parents = {
        row.parent_idv for row in rows if row.award_type == "order" and row.parent_idv
    }
    obligated = potential = Decimal(0)
    idvs_with_orders = 0
    for row in rows:
        obligated += row.obligated
        if row.award_type == "idv" and row.award_id in listed_parents:
            idvs_with_orders += 1
        elif row.potential_value:
            potential += row.potential_value
    return AwardsResult(filters, as_of, rows, obligated, potential, idvs_with_orders)


# a row of the statements below: award_key, obligated, first, last, actions, basis, then its
# one file (feed, seq) or its list of them (snapshots), then its latest record's columns
_AGENCY = 16
_AWARD_COLUMNS = (
    "a.piid, a.award_type, a.parent_idv_piid, a.recipient_name, a.recipient_parent_name, "
    "a.recipient_duns, a.recipient_uei, a.awarding_subtier_code, a.potential_total_value, "
    "a.description"
)


def _money_sql(lines: str, where: str) -> str:
    """Each award's money over ``lines`` that ``where`` selects."""
    return (
        "SELECT award_key, sum(amount) AS obligated, min(first_date) AS first, "
        "max(last_date) AS last, count(*) FILTER (WHERE basis = 'transaction') AS actions, "
        "min(basis) AS basis, NULL AS feed, NULL AS seq, "
        "list(DISTINCT struct_pack(feed := feed, seq := seq)) AS snapshots "
        f"FROM ({lines}) l WHERE {where} GROUP BY award_key"
    )


def _as_of_sql(as_of: dt.datetime, filters: Filters) -> tuple[str, list[Any]]:
    """The awards as the records live at ``as_of`` state them: their lines' money, joined to
    each award's latest record then (two passes over the awards)."""
    where, more = filters.where("l")
    lines, params = lines_sql(as_of)
    latest, latest_params = latest_awards_sql(as_of)
    return (
        f"SELECT m.*, {_AWARD_COLUMNS} FROM ({_money_sql(lines, where)}) m "
        f"LEFT JOIN ({latest}) a USING (award_key)",
        [*params, *more, *latest_params],
    )


def _newest_sql(engine: Engine, filters: Filters) -> tuple[str, list[Any]]:
    """The same for the newest records, in one pass over the awards: an award the store knows
    only from award-level records (``counts``, the award-total line of ``lines_sql``) has one
    line, its latest record, so its money and attributes are that record's, with no grouping
    and no join; only the awards with transactions sum their lines and join their latest
    record (a store without transactions skips that part: joining nothing to the latest
    records still reads them all)."""
    own, own_params = filters.where("a")
    awards_alone = (
        "SELECT a.award_key, a.total_obligation AS obligated, "
        "coalesce(a.base_action_date, a.as_of) AS first, a.as_of AS last, 0 AS actions, "
        "'award total' AS basis, a.feed, a.seq, NULL AS snapshots, "
        f"{_AWARD_COLUMNS} FROM contract_award a WHERE a.latest AND a.counts "
        f"AND a.total_obligation IS NOT NULL AND {own}"
    )
    if not engine.kept("contracts:transactions", lambda: _has_transactions(engine)):
        return awards_alone, own_params
    where, more = filters.where("l")
    lines, params = lines_sql(None)
    latest, latest_params = latest_awards_sql(None)
    transactions = _money_sql(lines, f"l.basis = 'transaction' AND {where}")
    return (
        f"{awards_alone} UNION ALL SELECT m.*, {_AWARD_COLUMNS} FROM ({transactions}) m "
        f"LEFT JOIN ({latest}) a USING (award_key)",
        [*own_params, *params, *more, *latest_params],
    )


def _has_transactions(engine: Engine) -> bool:
    return bool(
        engine.scalar(
            "SELECT count(*) FROM (SELECT 1 FROM contract_transaction WHERE record_to IS NULL "
            "LIMIT 1)"
        )
    )


def _files(found: list[tuple[Any, ...]]) -> set[tuple[str, int]]:
    """The (feed, seq) of every file the rows of the statements were read from."""
    files = {(row[6], row[7]) for row in found if row[8] is None}
    files.update((s["feed"], s["seq"]) for row in found if row[8] is not None for s in row[8])
    return files


def _rows(
    found: list[tuple[Any, ...]], names: dict[str, str], cited: dict[tuple[str, int], Citation]
) -> list[AwardRow]:
    """The award rows of the statements' rows, each citing its files (its one file, or its
    list of them, sorted) narrowed to its PIID (``cite_record``, with each file's selector
    prefix worked out once)."""
    narrowing = {s: (c, record_selector_prefix(c)) for s, c in cited.items()}
    rows = []
    for row in found:
        key, obligated, first, last, actions, basis, feed, seq, snapshots = row[:9]
        piid, kind, idv, recipient, parent, duns, uei, agency, potential, description = row[9:]
        each = (
            [(feed, seq)] if snapshots is None else sorted((s["feed"], s["seq"]) for s in snapshots)
        )
        citations = []
        for file in each:
            known = narrowing.get(file)
            if known is not None:
                c, prefix = known
                citations.append(
                    Citation(c.source, c.locator, c.record_time, c.content_hash, prefix + piid)
                    if piid
                    else c
                )
        rows.append(
            AwardRow(
                key, piid or key, kind, idv, recipient, parent, duns, uei, agency,
                names.get(agency or ""), obligated, potential, first, last, int(actions),
                basis, description, citations,
            )
        )  # fmt: skip
    return rows
