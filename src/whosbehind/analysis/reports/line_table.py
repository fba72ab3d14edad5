"""A report's money lines held in DuckDB and grouped there: sums, counts, names, members, files.

``money.fetch_lines`` and ``money.group_lines`` read every line into Python and group it there,
about a tenth of a millisecond a line; an agency of a 10M-row store has a million lines or more.
A ``LineTable`` keeps the selected lines in a temporary table instead, each with what the
grouping needs of its recipient statement, and every group is summed in SQL (exact DECIMAL
sums, as the Python ones). What only Python knows is computed once per distinct recipient
statement, not per line: its own key and display name (``rollup.statement_key``,
``rollup.display_name``) and its owner (a ``Rollup``, or the company report's rule); a
read-only engine keeps those answers between calls (``Owners.cache``), as its tables cannot
change while it is open. Names are chosen as ``group_lines`` chooses them: the name with the
largest share of the group's money (absolute amounts), ties by sort order; groups are sorted
by amount, name and key. The answers are those of ``group_lines``, ``splits.splits`` and
``award_lines`` over the same lines (``tests/analysis/test_line_table.py``).
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa

from whosbehind.analysis.contracts.lines import Filters, lines_sql, snapshot_citations
from whosbehind.analysis.reports.coverage import is_it_psc, is_reseller_naics
from whosbehind.analysis.reports.money import (
    AwardAttributes,
    AwardLine,
    Condition,
    Group,
    Place,
    award_attributes,
    award_line,
    largest_share,
    shares_concentration,
)
from whosbehind.analysis.reports.rollup import Rollup, Statement, display_name
from whosbehind.analysis.reports.splits import Part, Split
from whosbehind.store.engine import Engine

STATEMENT = (
    "recipient_name recipient_duns recipient_uei recipient_parent_name recipient_parent_duns "
    "recipient_parent_uei"
).split()
# held in the table as numbers into the texts (``Texts``): grouping numbers is cheaper than
# grouping and copying strings, a line at a time
TEXTS = ("own_key", "member", "owner_key", "owner_name")
_DERIVED = pa.schema(
    [
        ("identified", pa.bool_()),
        *((name, pa.int32()) for name in TEXTS),
    ]
)


class Texts:
    """The recipient keys and names of the statements an engine has seen, numbered."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.ids: dict[str, int] = {}
        self._table: pa.Table | None = None

    def id(self, text: str) -> int:
        found = self.ids.get(text)
        if found is None:
            found = self.ids[text] = len(self.texts)
            self.texts.append(text)
            self._table = None
        return found

    def table(self) -> pa.Table:
        if self._table is None:
            self._table = pa.table(
                {"id": pa.array(range(len(self.texts)), pa.int32()), "text": self.texts},
                schema=pa.schema([("id", pa.int32()), ("text", pa.string())]),
            )
        return self._table


@dataclass(frozen=True)
class Owners:
    """Who a line's money goes to: ``of(statement, date) -> (owner key, owner name)``;
    ``dated``: whether the answer depends on the line's date; ``cache``: the name under which a
    read-only engine keeps the answers between calls (None: asked again every call)."""

    of: Callable[[Statement, dt.date | None], tuple[str, str]]
    dated: bool
    cache: str | None = None


def rollup_owners(rollup: Rollup, dated: bool, cache: str | None) -> Owners:
    def of(statement: Statement, on: dt.date | None) -> tuple[str, str]:
        found = rollup.owner(statement, on)
        return found.key, found.name

    return Owners(of, dated, cache)


def _same(left: str, right: str, columns: Iterable[str]) -> str:
    return " AND ".join(f"{left}.{c} IS NOT DISTINCT FROM {right}.{c}" for c in columns)


class LineTable:
    """The lines matching ``condition`` (SQL on alias ``l``) in the fiscal-year range, in a
    temporary table of the engine's connection; ``close()`` drops it."""

    def __init__(
        self,
        engine: Engine,
        condition: Condition,
        as_of: dt.datetime | None,
        fiscal_years: tuple[int | None, int | None],
        owners: Owners,
    ) -> None:
        self.engine = engine
        self.as_of = as_of
        self.name = f"_report_lines_{uuid.uuid4().hex}"
        connection = engine.connection
        first, last = fiscal_years
        years, year_params = Filters(first_fiscal_year=first, last_fiscal_year=last).where("l")
        lines, params = lines_sql(as_of)
        where, more = condition
        raw = self.name + "_raw"
        statement = ", ".join(f"l.{c}" for c in STATEMENT)
        connection.execute(
            f"CREATE TEMP TABLE {raw} AS SELECT l.award_key, l.feed, l.seq, l.fiscal_year, "
            f"l.last_date AS d, l.amount, l.basis = 'award total' AS total, {statement}, "
            f"l.psc_code, l.naics_code, l.awarding_subtier_code FROM ({lines}) l "
            f"WHERE {where} AND {years}",
            [*params, *more, *year_params],
        )
        views: list[str] = []
        self.texts_view = self.name + "_texts"
        try:
            statements, self.texts = _statements(engine, raw, owners, views)
            psc, naics = _codes(engine, raw, views)
            keys = [*STATEMENT, "d"] if owners.dated else STATEMENT
            derived = ", ".join(f"s.{name}" for name in TEXTS)
            connection.execute(
                f"CREATE TEMP TABLE {self.name} AS SELECT r.award_key, r.feed, r.seq, "
                "r.fiscal_year, r.d, r.amount, r.total, r.psc_code AS psc, r.naics_code AS naics, "
                f"r.awarding_subtier_code AS agency, s.identified, {derived}, p.it, "
                f"p.it AND n.trade AS resale FROM {raw} r JOIN {statements} s "
                f"ON {_same('r', 's', keys)} JOIN {psc} p ON {_same('r', 'p', ['psc_code'])} "
                f"JOIN {naics} n ON {_same('r', 'n', ['naics_code'])}"
            )
            with _LOCK:
                texts = self.texts.table()
            connection.register(self.texts_view, texts)
        finally:
            for view in views:
                connection.unregister(view)
            connection.execute(f"DROP TABLE IF EXISTS {raw}")

    def close(self) -> None:
        self.engine.connection.execute(f"DROP TABLE IF EXISTS {self.name}")
        self.engine.connection.unregister(self.texts_view)

    def key(self, column: str, value: str) -> object:
        """The value of ``column`` in the table for ``value`` (a number for ``TEXTS``)."""
        return self.texts.ids.get(value, -1) if column in TEXTS else value

    def _text(self, column: str, value: Any) -> Any:
        return self.texts.texts[value] if column in TEXTS else value

    def _as_text(self, column: str, alias: str) -> tuple[str, str]:
        """SQL for the text of ``alias`` (a value of ``column``), and the join it needs."""
        if column not in TEXTS:
            return alias, ""
        name = alias.replace(".", "_") + "_text"
        return f"{name}.text", f" JOIN {self.texts_view} {name} ON {name}.id = {alias}"

    def __enter__(self) -> LineTable:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.engine.connection.execute(sql.format(t=self.name), list(params)).fetchall()

    def totals(self, where: str = "true") -> tuple[Decimal, int]:
        """The money and the number of lines (no line: 0, as ``sum`` of nothing)."""
        ((amount, lines),) = self._rows(f"SELECT sum(amount), count(*) FROM {{t}} WHERE {where}")
        return (amount if amount is not None else Decimal(0)), int(lines)

    def column(self, sql: str, where: str = "true") -> set[Any]:
        return {row[0] for row in self._rows(f"SELECT DISTINCT {sql} FROM {{t}} WHERE {where}")}

    def snapshots(self, where: str = "true") -> set[tuple[str, int]]:
        found = self._rows(f"SELECT DISTINCT feed, seq FROM {{t}} WHERE {where}")
        return {(feed, int(seq)) for feed, seq in found}

    def groups(
        self,
        key: str,
        name: str,
        where: str = "true",
        order: str = "amount",
        limit: int | None = None,
    ) -> list[Group]:
        """Every group of the lines by ``key`` (a column or SQL), named by ``name``: money,
        share and lines; no award count, files, members or awards by name yet (``detail``).
        ``limit``: only the first that many (their shares still of every group's money), so
        that a selection of many groups is not brought to Python to show ten."""
        name_text, name_join = self._as_text(name, "n.n")
        key_text, key_join = self._as_text(key, "g.k")
        found = self._rows(
            f"WITH n AS (SELECT {key} AS k, {name} AS n, sum(abs(amount)) AS w FROM {{t}} "
            f"WHERE {where} GROUP BY ALL), named AS (SELECT n.k, first({name_text} ORDER BY "
            f"n.w DESC, {name_text}) AS n FROM n{name_join} GROUP BY n.k), g AS (SELECT "
            f"{key} AS k, sum(amount) AS amount, count(*) AS lines FROM {{t}} WHERE {where} "
            f"GROUP BY k) SELECT {key_text} AS k, named.n, g.amount, g.lines, "
            "sum(g.amount) OVER () FROM g "
            f"JOIN named ON named.k = g.k{key_join} "
            + ("ORDER BY 1" if order == "key" else "ORDER BY g.amount DESC, named.n, 1")
            + ("" if limit is None else f" LIMIT {int(limit)}")
        )
        # the sum over every group, exact (as ``sum`` of the rows would be without a limit)
        total = found[0][4] if found else Decimal(0)
        return [
            Group(k, n, amount, float(amount / total) if total else 0.0, int(lines))
            for k, n, amount, lines, _ in found
        ]

    def count(self, key: str, where: str = "true") -> int:
        """How many groups ``groups(key, ..., where)`` has."""
        ((found,),) = self._rows(f"SELECT count(DISTINCT {key}) FROM {{t}} WHERE {where}")
        return int(found)

    def concentration(self, key: str, where: str = "true") -> tuple[float | None, float | None]:
        """``money.concentration`` of ``groups(key, ..., where)``: HHI and CR4 over the groups
        with a positive net total; only those totals are brought to Python (largest first, so
        the float sums are those of the groups in their order)."""
        total, _ = self.totals(where)
        if total <= 0:
            return None, None
        found = self._rows(
            f"SELECT amount FROM (SELECT sum(amount) AS amount FROM {{t}} WHERE {where} "
            f"GROUP BY {key}) WHERE amount > 0 ORDER BY amount DESC"
        )
        return shares_concentration([float(amount / total) for (amount,) in found])

    def detail(
        self,
        groups: list[Group],
        key: str,
        where: str = "true",
        members: bool = False,
        awards: int = 0,
        every: bool = False,
    ) -> list[Group]:
        """Fill in the award count and the files of ``groups`` (of ``self.groups(key, ...,
        where)``; ``every``: all of them); with ``members``, the recipients rolled in; with
        ``awards``, the keys of its largest awards (that many, largest first, then by key)."""
        if not groups:
            return groups
        by_key = {self.key(key, g.key): g for g in groups}
        chosen = where if every else f"{where} AND {key} IN (SELECT unnest(?))"
        wanted: list[Any] = [] if every else [list(by_key)]
        for k, count in self._rows(
            f"SELECT {key}, count(DISTINCT award_key) FROM {{t}} WHERE {chosen} GROUP BY 1",
            wanted,
        ):
            by_key[k].awards = int(count)
        for k, feed, seq in self._rows(
            f"SELECT DISTINCT {key}, feed, seq FROM {{t}} WHERE {chosen}", wanted
        ):
            by_key[k].snapshots.add((feed, int(seq)))
        if members:
            texts = self.texts.texts
            for k, member, own_key, amount in self._rows(
                f"SELECT {key}, member, own_key, sum(amount) FROM {{t}} WHERE {chosen} "
                "GROUP BY ALL",
                wanted,
            ):
                group = by_key[k]
                shown = texts[member]
                group.members[shown] = group.members.get(shown, Decimal(0)) + amount
                group.recipients.add(texts[own_key])
        if awards:
            for k, keys in self._rows(
                "SELECT k, list(award_key ORDER BY amount DESC, award_key) FROM (SELECT *, "
                "row_number() OVER (PARTITION BY k ORDER BY amount DESC, award_key) AS rank "
                f"FROM (SELECT {key} AS k, award_key, sum(amount) AS amount FROM {{t}} "
                f"WHERE {chosen} GROUP BY 1, 2)) WHERE rank <= ? GROUP BY k",
                [*wanted, awards],
            ):
                by_key[k].largest_awards = list(keys)
        return groups

    def awards(self, top: int, where: str = "true") -> tuple[int, list[str]]:
        """How many awards, and the keys of the ``top`` with the most money (then by key)."""
        found = self._rows(
            "SELECT award_key, count(award_key) OVER () FROM (SELECT award_key, sum(amount) "
            f"AS amount FROM {{t}} WHERE {where} GROUP BY award_key) "
            "ORDER BY amount DESC, award_key LIMIT ?",
            [top],
        )
        if found or top > 0:
            return (int(found[0][1]) if found else 0), [row[0] for row in found]
        ((count,),) = self._rows(f"SELECT count(DISTINCT award_key) FROM {{t}} WHERE {where}")
        return int(count), []

    def attributes(self, award_keys: Iterable[str]) -> AwardAttributes:
        """``money.award_attributes`` (as of the table's ``as_of``) of awards with lines in the
        table; an award whose line is its stated total is read by that line's file, fiscal
        year and subtier (a few row groups, not every award record)."""
        wanted = sorted(set(award_keys))
        if not wanted:
            return {}
        places: dict[str, Place] = {
            award_key: (feed, int(seq), int(year), agency)
            for award_key, feed, seq, year, agency in self._rows(
                "SELECT DISTINCT award_key, feed, seq, fiscal_year, agency FROM {t} WHERE total "
                "AND fiscal_year IS NOT NULL AND award_key IN (SELECT unnest(?))",
                [wanted],
            )
        }
        return award_attributes(self.engine, wanted, self.as_of, places)

    def award_lines(
        self,
        award_keys: list[str],
        as_of: dt.datetime | None,
        known: AwardAttributes | None = None,
        where: str = "true",
        params: Sequence[Any] = (),
    ) -> list[AwardLine]:
        """``money.award_lines`` over the lines ``where`` (with ``params``) selects."""
        if not award_keys:
            return []
        found = self._rows(
            "SELECT award_key, sum(amount), min(d), max(d), list(DISTINCT [feed, seq::VARCHAR]) "
            f"FROM {{t}} WHERE {where} AND award_key IN (SELECT unnest(?)) GROUP BY award_key",
            [*params, sorted(set(award_keys))],
        )
        money = {
            row[0]: (row[1], row[2], row[3], sorted((f, int(s)) for f, s in row[4]))
            for row in found
        }
        engine = self.engine
        if known is not None:
            attributes = known
        elif as_of == self.as_of:
            attributes = self.attributes(award_keys)
        else:
            attributes = award_attributes(engine, award_keys, as_of)
        cited = snapshot_citations(engine, {s for item in money.values() for s in item[3]})
        result = []
        for award_key in award_keys:
            amount, first, last, snapshots = money.get(award_key, (Decimal(0), None, None, []))
            row = attributes.get(award_key, {})
            result.append(award_line(award_key, row, amount, (first, last), snapshots, cited))
        return result

    def splits(self, where: str = "true", owners: dict[str, str] | None = None) -> list[Split]:
        """``splits.splits`` of the lines ``where`` selects, by their owners; ``owners``: the
        owners' names (``groups("owner_key", "owner_name", where)``'s), when known."""
        split = (
            f"own_key IN (SELECT own_key FROM (SELECT DISTINCT own_key, owner_key FROM {{t}} "
            f"WHERE {where}) GROUP BY own_key HAVING count(*) > 1)"
        )
        chosen = f"{where} AND {split}"
        found = self._rows(
            "SELECT own_key, owner_key, sum(amount), count(*), min(d), max(d) FROM {t} "
            f"WHERE {chosen} GROUP BY ALL"
        )
        if not found:
            return []
        # the files as rows of their own: a list per part costs more to bring to Python
        files: defaultdict[tuple[int, int], set[tuple[str, int]]] = defaultdict(set)
        for own_id, owner_id, feed, seq in self._rows(
            f"SELECT DISTINCT own_key, owner_key, feed, seq FROM {{t}} WHERE {chosen}"
        ):
            files[own_id, owner_id].add((feed, int(seq)))
        texts = self.texts.texts
        names = _largest(
            self._rows(
                f"SELECT own_key, member, sum(abs(amount)) FROM {{t}} WHERE {chosen} GROUP BY ALL"
            ),
            texts,
        )
        if owners is None:
            owners = _largest(
                self._rows(
                    f"SELECT owner_key, owner_name, sum(abs(amount)) FROM {{t}} WHERE {where} AND "
                    f"owner_key IN (SELECT DISTINCT owner_key FROM {{t}} WHERE {chosen}) "
                    "GROUP BY ALL"
                ),
                texts,
            )
        parts: defaultdict[str, list[Part]] = defaultdict(list)
        for own_id, owner_id, amount, lines, first, last in found:
            owner_key = texts[owner_id]
            parts[texts[own_id]].append(
                Part(
                    owner_key,
                    owners[owner_key],
                    amount,
                    int(lines),
                    first,
                    last,
                    files[own_id, owner_id],
                )
            )
        result = [
            Split(
                own_key,
                names[own_key],
                sorted(by_owner, key=lambda p: (-p.amount, p.owner, p.owner_key)),
            )
            for own_key, by_owner in parts.items()
        ]
        return sorted(result, key=lambda s: (-sum(abs(p.amount) for p in s.parts), s.recipient))


def _largest(rows: list[tuple[Any, ...]], texts: list[str]) -> dict[str, str]:
    weights: defaultdict[str, dict[str, Decimal]] = defaultdict(dict)
    for key, name, weight in rows:
        weights[texts[key]][texts[name]] = weight
    return {key: largest_share(named) for key, named in weights.items()}


_LOCK = threading.Lock()


def _statements(engine: Engine, raw: str, owners: Owners, views: list[str]) -> tuple[str, Texts]:
    """A registered Arrow table: each distinct recipient statement of ``raw`` (and date, when
    the owner depends on it) with whether it is identified, and the numbers (in the texts
    returned) of its own key, display name, owner key and owner name; the answers already
    known to the engine are not asked again."""
    keys = [*STATEMENT, "d"] if owners.dated else list(STATEMENT)
    connection = engine.connection
    with _LOCK:
        holder: dict[str, Any] = engine.kept(owners.cache, dict) if owners.cache else {}
        texts: Texts = holder.setdefault("texts", Texts())
        known: pa.Table | None = holder.get("table")
        listed = ", ".join(f"r.{c}" for c in keys)
        if known is None:
            new = connection.execute(f"SELECT DISTINCT {listed} FROM {raw} r").fetchall()
        else:
            view = f"_report_known_{uuid.uuid4().hex}"
            connection.register(view, known)
            views.append(view)
            new = connection.execute(
                f"SELECT DISTINCT {listed} FROM {raw} r WHERE NOT EXISTS "
                f"(SELECT 1 FROM {view} k WHERE {_same('r', 'k', keys)})"
            ).fetchall()
        if new or known is None:
            added = _derive(new, owners, keys, texts)
            known = added if known is None else pa.concat_tables([known, added])
            holder["table"] = known
    view = f"_report_statements_{uuid.uuid4().hex}"
    connection.register(view, known)
    views.append(view)
    return view, texts


def _derive(rows: list[tuple[Any, ...]], owners: Owners, keys: list[str], texts: Texts) -> pa.Table:
    columns: dict[str, list[Any]] = {name: [] for name in [*keys, *_DERIVED.names]}
    for row in rows:
        statement = Statement(*row[:6])
        owner_key, owner_name = owners.of(statement, row[6] if owners.dated else None)
        derived = (
            statement.identified,
            texts.id(statement.own_key),
            texts.id(display_name(statement.name)),
            texts.id(owner_key),
            texts.id(owner_name),
        )
        for name, value in zip(columns, (*row, *derived), strict=True):
            columns[name].append(value)
    fields = [pa.field(c, pa.date32() if c == "d" else pa.string()) for c in keys]
    return pa.table(columns, schema=pa.schema([*fields, *_DERIVED]))


def _codes(engine: Engine, raw: str, views: list[str]) -> tuple[str, str]:
    """Two registered Arrow tables: each distinct PSC of ``raw`` with whether it is IT
    (``coverage.is_it_psc``), and each distinct NAICS with whether it is a trade
    (``coverage.is_reseller_naics``; IT through a reseller is both); each rule asked once per
    distinct code."""
    registered = []
    for column, rule, name in (
        ("psc_code", is_it_psc, "it"),
        ("naics_code", is_reseller_naics, "trade"),
    ):
        found = [
            row[0]
            for row in engine.connection.execute(f"SELECT DISTINCT {column} FROM {raw}").fetchall()
        ]
        table = pa.table(
            {column: found, name: [rule(code) for code in found]},
            schema=pa.schema([(column, pa.string()), (name, pa.bool_())]),
        )
        view = f"_report_{name}_{uuid.uuid4().hex}"
        engine.connection.register(view, table)
        views.append(view)
        registered.append(view)
    return registered[0], registered[1]
