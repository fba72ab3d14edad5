"""Contracts benchmark, part 2: the three questions on every engine, timed and compared
(``contracts_vs_postgres.py``).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

import _postgres as pg
from _common import median, percentile, table, verdict
from contracts_bench_load import AGENCY, QUERY_TARGET

# ---- queries -------------------------------------------------------------------------------
# Semantics are whosbehind's (analysis/contracts/spending.py, analysis/contracts/lines.py) for award
# summaries: an award's money is its stated total obligation, counted in the fiscal year of its
# latest action; a recipient is its DUNS, else UEI, else name; a parent its parent's DUNS, else
# UEI, else name, else the recipient itself.

FIRST_FY, LAST_FY = 2016, 2018
Q1 = f"q1 top recipients of one agency, FY{FIRST_FY}-{LAST_FY % 100}"
Q2 = "q2 top parents and share, every fiscal year"
Q3 = "q3 one recipient's money by agency"
QUERIES = (Q1, Q2, Q3)


def _recipient(prefix: str = "") -> str:
    return (
        f"coalesce({prefix}recipient_duns, {prefix}recipient_uei, "
        f"'name:' || upper({prefix}recipient_name), '-')"
    )


def _parent() -> str:
    return (
        f"coalesce(recipient_parent_duns, recipient_parent_uei, "
        f"'name:' || upper(recipient_parent_name), {_recipient()})"
    )


def query_sql(
    source: str, fy: str, amount: str, agency: str, p: str, count: str = "count(*)"
) -> dict[str, str]:
    """The three questions over ``source`` (a table or subquery) whose columns are named by
    ``fy``, ``amount`` and ``agency`` (recipient columns are named alike in both schemas);
    ``p`` is the parameter marker; ``count`` counts the awards of a group."""
    return {
        Q1: f"""
            SELECT {_recipient()} AS recipient, sum({amount}) AS total, {count} AS awards
            FROM {source} AS l
            WHERE {agency} = {p} AND {fy} BETWEEN {p} AND {p} AND {amount} IS NOT NULL
            GROUP BY 1 ORDER BY total DESC, recipient LIMIT 20""",
        Q2: f"""
            SELECT fy, parent, total, share FROM (
                SELECT fy, parent, total, total / sum(total) OVER (PARTITION BY fy) AS share,
                       row_number() OVER (PARTITION BY fy ORDER BY total DESC, parent) AS rank
                FROM (SELECT {fy} AS fy, {_parent()} AS parent, sum({amount}) AS total
                      FROM {source} AS l WHERE {amount} IS NOT NULL
                      GROUP BY 1, 2) AS by_parent) AS ranked
            WHERE rank <= 10 ORDER BY fy, total DESC, parent""",
        Q3: f"""
            SELECT {agency} AS agency, {count} AS awards, sum({amount}) AS total
            FROM {source} AS l WHERE recipient_duns = {p} AND {amount} IS NOT NULL
            GROUP BY 1 ORDER BY total DESC, agency""",
    }


RAW_SQL = query_sql(
    "contracts",
    "award_latest_action_date_fiscal_year",
    "total_obligated_amount",
    "awarding_sub_agency_code",
    "{p}",
)


def store_sql() -> dict[str, str]:
    """The same questions over whosbehind's money lines (``analysis.contracts.lines.lines_sql``)."""
    from whosbehind.analysis.contracts.lines import lines_sql

    lines, params = lines_sql(None)
    if params:
        raise SystemExit("lines_sql(None) unexpectedly takes parameters")
    return query_sql(f"({lines})", "fiscal_year", "amount", "awarding_subtier_code", "?")


def rollup_sql() -> dict[str, str]:
    """The same questions over whosbehind's money rollup (``store.contracts.rollup``), which
    ``spending()`` reads when its selection allows (q1: the copy sorted by agency; q3: the
    copy sorted by recipient). One rollup row sums ``lines`` award totals."""
    from whosbehind.store.contracts.rollup import BY_AGENCY, BY_RECIPIENT, ROLLUP

    def over(table: str) -> dict[str, str]:
        return query_sql(table, "fiscal_year", "amount", "awarding_subtier_code", "?", "sum(lines)")

    # one agency, one recipient: their copies, as ``spending()`` reads them
    return {**over(ROLLUP), Q1: over(BY_AGENCY)[Q1], Q3: over(BY_RECIPIENT)[Q3]}


def summary_sql() -> dict[str, str]:
    """``rollup_sql`` with q2 read from the rollup's summary by fiscal year and parent
    (``BY_PARENT``, one row per group, written at ingest): each year's total, and its ten
    largest groups (those at or above the tenth-largest amount, ties included, then ranked)."""
    from whosbehind.store.contracts.rollup import BY_PARENT

    q2 = f"""
        WITH t AS (SELECT fiscal_year, sum(amount) AS year_total,
                          list_min(max(amount, 10)) AS cut
                   FROM {BY_PARENT} WHERE amount IS NOT NULL GROUP BY 1)
        SELECT fy, parent, total, share FROM (
            SELECT p.fiscal_year AS fy, p.parent, p.amount AS total,
                   p.amount / t.year_total AS share,
                   row_number() OVER (PARTITION BY p.fiscal_year
                                      ORDER BY p.amount DESC, p.parent) AS rank
            FROM {BY_PARENT} AS p JOIN t USING (fiscal_year) WHERE p.amount >= t.cut) AS ranked
        WHERE rank <= 10 ORDER BY fy, total DESC, parent"""
    return {**rollup_sql(), Q2: q2}


def functions_runner(
    db: str, params: dict[str, list[Any]]
) -> Callable[[str], list[tuple[Any, ...]]]:
    """The questions through whosbehind's analysis function ``spending`` (what the CLI runs):
    one call over the fiscal-year range for q1 (``top=20``), one call per fiscal year for q2
    (``top=10``)."""
    from whosbehind.analysis.agencies import AgencySelection
    from whosbehind.analysis.contracts.lines import Filters
    from whosbehind.analysis.contracts.spending import spending
    from whosbehind.store.engine import Engine

    engine = Engine(db, read_only=True)

    def run(query: str) -> list[tuple[Any, ...]]:
        if query == Q1:
            agency, first, last = params[Q1]
            selection = AgencySelection(agency, agency, frozenset({agency}))
            years = Filters(agency=selection, first_fiscal_year=first, last_fiscal_year=last)
            # one call over the range, top=20 (ties at the cut included, then cut here)
            found = spending(engine, "recipient", years, top=20)
            ranked = sorted(found.rows, key=lambda row: (-row.amount, row.key))
            return [(row.key, row.amount, row.awards) for row in ranked[:20]]
        if query == Q2:
            rows = []
            for fy in params[Q2]:
                # top=10, as ``whosbehind spending --top 10`` asks (totals still of all groups)
                found = spending(engine, "parent", Filters(fiscal_year=fy), top=10)
                best = sorted(found.rows, key=lambda row: (-row.amount, row.key))[:10]
                rows += [(fy, row.key, row.amount, row.share) for row in best]
            return rows
        found = spending(engine, "agency", Filters(recipient=params[Q3][0]))
        by_agency = sorted(found.rows, key=lambda row: (-row.amount, row.key))
        return [(row.key, row.awards, row.amount) for row in by_agency]

    return run


def normalise(rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Rows comparable across engines: money to cents, shares to 6 places, dates as text."""
    out = []
    for row in rows:
        values: list[Any] = []
        for value in row:
            if isinstance(value, Decimal | float):
                number = float(value)
                values.append(
                    round(number, 2) if abs(number) >= 1 or number == 0 else round(number, 6)
                )
            elif isinstance(value, dt.date):
                values.append(value.isoformat()[:10])
            else:
                values.append(value)
        out.append(tuple(values))
    return out


@dataclass
class QueryEngine:
    """An engine's runner, and how to read the CPU time it spends: this process's for DuckDB
    (its threads included), the server's processes for PostgreSQL. On a loaded machine CPU
    time is inflated far less than wall time, so CPU ratios say more than wall ratios."""

    name: str
    run: Callable[[str], list[tuple[Any, ...]]]
    cpu: Callable[[], float] = time.process_time
    times: dict[str, list[float]] = field(default_factory=dict)
    cpu_times: dict[str, list[float]] = field(default_factory=dict)
    answers: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)


def duck_runner(
    con: duckdb.DuckDBPyConnection, sql: dict[str, str], params: dict[str, list[Any]]
) -> Callable[[str], list[tuple[Any, ...]]]:
    def run(query: str) -> list[tuple[Any, ...]]:
        return con.execute(sql[query], params[query]).fetchall()

    return run


def pg_runner(
    connection: Any, params: dict[str, list[Any]]
) -> Callable[[str], list[tuple[Any, ...]]]:
    def run(query: str) -> list[tuple[Any, ...]]:
        sql = RAW_SQL[query].replace("{p}", "%s")
        return list(connection.execute(sql, params[query]).fetchall())

    return run


def run_queries(
    engines: list[QueryEngine], runs: int, queries: Sequence[str] = QUERIES, label: str = "query"
) -> None:
    for round_number in range(runs):
        for query in queries:
            shift = round_number % len(engines)
            for engine in engines[shift:] + engines[:shift]:
                cpu = engine.cpu()
                start = time.perf_counter()
                answer = engine.run(query)
                engine.times.setdefault(query, []).append(time.perf_counter() - start)
                engine.cpu_times.setdefault(query, []).append(engine.cpu() - cpu)
                engine.answers[query] = normalise(answer)
        print(f"  {label} round {round_number + 1}/{runs} done", file=sys.stderr, flush=True)


def compare_answers(engines: list[QueryEngine]) -> list[str]:
    notes = []
    reference = engines[0]
    for query in QUERIES:
        mine = reference.answers[query]
        for engine in engines[1:]:
            theirs = engine.answers.get(query)
            if theirs is not None and theirs != mine:
                notes.append(
                    f"{query}: {engine.name} differs from {reference.name} "
                    f"({len(theirs)} vs {len(mine)} rows; first "
                    f"{theirs[:1]} vs {mine[:1]})"
                )
    return notes


STORE_SQL_NAME = "whosbehind store, SQL"
ROLLUP_NAME = "whosbehind rollup, SQL"
SUMMARY_NAME = "whosbehind rollup + summary by parent, SQL"
FUNCTIONS_NAME = "whosbehind spending()"
RAW_NAME = "DuckDB raw table"
PG_PLAIN, PG_INDEXED = "PostgreSQL, no index", "PostgreSQL, indexes"


POINT_QUERIES = (Q1, Q3)
# full scans (seconds a round at 10M): they keep the common rounds for the point lookups too
_SCANS = (RAW_NAME, STORE_SQL_NAME, PG_PLAIN)


def query_section(
    duck_db: str | None,
    store_db: str | None,
    runs: int,
    say: Callable[[str], None],
    point_runs: int = 0,
) -> list[str]:
    """The three questions on every engine; without ``duck_db`` (the 279-column reference
    table left out) the parameters are read from PostgreSQL's table, which holds the same rows.
    With ``point_runs`` above ``runs``, the point lookups (q1, q3) get that many rounds in all
    on the engines that answer them from an index or a sorted copy (the full scans keep
    ``runs``): a few milliseconds a round, where three rounds do not decide a 2x target."""
    raw = duckdb.connect(duck_db, read_only=True) if duck_db is not None else None
    asked = pg.connect() if raw is None else raw
    top = asked.execute(
        "SELECT recipient_duns, count(*) FROM contracts "
        "WHERE total_obligated_amount IS NOT NULL GROUP BY 1 "
        "ORDER BY 2 DESC, 1 LIMIT 1"
    ).fetchall()[0]
    recipient = str(top[0])
    fiscal_years = [
        row[0]
        for row in asked.execute(
            "SELECT DISTINCT award_latest_action_date_fiscal_year FROM contracts ORDER BY 1"
        ).fetchall()
    ]
    if raw is None:
        asked.close()
    params: dict[str, list[Any]] = {Q1: [AGENCY, FIRST_FY, LAST_FY], Q2: [], Q3: [recipient]}
    duck_sql = {name: sql.replace("{p}", "?") for name, sql in RAW_SQL.items()}
    engines: list[QueryEngine] = []
    if raw is not None:
        engines.append(QueryEngine(RAW_NAME, duck_runner(raw, duck_sql, params)))
    store = None
    if store_db is not None and Path(store_db).exists():
        store = duckdb.connect(store_db, read_only=True)
        engines.append(QueryEngine(STORE_SQL_NAME, duck_runner(store, store_sql(), params)))
        engines.append(QueryEngine(ROLLUP_NAME, duck_runner(store, rollup_sql(), params)))
        engines.append(QueryEngine(SUMMARY_NAME, duck_runner(store, summary_sql(), params)))
        engines.append(
            QueryEngine(FUNCTIONS_NAME, functions_runner(store_db, {**params, Q2: fiscal_years}))
        )
    plain = pg.connect()
    for setting in ("enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan"):
        plain.execute(f"SET {setting} = off")
    indexed = pg.connect()
    engines.append(QueryEngine(PG_PLAIN, pg_runner(plain, params), pg.server_cpu))
    engines.append(QueryEngine(PG_INDEXED, pg_runner(indexed, params), pg.server_cpu))
    say(f"queries: {runs} rounds x {len(QUERIES)} queries x {len(engines)} engines")
    run_queries(engines, runs)
    extra = point_runs - runs
    if extra > 0:
        pointed = [engine for engine in engines if engine.name not in _SCANS]
        say(f"point lookups: {extra} more rounds x {len(POINT_QUERIES)} x {len(pointed)} engines")
        run_queries(pointed, extra, POINT_QUERIES, "point lookup")
    mismatches = compare_answers(engines)
    for connection in (raw, store, plain, indexed):
        if connection is not None:
            connection.close()

    by_name = {engine.name: engine for engine in engines}

    def med(engine: str, query: str) -> float:
        return median(by_name[engine].times[query])

    duck_names = [
        name
        for name in (RAW_NAME, STORE_SQL_NAME, ROLLUP_NAME, SUMMARY_NAME, FUNCTIONS_NAME)
        if name in by_name
    ]
    short = {
        RAW_NAME: "raw",
        STORE_SQL_NAME: "store SQL",
        ROLLUP_NAME: "rollup SQL",
        SUMMARY_NAME: "summary SQL",
        FUNCTIONS_NAME: "spending()",
    }
    rows: list[list[object]] = []
    met: dict[str, list[bool]] = {name: [] for name in duck_names}
    for query in QUERIES:
        row: list[object] = [query]
        row += [f"{med(engine.name, query) * 1000:,.1f}" for engine in engines]
        for duck in duck_names:
            for pg_name in (PG_PLAIN, PG_INDEXED):
                value = ratio(med(pg_name, query), med(duck, query))
                row.append(f"{value:,.1f}x")
                met[duck].append(value >= QUERY_TARGET)
        rows.append(row)
    heads = ["query"] + [f"{engine.name} ms" for engine in engines]
    heads += [f"PG {kind} / {short[duck]}" for duck in duck_names for kind in ("no idx", "idx")]
    lines = [
        f"### Queries (median of {runs} interleaved runs, ms; ratios PostgreSQL / DuckDB)",
        "",
        *(
            [
                f"q1 and q3: median of {point_runs} rounds on the engines that read an index or "
                "a sorted copy (`--point-query-runs`), of the common rounds on the others.",
                "",
            ]
            if extra > 0
            else []
        ),
        f"Parameters: agency {AGENCY} (ICE), fiscal years {FIRST_FY}-{LAST_FY} (of the latest "
        f"action); recipient DUNS `{recipient}` (the one with most awards, {top[1]:,}); q2 "
        f"covers {len(fiscal_years)} fiscal years.",
        "",
        table(heads, rows),
        "",
    ]
    for duck in duck_names:
        lines.append(
            f"- target: queries at least {QUERY_TARGET:.0f}x faster than PostgreSQL, "
            f"{duck} vs PostgreSQL with and without indexes: {sum(met[duck])} of "
            f"{len(met[duck])} comparisons, {verdict(all(met[duck]))}"
        )
    lines += cpu_section(by_name, duck_names, short, runs)
    if extra > 0:
        lines += point_section(by_name, [name for name in duck_names if name not in _SCANS])
    lines.append(
        "- answers: "
        + (
            "identical on every engine (keys, totals to the cent, shares)"
            if not mismatches
            else "; ".join(mismatches)
        )
    )
    lines.append("")
    return lines


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else float("nan")


# issue 15: point lookups within 2x of PostgreSQL with covering indexes, aggregates 10x
LOOKUP_TARGET = 0.5
TARGETS_15 = {Q1: LOOKUP_TARGET, Q2: QUERY_TARGET, Q3: LOOKUP_TARGET}


def cpu_section(
    by_name: dict[str, QueryEngine], duck_names: list[str], short: dict[str, str], runs: int
) -> list[str]:
    """CPU time per query (median) and the issue-15 targets against the covering indexes,
    by wall time and by CPU time."""

    def med(engine: str, query: str, cpu: bool) -> float:
        found = by_name[engine].cpu_times if cpu else by_name[engine].times
        return median(found[query])

    engines = [*duck_names, PG_PLAIN, PG_INDEXED]
    rows: list[list[object]] = []
    for query in QUERIES:
        row: list[object] = [query]
        row += [f"{med(name, query, True) * 1000:,.1f}" for name in engines]
        row += [
            f"{ratio(med(PG_INDEXED, query, True), med(duck, query, True)):,.2f}x"
            for duck in duck_names
        ]
        rows.append(row)
    heads = ["query"] + [f"{name} CPU ms" for name in engines]
    heads += [f"PG idx / {short[duck]} (CPU)" for duck in duck_names]
    lines = [
        "",
        f"CPU time (median of {runs}; DuckDB: this process, its threads included; PostgreSQL: "
        "every process of the server):",
        "",
        table(heads, rows),
        "",
    ]
    for duck in (ROLLUP_NAME, SUMMARY_NAME, FUNCTIONS_NAME):
        if duck not in by_name:
            continue
        for query, target in TARGETS_15.items():
            wall = ratio(med(PG_INDEXED, query, False), med(duck, query, False))
            cpu = ratio(med(PG_INDEXED, query, True), med(duck, query, True))
            lines.append(
                f"- issue 15, {query}, {duck} vs PostgreSQL with indexes (target >= "
                f"{target:g}x): wall {wall:,.2f}x {verdict(wall >= target)}, CPU {cpu:,.2f}x "
                f"{verdict(cpu >= target)}"
            )
    return lines


def point_section(by_name: dict[str, QueryEngine], duck_names: list[str]) -> list[str]:
    """The point lookups over all their rounds: median, quartiles and extremes of wall and CPU
    time per engine, and each median against PostgreSQL's with covering indexes."""
    engines = [*duck_names, PG_INDEXED]
    rounds = len(by_name[PG_INDEXED].times[Q1])
    rows: list[list[object]] = []
    for query in POINT_QUERIES:
        for name in engines:
            engine = by_name[name]
            wall = [value * 1000 for value in engine.times[query]]
            cpu = [value * 1000 for value in engine.cpu_times[query]]
            pg_wall = median(by_name[PG_INDEXED].times[query]) * 1000
            pg_cpu = median(by_name[PG_INDEXED].cpu_times[query]) * 1000
            rows.append(
                [
                    query.split()[0],
                    name,
                    len(wall),
                    f"{median(wall):,.2f}",
                    f"{percentile(wall, 25):,.2f}-{percentile(wall, 75):,.2f}",
                    f"{min(wall):,.2f}-{max(wall):,.2f}",
                    f"{median(cpu):,.2f}",
                    "" if name == PG_INDEXED else f"{ratio(pg_wall, median(wall)):,.2f}x",
                    "" if name == PG_INDEXED else f"{ratio(pg_cpu, median(cpu)):,.2f}x",
                ]
            )
    return [
        "",
        f"Point lookups over {rounds} interleaved rounds (the engines above that read an index "
        "or a sorted copy; ms; ratios: PostgreSQL with covering indexes / engine, medians):",
        "",
        table(
            [
                "query",
                "engine",
                "rounds",
                "median ms",
                "p25-p75 ms",
                "min-max ms",
                "CPU median ms",
                "PG idx / engine (wall)",
                "PG idx / engine (CPU)",
            ],
            rows,
        ),
        "",
    ]
