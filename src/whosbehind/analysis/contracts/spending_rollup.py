"""Spending totals read from the money rollups (``store.contracts.rollup``) instead of the
lines: the numbers of every group in one statement, then the names and files of the groups
returned in a second, or, when every group is returned and none is named from its spellings
(by agency, by fiscal year), all in one.

Rows are as ``spending._result`` reads them: key, name, amount, awards, lines, snapshots
("feed:seq,..."), then the totals of every group: total, group count, award totals, award
lines, the sum of squared cents of the positive groups, the four largest positive amounts.
``per_year`` answers each fiscal year of the selection apart, in the same statements."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from whosbehind.analysis.contracts.lines import Filters, identifies_recipient
from whosbehind.store.contracts.rollup import BY_AGENCY, BY_PARENT, BY_RECIPIENT, PARENT, ROLLUP
from whosbehind.store.engine import Engine

Rows = list[tuple[Any, ...]]
_ZERO = Decimal("0.00")  # what SQL gives for the sum of no DECIMAL(38,2): coalesce(NULL, 0)
_CENTS = "CAST(CAST(amount AS DECIMAL(18,2)) * 100 AS BIGINT)"
_HUGE_CENTS = "CAST(amount * 100 AS HUGEINT)"
# the exact sum of the squared cents of the positive amounts (HHI's numerator): multiplying a
# DECIMAL(38,2) by 100 is 128-bit arithmetic on every row, about half of q2's statement over
# the summary by parent; an amount under 10^13 is taken to whole cents in 64 bits first (the
# same integers; larger amounts as before)
SQUARED_CENTS = (
    f"sum(CASE WHEN amount > 0 AND amount < 10000000000000 "
    f"THEN CAST({_CENTS} AS HUGEINT) * {_CENTS} "
    f"WHEN amount > 0 THEN {_HUGE_CENTS} * {_HUGE_CENTS} END)"
)


def from_rollup(
    engine: Engine,
    key: str,
    spelled: tuple[str, ...],
    filters: Filters,
    top: int | None,
    per_year: bool = False,
) -> dict[int | None, Rows | None]:
    """The rows of the groups ``key`` (an SQL expression over rollup columns) that ``filters``
    select, named by the most frequent spelling of the columns ``spelled`` (none: named
    later), the largest ``top`` (ties at the cut included; None: all, in no order), by fiscal
    year when ``per_year`` (else under None). A part maps to None when its selection holds
    transaction lines: an award's actions can fall in several rollup rows, so its distinct
    count needs the lines."""
    where, params = filters.where("l")
    table = _rollup_copy(engine, filters)
    if top is None and not spelled:
        return _every_group(engine, key, table, where, params, per_year)
    summary = _summary(engine, key, filters)
    if summary is not None:  # its groups summed already: no grouping of the rollup
        numbers = _numbers(engine, key, summary, where, params, top, per_year, summed=True)
    else:
        numbers = _numbers(engine, key, table, where, params, top, per_year)
    wanted = {(part, row[0]) for part, (_, kept) in numbers.items() for row in kept}
    named = _names_and_files(engine, key, spelled, table, where, params, wanted, per_year)
    found: dict[int | None, Rows | None] = {}
    for part, (totals, kept) in numbers.items():
        if totals[6]:
            found[part] = None
            continue
        rows = [
            (group, name, amount, awards, lines, files, *totals[:6])
            for group, amount, awards, lines in kept
            for name, files in (named[part, group],)
        ]
        # as SQL orders them: amount DESC, name (NULLs last), key
        rows.sort(key=lambda row: (-row[2], row[1] is None, row[1] or "", row[0]))
        if top is not None:
            rows = rows[: int(top)]
        found[part] = rows or [(None,) * 6 + tuple(totals[:6])]
    return found


def _numbers(
    engine: Engine,
    key: str,
    table: str,
    where: str,
    params: list[Any],
    top: int | None,
    per_year: bool,
    summed: bool = False,
) -> dict[int | None, tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    """Each part's totals (and its count of transaction lines, last) and the numbers (key,
    amount, awards, lines) of the groups it returns: with ``top``, those at or above the
    top-th amount, ties included. ``summed``: ``table`` is the summary by fiscal year and
    parent (its key in the column ``parent``): a year's rows are its groups already; over
    several years a parent's rows are summed."""
    part = "fiscal_year" if per_year else "NULL"
    cut = f"list_min(max(amount, {int(top)}))" if top is not None and top > 0 else "NULL"
    keep = "false" if top is not None and top <= 0 else "t.cut IS NULL OR g.amount >= t.cut"
    groups = (
        f"SELECT {part} AS part, parent AS key, amount, award_lines AS awards, lines, "
        f"award_amount AS award_totals, lines - award_lines AS other_lines FROM {table} l "
        f"WHERE {where}"
        if summed and per_year  # a row per (fiscal year, parent): a group of its part
        else f"SELECT {part} AS part, {'parent' if summed else key} AS key, sum(amount) AS amount, "
        "sum(award_lines) AS awards, sum(lines) AS lines, sum(award_amount) AS award_totals, "
        f"sum(lines - award_lines) AS other_lines FROM {table} l WHERE {where} "
        "GROUP BY 1, 2"
    )
    found = engine.connection.execute(
        f"WITH g AS MATERIALIZED ({groups}), "
        f"t AS MATERIALIZED (SELECT {'part' if per_year else 'NULL AS part'}, "
        "coalesce(sum(amount), 0) AS total, count(*) AS groups, "
        "coalesce(sum(award_totals), 0) AS award_totals, "
        "coalesce(sum(awards), 0) AS award_lines, coalesce(sum(other_lines), 0) AS other_lines, "
        f"coalesce({SQUARED_CENTS}, 0) AS squares, "
        "coalesce(list_sum(max(amount, 4) FILTER (WHERE amount > 0)), 0) AS top4, "
        f"{cut} AS cut FROM g {'GROUP BY part' if per_year else ''}) "
        "SELECT t.part, t.total, t.groups, t.award_totals, t.award_lines, t.squares, t.top4, "
        "t.other_lines, g.key, g.amount, g.awards, g.lines FROM t "
        f"LEFT JOIN g ON g.part IS NOT DISTINCT FROM t.part AND ({keep})",
        params,
    ).fetchall()
    numbers: dict[int | None, tuple[tuple[Any, ...], list[tuple[Any, ...]]]] = {}
    for row in found:
        kept = numbers.setdefault(row[0], (row[1:8], []))[1]
        if row[8] is not None:
            kept.append(row[8:])
    return numbers


def _every_group(
    engine: Engine, key: str, table: str, where: str, params: list[Any], per_year: bool
) -> dict[int | None, Rows | None]:
    """Every group with its snapshots, in one statement; the totals are summed here from the
    groups' own (exact decimals, as SQL sums them). The sums come as text and the snapshots as
    one "feed:seq,..." string (DuckDB makes a Python ``Decimal`` and a list far more slowly
    than ``Decimal`` reads the same text; the values are the same, scale included)."""
    part = "fiscal_year" if per_year else "NULL"
    found = engine.connection.execute(
        f"SELECT {part} AS part, {key} AS key, CAST(sum(amount) AS VARCHAR), sum(award_lines), "
        "sum(lines), CAST(sum(award_amount) AS VARCHAR), "
        "array_to_string(list_distinct(flatten(list(snapshots))), ',') "
        f"FROM {table} l WHERE {where} GROUP BY 1, 2",
        params,
    ).fetchall()
    parts: dict[int | None, list[tuple[Any, ...]]] = {} if per_year else {None: []}
    for part_value, group, amount, awards, lines, award_amount, snapshots in found:
        parts.setdefault(part_value, []).append(
            (
                part_value,
                group,
                None if amount is None else Decimal(amount),
                awards,
                lines,
                None if award_amount is None else Decimal(award_amount),
                snapshots,
            )
        )
    every: dict[int | None, Rows | None] = {}
    for name, groups in parts.items():
        if any(lines != awards for _, _, _, awards, lines, _, _ in groups):
            every[name] = None
            continue
        amounts = [row[2] for row in groups if row[2] is not None]
        positive = sorted((amount for amount in amounts if amount > 0), reverse=True)
        totals = (
            sum(amounts, _ZERO),
            len(groups),
            sum((row[5] for row in groups if row[5] is not None), _ZERO),
            sum(int(row[3]) for row in groups),
            sum(int(amount * 100) ** 2 for amount in positive),
            sum(positive[:4], _ZERO),
        )
        listed: dict[str, str] = {}  # groups mostly share their files' list
        rows: Rows = [
            (group, None, amount, awards, lines, _listed(listed, snapshots), *totals)
            for _, group, amount, awards, lines, _, snapshots in groups
        ]
        rows.sort(key=lambda row: (-row[2], row[0]))  # as SQL orders them: amount DESC, key
        every[name] = rows or [(None,) * 6 + totals]
    return every


def _listed(known: dict[str, str], snapshots: str | None) -> str:
    """ "feed:seq,..." sorted, from the same unsorted (each distinct list sorted once)."""
    listed = snapshots or ""
    text = known.get(listed)
    if text is None:
        text = known[listed] = ",".join(sorted(filter(None, listed.split(","))))
    return text


def _names_and_files(
    engine: Engine,
    key: str,
    spelled: tuple[str, ...],
    table: str,
    where: str,
    params: list[Any],
    wanted: set[tuple[int | None, str]],
    per_year: bool,
) -> dict[tuple[int | None, str], tuple[str | None, str]]:
    """Each wanted group's name (the most frequent spelling of its columns, weighting each
    rollup row by its lines, as ``mode`` over the lines does; ties: the first in sort order)
    and its snapshots ("feed:seq,...")."""
    if not wanted:
        return {}
    part = "fiscal_year" if per_year else "NULL"
    columns = "".join(f", {column}" for column in spelled)
    found = engine.connection.execute(
        f"SELECT part, key{columns}, sum(lines), list_distinct(flatten(list(snapshots))) FROM "
        f"(SELECT {part} AS part, {key} AS key, lines, snapshots{columns} FROM {table} l "
        f"WHERE {where}) WHERE key IN (SELECT unnest(?)) GROUP BY ALL",
        [*params, sorted({group for _, group in wanted})],
    ).fetchall()
    weights: dict[tuple[int | None, str], list[dict[str, int]]] = {
        group: [{} for _ in spelled] for group in wanted
    }
    files: dict[tuple[int | None, str], set[str]] = {group: set() for group in wanted}
    for part_value, group, *spellings, lines, snapshots in found:
        counts = weights.get((part_value, group))
        if counts is None:  # the same key in a part that does not return it
            continue
        for counted, spelling in zip(counts, spellings, strict=True):
            if spelling is not None:
                counted[spelling] = counted.get(spelling, 0) + int(lines)
        files[(part_value, group)].update(snapshots or ())
    return {group: (_pick(weights[group]), ",".join(sorted(files[group]))) for group in wanted}


def _pick(weights: list[dict[str, int]]) -> str | None:
    """The most frequent spelling of the first column that has one (weighted by lines; ties:
    the first in sort order), as ``mode`` over the lines picks it."""
    return next(
        (min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for c in weights if c),
        None,
    )


def _summary(engine: Engine, key: str, filters: Filters) -> str | None:
    """The summary of the rollup by fiscal year and parent as reported (``BY_PARENT``) when it
    holds this selection's groups: grouped by that parent, selected by fiscal years alone."""
    selected = filters.agency is not None or filters.recipient or filters.psc or filters.naics
    if key != PARENT or selected:
        return None
    return BY_PARENT if engine.has_table(BY_PARENT) else None


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
