"""The agency and company reports on a store of N synthetic contract rows, warm, before and
after, in one run (issue 15: under 2 s warm at 10M rows; the growth from 1M to 10M).

Usage: python3 benchmarks/reports_speed.py --rows 1000000 [--store FILE] [--runs 3]
       [--company-runs N] [--before SRC] [--before-runs N] [--before-cases agency-small,...]
       [--data DIR] [--allow-dirty] [--report FILE]

On a store of ``--rows`` SYNTHETIC award summaries (``contracts_generate.py``, seed 42; built
with ``ingest_usaspending`` unless ``--store`` names one built from them) three reports are
asked through the public API, as a user asks them: ``agency_report`` of a small agency (7012,
ICE's code) and of the largest one (the subtier code with the most lines), and
``company_report`` of the largest reported parent (the parent name with the most lines). Each
is called once (the first call: it reads the columns and, with the code after issue 15, works
out each recipient statement's owner), then ``--runs`` times more (``--company-runs`` for the
company): the median of those is the warm figure. Wall time and the CPU time of the process
(DuckDB's threads included) are shown; the load average is printed at the start and the end.

``--before SRC`` runs the same calls, in a child process like the one measuring this
checkout, with ``PYTHONPATH=SRC`` (a ``git archive <commit> src`` export of the code before),
``--before-runs`` warm calls each (0: the first call only), for the reports named by
``--before-cases`` (``agency-small``, ``agency-large``, ``company``; default all: the old
code's large agency at 10M rows takes minutes a call); the answers (the JSON and the Markdown
of each report) are compared by digest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SMALL_AGENCY = "7012"
AS_OF = "2026-12-01"  # the cloud clock, fixed so that two runs' answers compare
TARGET_S = 2.0
SCOPE = (
    "analysis/reports/*.py",
    "analysis/contracts/*.py",
    "analysis/agencies.py",
    "analysis/concentration.py",
    "api/reports.py",
    "store/*.py",
    "store/contracts/*.py",
    "resolve/names.py",
    "model/citation.py",
)


def pick_cases(store: Path) -> list[dict[str, str]]:
    """The small agency, the agency with the most lines, the parent with the most lines."""
    import duckdb

    with duckdb.connect(str(store), read_only=True) as connection:
        (large,) = connection.execute(
            "SELECT awarding_subtier_code FROM contract_money_rollup GROUP BY 1 "
            "ORDER BY sum(lines) DESC, 1 LIMIT 1"
        ).fetchone() or ("",)
        (company,) = connection.execute(
            "SELECT recipient_parent_name FROM contract_money_rollup WHERE "
            "recipient_parent_name IS NOT NULL GROUP BY 1 ORDER BY sum(lines) DESC, 1 LIMIT 1"
        ).fetchone() or ("",)
    return [
        {"report": "agency", "of": SMALL_AGENCY, "case": "agency-small"},
        {"report": "agency", "of": str(large), "case": "agency-large"},
        {"report": "company", "of": str(company), "case": "company"},
    ]


def worker(store: Path, cases: list[dict[str, str]], runs: int, company_runs: int) -> None:
    """Measure each case in this process; one JSON line per case on stdout."""
    import whosbehind
    from whosbehind.store.engine import Engine

    print(json.dumps({"package": str(Path(whosbehind.__file__).parent)}), flush=True)
    engine = Engine(store, read_only=True)
    for case in cases:
        kind, name = case["report"], case["of"]

        def call(kind: str = kind, name: str = name) -> Any:
            if kind == "agency":
                return whosbehind.agency_report(engine, name, as_of=AS_OF)
            return whosbehind.company_report(engine, name, as_of=AS_OF)

        start, cpu = time.perf_counter(), time.process_time()
        answer = call()
        first = (time.perf_counter() - start, time.process_time() - cpu)
        walls, cpus = [], []
        case_runs = company_runs if kind == "company" else runs
        for _ in range(case_runs):
            start, cpu = time.perf_counter(), time.process_time()
            answer = call()
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        text = json.dumps(answer.to_json(), default=str) + whosbehind.render_report(answer.document)
        print(
            json.dumps(
                {
                    **case,
                    "lines": answer.report.lines,
                    "first": first,
                    "warm": (_median(walls), _median(cpus)) if case_runs else None,
                    "runs": case_runs,
                    "answer": hashlib.sha256(text.encode()).hexdigest()[:16],
                    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                }
            ),
            flush=True,
        )
    engine.close()


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def measure(
    store: Path, cases: list[dict[str, str]], runs: tuple[int, int], source: Path | None
) -> tuple[str, list[dict[str, Any]]]:
    """Run ``worker`` in a child process (``PYTHONPATH=source`` when given); ``runs``: warm
    calls of an agency report and of a company report."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    command = [sys.executable, __file__, "--worker", "--store", str(store)]
    command += ["--runs", str(runs[0]), "--company-runs", str(runs[1])]
    command += ["--cases", json.dumps(cases)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"the worker failed ({source or 'this checkout'}):\n{done.stderr}")
    found = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return found[0]["package"], found[1:]


def _seconds(pair: list[float] | None) -> str:
    return "-" if pair is None else f"{pair[0]:.2f} / {pair[1]:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--store", type=Path, default=None, help="a store built from the data")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--company-runs", type=int, default=None)
    parser.add_argument("--before", type=Path, default=None, help="src folder of the old code")
    parser.add_argument("--before-runs", type=int, default=None)
    parser.add_argument("--before-cases", default="agency-small,agency-large,company")
    parser.add_argument("--allow-dirty", action="store_true")
    parser.add_argument("--report", type=Path, default=None)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cases", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    company_runs = args.runs if args.company_runs is None else args.company_runs
    if args.worker:
        worker(args.store, json.loads(args.cases), args.runs, company_runs)
        return
    sys.path.insert(0, str(Path(__file__).parent))
    from _common import header, measure_scope, require_clean, table, verdict
    from _contracts_run import conclude, synthetic_store

    measure_scope(SCOPE)
    require_clean(args.allow_dirty)
    lines = [header(f"The agency and company reports, {args.rows:,} rows")]
    store, built = synthetic_store(args.rows, args.seed, args.data, args.store, "reports.duckdb")
    lines += built
    cases = pick_cases(store)
    package, after = measure(store, cases, (args.runs, company_runs), None)
    lines.append(
        f"- store: `{store}`; after: the package at `{package}`, {args.runs} warm calls after "
        f"the first ({company_runs} for the company)"
    )
    before: dict[str, dict[str, Any]] = {}
    wanted = [case for case in cases if case["case"] in args.before_cases.split(",")]
    if args.before is not None and wanted:
        runs = args.runs if args.before_runs is None else args.before_runs
        old, found_before = measure(store, wanted, (runs, runs), args.before)
        before = {found["case"]: found for found in found_before}
        lines.append(
            f"- before: the package at `{old}`, {runs} warm calls after the first, for "
            + ", ".join(case["case"] for case in wanted)
        )
    rows = []
    met = []
    for found in after:
        old_case = before.get(found["case"])
        warm = found["warm"]
        met.append(warm is not None and warm[0] < TARGET_S)
        rows.append(
            [
                f"{found['report']} {found['of']}",
                f"{found['lines']:,}",
                _seconds(found["first"]),
                _seconds(warm),
                f"{found['peak_rss_mb']:,}",
                "-" if old_case is None else _seconds(old_case["first"]),
                "-" if old_case is None else _seconds(old_case["warm"]),
                "-"
                if old_case is None
                else ("same" if old_case["answer"] == found["answer"] else "**DIFFERENT**"),
            ]
        )
    lines += [
        "- warm: the median of the calls after the first; seconds as wall / CPU",
        "",
        table(
            [
                "report",
                "lines",
                "after: first call s",
                "after: warm s",
                "after: peak RSS MB",
                "before: first call s",
                "before: warm s",
                "answers",
            ],
            rows,
        ),
        "",
    ]
    target = f"- target: under {TARGET_S:.0f} s warm (wall): {sum(met)} of {len(met)}, "
    conclude(lines, target + verdict(all(met)), args.allow_dirty, args.report)


if __name__ == "__main__":
    main()
