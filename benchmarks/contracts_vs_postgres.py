"""Contracts at scale: whosbehind (DuckDB) against PostgreSQL 15, side by side, as Markdown.

Usage: python3 benchmarks/contracts_vs_postgres.py --rows 10000000 [--quick] [--keep]
       [--data DIR] [--ingest-runs 3] [--whosbehind-runs N] [--query-runs 3]
       [--point-query-runs 25] [--report FILE]

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
   DuckDB on whosbehind's store, the same SQL over its money lines (``lines_sql``) and over its
   money rollup (``store.contracts.rollup``, maintained by the ingest); whosbehind's analysis
   function ``spending()`` (q1 one call over the fiscal years, ``top=20``; q2 one call per
   fiscal year, ``top=10``);
   PostgreSQL without indexes (index scans disabled in the session) and with them. Answers are
   compared. ``--point-query-runs N`` gives the point lookups (q1, q3) N rounds in all on the
   engines that do not scan everything, with their spread (a few ms each: three rounds do not
   decide a 2x target).
5. Where whosbehind's ingest spends its time over 100k rows: each SQL statement it runs
   through the engine, timed, and a cProfile of the Python side.

Ratios are PostgreSQL time / DuckDB time (> 1: DuckDB faster). Targets (issue 3): ingest at
least 3x PostgreSQL COPY, queries at least 10x faster. Generated data, DuckDB files and the
PostgreSQL table are deleted at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

import _postgres as pg
import contracts_generate as gen
from _common import header, in_child, median, table, verdict
from contracts_bench_load import (
    INGEST_TARGET,
    KEPT_COLUMNS,
    KEPT_NAME,
    PG_TYPES,
    PROFILE_ROWS,
    QUICK_ROWS,
    TITLE,
    Load,
    duckdb_load,
    duckdb_load_kept,
    have_whosbehind_ingest,
    infer_types,
    postgres_load,
    postgres_prepare,
    whosbehind_load,
)
from contracts_bench_profile import profile_ingest
from contracts_bench_queries import query_section, ratio

# ---- main ----------------------------------------------------------------------------------


def disk_free(path: Path) -> int:
    usage = shutil.disk_usage(path if path.exists() else path.parent)
    return usage.free


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} rows")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="folder for the generated CSVs (default /tmp/whosbehind-contracts-N)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="folder for the DuckDB files (default: beside the data)",
    )
    parser.add_argument("--ingest-runs", type=int, default=3)
    parser.add_argument(
        "--whosbehind-runs",
        type=int,
        default=None,
        help="whosbehind ingest runs (default: --ingest-runs)",
    )
    parser.add_argument("--query-runs", type=int, default=3)
    parser.add_argument(
        "--point-query-runs",
        type=int,
        default=0,
        help="rounds in all for the point lookups q1 and q3, interleaved, on the engines that "
        "answer them from an index or a sorted copy (default: --query-runs)",
    )
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument(
        "--no-wide-load",
        action="store_true",
        help="leave out the reference load of all 279 columns into DuckDB (not a target; "
        "it takes about a quarter of a 10M run)",
    )
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
    generated_here = manifest is None  # data reused from an earlier run is never deleted
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
    lines.append(
        f"- data: {rows:,} SYNTHETIC award summaries (279 columns, seed {args.seed}), "
        f"{len(files)} CSV files, {size / 1e9:,.2f} GB ({size / rows:,.0f} bytes/row); "
        f"{generated} ({rows / gen_seconds:,.0f} rows/s, "
        f"{size / 1e6 / gen_seconds:,.0f} MB/s)"
    )
    types = infer_types(files[0])
    kinds = {kind: sum(1 for _, k in types if k == kind) for kind in PG_TYPES}
    lines.append(
        "- column types (both engines): "
        + ", ".join(f"{count} {PG_TYPES[kind]}" for kind, count in kinds.items() if count)
    )

    # 2. server
    say("PostgreSQL server")
    pg.ensure_server()
    pg.allow_reading(data)
    lines.append(
        f"- PostgreSQL {pg.server_version()}, settings: "
        + ", ".join(
            f"`{name}={value}`"
            for name, value in pg.effective_settings().items()
            if name
            not in ("listen_addresses", "port", "unix_socket_directories", "logging_collector")
        )
    )
    lines.append("")

    # 3. ingest
    whosbehind_ok = have_whosbehind_ingest()
    whosbehind_runs = args.whosbehind_runs if args.whosbehind_runs is not None else args.ingest_runs
    duck_db = str(work / "raw.duckdb")
    store_db = str(work / "whosbehind.duckdb")
    kept_db = str(work / "kept.duckdb")
    loads: dict[str, list[Load]] = {"PostgreSQL COPY": [], "DuckDB read_csv": [], KEPT_NAME: []}
    if args.no_wide_load:
        del loads["DuckDB read_csv"]
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

    def cpu_of(runs: list[Load]) -> float:
        return median([load.cpu for load in runs if load.cpu is not None])

    copy_cpu = cpu_of(loads["PostgreSQL COPY"])
    ingest_rows = []
    for name, runs in loads.items():
        seconds = median([load.seconds for load in runs])
        rss = [load.rss_mb for load in runs if load.rss_mb is not None]
        ingest_rows.append(
            [
                name,
                len(runs),
                seconds,
                min(load.seconds for load in runs),
                size / 1e6 / seconds,
                f"{rows / seconds:,.0f}",
                f"{ratio(copy_seconds, seconds):.2f}x",
                f"{cpu_of(runs):,.1f}",
                f"{ratio(copy_cpu, cpu_of(runs)):.2f}x",
                f"{runs[-1].size / 1e9:,.2f} GB",
                f"{max(rss):,.0f} MB" if rss else "(server)",
            ]
        )
    lines.append(f"### Ingest ({rows:,} rows, {size / 1e9:,.2f} GB of CSV)")
    lines.append("")
    lines.append(
        table(
            [
                "engine",
                "runs",
                "median s",
                "min s",
                "MB/s",
                "rows/s",
                "speed vs COPY",
                "CPU s",
                "CPU: COPY / engine",
                "size on disk",
                "peak RSS",
            ],
            ingest_rows,
        )
    )
    lines.append("")
    if whosbehind_ok:
        whosbehind_seconds = median(
            [load.seconds for load in loads["whosbehind ingest_usaspending"]]
        )
        speedup = ratio(copy_seconds, whosbehind_seconds)
        lines.append(
            f"- target: whosbehind's ingest at least {INGEST_TARGET:.0f}x PostgreSQL "
            f"COPY: {speedup:.2f}x, {verdict(speedup >= INGEST_TARGET)}"
        )
        mine = loads["whosbehind ingest_usaspending"]
        bare = loads[KEPT_NAME]
        over = ratio(whosbehind_seconds, median([load.seconds for load in bare])) - 1
        over_cpu = ratio(cpu_of(mine), cpu_of(bare)) - 1
        lines.append(
            f"- issue 15: whosbehind's ingest at least 2x COPY (wall {speedup:.2f}x "
            f"{verdict(speedup >= 2)}, CPU {ratio(copy_cpu, cpu_of(mine)):.2f}x "
            f"{verdict(ratio(copy_cpu, cpu_of(mine)) >= 2)}); its cost over the bare load of "
            f"the same columns: wall +{over:.0%}, CPU +{over_cpu:.0%} (target: at most about "
            "+45%)"
        )
        note = loads["whosbehind ingest_usaspending"][-1].note
        lines.append(f"- whosbehind's ingest reported: `{note}`")
    else:
        lines.append(
            "- **whosbehind's own ingest was not measured**: "
            "`whosbehind.pipeline.contracts.ingest` does not exist yet; "
            "the DuckDB row is plain `read_csv` into a table"
        )
    if args.no_wide_load:
        lines.append(
            "- the reference load of all 279 columns into DuckDB was left out (`--no-wide-load`)"
        )
    else:
        wide = median([load.seconds for load in loads["DuckDB read_csv"]])
        duck_speedup = ratio(copy_seconds, wide)
        lines.append(
            f"- plain DuckDB read_csv vs COPY: {duck_speedup:.2f}x "
            f"({verdict(duck_speedup >= INGEST_TARGET)} against the same "
            f"{INGEST_TARGET:.0f}x)"
        )
    kept_speedup = ratio(copy_seconds, median([load.seconds for load in loads[KEPT_NAME]]))
    lines.append(
        f"- DuckDB read_csv keeping only the {len(KEPT_COLUMNS)} columns whosbehind's "
        f"reader uses (what a DuckDB-native ingest could reach): {kept_speedup:.2f}x"
    )
    lines.append("")

    # 4. indexes and queries
    say("VACUUM ANALYZE and indexes")
    prepared = postgres_prepare()
    lines.append("### PostgreSQL after the load")
    lines.append("")
    lines.append(
        table(
            ["step", "seconds", "index size"],
            [
                [step, seconds, f"{nbytes / 1e6:,.0f} MB" if nbytes else ""]
                for step, seconds, nbytes in prepared
            ],
        )
    )
    index_total = sum(seconds for step, seconds, _ in prepared if step.startswith("CREATE"))
    lines.append("")
    lines.append(
        f"- table {pg.relation_size('contracts') / 1e9:,.2f} GB with indexes; "
        f"index builds {index_total:.1f} s in all"
    )
    lines.append("")

    lines += query_section(
        None if args.no_wide_load else duck_db,
        store_db if whosbehind_ok else None,
        args.query_runs,
        say,
        args.point_query_runs,
    )

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
        if args.data is None and generated_here:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
