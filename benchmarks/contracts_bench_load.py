"""Contracts benchmark, part 1: column types, the timed loads of each engine and PostgreSQL's
indexes (``contracts_vs_postgres.py``).
"""

from __future__ import annotations

import csv
import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

import _postgres as pg
from _common import peak_rss_mb

TITLE = "Contracts: whosbehind (DuckDB) vs PostgreSQL 15"
AGENCY = "7012"  # ICE
INGEST_TARGET = 3.0
KEPT_NAME = "DuckDB read_csv, 45 kept columns"
QUERY_TARGET = 10.0
QUICK_ROWS = 100_000
PROFILE_ROWS = 100_000
MONEY = re.compile(
    r"(total_obligated_amount|current_total_value_of_award|"
    r"potential_total_value_of_award|.*_amount(_from_.*)?|total_outlayed_amount)"
)
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


PG_TYPES = {
    "MONEY": "NUMERIC(38,2)",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP",
    "INTEGER": "INTEGER",
    "BOOLEAN": "BOOLEAN",
    "TEXT": "TEXT",
}
DUCK_TYPES = {
    "MONEY": "DECIMAL(38,2)",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP",
    "INTEGER": "INTEGER",
    "BOOLEAN": "BOOLEAN",
    "TEXT": "VARCHAR",
}


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---- ingest --------------------------------------------------------------------------------


@dataclass
class Load:
    seconds: float
    rss_mb: float | None = None
    size: int = 0
    note: str = ""
    cpu: float | None = None  # CPU seconds: the loading process's threads, or the server's


def duckdb_load(db: str, files: list[str], types: list[tuple[str, str]]) -> Load:
    """Plain DuckDB: read_csv with the declared types into a table (run in a child)."""
    for path in (Path(db), Path(db + ".wal")):
        path.unlink(missing_ok=True)
    columns = {name: DUCK_TYPES[kind] for name, kind in types}
    start, cpu = time.perf_counter(), time.process_time()
    con = duckdb.connect(db)
    con.execute(
        "CREATE TABLE contracts AS SELECT * FROM read_csv(?, header = true, "
        "columns = ?, quote = '\"', escape = '\"', auto_detect = false)",
        [files, columns],
    ).fetchall()
    con.close()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return Load(seconds, peak_rss_mb(), Path(db).stat().st_size, cpu=cpu)


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
    start, cpu = time.perf_counter(), time.process_time()
    con = duckdb.connect(db)
    con.execute(
        f"CREATE TABLE contracts AS SELECT {kept} FROM read_csv(?, header = true, "
        "columns = ?, quote = '\"', escape = '\"', auto_detect = false)",
        [files, columns],
    ).fetchall()
    con.close()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return Load(seconds, peak_rss_mb(), Path(db).stat().st_size, cpu=cpu)


def whosbehind_load(db: str, source: str) -> Load:
    """whosbehind's own ingest into a fresh store (run in a child)."""
    from whosbehind.pipeline.contracts.ingest import ingest_usaspending
    from whosbehind.store.engine import Engine
    from whosbehind.store.published import published_path

    # an earlier run's published copy too: with no reader registered, this run publishes none
    for path in (Path(db), Path(db + ".wal"), published_path(Path(db))):
        path.unlink(missing_ok=True)
    start, cpu = time.perf_counter(), time.process_time()
    engine = Engine(db)
    try:
        result = ingest_usaspending(engine, source)
    finally:
        engine.close()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return Load(seconds, peak_rss_mb(), Path(db).stat().st_size, note=_summary(result), cpu=cpu)


def _summary(result: object) -> str:
    text = repr(result)
    return text if len(text) <= 300 else text[:297] + "..."


def postgres_load(files: list[Path], types: list[tuple[str, str]]) -> Load:
    body = ", ".join(f"{quoted(name)} {PG_TYPES[kind]}" for name, kind in types)
    with pg.session() as connection:
        connection.execute("DROP TABLE IF EXISTS contracts")
        connection.execute("CHECKPOINT")
        start, cpu = time.perf_counter(), pg.server_cpu()
        with connection.transaction():
            connection.execute(f"CREATE TABLE contracts ({body})")
            for path in files:
                connection.execute(f"COPY contracts FROM '{path}' WITH (FORMAT csv, HEADER true)")
        seconds, cpu = time.perf_counter() - start, pg.server_cpu() - cpu
    return Load(seconds, None, pg.relation_size("contracts"), cpu=cpu)


def have_whosbehind_ingest() -> bool:
    try:
        from whosbehind.pipeline.contracts.ingest import ingest_usaspending  # noqa: F401
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
