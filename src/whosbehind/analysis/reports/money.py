"""The money part of a report: obligations of a selection of contract lines, grouped every way
a report shows them, each group with the files it was read from.

The lines are ``contracts.lines.lines_sql`` (an award's transactions, or its stated total when
only award-level records are known; an IDV's line never includes its orders'), restricted by
a condition on the line (an agency, a company's recipient statements) and a fiscal-year range.
Sums are exact decimals. Suppliers are rolled up with a ``reports.rollup.Rollup`` as of each
action's date. HHI and CR4 use the rolled-up suppliers whose net total is positive; shares are
of the net total (as ``spending`` does).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from whosbehind.analysis.concentration import concentration_ratio, hhi
from whosbehind.analysis.contracts.lines import (
    Filters,
    cite_record,
    latest_awards_sql,
    lines_sql,
    require_contracts,
    snapshot_citations,
)
from whosbehind.analysis.reports.rollup import Owner, Rollup, Statement, display_name
from whosbehind.model.citation import Citation
from whosbehind.store.contracts.rollup import ROLLUP, is_fresh
from whosbehind.store.engine import Engine
from whosbehind.store.picks import most_common

Condition = tuple[str, list[Any]]
_LINE_COLUMNS = (
    "award_key feed seq fiscal_year last_date amount basis recipient_name recipient_duns "
    "recipient_uei recipient_parent_name recipient_parent_duns recipient_parent_uei psc_code "
    "naics_code awarding_subtier_code"
).split()


@dataclass(frozen=True, slots=True)
class Line:
    award_key: str
    snapshot: tuple[str, int]
    fiscal_year: int
    date: dt.date | None
    amount: Decimal
    basis: str
    statement: Statement
    psc: str | None
    naics: str | None
    agency_code: str | None


@dataclass
class Group:
    key: str
    name: str
    amount: Decimal = Decimal(0)
    share: float = 0.0
    lines: int = 0
    awards: int = 0  # how many awards its lines are of
    snapshots: set[tuple[str, int]] = field(default_factory=set)
    # recipient display -> amount, and the members' ``Statement.own_key``: filled for groups of
    # recipients (suppliers, recipients), not for groups by year, code or agency
    members: dict[str, Decimal] = field(default_factory=dict)
    recipients: set[str] = field(default_factory=set)
    # award keys, largest money first (then by key): all of them (``group_lines``) or as many
    # as were asked (``LineTable.detail``)
    largest_awards: list[str] = field(default_factory=list)

    def top_awards(self, n: int) -> list[str]:
        return self.largest_awards[:n]


@dataclass
class AwardLine:
    award_key: str
    piid: str
    award_type: str | None
    parent_idv: str | None
    recipient: str | None
    recipient_parent: str | None
    agency_code: str | None
    description: str | None
    psc: str | None
    naics: str | None
    obligated: Decimal
    potential_value: Decimal | None
    first_action: dt.date | None
    last_action: dt.date | None
    citations: list[Citation]


def fetch_lines(
    engine: Engine,
    condition: Condition,
    as_of: dt.datetime | None,
    fiscal_years: tuple[int | None, int | None] = (None, None),
) -> list[Line]:
    """Every money line matching ``condition`` (SQL on alias ``l``) in the fiscal-year range."""
    require_contracts(engine)
    first, last = fiscal_years
    years, year_params = Filters(first_fiscal_year=first, last_fiscal_year=last).where("l")
    lines, params = lines_sql(as_of)
    where, more = condition
    found = engine.connection.execute(
        f"SELECT {', '.join('l.' + c for c in _LINE_COLUMNS)} FROM ({lines}) l "
        f"WHERE {where} AND {years}",
        [*params, *more, *year_params],
    ).fetchall()
    return [_line(row) for row in found]


def _line(row: tuple[Any, ...]) -> Line:
    values = dict(zip(_LINE_COLUMNS, row, strict=True))
    return Line(
        award_key=values["award_key"],
        snapshot=(values["feed"], int(values["seq"])),
        fiscal_year=int(values["fiscal_year"]),
        date=values["last_date"],
        amount=values["amount"],
        basis=values["basis"],
        statement=Statement(
            values["recipient_name"],
            values["recipient_duns"],
            values["recipient_uei"],
            values["recipient_parent_name"],
            values["recipient_parent_duns"],
            values["recipient_parent_uei"],
        ),
        psc=values["psc_code"],
        naics=values["naics_code"],
        agency_code=values["awarding_subtier_code"],
    )


def largest_share(weights: Mapping[str, Decimal]) -> str:
    """The name with the most money; of equals, the first in sort order."""
    return min(weights.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def group_lines(
    lines: Iterable[Line],
    key: Callable[[Line], tuple[str, str]],
    order: str = "amount",
) -> list[Group]:
    """Groups by ``key(line) -> (key, display name)``; the largest first (or by key).

    A group's name is the display name of its largest share of money."""
    groups: dict[str, Group] = {}
    names: defaultdict[str, defaultdict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_award: defaultdict[str, defaultdict[str, Decimal]] = defaultdict(
        lambda: defaultdict(Decimal)
    )
    total = Decimal(0)
    for line in lines:
        group_key, name = key(line)
        group = groups.setdefault(group_key, Group(group_key, name))
        group.amount += line.amount
        group.lines += 1
        group.snapshots.add(line.snapshot)
        member = display_name(line.statement.name)
        group.recipients.add(line.statement.own_key)
        group.members[member] = group.members.get(member, Decimal(0)) + line.amount
        by_award[group_key][line.award_key] += line.amount
        names[group_key][name] += abs(line.amount)
        total += line.amount
    for group_key, group in groups.items():
        group.name = largest_share(names[group_key])
        group.share = float(group.amount / total) if total else 0.0
        awards = by_award[group_key]
        group.awards = len(awards)
        group.largest_awards = sorted(awards, key=lambda k: (-awards[k], k))
    if order == "key":
        return sorted(groups.values(), key=lambda g: g.key)
    return sorted(groups.values(), key=lambda g: (-g.amount, g.name, g.key))


def owner_key(rollup: Rollup) -> Callable[[Line], tuple[str, str]]:
    cache: dict[tuple[Statement, dt.date | None], Owner] = {}

    def key(line: Line) -> tuple[str, str]:
        wanted = (line.statement, line.date)
        if wanted not in cache:
            cache[wanted] = rollup.owner(line.statement, line.date)
        found = cache[wanted]
        return found.key, found.name

    return key


def concentration(groups: list[Group]) -> tuple[float | None, float | None]:
    """HHI and CR4 over the groups with a positive net total (None when there is none)."""
    total = sum((g.amount for g in groups), Decimal(0))
    positive = [float(g.amount / total) for g in groups if g.amount > 0] if total > 0 else []
    return shares_concentration(positive)


def shares_concentration(positive: list[float]) -> tuple[float | None, float | None]:
    """HHI and CR4 of the positive groups' shares, in the groups' order (None: no group)."""
    if not positive:
        return None, None
    return hhi(positive), concentration_ratio(positive, 4)


def code_names(engine: Engine, column: str, codes: Iterable[str]) -> dict[str, str]:
    """PSC or NAICS code -> its description as the award records state it (the most common
    one over every latest award record with that code, ties: the first in sort order; a
    read-only engine keeps each code's answer, its tables cannot change while it is open)."""
    if column not in ("psc", "naics"):
        raise ValueError(column)
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    known: dict[str, str | None] = engine.kept(f"reports:code-names:{column}", dict)
    asked = [code for code in wanted if code not in known]
    if asked:
        found = engine.rows(
            f"SELECT {column}_code AS code, {most_common(f'{column}_description')} AS name FROM "
            f"contract_award WHERE latest AND {column}_code IN (SELECT unnest(?)) GROUP BY 1",
            [asked],
        )
        named = {row["code"]: row["name"] for row in found}
        known.update({code: named.get(code) for code in asked})
    return {code: name for code in wanted if (name := known[code])}


def cite_snapshots(engine: Engine, snapshots: Iterable[tuple[str, int]]) -> list[Citation]:
    found = snapshot_citations(engine, snapshots)
    return [found[key] for key in sorted(found)]


AwardAttributes = dict[str, dict[str, Any]]
ATTRIBUTE_COLUMNS = (
    "award_key, piid, award_type, parent_idv_piid, recipient_name, recipient_parent_name, "
    "awarding_subtier_code, description, psc_code, naics_code, potential_total_value"
)


# an award's stated-total line: the (feed, seq) of its latest record, its fiscal year and its
# awarding subtier (the store's sort order within a file: ``csv_direct``'s cluster columns)
Place = tuple[str, int, int, str | None]


def award_attributes(
    engine: Engine,
    award_keys: Iterable[str],
    as_of: dt.datetime | None,
    places: Mapping[str, Place] | None = None,
) -> AwardAttributes:
    """The attributes of each award's latest record, by award key: one query for all of them
    (each query reads every award record). With ``places`` (``stated_totals``: award key ->
    the file, fiscal year and subtier of the line that is its stated total, read as of
    ``as_of``), those awards' records are found by the zone maps of the store's sort order
    (fiscal year, then subtier, within each file's rows): a few row groups each instead of
    every award record."""
    wanted = sorted(set(award_keys))
    if not wanted:
        return {}
    found = _by_place(engine, {k: places[k] for k in wanted if k in places}) if places else {}
    rest = [key for key in wanted if key not in found]
    if not rest:
        return found
    latest, params = latest_awards_sql(as_of)
    rows = engine.rows(
        f"SELECT {ATTRIBUTE_COLUMNS} FROM ({latest}) a WHERE award_key IN (SELECT unnest(?))",
        [*params, rest],
    )
    return found | {row["award_key"]: row for row in rows}


def stated_totals(lines: Iterable[Line]) -> dict[str, Place]:
    """Award key -> the place of its stated-total line (awards known only from award-level
    records: the line is their latest record's)."""
    return {
        line.award_key: (*line.snapshot, line.fiscal_year, line.agency_code)
        for line in lines
        if line.basis == "award total"
    }


def _by_place(engine: Engine, places: Mapping[str, Place]) -> AwardAttributes:
    """The record of each award in its file (one per award and file; an award found more
    than once is left out, for the caller to read the general way). The line is its latest
    record's, so that record has all four of the place's values; the subtier halves the
    rows read (measured at 10M rows)."""
    if not places:
        return {}
    by_place: defaultdict[Place, list[str]] = defaultdict(list)
    for award_key, place in places.items():
        by_place[place].append(award_key)
    parts, params = [], []
    for (feed, seq, year, agency), keys in sorted(by_place.items(), key=_place_order):
        listed = ", ".join("?" for _ in keys)
        subtier = "IS NULL" if agency is None else "= ?"
        parts.append(
            f"SELECT {ATTRIBUTE_COLUMNS} FROM contract_award WHERE feed = ? AND seq = ? "
            f"AND fiscal_year = ? AND awarding_subtier_code {subtier} "
            f"AND award_key IN ({listed})"
        )
        params += [feed, seq, year, *([] if agency is None else [agency]), *sorted(keys)]
    rows = engine.rows(" UNION ALL ".join(parts), params)
    counted = Counter(row["award_key"] for row in rows)
    return {row["award_key"]: row for row in rows if counted[row["award_key"]] == 1}


def _place_order(item: tuple[Place, list[str]]) -> tuple[str, int, int, str]:
    feed, seq, year, agency = item[0]
    return feed, seq, year, agency or ""


def award_lines(
    engine: Engine,
    lines: list[Line],
    award_keys: list[str],
    as_of: dt.datetime | None,
    known: AwardAttributes | None = None,
) -> list[AwardLine]:
    """The named awards (in that order): money of the selected lines, attributes of the
    award's latest record (from ``known`` when given: it holds every award named), and the
    files each was read from, narrowed to its PIID."""
    if not award_keys:
        return []
    wanted = set(award_keys)
    money: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        if line.award_key in wanted:
            money[line.award_key].append(line)
    if known is not None:
        attributes = known
    else:
        attributes = award_attributes(engine, wanted, as_of, stated_totals(lines))
    cited = snapshot_citations(
        engine, {line.snapshot for line in lines if line.award_key in wanted}
    )
    result = []
    for award_key in award_keys:
        own = money.get(award_key, [])
        dates = [line.date for line in own if line.date is not None]
        result.append(
            award_line(
                award_key,
                attributes.get(award_key, {}),
                sum((line.amount for line in own), Decimal(0)),
                (min(dates) if dates else None, max(dates) if dates else None),
                sorted({line.snapshot for line in own}),
                cited,
            )
        )
    return result


def award_line(
    award_key: str,
    row: Mapping[str, Any],
    obligated: Decimal,
    actions: tuple[dt.date | None, dt.date | None],
    snapshots: Iterable[tuple[str, int]],
    cited: Mapping[tuple[str, int], Citation],
) -> AwardLine:
    """One named award: its money and first and last action, the attributes of its latest
    record (``row``), and the files it was read from (``cited``), narrowed to its PIID."""
    piid = row.get("piid") or award_key
    return AwardLine(
        award_key=award_key,
        piid=piid,
        award_type=row.get("award_type"),
        parent_idv=row.get("parent_idv_piid"),
        recipient=row.get("recipient_name"),
        recipient_parent=row.get("recipient_parent_name"),
        agency_code=row.get("awarding_subtier_code"),
        description=row.get("description"),
        psc=row.get("psc_code"),
        naics=row.get("naics_code"),
        obligated=obligated,
        potential_value=row.get("potential_total_value"),
        first_action=actions[0],
        last_action=actions[1],
        citations=[cite_record(cited[s], piid) for s in snapshots if s in cited],
    )


def loaded_fiscal_years(engine: Engine, as_of: dt.datetime | None) -> set[int]:
    """Fiscal years for which the store holds any contract line at all (any agency); from the
    money rollup when it answers (the newest records, fresh), else from every line."""
    if as_of is None and is_fresh(engine):
        found = engine.connection.execute(f"SELECT DISTINCT fiscal_year FROM {ROLLUP}").fetchall()
        return {int(row[0]) for row in found if row[0] is not None}
    lines, params = lines_sql(as_of)
    found = engine.connection.execute(
        f"SELECT DISTINCT fiscal_year FROM ({lines}) l", params
    ).fetchall()
    return {int(row[0]) for row in found if row[0] is not None}
