"""What naming a group by its most common spelling, ties by sort order, costs (session 9).

Usage: python3 benchmarks/name_picks.py --store FILE [--rounds 5] [--only TEXT]

DuckDB's ``mode`` breaks ties by the order its scan meets the rows; ``store.picks.most_common``
(a ``histogram`` whose entries are ranked by count, then value) breaks them by sort order.
On a store built by ``ingest_usaspending`` (e.g. from the 1M SYNTHETIC rows), opened
read-only, each statement is timed in interleaved rounds with each form, wall time and the
CPU time of the process (DuckDB's threads included; it moves less on a loaded machine):

- ``spending() lines``: the whole statement ``spending()`` runs over the lines
  (``spending._from_lines``), every group, by recipient and by parent as reported, its names
  by ``mode`` (before) and by ``most_common``;
- ``names``: only the groups of the lines by recipient and their names, by ``mode``, by
  ``most_common``, by ``counted`` (a GROUP BY of key and name, then ``arg_min`` over
  (-count, name), the form of ``store.contracts.rollup.MOST_AWARDS_NAME``) and by
  ``mode(x ORDER BY x)`` (shown only: its tie rule is not documented);
- ``code_names``: every PSC code's and every NAICS code's description over the latest award
  records (``reports.money.code_names``, ``spending(by="psc")``), by each form.

The answers of the forms are compared: those with a rule agree everywhere, and ``mode``
differs from them only where two spellings tie (the count of such groups is printed).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import cpu_seconds, median, table
from whosbehind.analysis.contracts import spending as spending_module
from whosbehind.analysis.contracts.lines import Filters, lines_sql
from whosbehind.store.engine import Engine
from whosbehind.store.picks import most_common

RECIPIENT = spending_module.GROUPS["recipient"][0]
PARENT = spending_module.GROUPS["reported-parent"][0]


def _names_sql(form: str, lines: str) -> str:
    """Every recipient group of the lines and its name by ``form``."""
    if form == "counted":
        return (
            "SELECT key, arg_min(name, {'n': -n, 's': name}) FROM (SELECT "
            f"{RECIPIENT} AS key, recipient_name AS name, count(*) AS n FROM ({lines}) l "
            "WHERE recipient_name IS NOT NULL GROUP BY ALL) GROUP BY key"
        )
    name = _aggregate(form, "recipient_name")
    return f"SELECT {RECIPIENT} AS key, {name} FROM ({lines}) l GROUP BY key"


def _codes_sql(form: str, column: str) -> str:
    name = f"{column}_description"
    if form == "counted":
        return (
            f"SELECT code, arg_min(name, {{'n': -n, 's': name}}) FROM (SELECT {column}_code AS "
            f"code, {name} AS name, count(*) AS n FROM contract_award WHERE latest AND {name} "
            "IS NOT NULL GROUP BY ALL) GROUP BY code"
        )
    return (
        f"SELECT {column}_code, {_aggregate(form, name)} FROM contract_award WHERE latest "
        "GROUP BY 1"
    )


def _aggregate(form: str, column: str) -> str:
    return {
        "mode": f"mode({column})",
        "most_common": most_common(column),
        "mode ORDER BY": f"mode({column} ORDER BY {column})",
    }[form]


def _display(form: str, by: str) -> str:
    columns = (
        ("recipient_name",) if by == "recipient" else ("recipient_parent_name", "recipient_name")
    )
    return f"coalesce({', '.join(_aggregate(form, column) for column in columns)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="", help="only the statements whose name has this")
    args = parser.parse_args()
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(
        f"- store {args.store}, {args.rounds} interleaved rounds; load average at the start: {load}"
    )
    engine = Engine(args.store, read_only=True)
    lines, params = lines_sql(None)
    where, more = Filters().where("l")
    order = "amount DESC, name, key"
    cases: dict[tuple[str, str], Callable[[], Any]] = {}
    for by, key in (("recipient", RECIPIENT), ("reported-parent", PARENT)):
        for form in ("mode", "most_common"):
            group = (key, _display(form, by))
            cases[f"spending() lines by {by}", form] = lambda by=by, group=group: (
                spending_module._from_lines(engine, by, lines, params, order, where, more, group)
            )
    forms = ("mode", "most_common", "counted", "mode ORDER BY")
    for form in forms:
        sql = _names_sql(form, lines)
        cases["names by recipient", form] = lambda sql=sql: engine.connection.execute(
            sql, params
        ).fetchall()
        for column in ("psc", "naics"):
            sql = _codes_sql(form, column)
            cases[f"code_names {column}", form] = lambda sql=sql: engine.connection.execute(
                sql
            ).fetchall()
    cases = {case: run for case, run in cases.items() if args.only in case[0]}
    walls: dict[tuple[str, str], list[float]] = {case: [] for case in cases}
    cpus: dict[tuple[str, str], list[float]] = {case: [] for case in cases}
    answers: dict[tuple[str, str], Any] = {}
    for _ in range(args.rounds):
        for case, run in cases.items():
            cpu, start = cpu_seconds(), time.perf_counter()
            answers[case] = run()
            walls[case].append(time.perf_counter() - start)
            cpus[case].append(cpu_seconds() - cpu)
    rows = []
    for (statement, form), wall in walls.items():
        base = (statement, "mode")
        rows.append(
            [
                statement,
                form,
                f"{median(wall) * 1000:.0f}",
                f"{median(cpus[statement, form]) * 1000:.0f}",
                f"{median(wall) / median(walls[base]):.2f}x",
                f"{median(cpus[statement, form]) / median(cpus[base]):.2f}x",
            ]
        )
    print(table(["statement", "form", "wall ms", "CPU ms", "wall / mode", "CPU / mode"], rows))
    for statement in {statement for statement, _ in cases}:
        picked = {form: _by_key(answers[statement, form]) for s, form in cases if s == statement}
        ruled = [picked[form] for form in ("most_common", "counted") if form in picked]
        assert all(found == ruled[0] for found in ruled), statement
        ties = sum(1 for k, name in picked["mode"].items() if ruled[0].get(k) != name)
        print(f"- {statement}: {len(ruled[0])} groups; mode names {ties} of them otherwise (ties)")
    engine.close()
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"- load average at the end: {load}")


def _by_key(rows: list[tuple[Any, ...]]) -> dict[Any, Any]:
    return {row[0]: row[1] for row in rows if row[0] is not None and row[1] is not None}


if __name__ == "__main__":
    main()
