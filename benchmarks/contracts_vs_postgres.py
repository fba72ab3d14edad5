"""Contracts at scale: whosbehind (DuckDB) against PostgreSQL 15, side by side, as Markdown.

Usage: python3 benchmarks/contracts_vs_postgres.py --rows 10000000 [--quick] [--keep]
       [--data DIR] [--ingest-runs 3] [--whosbehind-runs N] [--query-runs 3] [--report FILE]

1. Data: ``contracts_generate.py`` writes ``--rows`` SYNTHETIC award summaries (the real
   279-column USAspending layout, real distributions) under /tmp, or reuses an earlier
   generation with the same rows and seed (``manifest.json``).
2. Server: ``_postgres.ensure_server()`` installs, configures and starts PostgreSQL 15 on
   127.0.0.1 (idempotent; the settings are in ``_postgres.SETTINGS`` and in the report).
3. Ingest, interleaved in rounds (the engine order rotates each round), each into an empty target:
   - whosbehind: ``ingest_usaspending(Engine(path), folder)`` in a fresh process (peak RSS);
   - DuckDB: ``CREATE TABLE contracts AS SELECT * FROM read_csv(files, columns=types)``;
   - PostgreSQL: ``BEGIN; CREATE TABLE contracts (...); COPY contracts FROM 'file' (FORMAT csv,
     HEADER) per file; COMMIT`` (server-side COPY of the same files, one session).
   Both tables have the same typed columns (NUMERIC(38,2)/DECIMAL(38,2) money, DATE, TIMESTAMP,
   INTEGER, BOOLEAN, text), inferred from the file. Then PostgreSQL runs VACUUM ANALYZE and
   builds three covering indexes (timed).
4. Queries, ``--query-runs`` rounds, every engine in each round (rotating order), median, with
   whosbehind's semantics for award summaries (an award's stated total obligation, in the
   fiscal year of its latest action; recipients by DUNS, else UEI, else name; parents likewise):
   q1 top recipients of one agency over three fiscal years; q2 each fiscal year's top parents
   and their share; q3 one recipient's money by agency. Engines: DuckDB on the raw table;
   DuckDB on whosbehind's store, the same SQL over its money lines (``lines_sql``); whosbehind's
   analysis function ``spending()`` (one call per fiscal year for q1 and q2); PostgreSQL without
   indexes (index scans disabled in the session) and with them. Answers are compared.
5. Where whosbehind's ingest spends its time over 100k rows: each SQL statement it runs
   through the engine, timed, and a cProfile of the Python side.

Ratios are PostgreSQL time / DuckDB time (> 1: DuckDB faster). Targets (issue 3): ingest at
least 3x PostgreSQL COPY, queries at least 10x faster. Generated data, DuckDB files and the
PostgreSQL table are deleted at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import io
import os
import pstats
import re
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

import _postgres as pg
import contracts_generate as gen
from _common import header, in_child, median, peak_rss_mb, table, verdict

TITLE = "Contracts: whosbehind (DuckDB) vs PostgreSQL 15"
AGENCY = "7012"  # ICE
INGEST_TARGET = 3.0
KEPT_NAME = "DuckDB read_csv, 45 kept columns"
QUERY_TARGET = 10.0
QUICK_ROWS = 100_000
PROFILE_ROWS = 100_000
MONEY = re.compile(r"(total_obligated_amount|current_total_value_of_award|"
                   r"potential_total_value_of_award|.*_amount(_from_.*)?|total_outlayed_amount)")
INTEGER = re.compile(r".*fiscal_year|number_of_actions|number_of_offers_received")


# ---- column types --------------------------------------------------------------------------


def infer_types(path: Path, sample: int = 20_000) -> list[tuple[str, str]]:
    """(column, portable type) for every column of a generated file, from its first rows:
    MONEY, DATE, TIMESTAMP, INTEGER, BOOLEAN or TEXT."""
    with path.open(newline="") as stream:
        reader = csv.reader(stream)
        names = next(reader)
        seen: list[set[str]] = [set() for _ in names]
        for number, row in enumerate(reader):
            if number >= sample:
                break
            for index, value in enumerate(row):
                if value and len(seen[index]) < 64:
                    seen[index].add(value)
    found = []
    for name, values in zip(names, seen, strict=True):
        if MONEY.fullmatch(name):
            kind = "MONEY"
        elif values and all(re.fullmatch(r"\d{4}-\d\d-\d\d", v) for v in values):
            kind = "DATE"
        elif values and all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", v) for v in values):
            kind = "TIMESTAMP"
        elif values and INTEGER.fullmatch(name) and all(v.isdigit() for v in values):
            kind = "INTEGER"
        elif values and values <= {"t", "f"}:
            kind = "BOOLEAN"
        else:
            kind = "TEXT"
        found.append((name, kind))
    return found


PG_TYPES = {"MONEY": "NUMERIC(38,2)", "DATE": "DATE", "TIMESTAMP": "TIMESTAMP",
            "INTEGER": "INTEGER", "BOOLEAN": "BOOLEAN", "TEXT": "TEXT"}
DUCK_TYPES = {"MONEY": "DECIMAL(38,2)", "DATE": "DATE", "TIMESTAMP": "TIMESTAMP",
              "INTEGER": "INTEGER", "BOOLEAN": "BOOLEAN", "TEXT": "VARCHAR"}


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---- ingest --------------------------------------------------------------------------------


@dataclass
class Load:
    seconds: float
    rss_mb: float | None = None
    size: int = 0
    note: str = ""


def duckdb_load(db: str, files: list[str], types: list[tuple[str, str]]) -> Load:
    """Plain DuckDB: read_csv with the declared types into a table (run in a child)."""
    for path in (Path(db), Path(db + ".wal")):
        path.unlink(missing_ok=True)
    columns = {name: DUCK_TYPES[kind] for name, kind in types}
    start = time.perf_counter()
    con = duckdb.connect(db)
    con.execute("CREATE TABLE contracts AS SELECT * FROM read_csv(?, header = true, "
                "columns = ?, quote = '\"', escape = '\"', auto_detect = false)",
                [files, columns]).fetchall()
    con.close()
    return Load(time.perf_counter() - start, peak_rss_mb(), Path(db).stat().st_size)


# The columns whosbehind's reader takes from an award-summaries row (csv_rows.award_from_row).
KEPT_COLUMNS = (
    "contract_award_unique_key award_id_piid parent_award_id_piid parent_award_agency_id "
    "award_or_idv_flag idv_type_code award_type_code idv_type award_type awarding_agency_code "
    "awarding_agency_name awarding_sub_agency_code awarding_sub_agency_name awarding_office_code "
    "awarding_office_name funding_agency_code funding_agency_name funding_sub_agency_code "
    "funding_sub_agency_name recipient_name recipient_duns recipient_uei recipient_parent_name "
    "recipient_parent_duns recipient_parent_uei recipient_city_name recipient_state_code "
    "recipient_zip_4_code recipient_country_code product_or_service_code "
    "product_or_service_code_description naics_code naics_description "
    "primary_place_of_performance_city_name primary_place_of_performance_state_code "
    "primary_place_of_performance_country_code prime_award_base_transaction_description "
    "total_obligated_amount current_total_value_of_award potential_total_value_of_award "
    "award_base_action_date award_latest_action_date period_of_performance_start_date "
    "period_of_performance_current_end_date period_of_performance_potential_end_date"
).split()


def duckdb_load_kept(db: str, files: list[str], types: list[tuple[str, str]]) -> Load:
    """Plain DuckDB reading every column but storing only the ones whosbehind keeps."""
    for path in (Path(db), Path(db + ".wal")):
        path.unlink(missing_ok=True)
    columns = {name: DUCK_TYPES[kind] for name, kind in types}
    kept = ", ".join(quoted(name) for name in KEPT_COLUMNS)
    start = time.perf_counter()
    con = duckdb.connect(db)
    con.execute(f"CREATE TABLE contracts AS SELECT {kept} FROM read_csv(?, header = true, "
                "columns = ?, quote = '\"', escape = '\"', auto_detect = false)",
                [files, columns]).fetchall()
    con.close()
    return Load(time.perf_counter() - start, peak_rss_mb(), Path(db).stat().st_size)


def whosbehind_load(db: str, source: str) -> Load:
    """whosbehind's own ingest into a fresh store (run in a child)."""
    from whosbehind.pipeline.ingest_contracts import ingest_usaspending
    from whosbehind.store.engine import Engine

    for path in (Path(db), Path(db + ".wal")):
        path.unlink(missing_ok=True)
    start = time.perf_counter()
    engine = Engine(db)
    try:
        result = ingest_usaspending(engine, source)
    finally:
        engine.close()
    seconds = time.perf_counter() - start
    return Load(seconds, peak_rss_mb(), Path(db).stat().st_size, note=_summary(result))


def _summary(result: object) -> str:
    text = repr(result)
    return text if len(text) <= 300 else text[:297] + "..."


def postgres_load(files: list[Path], types: list[tuple[str, str]]) -> Load:
    body = ", ".join(f"{quoted(name)} {PG_TYPES[kind]}" for name, kind in types)
    with pg.session() as connection:
        connection.execute("DROP TABLE IF EXISTS contracts")
        connection.execute("CHECKPOINT")
        start = time.perf_counter()
        with connection.transaction():
            connection.execute(f"CREATE TABLE contracts ({body})")
            for path in files:
                connection.execute(f"COPY contracts FROM '{path}' WITH (FORMAT csv, HEADER true)")
        seconds = time.perf_counter() - start
    return Load(seconds, None, pg.relation_size("contracts"))


def have_whosbehind_ingest() -> bool:
    try:
        from whosbehind.pipeline.ingest_contracts import ingest_usaspending  # noqa: F401
    except ImportError:
        return False
    return True


# ---- indexes -------------------------------------------------------------------------------

_NAMES = "recipient_duns, recipient_uei, recipient_name"
_PARENTS = "recipient_parent_duns, recipient_parent_uei, recipient_parent_name"
INDEXES = {
    "ix_agency_fy": "(awarding_sub_agency_code, award_latest_action_date_fiscal_year) "
                    f"INCLUDE ({_NAMES}, total_obligated_amount)",
    "ix_recipient": "(recipient_duns) INCLUDE (awarding_sub_agency_code, "
                    "awarding_sub_agency_name, total_obligated_amount)",
    "ix_fy_parent": "(award_latest_action_date_fiscal_year) "
                    f"INCLUDE ({_PARENTS}, {_NAMES}, total_obligated_amount)",
}


def postgres_prepare() -> list[tuple[str, float, int]]:
    """VACUUM ANALYZE, then the indexes: (step, seconds, bytes)."""
    found = []
    with pg.session() as connection:
        start = time.perf_counter()
        connection.execute("VACUUM (ANALYZE) contracts")
        found.append(("VACUUM ANALYZE", time.perf_counter() - start, 0))
        for name, definition in INDEXES.items():
            connection.execute(f"DROP INDEX IF EXISTS {name}")
            start = time.perf_counter()
            connection.execute(f"CREATE INDEX {name} ON contracts {definition}")
            seconds = time.perf_counter() - start
            row = connection.execute("SELECT pg_relation_size(%s)", [name]).fetchone()
            found.append((f"CREATE INDEX {name}", seconds, int(row[0]) if row else 0))
    return found


# ---- queries -------------------------------------------------------------------------------
# Semantics are whosbehind's (analysis/spending.py, analysis/contract_lines.py) for award
# summaries: an award's money is its stated total obligation, counted in the fiscal year of its
# latest action; a recipient is its DUNS, else UEI, else name; a parent its parent's DUNS, else
# UEI, else name, else the recipient itself.

FIRST_FY, LAST_FY = 2016, 2018
Q1 = f"q1 top recipients of one agency, FY{FIRST_FY}-{LAST_FY % 100}"
Q2 = "q2 top parents and share, every fiscal year"
Q3 = "q3 one recipient's money by agency"
QUERIES = (Q1, Q2, Q3)


def _recipient(prefix: str = "") -> str:
    return (f"coalesce({prefix}recipient_duns, {prefix}recipient_uei, "
            f"'name:' || upper({prefix}recipient_name), '-')")


def _parent() -> str:
    return (f"coalesce(recipient_parent_duns, recipient_parent_uei, "
            f"'name:' || upper(recipient_parent_name), {_recipient()})")


def query_sql(source: str, fy: str, amount: str, agency: str, p: str) -> dict[str, str]:
    """The three questions over ``source`` (a table or subquery) whose columns are named by
    ``fy``, ``amount`` and ``agency`` (recipient columns are named alike in both schemas);
    ``p`` is the parameter marker."""
    return {
        Q1: f"""
            SELECT {_recipient()} AS recipient, sum({amount}) AS total, count(*) AS awards
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
            SELECT {agency} AS agency, count(*) AS awards, sum({amount}) AS total
            FROM {source} AS l WHERE recipient_duns = {p} AND {amount} IS NOT NULL
            GROUP BY 1 ORDER BY total DESC, agency""",
    }


RAW_SQL = query_sql("contracts", "award_latest_action_date_fiscal_year",
                    "total_obligated_amount", "awarding_sub_agency_code", "{p}")


def store_sql() -> dict[str, str]:
    """The same questions over whosbehind's money lines (``contract_lines.lines_sql``)."""
    from whosbehind.analysis.contract_lines import lines_sql

    lines, params = lines_sql(None)
    if params:
        raise SystemExit("lines_sql(None) unexpectedly takes parameters")
    return query_sql(f"({lines})", "fiscal_year", "amount", "awarding_subtier_code", "?")


def functions_runner(db: str, params: dict[str, list[Any]]) -> Callable[[str],
                                                                       list[tuple[Any, ...]]]:
    """The questions through whosbehind's analysis function ``spending`` (what the CLI runs):
    one call per fiscal year for q1 and q2, merged in Python."""
    from whosbehind.analysis.agencies import AgencySelection
    from whosbehind.analysis.contract_lines import Filters
    from whosbehind.analysis.spending import spending
    from whosbehind.store.engine import Engine

    engine = Engine(db, read_only=True)

    def run(query: str) -> list[tuple[Any, ...]]:
        if query == Q1:
            agency, first, last = params[Q1]
            selection = AgencySelection(agency, agency, frozenset({agency}))
            merged: dict[str, list[Any]] = {}
            for fy in range(first, last + 1):
                found = spending(engine, "recipient", Filters(agency=selection, fiscal_year=fy))
                for row in found.rows:
                    entry = merged.setdefault(row.key, [row.key, Decimal(0), 0])
                    entry[1] += row.amount
                    entry[2] += row.awards
            ranked = sorted(merged.values(), key=lambda entry: (-entry[1], entry[0]))
            return [tuple(entry) for entry in ranked[:20]]
        if query == Q2:
            rows = []
            for fy in params[Q2]:
                found = spending(engine, "parent", Filters(fiscal_year=fy))
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
                values.append(round(number, 2) if abs(number) >= 1 or number == 0
                              else round(number, 6))
            elif isinstance(value, dt.date):
                values.append(value.isoformat()[:10])
            else:
                values.append(value)
        out.append(tuple(values))
    return out


@dataclass
class QueryEngine:
    name: str
    run: Callable[[str], list[tuple[Any, ...]]]
    times: dict[str, list[float]] = field(default_factory=dict)
    answers: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)


def duck_runner(con: duckdb.DuckDBPyConnection, sql: dict[str, str],
                params: dict[str, list[Any]]) -> Callable[[str], list[tuple[Any, ...]]]:
    def run(query: str) -> list[tuple[Any, ...]]:
        return con.execute(sql[query], params[query]).fetchall()
    return run


def pg_runner(connection: Any, params: dict[str, list[Any]]) -> Callable[[str],
                                                                         list[tuple[Any, ...]]]:
    def run(query: str) -> list[tuple[Any, ...]]:
        sql = RAW_SQL[query].replace("{p}", "%s")
        return list(connection.execute(sql, params[query]).fetchall())
    return run


def run_queries(engines: list[QueryEngine], runs: int) -> None:
    for round_number in range(runs):
        for query in QUERIES:
            shift = round_number % len(engines)
            for engine in engines[shift:] + engines[:shift]:
                start = time.perf_counter()
                answer = engine.run(query)
                engine.times.setdefault(query, []).append(time.perf_counter() - start)
                engine.answers[query] = normalise(answer)
        print(f"  query round {round_number + 1}/{runs} done", file=sys.stderr, flush=True)


def compare_answers(engines: list[QueryEngine]) -> list[str]:
    notes = []
    reference = engines[0]
    for query in QUERIES:
        mine = reference.answers[query]
        for engine in engines[1:]:
            theirs = engine.answers.get(query)
            if theirs is not None and theirs != mine:
                notes.append(f"{query}: {engine.name} differs from {reference.name} "
                             f"({len(theirs)} vs {len(mine)} rows; first "
                             f"{theirs[:1]} vs {mine[:1]})")
    return notes


STORE_SQL_NAME = "whosbehind store, SQL"
FUNCTIONS_NAME = "whosbehind spending()"
RAW_NAME = "DuckDB raw table"
PG_PLAIN, PG_INDEXED = "PostgreSQL, no index", "PostgreSQL, indexes"


def query_section(duck_db: str, store_db: str | None, runs: int,
                  say: Callable[[str], None]) -> list[str]:
    raw = duckdb.connect(duck_db, read_only=True)
    top = raw.execute("SELECT recipient_duns, count(*) FROM contracts "
                      "WHERE total_obligated_amount IS NOT NULL GROUP BY 1 "
                      "ORDER BY 2 DESC, 1 LIMIT 1").fetchall()[0]
    recipient = str(top[0])
    fiscal_years = [row[0] for row in raw.execute(
        "SELECT DISTINCT award_latest_action_date_fiscal_year FROM contracts ORDER BY 1"
    ).fetchall()]
    params: dict[str, list[Any]] = {Q1: [AGENCY, FIRST_FY, LAST_FY], Q2: [], Q3: [recipient]}
    duck_sql = {name: sql.replace("{p}", "?") for name, sql in RAW_SQL.items()}
    engines = [QueryEngine(RAW_NAME, duck_runner(raw, duck_sql, params))]
    store = None
    if store_db is not None and Path(store_db).exists():
        store = duckdb.connect(store_db, read_only=True)
        engines.append(QueryEngine(STORE_SQL_NAME, duck_runner(store, store_sql(), params)))
        engines.append(QueryEngine(FUNCTIONS_NAME, functions_runner(
            store_db, {**params, Q2: fiscal_years})))
    plain = pg.connect()
    for setting in ("enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan"):
        plain.execute(f"SET {setting} = off")
    indexed = pg.connect()
    engines.append(QueryEngine(PG_PLAIN, pg_runner(plain, params)))
    engines.append(QueryEngine(PG_INDEXED, pg_runner(indexed, params)))
    say(f"queries: {runs} rounds x {len(QUERIES)} queries x {len(engines)} engines")
    run_queries(engines, runs)
    mismatches = compare_answers(engines)
    for connection in (raw, store, plain, indexed):
        if connection is not None:
            connection.close()

    by_name = {engine.name: engine for engine in engines}

    def med(engine: str, query: str) -> float:
        return median(by_name[engine].times[query])

    duck_names = [name for name in (RAW_NAME, STORE_SQL_NAME, FUNCTIONS_NAME) if name in by_name]
    short = {RAW_NAME: "raw", STORE_SQL_NAME: "store SQL", FUNCTIONS_NAME: "spending()"}
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
        f"Parameters: agency {AGENCY} (ICE), fiscal years {FIRST_FY}-{LAST_FY} (of the latest "
        f"action); recipient DUNS `{recipient}` (the one with most awards, {top[1]:,}); q2 "
        f"covers {len(fiscal_years)} fiscal years.",
        "",
        table(heads, rows),
        "",
    ]
    for duck in duck_names:
        lines.append(f"- target: queries at least {QUERY_TARGET:.0f}x faster than PostgreSQL, "
                     f"{duck} vs PostgreSQL with and without indexes: {sum(met[duck])} of "
                     f"{len(met[duck])} comparisons, {verdict(all(met[duck]))}")
    lines.append("- answers: " + ("identical on every engine (keys, totals to the cent, shares)"
                                  if not mismatches else "; ".join(mismatches)))
    lines.append("")
    return lines


# ---- profile -------------------------------------------------------------------------------


class _TimedConnection:
    """A DuckDB connection whose ``execute`` records each statement's time; the rest passes."""

    def __init__(self, connection: duckdb.DuckDBPyConnection,
                 sink: dict[str, list[float]]) -> None:
        self._connection = connection
        self._sink = sink

    def execute(self, sql: str, params: Any = None) -> Any:
        start = time.perf_counter()
        try:
            return self._connection.execute(sql, params if params is not None else [])
        finally:
            label = re.sub(r"'[^']*'", "'…'", " ".join(sql.split()))[:110]
            self._sink.setdefault(label, []).append(time.perf_counter() - start)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


def profile_ingest(source: Path, db: Path) -> tuple[str, str]:
    """Every SQL statement the ingest runs, timed, and a cProfile of the Python side."""
    from whosbehind.pipeline.ingest_contracts import ingest_usaspending
    from whosbehind.store.engine import Engine

    for path in (db, Path(str(db) + ".wal")):
        path.unlink(missing_ok=True)
    statements: dict[str, list[float]] = {}
    profiler = cProfile.Profile()
    engine = Engine(db)
    real = engine.connection
    engine.connection = _TimedConnection(real, statements)  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        profiler.enable()
        ingest_usaspending(engine, str(source))
        profiler.disable()
        total = time.perf_counter() - start
    finally:
        engine.connection = real
        engine.close()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("tottime").print_stats(12)
    text = stream.getvalue()
    text = re.sub(r"/[^\s:]*/site-packages/", "", text).replace(str(gen.REPO_ROOT) + "/", "")
    python = "\n".join(line.rstrip() for line in text.splitlines() if line.strip())
    ranked = sorted(statements.items(), key=lambda item: -sum(item[1]))[:10]
    sql_rows = [[f"{sum(times):.2f}", f"{sum(times) / total * 100:.0f}%", len(times),
                 "`" + label.replace("|", "\\|") + "`"] for label, times in ranked]
    sql = (f"Ingest of {PROFILE_ROWS:,} rows took {total:.2f} s; the slowest SQL statements "
           "(every statement sent to the store's DuckDB connection, timed):\n\n"
           + table(["seconds", "share", "calls", "statement (start)"], sql_rows))
    return python, sql


# ---- main ----------------------------------------------------------------------------------


def disk_free(path: Path) -> int:
    usage = shutil.disk_usage(path if path.exists() else path.parent)
    return usage.free


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} rows")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data", type=Path, default=None,
                        help="folder for the generated CSVs (default /tmp/whosbehind-contracts-N)")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the DuckDB files (default: beside the data)")
    parser.add_argument("--ingest-runs", type=int, default=3)
    parser.add_argument("--whosbehind-runs", type=int, default=None,
                        help="whosbehind ingest runs (default: --ingest-runs)")
    parser.add_argument("--query-runs", type=int, default=3)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep data, stores and the table")
    parser.add_argument("--report", type=Path, default=None, help="also write the Markdown here")
    args = parser.parse_args()
    rows = QUICK_ROWS if args.quick else args.rows
    data = args.data or Path(f"/tmp/whosbehind-contracts-{rows}")
    work = args.work or data.with_name(data.name + "-stores")
    work.mkdir(parents=True, exist_ok=True)
    lines = [header(TITLE)]
    started = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f}s] {message}", file=sys.stderr, flush=True)

    # 1. data
    manifest = gen.existing(data, rows, args.seed)
    if manifest is None:
        need = rows * 1900 * 3
        if disk_free(data) < need:
            raise SystemExit(f"need about {need / 1e9:.0f} GB free under {data}")
        say(f"generating {rows:,} rows into {data}")
        manifest = gen.generate(data, rows, args.seed)
        generated = f"generated in {manifest['seconds']} s"
    else:
        generated = "reused from an earlier run"
    listed = manifest["files"]
    files = [data / str(name) for name in (listed if isinstance(listed, list) else [])]
    size = sum(path.stat().st_size for path in files)
    gen_seconds = float(str(manifest["seconds"]))
    lines.append(f"- data: {rows:,} SYNTHETIC award summaries (279 columns, seed {args.seed}), "
                 f"{len(files)} CSV files, {size / 1e9:,.2f} GB ({size / rows:,.0f} bytes/row); "
                 f"{generated} ({rows / gen_seconds:,.0f} rows/s, "
                 f"{size / 1e6 / gen_seconds:,.0f} MB/s)")
    types = infer_types(files[0])
    kinds = {kind: sum(1 for _, k in types if k == kind) for kind in PG_TYPES}
    lines.append("- column types (both engines): " + ", ".join(
        f"{count} {PG_TYPES[kind]}" for kind, count in kinds.items() if count))

    # 2. server
    say("PostgreSQL server")
    pg.ensure_server()
    pg.allow_reading(data)
    lines.append(f"- PostgreSQL {pg.server_version()}, settings: " + ", ".join(
        f"`{name}={value}`" for name, value in pg.effective_settings().items()
        if name not in ("listen_addresses", "port", "unix_socket_directories",
                        "logging_collector")))
    lines.append("")

    # 3. ingest
    whosbehind_ok = have_whosbehind_ingest()
    whosbehind_runs = args.whosbehind_runs if args.whosbehind_runs is not None else args.ingest_runs
    duck_db = str(work / "raw.duckdb")
    store_db = str(work / "whosbehind.duckdb")
    kept_db = str(work / "kept.duckdb")
    loads: dict[str, list[Load]] = {"PostgreSQL COPY": [], "DuckDB read_csv": [],
                                    KEPT_NAME: []}
    if whosbehind_ok:
        loads["whosbehind ingest_usaspending"] = []
    file_names = [str(path) for path in files]
    for round_number in range(args.ingest_runs):
        order = list(loads)
        shift = round_number % len(order)
        for name in order[shift:] + order[:shift]:
            if name.startswith("whosbehind") and round_number >= whosbehind_runs:
                continue
            say(f"ingest round {round_number + 1}: {name}")
            if name == "PostgreSQL COPY":
                load = postgres_load(files, types)
            elif name == "DuckDB read_csv":
                load = in_child(duckdb_load, duck_db, file_names, types)
            elif name == KEPT_NAME:
                load = in_child(duckdb_load_kept, kept_db, file_names, types)
            else:
                load = in_child(whosbehind_load, store_db, str(data))
            say(f"  {load.seconds:.1f} s")
            loads[name].append(load)
    copy_seconds = median([load.seconds for load in loads["PostgreSQL COPY"]])
    ingest_rows = []
    for name, runs in loads.items():
        seconds = median([load.seconds for load in runs])
        rss = [load.rss_mb for load in runs if load.rss_mb is not None]
        ingest_rows.append([
            name, len(runs), seconds, min(load.seconds for load in runs),
            size / 1e6 / seconds, f"{rows / seconds:,.0f}",
            f"{ratio(copy_seconds, seconds):.2f}x", f"{runs[-1].size / 1e9:,.2f} GB",
            f"{max(rss):,.0f} MB" if rss else "(server)",
        ])
    lines.append(f"### Ingest ({rows:,} rows, {size / 1e9:,.2f} GB of CSV)")
    lines.append("")
    lines.append(table(["engine", "runs", "median s", "min s", "MB/s", "rows/s",
                        "speed vs COPY", "size on disk", "peak RSS"], ingest_rows))
    lines.append("")
    if whosbehind_ok:
        whosbehind_seconds = median([load.seconds for load in loads[
            "whosbehind ingest_usaspending"]])
        speedup = ratio(copy_seconds, whosbehind_seconds)
        lines.append(f"- target: whosbehind's ingest at least {INGEST_TARGET:.0f}x PostgreSQL "
                     f"COPY: {speedup:.2f}x, {verdict(speedup >= INGEST_TARGET)}")
        note = loads["whosbehind ingest_usaspending"][-1].note
        lines.append(f"- whosbehind's ingest reported: `{note}`")
    else:
        lines.append("- **whosbehind's own ingest was not measured**: "
                     "`whosbehind.pipeline.ingest_contracts` does not exist yet; "
                     "the DuckDB row is plain `read_csv` into a table")
    duck_speedup = ratio(copy_seconds, median([load.seconds for load in loads["DuckDB read_csv"]]))
    lines.append(f"- plain DuckDB read_csv vs COPY: {duck_speedup:.2f}x "
                 f"({verdict(duck_speedup >= INGEST_TARGET)} against the same "
                 f"{INGEST_TARGET:.0f}x)")
    kept_speedup = ratio(copy_seconds, median([load.seconds for load in loads[KEPT_NAME]]))
    lines.append(f"- DuckDB read_csv keeping only the {len(KEPT_COLUMNS)} columns whosbehind's "
                 f"reader uses (what a DuckDB-native ingest could reach): {kept_speedup:.2f}x")
    lines.append("")

    # 4. indexes and queries
    say("VACUUM ANALYZE and indexes")
    prepared = postgres_prepare()
    lines.append("### PostgreSQL after the load")
    lines.append("")
    lines.append(table(["step", "seconds", "index size"],
                       [[step, seconds, f"{nbytes / 1e6:,.0f} MB" if nbytes else ""]
                        for step, seconds, nbytes in prepared]))
    index_total = sum(seconds for step, seconds, _ in prepared if step.startswith("CREATE"))
    lines.append("")
    lines.append(f"- table {pg.relation_size('contracts') / 1e9:,.2f} GB with indexes; "
                 f"index builds {index_total:.1f} s in all")
    lines.append("")

    lines += query_section(duck_db, store_db if whosbehind_ok else None, args.query_runs, say)

    # 5. profile
    if whosbehind_ok and not args.no_profile:
        sample = data.with_name(data.name + "-profile")
        if gen.existing(sample, PROFILE_ROWS, args.seed) is None:
            gen.generate(sample, PROFILE_ROWS, args.seed, workers=1)
        say("profiling whosbehind's ingest")
        python, sql = profile_ingest(sample, work / "profile.duckdb")
        lines.append(f"### Where whosbehind's ingest spends its time ({PROFILE_ROWS:,} rows)")
        lines.append("")
        lines.append(sql)
        lines.append("")
        lines.append("cProfile (Python side; the SQL runs inside DuckDB's execute):")
        lines.append("")
        lines.append("```")
        lines.append(python)
        lines.append("```")
        lines.append("")
        if not args.keep:
            shutil.rmtree(sample, ignore_errors=True)

    load_average = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    total = time.perf_counter() - started
    lines.append(f"- load average at the end {load_average}; total run {total:,.0f} s")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.report:
        args.report.write_text(report)
    if not args.keep:
        say("cleaning up")
        with pg.session() as connection:
            connection.execute("DROP TABLE IF EXISTS contracts")
        pg.stop_server()
        shutil.rmtree(work, ignore_errors=True)
        if args.data is None:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
