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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from whosbehind.analysis.agencies import agency_names
from whosbehind.analysis.contracts.lines import (
    Filters,
    identifies_recipient,
    lines_sql,
    require_contracts,
    snapshot_citations,
)
from whosbehind.analysis.org_rollup import load_rollup, rollup_lines_sql
from whosbehind.errors import UsageError
from whosbehind.model.citation import Citation
from whosbehind.store.contracts.rollup import BY_AGENCY, BY_RECIPIENT, ROLLUP, is_fresh
from whosbehind.store.engine import Engine
from whosbehind.store.orgs_schema import has_registry

_RECIPIENT = "coalesce(recipient_duns, recipient_uei, 'name:' || upper(recipient_name), '-')"
_PARENT = (
    "coalesce(recipient_parent_duns, recipient_parent_uei, "
    f"'name:' || upper(recipient_parent_name), {_RECIPIENT})"
)
_REPORTED_PARENT = (_PARENT, "coalesce(mode(recipient_parent_name), mode(recipient_name))")
# over lines that org_rollup.rollup_lines_sql extended with the registry's org columns
_RESOLVED_PARENT = (
    f"coalesce('org:' || parent_org_id, {_PARENT})",
    "coalesce(mode(parent_org_name), mode(recipient_parent_name), mode(recipient_name))",
)
GROUPS: dict[str, tuple[str, str]] = {  # by -> (key, display)
    "recipient": (_RECIPIENT, "mode(recipient_name)"),
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
        found = []
        for item in filter(None, self.snapshot_list.split(",")):
            feed, _, seq = item.rpartition(":")
            found.append((feed, int(seq)))
        return found

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
    plain = as_of is None and not filters.psc and not filters.naics
    if not resolved and plain and engine.kept("contracts:rollup-fresh", lambda: is_fresh(engine)):
        found = _from_rollup(engine, by, filters, top)
    if found is None:
        lines, params = lines_sql(as_of)
        if resolved:
            with rollup_lines_sql(engine, load_rollup(engine), lines, params) as (rolled, values):
                group = _RESOLVED_PARENT
                found = _from_lines(engine, by, rolled, values, order, where, more, group)
        else:
            found = _from_lines(engine, by, lines, params, order, where, more, GROUPS[by])
    result = _result(engine, by, filters, as_of, found)
    if by == "parent":
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
        "c AS (SELECT coalesce(sum(CAST(amount * 100 AS HUGEINT) * CAST(amount * 100 AS HUGEINT)), "
        "0) AS squares FROM g WHERE amount > 0), "
        "r AS (SELECT coalesce(sum(amount), 0) AS top4 FROM "
        "(SELECT amount FROM g WHERE amount > 0 ORDER BY amount DESC LIMIT 4)), "
        f"shown AS (SELECT * FROM g ORDER BY {order}), "
        "counted AS (SELECT key, count(DISTINCT award_key) AS awards FROM "
        f"(SELECT {key} AS key, award_key FROM ({selected}) WHERE basis = 'transaction') "
        "WHERE key IN (SELECT key FROM shown) GROUP BY key), "
        "cited AS (SELECT key, string_agg(feed || ':' || seq, ',') AS snaps FROM "
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


def _from_rollup(
    engine: Engine, by: str, filters: Filters, top: int | None
) -> list[tuple[Any, ...]] | None:
    """The same rows from the money rollups (``store.contracts.rollup``); None when the
    selection holds transaction lines (an award's actions can fall in several rollup rows,
    so its distinct count needs the lines). Two statements: the numbers of every group (and
    which are returned: with ``top``, those at or above the top-th amount, ties included),
    then the names and snapshots of the groups returned."""
    if by not in ROLLUP_DISPLAY:
        return None
    key = GROUPS[by][0]
    where, params = filters.where("l")
    table = _rollup_copy(engine, filters)
    ranked = top is not None and by != "fiscal-year"
    cut = f"list_min(max(amount, {int(top or 0)}))" if ranked and (top or 0) > 0 else "NULL"
    keep = "false" if ranked and (top or 0) <= 0 else "t.cut IS NULL OR g.amount >= t.cut"
    numbers = engine.connection.execute(
        f"WITH g AS MATERIALIZED (SELECT {key} AS key, sum(amount) AS amount, "
        "sum(award_lines) AS awards, sum(lines) AS lines, sum(award_amount) AS award_totals, "
        f"sum(lines - award_lines) AS other_lines FROM {table} l WHERE {where} GROUP BY 1), "
        "t AS MATERIALIZED (SELECT coalesce(sum(amount), 0) AS total, count(*) AS groups, "
        "coalesce(sum(award_totals), 0) AS award_totals, "
        "coalesce(sum(awards), 0) AS award_lines, coalesce(sum(other_lines), 0) AS other_lines, "
        "coalesce(sum(CAST(amount * 100 AS HUGEINT) * CAST(amount * 100 AS HUGEINT)) "
        "FILTER (WHERE amount > 0), 0) AS squares, "
        "coalesce(list_sum(max(amount, 4) FILTER (WHERE amount > 0)), 0) AS top4, "
        f"{cut} AS cut FROM g) "
        "SELECT t.total, t.groups, t.award_totals, t.award_lines, t.squares, t.top4, "
        f"t.other_lines, g.key, g.amount, g.awards, g.lines FROM t LEFT JOIN g ON {keep}",
        params,
    ).fetchall()
    totals = numbers[0][:7]
    if totals[6]:
        return None
    groups = {row[7]: row[8:] for row in numbers if row[7] is not None}
    named = _names_and_files(engine, by, table, where, params, list(groups))
    found = [
        (group, named[group][0], *groups[group][:3], named[group][1], *totals) for group in groups
    ]
    if by == "fiscal-year":
        found.sort(key=lambda row: row[0])
    else:  # as SQL orders them: amount DESC, name (NULLs last), key
        found.sort(key=lambda row: (-row[2], row[1] is None, row[1] or "", row[0]))
    if ranked:
        found = found[: int(top or 0)]
    return found or [(None, None, None, None, None, None, *totals)]


def _names_and_files(
    engine: Engine, by: str, table: str, where: str, params: list[Any], keys: list[str]
) -> dict[str, tuple[str | None, str]]:
    """Each group's name (the most frequent spelling of its columns, weighting each rollup
    row by its lines, as ``mode`` over the lines does; ties: the first in sort order) and
    its snapshots ("feed:seq,..."), for the groups ``keys``."""
    spelled = ROLLUP_DISPLAY[by]
    columns = "".join(f", {column}" for column in spelled)
    found = (
        engine.connection.execute(
            f"SELECT key{columns}, sum(lines), list_distinct(flatten(list(snapshots))) FROM "
            f"(SELECT {GROUPS[by][0]} AS key, lines, snapshots{columns} FROM {table} l "
            f"WHERE {where}) WHERE key IN (SELECT unnest(?)) GROUP BY ALL",
            [*params, keys],
        ).fetchall()
        if keys
        else []
    )
    weights: dict[str, list[dict[str, int]]] = {key: [{} for _ in spelled] for key in keys}
    files: dict[str, set[str]] = {key: set() for key in keys}
    for key, *spellings, lines, snapshots in found:
        for counted, spelling in zip(weights[key], spellings, strict=True):
            if spelling is not None:
                counted[spelling] = counted.get(spelling, 0) + int(lines)
        files[key].update(snapshots or ())
    named: dict[str, tuple[str | None, str]] = {}
    for key in keys:
        name = next(
            (min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for c in weights[key] if c), None
        )
        named[key] = (name, ",".join(sorted(files[key])))
    return named


def _rollup_copy(engine: Engine, filters: Filters) -> str:
    """The copy of the rollup whose sort order keeps the selected rows together: one
    recipient's in the copy sorted by recipient, one agency's in the copy sorted by agency,
    then fiscal year; else the rollup itself (sorted by fiscal year, then agency)."""
    if filters.recipient and identifies_recipient(filters.recipient):
        copy = BY_RECIPIENT
    elif filters.agency is not None:
        copy = BY_AGENCY
    else:
        return ROLLUP
    return copy if engine.has_table(copy) else ROLLUP


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
            key=row[0],
            name=row[1] or names.get(row[0]) or _plain_key(row[0]),
            amount=row[2],
            share=float(row[2] / total) if total else 0.0,
            awards=int(row[3]),
            lines=int(row[4]),
            snapshot_list=row[5] or "",
        )
        for row in found
        if row[0] is not None
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
    cited = snapshot_citations(engine, {s for row in rows for s in row.snapshots})
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
            f"SELECT {column}_code AS code, mode({column}_description) AS name "
            f"FROM contract_award WHERE latest AND {column}_code IN (SELECT unnest(?)) GROUP BY 1",
            [keys],
        )
        return {row["code"]: f"{row['code']} {row['name']}" for row in found if row["name"]}
    return {}
