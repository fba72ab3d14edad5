"""Totals of obligations by recipient, parent, agency, PSC, NAICS or fiscal year, with shares,
HHI and CR4, and the files or responses every total was read from.

Amounts are exact decimals (sums of DECIMAL(38,2) in SQL, ``Decimal`` in Python); shares and
concentration measures are fractions of the total. Groups:

- ``recipient``: the recipient's DUNS, else its UEI, else its name as written (the name shown
  is its most frequent spelling) — as reported, not resolved;
- ``parent``: the recipient's ultimate parent, from the organization registry (``whosbehind
  resolve``) as of each action's date, so that a company acquired in 2018 counts under its buyer
  only from then on; without a registry, as ``reported-parent``;
- ``reported-parent``: the parent's DUNS, else UEI, else name as reported; a recipient whose
  record names no parent is its own parent;
- ``agency``: the awarding subtier agency; ``psc``, ``naics``: the codes as reported;
  ``fiscal-year``: the federal fiscal year of the action.

HHI and CR4 use the groups whose net total is positive (de-obligations can leave a group
negative, which is no market share); shares are of the net total of all groups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from whosbehind.analysis.agencies import agency_names
from whosbehind.analysis.contracts.lines import (
    Filters,
    lines_sql,
    require_contracts,
    snapshot_citations,
)
from whosbehind.analysis.contracts.spending_rollup import SQUARED_CENTS, from_rollup
from whosbehind.analysis.org_rollup import load_rollup, rollup_lines_sql
from whosbehind.errors import UsageError
from whosbehind.model.citation import Citation
from whosbehind.store.contracts.rollup import is_fresh
from whosbehind.store.engine import Engine
from whosbehind.store.orgs_schema import has_registry
from whosbehind.store.picks import most_common

_RECIPIENT = "coalesce(recipient_duns, recipient_uei, 'name:' || upper(recipient_name), '-')"
_PARENT = (
    "coalesce(recipient_parent_duns, recipient_parent_uei, "
    f"'name:' || upper(recipient_parent_name), {_RECIPIENT})"
)


def _spelled(*columns: str) -> str:
    """A group's name: the most frequent spelling (ties: the first in sort order) of the first
    of ``columns`` that states one."""
    return f"coalesce({', '.join(most_common(column) for column in columns)})"


_REPORTED_PARENT = (_PARENT, _spelled("recipient_parent_name", "recipient_name"))
# over lines that org_rollup.rollup_lines_sql extended with the registry's org columns
_RESOLVED_PARENT = (
    f"coalesce('org:' || parent_org_id, {_PARENT})",
    _spelled("parent_org_name", "recipient_parent_name", "recipient_name"),
)
GROUPS: dict[str, tuple[str, str]] = {  # by -> (key, display)
    "recipient": (_RECIPIENT, _spelled("recipient_name")),
    "parent": _REPORTED_PARENT,
    "reported-parent": _REPORTED_PARENT,
    "agency": ("coalesce(awarding_subtier_code, '-')", "NULL"),
    "psc": ("coalesce(psc_code, '-')", "NULL"),
    "naics": ("coalesce(naics_code, '-')", "NULL"),
    "fiscal-year": ("CAST(fiscal_year AS VARCHAR)", "NULL"),
}
NOT_STATED = "(not stated)"
# groups the rollups answer, and the columns whose most frequent spelling names the group
ROLLUP_DISPLAY: dict[str, tuple[str, ...]] = {
    "recipient": ("recipient_name",),
    "parent": ("recipient_parent_name", "recipient_name"),
    "reported-parent": ("recipient_parent_name", "recipient_name"),
    "agency": (),
    "fiscal-year": (),
}


@dataclass
class SpendingRow:
    """One group's obligations, share and award count, with the snapshots it comes from."""

    key: str
    name: str
    amount: Decimal
    share: float
    awards: int
    lines: int
    snapshot_list: str = ""  # "feed:seq,feed:seq" (parsed only when cited)

    @property
    def snapshots(self) -> list[tuple[str, int]]:
        return parse_snapshots(self.snapshot_list)

    def to_json(self, cited: dict[tuple[str, int], Citation]) -> dict[str, object]:
        return {
            "key": self.key,
            "name": self.name,
            "amount": self.amount,
            "share": self.share,
            "awards": self.awards,
            "actions": self.lines,
            "citations": [cited[s].id for s in self.snapshots if s in cited],
        }


def parse_snapshots(listed: str) -> list[tuple[str, int]]:
    """ "feed:seq,feed:seq" as (feed, seq) pairs."""
    found = []
    for item in filter(None, listed.split(",")):
        feed, _, seq = item.rpartition(":")
        found.append((feed, int(seq)))
    return found


@dataclass
class SpendingResult:
    """Obligations totalled by a grouping (see :func:`whosbehind.spending`), with HHI and CR4."""

    by: str
    filters: Filters
    as_of: dt.datetime | None
    rows: list[SpendingRow]  # the largest first (fiscal years in order); all, or the top ones
    groups: int
    total: Decimal
    hhi: float | None
    cr4: float | None
    basis: dict[str, object]
    citations: dict[tuple[str, int], Citation]
    notes: list[str] = field(default_factory=list)

    def to_json(self, top: int | None = None) -> dict[str, object]:
        rows = self.rows[:top]
        used = {s for row in rows for s in row.snapshots}
        return {
            "by": self.by,
            "filters": self.filters.to_json(),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "total": self.total,
            "groups": self.groups,
            "hhi": self.hhi,
            "cr4": self.cr4,
            "rows": [row.to_json(self.citations) for row in rows],
            "basis": self.basis,
            "notes": self.notes,
            "citations": [c.to_json() for s, c in sorted(self.citations.items()) if s in used],
        }


def spending(
    engine: Engine,
    by: str,
    filters: Filters | None = None,
    as_of: dt.datetime | None = None,
    top: int | None = None,
) -> SpendingResult:
    """Totals by group. ``top`` limits the rows returned (the fiscal-year grouping always
    returns every year); total, HHI, CR4 and the group count are always of every group."""
    if by not in GROUPS:
        raise UsageError(f"unknown grouping {by!r}; choose one of {', '.join(GROUPS)}")
    filters = filters or Filters()
    require_contracts(engine)
    where, more = filters.where("l")
    order = "key" if by == "fiscal-year" else "amount DESC, name, key"
    if top is not None and by != "fiscal-year":
        order += f" LIMIT {int(top)}"
    resolved = by == "parent" and engine.kept("orgs:registry", lambda: has_registry(engine))
    found = None
    if not resolved and _rollup_answers(engine, by, filters, as_of):
        parts = from_rollup(engine, GROUPS[by][0], ROLLUP_DISPLAY[by], filters, _ranked(by, top))
        found = _ordered(by, parts[None])
    if found is None:
        lines, params = lines_sql(as_of)
        if resolved:
            with rollup_lines_sql(engine, load_rollup(engine), lines, params) as (rolled, values):
                group = _RESOLVED_PARENT
                found = _from_lines(engine, by, rolled, values, order, where, more, group)
        else:
            found = _from_lines(engine, by, lines, params, order, where, more, GROUPS[by])
    return _noted(_result(engine, by, filters, as_of, found), resolved)


def spending_by_year(
    engine: Engine,
    by: str,
    filters: Filters | None = None,
    as_of: dt.datetime | None = None,
    top: int | None = None,
) -> dict[int, SpendingResult]:
    """Totals by group for each fiscal year of the selection that has obligations: each the
    same as :func:`spending` with that ``fiscal_year`` (and ``filters``' other conditions),
    read in one pass over the money rollup when it answers the selection."""
    if by not in GROUPS or by == "fiscal-year":
        groupings = ", ".join(group for group in GROUPS if group != "fiscal-year")
        raise UsageError(f"unknown grouping {by!r} for each fiscal year; choose one of {groupings}")
    filters = filters or Filters()
    if filters.fiscal_year is not None:
        raise UsageError("a total for each fiscal year takes a range of years, not one year")
    require_contracts(engine)
    resolved = by == "parent" and engine.kept("orgs:registry", lambda: has_registry(engine))
    parts: dict[int | None, list[tuple[Any, ...]] | None] = {}
    if not resolved and _rollup_answers(engine, by, filters, as_of):
        parts = from_rollup(
            engine, GROUPS[by][0], ROLLUP_DISPLAY[by], filters, _ranked(by, top), per_year=True
        )
    else:
        years = spending(engine, "fiscal-year", filters, as_of).rows
        parts = {int(row.key): None for row in years}
    found: dict[int, SpendingResult] = {}
    for year, rows in sorted((int(y), rows) for y, rows in parts.items() if y is not None):
        one = replace(filters, fiscal_year=year, first_fiscal_year=None, last_fiscal_year=None)
        if rows is None:  # the lines answer it
            found[year] = spending(engine, by, one, as_of, top)
        else:
            found[year] = _noted(_result(engine, by, one, as_of, rows), resolved)
    return found


def _rollup_answers(engine: Engine, by: str, filters: Filters, as_of: dt.datetime | None) -> bool:
    """Whether the money rollup holds this selection's groups (it has no PSC, NAICS or record
    time, and must be as new as the lines)."""
    plain = as_of is None and not filters.psc and not filters.naics
    return (
        by in ROLLUP_DISPLAY
        and plain
        and engine.kept("contracts:rollup-fresh", lambda: is_fresh(engine))
    )


def _ranked(by: str, top: int | None) -> int | None:
    return None if by == "fiscal-year" else top


def _ordered(by: str, rows: list[tuple[Any, ...]] | None) -> list[tuple[Any, ...]] | None:
    if rows is not None and by == "fiscal-year":
        rows.sort(key=lambda row: (row[0] is None, row[0] or ""))
    return rows


def _noted(result: SpendingResult, resolved: bool) -> SpendingResult:
    if result.by == "parent":
        result.notes.append(
            "parents: ultimate parents from the organization registry as of each action's date"
            if resolved
            else "parents as reported by each action (run `whosbehind resolve` to roll up to "
            "ultimate parents)"
        )
    return result


def _from_lines(
    engine: Engine,
    by: str,
    lines: str,
    params: list[Any],
    order: str,
    where: str,
    more: list[Any],
    group: tuple[str, str],
) -> list[tuple[Any, ...]]:
    """The rows of grouping ``by`` over ``lines``, keyed and named by ``group``."""
    key, display = group
    selected = f"SELECT * FROM ({lines}) l WHERE {where}"
    found: list[tuple[Any, ...]] = engine.connection.execute(
        f"WITH g AS MATERIALIZED (SELECT {key} AS key, {display} AS name, "
        "sum(amount) AS amount, count(*) FILTER (WHERE basis = 'award total') AS awards, "
        "count(*) AS lines, "
        "coalesce(sum(amount) FILTER (WHERE basis = 'award total'), 0) AS award_totals, "
        "count(*) FILTER (WHERE basis = 'award total') AS award_lines "
        f"FROM ({selected}) GROUP BY key), "
        "t AS (SELECT coalesce(sum(amount), 0) AS total, count(*) AS groups, "
        "coalesce(sum(award_totals), 0) AS award_totals, "
        "coalesce(sum(award_lines), 0) AS award_lines FROM g), "
        f"c AS (SELECT coalesce({SQUARED_CENTS}, 0) AS squares FROM g), "
        "r AS (SELECT coalesce(sum(amount), 0) AS top4 FROM "
        "(SELECT amount FROM g WHERE amount > 0 ORDER BY amount DESC LIMIT 4)), "
        f"shown AS (SELECT * FROM g ORDER BY {order}), "
        "counted AS (SELECT key, count(DISTINCT award_key) AS awards FROM "
        f"(SELECT {key} AS key, award_key FROM ({selected}) WHERE basis = 'transaction') "
        "WHERE key IN (SELECT key FROM shown) GROUP BY key), "
        "cited AS (SELECT key, string_agg(feed || ':' || seq, ',' ORDER BY feed || ':' || seq) "
        "AS snaps FROM "
        f"(SELECT DISTINCT {key} AS key, feed, seq FROM ({selected})) "
        "WHERE key IN (SELECT key FROM shown) GROUP BY key) "
        "SELECT s.key, s.name, s.amount, s.awards + coalesce(counted.awards, 0), s.lines, "
        "cited.snaps, t.total, t.groups, "
        "t.award_totals, t.award_lines, c.squares, r.top4 FROM t CROSS JOIN c CROSS JOIN r "
        f"LEFT JOIN shown s ON true LEFT JOIN cited USING (key) LEFT JOIN counted USING (key) "
        f"ORDER BY {_outer(by)}",
        [*params, *more, *params, *more, *params, *more],
    ).fetchall()
    return found


def _outer(by: str) -> str:
    return "s.key" if by == "fiscal-year" else "s.amount DESC, s.name, s.key"


def _result(
    engine: Engine,
    by: str,
    filters: Filters,
    as_of: dt.datetime | None,
    found: list[tuple[Any, ...]],
) -> SpendingResult:
    total: Decimal = found[0][6] if found else Decimal(0)
    groups = int(found[0][7]) if found else 0
    codes = [row[0] for row in found if row[0] is not None]
    names = _names(engine, by, codes)
    rows = [
        SpendingRow(
            key,
            name or names.get(key) or _plain_key(key),
            amount,
            float(amount / total) if total else 0.0,
            int(awards),
            int(lines),
            listed or "",
        )
        for key, name, amount, awards, lines, listed, *_ in found
        if key is not None
    ]
    award_totals: Decimal = found[0][8] if found else Decimal(0)
    award_lines = int(found[0][9]) if found else 0
    notes = []
    if award_lines:
        notes.append(
            f"{award_lines} awards are known only from award-level records (award summaries, "
            "API award records): their stated total obligation counts, in the fiscal year of "
            "their latest action"
        )
    listed = {row.snapshot_list for row in rows}  # rows mostly share their files' list
    cited = snapshot_citations(engine, {s for each in listed for s in parse_snapshots(each)})
    concentration = by != "fiscal-year" and bool(total)
    return SpendingResult(
        by,
        filters,
        as_of,
        rows,
        groups,
        total,
        float(Decimal(found[0][10]) * 10_000 / (total * 100) ** 2) if concentration else None,
        float(found[0][11] / total) if concentration else None,
        {
            "transactions": total - award_totals,
            "award_totals": award_totals,
            "awards_by_total": award_lines,
        },
        cited,
        notes,
    )


def _plain_key(key: str) -> str:
    if key == "-":
        return NOT_STATED
    return key.removeprefix("name:")


def _names(engine: Engine, by: str, keys: list[str]) -> dict[str, str]:
    if by == "agency":
        return agency_names(engine, [key for key in keys if key != "-"])
    if by in ("psc", "naics"):
        column = "psc" if by == "psc" else "naics"
        found = engine.rows(
            f"SELECT {column}_code AS code, {most_common(f'{column}_description')} AS name "
            f"FROM contract_award WHERE latest AND {column}_code IN (SELECT unnest(?)) GROUP BY 1",
            [keys],
        )
        return {row["code"]: f"{row['code']} {row['name']}" for row in found if row["name"]}
    return {}
