"""The library against the best SQL for the same answer, in the same run (issue 15).

Usage: python3 benchmarks/contracts_library.py --rows 1000000 [--runs 5] [--store FILE]
       [--data DIR] [--allow-dirty] [--report FILE]

Users call the library (``whosbehind.spending``, ``whosbehind.awards``), not hand-written SQL.
On a store of ``--rows`` SYNTHETIC award summaries (``contracts_generate.py``; ingested with
``ingest_usaspending`` unless ``--store`` names a store already built from them), each question
is answered, in interleaved rounds, by:

- the library, as a user calls it (public API, keyword options, names, citations, HHI/CR4):
  q1 ``spending(by="recipient", agency="7012", from_fy=2016, to_fy=2018, top=20)``; q2
  ``spending_by_year(by="parent", top=10)``, one call for the 17 fiscal years (and, beside it,
  not judged, ``spending(by="parent", fiscal_year=FY, top=10)`` for each year; the code before
  ``spending_by_year`` answers q2 so); q3
  ``spending(by="agency", recipient=DUNS)``;
- the fastest SQL this benchmark knows for the same rows: the questions of
  ``contracts_bench_queries`` over the money rollup (``store.contracts.rollup``), the "rollup
  SQL" of ``docs/benchmarks.md``. It computes no names, citations or concentration.

Both answers are compared (keys, totals to the cent, award counts, shares). The ratio is
library time / SQL time; the target is at most 1.5x. The CPU time of the process (DuckDB's
threads included) is shown beside the wall time: on a loaded machine it moves less. The load
average is printed at the start and the end: read the figures with it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import contracts_generate as gen
from _common import finish, header, measure_scope, median, require_clean, table, verdict
from contracts_bench_load import AGENCY, whosbehind_load
from contracts_bench_queries import FIRST_FY, LAST_FY, Q1, Q2, Q3, QUERIES, normalise, rollup_sql

TARGET = 1.5
Q2_CALLS = "q2 as one spending() call per fiscal year"
QUESTIONS = (Q1, Q2, Q2_CALLS, Q3)
SCOPE = (
    "analysis/contracts/*.py",
    "analysis/agencies.py",
    "analysis/concentration.py",
    "api/contracts.py",
    "store/*.py",
    "store/contracts/*.py",
    "model/citation.py",
)

Runner = Callable[[], list[tuple[Any, ...]]]


def library_runners(engine: Any, recipient: str, years: list[int]) -> dict[str, Runner]:
    import whosbehind

    def q1() -> list[tuple[Any, ...]]:
        found = whosbehind.spending(
            engine, by="recipient", agency=AGENCY, from_fy=FIRST_FY, to_fy=LAST_FY, top=20
        )
        return [(row.key, row.amount, row.awards) for row in found.rows]

    def q2() -> list[tuple[Any, ...]]:  # one call for every fiscal year
        found = whosbehind.spending_by_year(engine, by="parent", top=10)
        if list(found) != years:
            raise SystemExit(f"spending_by_year gave the years {list(found)}, not {years}")
        return [
            (year, row.key, row.amount, row.share) for year in found for row in found[year].rows
        ]

    def q2_calls() -> list[tuple[Any, ...]]:  # one call per fiscal year, as before
        rows: list[tuple[Any, ...]] = []
        for year in years:
            found = whosbehind.spending(engine, by="parent", fiscal_year=year, top=10)
            rows += [(year, row.key, row.amount, row.share) for row in found.rows]
        return rows

    def q3() -> list[tuple[Any, ...]]:
        found = whosbehind.spending(engine, by="agency", recipient=recipient)
        return [(row.key, row.awards, row.amount) for row in found.rows]

    if not hasattr(whosbehind, "spending_by_year"):  # the code before it: a call per year
        return {Q1: q1, Q2: q2_calls, Q2_CALLS: q2_calls, Q3: q3}
    return {Q1: q1, Q2: q2, Q2_CALLS: q2_calls, Q3: q3}


def sql_runners(connection: Any, recipient: str) -> dict[str, Runner]:
    sql = rollup_sql()
    params: dict[str, list[Any]] = {Q1: [AGENCY, FIRST_FY, LAST_FY], Q2: [], Q3: [recipient]}

    def runner(query: str) -> Runner:
        return lambda: connection.execute(sql[query], params[query]).fetchall()

    return {**{query: runner(query) for query in QUERIES}, Q2_CALLS: runner(Q2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--store", type=Path, default=None, help="a store built from the data")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--allow-dirty", action="store_true")
    parser.add_argument("--report", type=Path, default=None)
    args = parser.parse_args()
    measure_scope(SCOPE)
    require_clean(args.allow_dirty)
    lines = [header(f"Contracts: the library against the best SQL, {args.rows:,} rows")]
    from whosbehind.store.engine import Engine

    data = args.data or Path(f"/tmp/whosbehind-contracts-{args.rows}")
    store = args.store or data.with_name(data.name + "-stores") / "library.duckdb"
    if not store.exists():
        if gen.existing(data, args.rows, args.seed) is None:
            gen.generate(data, args.rows, args.seed)
        store.parent.mkdir(parents=True, exist_ok=True)
        load = whosbehind_load(str(store), str(data))
        lines.append(f"- store built by `ingest_usaspending` in {load.seconds:.1f} s")
    engine = Engine(store, read_only=True)
    connection = engine.connection
    recipient, awards = connection.execute(
        "SELECT recipient_duns, count(*) FROM contract_award WHERE latest AND counts "
        "AND total_obligation IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
    ).fetchone()
    years = [
        int(row[0])
        for row in connection.execute(
            "SELECT DISTINCT fiscal_year FROM contract_award ORDER BY 1"
        ).fetchall()
    ]
    engines = {
        "library": library_runners(engine, recipient, years),
        "rollup SQL": sql_runners(connection, recipient),
    }
    times: dict[tuple[str, str], list[float]] = {}
    cpus: dict[tuple[str, str], list[float]] = {}  # this process's CPU, DuckDB's threads too
    answers: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for runner in engines.values():  # warm: the first call of each reads the columns
        for query in QUESTIONS:
            runner[query]()
    for round_number in range(args.runs):
        for query in QUESTIONS:
            order = list(engines) if round_number % 2 == 0 else list(engines)[::-1]
            for name in order:
                start, cpu = time.perf_counter(), time.process_time()
                answer = engines[name][query]()
                times.setdefault((name, query), []).append(time.perf_counter() - start)
                cpus.setdefault((name, query), []).append(time.process_time() - cpu)
                answers[(name, query)] = normalise(answer)
        print(f"  round {round_number + 1}/{args.runs}", file=sys.stderr, flush=True)
    engine.close()
    rows = []
    met = []
    for query in QUESTIONS:
        mine, best = median(times[("library", query)]), median(times[("rollup SQL", query)])
        mine_cpu = median(cpus[("library", query)])
        best_cpu = median(cpus[("rollup SQL", query)])
        same = answers[("library", query)] == answers[("rollup SQL", query)]
        if query != Q2_CALLS:  # the old way, shown beside it
            met.append(mine <= TARGET * best and same)
        rows.append(
            [
                query,
                f"{mine * 1000:,.1f}",
                f"{best * 1000:,.1f}",
                f"{mine / best:.2f}x",
                f"{mine_cpu * 1000:,.1f}",
                f"{best_cpu * 1000:,.1f}",
                f"{mine_cpu / best_cpu:.2f}x" if best_cpu > 0 else "-",
                "same" if same else "**DIFFERENT**",
            ]
        )
    lines += [
        f"- recipient for q3: DUNS `{recipient}` ({awards:,} awards); q2 covers {len(years)} "
        f"fiscal years; median of {args.runs} interleaved rounds",
        "",
        table(
            [
                "question",
                "library ms",
                "rollup SQL ms",
                "library / SQL",
                "library CPU ms",
                "SQL CPU ms",
                "CPU ratio",
                "answers",
            ],
            rows,
        ),
        "",
        f"- target: the library within {TARGET}x of the best SQL, same answers: "
        f"{sum(met)} of {len(met)}, {verdict(all(met))}",
        "- load average at the end: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()),
    ]
    footer, status = finish(args.allow_dirty)
    report = "\n".join(lines) + "\n" + footer
    print(report)
    if args.report:
        args.report.write_text(report)
    raise SystemExit(status)


if __name__ == "__main__":
    main()
