"""The library against the best SQL for the same answer, in the same run (issue 15).

Usage: python3 benchmarks/contracts_library.py --rows 1000000 [--runs 5] [--store FILE]
       [--data DIR] [--allow-dirty] [--report FILE]

Users call the library (``whosbehind.spending``, ``whosbehind.spending_by_year``,
``whosbehind.awards``), not hand-written SQL. On a store of ``--rows`` SYNTHETIC award
summaries (``contracts_generate.py``; ingested with ``ingest_usaspending`` unless ``--store``
names a store already built from them), each question is answered, in interleaved rounds, by:

- the library, as a user calls it (public API, keyword options, names, citations, HHI/CR4):
  q1 ``spending(by="recipient", agency="7012", from_fy=2016, to_fy=2018, top=20)``; q2
  ``spending_by_year(by="parent", top=10)``, one call for the 17 fiscal years (and, beside it,
  not judged, ``spending(by="parent", fiscal_year=FY, top=10)`` for each year); q3
  ``spending(by="agency", recipient=DUNS)``; aw1 ``awards(agency="7012", from_fy=2016,
  to_fy=2018)``; aw2 ``awards(recipient=DUNS)``;
- **the best SQL for the same answer** (``contracts_same_answer.py``, judged): one
  hand-written statement per question that returns everything the library's answer holds
  (numbers, names, files and their citation fields, totals, HHI/CR4), from the same tables;
- the numbers-only SQL (shown, not judged): the questions of ``contracts_bench_queries`` over
  the money rollup, the "rollup SQL" of ``docs/benchmarks.md``, which returns the sums alone
  (no names, files, citations or concentration); awards have none.

The library's answer is compared in full with the same-answer SQL's (keys, names, money to the
cent, award and action counts, shares, HHI, CR4, files, citations), and its numbers with the
numbers-only SQL's. The ratios are library time / SQL time; the target is at most 1.5x of the
same-answer SQL. The CPU time of the process (DuckDB's threads included) is shown beside the
wall time: on a loaded machine it moves less. The load average is printed at the start and
the end: read the figures with it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import contracts_same_answer as same
from _common import header, measure_scope, median, require_clean, table, verdict
from _contracts_run import conclude, synthetic_store
from contracts_bench_load import AGENCY
from contracts_bench_queries import (
    FIRST_FY,
    LAST_FY,
    Q1,
    Q2,
    Q3,
    QUERIES,
    normalise,
    rollup_sql,
    summary_sql,
)
from contracts_same_answer import AW1, AW2

TARGET = 1.5
Q2_CALLS = "q2 as one spending() call per fiscal year"
QUESTIONS = (Q1, Q2, Q2_CALLS, Q3, AW1, AW2)
LIBRARY, SAME, NUMBERS = "library", "same-answer SQL", "numbers-only SQL"
SAME2 = "same-answer SQL, two statements"
SCOPE = (
    "analysis/contracts/*.py",
    "analysis/agencies.py",
    "analysis/concentration.py",
    "api/contracts.py",
    "store/*.py",
    "store/contracts/*.py",
    "model/citation.py",
)

# a runner gives (the answer in the comparable form of its engine, its numbers for the
# numbers-only comparison)
Runner = Callable[[], tuple[Any, list[tuple[Any, ...]]]]


def library_runners(engine: Any, recipient: str, years: list[int]) -> dict[str, Runner]:
    import whosbehind

    def numbers(result: Any, year: int | None = None) -> list[tuple[Any, ...]]:
        head = () if year is None else (year,)
        return [(*head, row.key, row.amount, row.awards, row.share) for row in result.rows]

    def q1() -> tuple[Any, list[tuple[Any, ...]]]:
        found = whosbehind.spending(
            engine, by="recipient", agency=AGENCY, from_fy=FIRST_FY, to_fy=LAST_FY, top=20
        )
        return same.spending_form(found), numbers(found)

    def q2() -> tuple[Any, list[tuple[Any, ...]]]:  # one call for every fiscal year
        found = whosbehind.spending_by_year(engine, by="parent", top=10)
        if list(found) != years:
            raise SystemExit(f"spending_by_year gave the years {list(found)}, not {years}")
        form = {year: same.spending_form(result) for year, result in found.items()}
        return form, [row for year in found for row in numbers(found[year], year)]

    def q2_calls() -> tuple[Any, list[tuple[Any, ...]]]:  # one call per fiscal year
        form, rows = {}, []
        for year in years:
            found = whosbehind.spending(engine, by="parent", fiscal_year=year, top=10)
            form[year] = same.spending_form(found)
            rows += numbers(found, year)
        return form, rows

    def q3() -> tuple[Any, list[tuple[Any, ...]]]:
        found = whosbehind.spending(engine, by="agency", recipient=recipient)
        return same.spending_form(found), numbers(found)

    def aw1() -> tuple[Any, list[tuple[Any, ...]]]:
        found = whosbehind.awards(engine, agency=AGENCY, from_fy=FIRST_FY, to_fy=LAST_FY)
        return same.awards_form(found), []

    def aw2() -> tuple[Any, list[tuple[Any, ...]]]:
        return same.awards_form(whosbehind.awards(engine, recipient=recipient)), []

    runners = {Q1: q1, Q2: q2, Q2_CALLS: q2_calls, Q3: q3, AW1: aw1, AW2: aw2}
    if not hasattr(whosbehind, "spending_by_year"):  # the code before it: a call per year
        runners[Q2] = q2_calls
    return runners


def _has_summary(connection: Any) -> bool:
    """Whether the store has the rollup's summary by parent (stores from 3bb9e09 on)."""
    return bool(
        connection.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'contract_money_by_parent'"
        ).fetchone()[0]
    )


def same_answer_runners(connection: Any, recipient: str) -> dict[str, Runner]:
    transactions = bool(
        connection.execute(
            "SELECT count(*) FROM (SELECT 1 FROM contract_transaction WHERE record_to IS NULL "
            "LIMIT 1)"
        ).fetchone()[0]
    )
    statements = same.statements(recipient, transactions, _has_summary(connection))

    def runner(query: str) -> Runner:
        sql, params = statements[query]

        def run() -> tuple[Any, list[tuple[Any, ...]]]:
            cursor = connection.execute(sql, params)
            found = cursor.fetchall()
            names = [column[0] for column in cursor.description]
            if query in (AW1, AW2):
                return same.awards_sql_form(found, names), []
            if query == Q2:
                return same.spending_years_form(found), []
            return same.spending_rows_form(found), []

        return run

    runners = {query: runner(query) for query in statements}
    return {**runners, Q2_CALLS: runners[Q2]}


def two_statement_runners(connection: Any, recipient: str) -> dict[str, Runner]:
    """The spending answers in two statements each (numbers, then names and files)."""
    statements = {
        Q1: (same.Q1_NUMBERS, same.Q1_NAMES, same.statements(recipient)[Q1][1], False),
        Q2: (
            same.q2_statements(_has_summary(connection))[1],
            same.Q2_NAMES,
            same.statements(recipient)[Q2][1],
            True,
        ),
        Q3: (same.Q3_NUMBERS, same.Q3_NAMES, same.statements(recipient)[Q3][1], False),
    }

    def runner(query: str) -> Runner:
        numbers, names, params, per_year = statements[query]

        def run() -> tuple[Any, list[tuple[Any, ...]]]:
            found = same.two_statements(connection, numbers, names, params, per_year)
            if per_year:
                return same.spending_years_form(found), []
            return same.spending_rows_form(found), []

        return run

    runners = {query: runner(query) for query in statements}
    return {**runners, Q2_CALLS: runners[Q2]}


def numbers_runners(connection: Any, recipient: str) -> dict[str, Runner]:
    """The numbers-only SQL: q2 from the summary by parent where the store has it (the
    fastest; ``summary_sql``), else from the rollup (``rollup_sql``, run E's)."""
    sql = summary_sql() if _has_summary(connection) else rollup_sql()
    params: dict[str, list[Any]] = {Q1: [AGENCY, FIRST_FY, LAST_FY], Q2: [], Q3: [recipient]}

    def runner(query: str) -> Runner:
        return lambda: (None, connection.execute(sql[query], params[query]).fetchall())

    return {**{query: runner(query) for query in QUERIES}, Q2_CALLS: runner(Q2)}


def _numbers(query: str, rows: list[tuple[Any, ...]], library: bool) -> list[tuple[Any, ...]]:
    """The numbers both the library and the numbers-only SQL give, in one order."""
    if query == Q3:  # (agency, awards, total)
        picked = [(r[0], r[2], r[1]) for r in rows] if library else rows
    elif query == Q1:  # (recipient, total, awards)
        picked = [(r[0], r[1], r[2]) for r in rows]
    else:  # (year, parent, total, share)
        picked = [(r[0], r[1], r[2], r[4]) for r in rows] if library else rows
    return normalise(picked)


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

    store, built = synthetic_store(args.rows, args.seed, args.data, args.store, "library.duckdb")
    lines += built
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
        LIBRARY: library_runners(engine, recipient, years),
        SAME: same_answer_runners(connection, recipient),
        SAME2: two_statement_runners(connection, recipient),
        NUMBERS: numbers_runners(connection, recipient),
    }
    times: dict[tuple[str, str], list[float]] = {}
    cpus: dict[tuple[str, str], list[float]] = {}  # this process's CPU, DuckDB's threads too
    answers: dict[tuple[str, str], tuple[Any, list[tuple[Any, ...]]]] = {}
    for runner in engines.values():  # warm: the first call of each reads the columns
        for query in QUESTIONS:
            if query in runner:
                runner[query]()
    for round_number in range(args.runs):
        for query in QUESTIONS:
            order = [name for name in engines if query in engines[name]]
            shift = round_number % len(order)
            for name in order[shift:] + order[:shift]:
                start, cpu = time.perf_counter(), time.process_time()
                answer = engines[name][query]()
                times.setdefault((name, query), []).append(time.perf_counter() - start)
                cpus.setdefault((name, query), []).append(time.process_time() - cpu)
                answers[(name, query)] = answer
        print(f"  round {round_number + 1}/{args.runs}", file=sys.stderr, flush=True)
    engine.close()
    rows, met, met_numbers = [], [], []
    for query in QUESTIONS:

        def wall(name: str, query: str = query) -> float:
            return median(times[(name, query)])

        def cpu(name: str, query: str = query) -> float:
            return median(cpus[(name, query)])

        mine, one = wall(LIBRARY), wall(SAME)
        two = wall(SAME2) if (SAME2, query) in times else None
        best = min(one, two) if two is not None else one
        fastest = SAME2 if best != one else SAME  # the judged baseline: the faster form
        same_answer = all(
            answers[(LIBRARY, query)][0] == answers[(name, query)][0]
            for name in (SAME, SAME2)
            if (name, query) in answers
        )
        numbers_only = (NUMBERS, query) in times
        same_numbers = not numbers_only or _numbers(
            query, answers[(LIBRARY, query)][1], True
        ) == _numbers(query, answers[(NUMBERS, query)][1], False)
        if query != Q2_CALLS:  # the old way, shown beside it
            met.append(mine <= TARGET * best and same_answer)
            if numbers_only:
                met_numbers.append(mine <= TARGET * wall(NUMBERS) and same_numbers)
        rows.append(
            [
                query,
                f"{mine * 1000:,.1f}",
                f"{one * 1000:,.1f}",
                f"{two * 1000:,.1f}" if two is not None else "-",
                f"**{mine / best:.2f}x**",
                f"{wall(NUMBERS) * 1000:,.1f}" if numbers_only else "-",
                f"{mine / wall(NUMBERS):.2f}x" if numbers_only else "-",
                f"{cpu(LIBRARY) * 1000:,.1f}",
                f"{cpu(fastest) * 1000:,.1f}",
                f"{cpu(LIBRARY) / cpu(fastest):.2f}x" if cpu(fastest) > 0 else "-",
                f"{cpu(LIBRARY) / cpu(NUMBERS):.2f}x" if numbers_only and cpu(NUMBERS) else "-",
                ("same" if same_answer else "**DIFFERENT**")
                + ("" if same_numbers else "; numbers **DIFFERENT**"),
            ]
        )
    lines += [
        f"- recipient for q3 and aw2: DUNS `{recipient}` ({awards:,} awards); q2 covers "
        f"{len(years)} fiscal years; median of {args.runs} interleaved rounds",
        "",
        table(
            [
                "question",
                "library ms",
                "same-answer SQL, one statement ms",
                "same-answer SQL, two statements ms",
                "library / same-answer SQL (the faster)",
                "numbers-only SQL ms",
                "library / numbers-only",
                "library CPU ms",
                "same-answer SQL CPU ms (the faster)",
                "CPU ratio (same answer)",
                "CPU ratio (numbers only)",
                "answers",
            ],
            rows,
        ),
        "",
        f"- beside it, within {TARGET}x of the numbers-only SQL (q1-q3): "
        f"{sum(met_numbers)} of {len(met_numbers)}, {verdict(all(met_numbers))}",
    ]
    target = (
        f"- target: the library within {TARGET}x of the best SQL for the same answer, same "
        f"answers: {sum(met)} of {len(met)}, {verdict(all(met))}"
    )
    conclude(lines, target, args.allow_dirty, args.report)


if __name__ == "__main__":
    main()
