"""Daily FedRAMP ingest: one new snapshot into a store holding the history up to the day before.

Usage: python3 benchmarks/fedramp_incremental.py [--quick] [--n 20] [--repeat 3] [--allow-dirty]

Per history, the store is built once with the real pipeline from every snapshot but the last N
(through a git view: a bare repository sharing the real one's objects, its HEAD moved day by
day). Then, for each of the last N snapshots in order, the view moves to that day and the store
file is restored from a copy before each of ``--repeat`` timed runs of

- pipeline: ``ingest_fedramp(Engine(db), view)`` with a fresh Engine, i.e. one daily
  ``whosbehind ingest fedramp`` run without interpreter start-up: open the store, list the
  history, skip known commits, read, compare and write the one new snapshot;
- naive: ``git cat-file`` of that day's blob, ``parse_snapshot``, every fact built and every row
  inserted into a naive DuckDB store (one table per fact type, no versions).

The two alternate; each day's figure is the median of its runs. ``--quick``: 6 snapshots, N=2.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from _common import (
    DEFAULT_DATA,
    GIT,
    INGEST_SCOPE,
    History,
    build_store,
    finish,
    header,
    histories,
    make_view,
    measure_scope,
    median,
    move_view,
    naive_create,
    naive_write,
    remove_store,
    require_clean,
    table,
    verdict,
    workdir,
)
from whosbehind.errors import SnapshotError
from whosbehind.pipeline.ingest_fedramp import ingest_fedramp
from whosbehind.sources.fedramp.reader import parse_snapshot
from whosbehind.sources.gitwalk import list_snapshot_commits
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store import snapshots
from whosbehind.store.engine import Engine
from whosbehind.store.versions import load_state

TARGET_SECONDS = 1.0


def pipeline_once(db: Path, saved: Path, view: Path) -> tuple[float, str]:
    remove_store(db)
    shutil.copyfile(saved, db)
    start = time.perf_counter()
    engine = Engine(db)
    summary = ingest_fedramp(engine, str(view))
    engine.close()
    seconds = time.perf_counter() - start
    if summary.failed:
        return seconds, "failed"
    if summary.already_seen:
        return seconds, "same bytes as before"
    return seconds, f"{summary.versions_inserted}+{summary.versions_closed}"


def naive_once(history: History, naive_db: Path, commit: str, seq: int) -> float:
    start = time.perf_counter()
    path = history.paths[0]
    content = subprocess.run(
        [*GIT, f"--git-dir={history.repo}", "cat-file", "blob", f"{commit}:{path}"],
        capture_output=True,
        check=True,
    ).stdout
    raw = RawSnapshot(
        f"{history.repo}@{commit}:{path}", content, dt.datetime.now(dt.UTC), commit, "git"
    )
    con = duckdb.connect(str(naive_db))
    with contextlib.suppress(SnapshotError):
        naive_write(con, history.feed, seq, parse_snapshot(raw))
    con.close()
    return time.perf_counter() - start


def fixed_costs(history: History, db: Path, view: Path) -> list[list[object]]:
    """What every run pays before reading the new snapshot, timed alone (median of 3)."""
    engine = Engine(db, read_only=True)
    steps: dict[str, Callable[[], object]] = {
        "git log of the whole history (list_snapshot_commits)": lambda: list_snapshot_commits(
            view, history.paths
        ),
        "snapshots.all_sha256 + known_commits": lambda: (
            snapshots.all_sha256(engine),
            snapshots.known_commits(engine),
        ),
        "versions.load_state (open versions)": lambda: load_state(engine, history.feed),
    }
    rows: list[list[object]] = []
    for name, step in steps.items():
        times = []
        for _ in range(3):
            start = time.perf_counter()
            step()
            times.append((time.perf_counter() - start) * 1000)
        rows.append([name, median(times)])
    engine.close()
    return rows


def cli_once(db: Path, saved: Path, view: Path) -> float:
    remove_store(db)
    shutil.copyfile(saved, db)
    start = time.perf_counter()
    command = "from whosbehind.cli.app import main; main()"
    subprocess.run(
        [sys.executable, "-c", command, "--db", str(db), "ingest", "fedramp", str(view), "--json"],
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - start


def bench(history: History, folder: Path, n: int, repeat: int, quick: bool) -> None:
    commits = history.commits()[: 6 if quick else None]
    base, last = commits[:-n], commits[-n:]
    view = make_view(history.repo, folder / f"{history.name}.git", base[-1][0])
    db, saved = folder / f"{history.name}.duckdb", folder / f"{history.name}-before.duckdb"
    naive_db = folder / f"{history.name}-naive.duckdb"
    remove_store(db)
    built = build_store(db, [view])
    con = duckdb.connect(str(naive_db))
    naive_create(con)
    con.close()
    print(
        f"### {history.name}: {len(base):,} snapshots stored (built in {built:.1f} s), "
        f"then the last {n} one at a time, {repeat} runs each\n"
    )
    fixed = fixed_costs(history, db, view)
    rows: list[list[object]] = []
    ours: list[float] = []
    theirs: list[float] = []
    for i, (commit, when, _, blob) in enumerate(last):
        move_view(view, commit)
        shutil.copyfile(db, saved)
        size = int(
            subprocess.run(
                [*GIT, f"--git-dir={history.repo}", "cat-file", "-s", blob],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        p_times: list[float] = []
        n_times: list[float] = []
        what = ""
        for round_ in range(repeat):
            first_ours = (i + round_) % 2 == 0
            for method in ("pipeline", "naive") if first_ours else ("naive", "pipeline"):
                if method == "pipeline":
                    seconds, what = pipeline_once(db, saved, view)
                    p_times.append(seconds)
                else:
                    n_times.append(naive_once(history, naive_db, commit, len(base) + i + 1))
        ours.append(median(p_times))
        theirs.append(median(n_times))
        rows.append(
            [
                when.date().isoformat(),
                f"{size / 1e6:.2f}",
                what,
                ours[-1] * 1000,
                theirs[-1] * 1000,
                theirs[-1] / ours[-1],
            ]
        )
    cli = cli_once(db, saved, view)
    print(
        table(
            [
                "day",
                "JSON MB",
                "versions inserted+closed",
                "pipeline ms",
                "naive ms",
                "naive / pipeline",
            ],
            rows,
        )
    )
    print(
        "\n"
        + table(
            ["", "pipeline ms", "naive ms", "naive / pipeline"],
            [
                [
                    "median",
                    median(ours) * 1000,
                    median(theirs) * 1000,
                    median(theirs) / median(ours),
                ],
                ["max", max(ours) * 1000, max(theirs) * 1000, max(theirs) / max(ours)],
            ],
        )
    )
    print("\nFixed costs every run pays, timed alone on the store before the last day:\n")
    print(table(["step", "ms"], fixed))
    print(
        f"\nWhole CLI process for the last day (`whosbehind ingest fedramp`, "
        f"interpreter start-up and imports included): {cli * 1000:.0f} ms"
    )
    if not quick:
        print(
            f"\ntarget one daily snapshot < {TARGET_SECONDS:.0f} s: "
            f"{verdict(max(ours) < TARGET_SECONDS)} (median {median(ours) * 1000:.0f} ms, "
            f"max {max(ours) * 1000:.0f} ms)"
        )
    print(flush=True)
    for path in (db, saved, naive_db):
        remove_store(path)


def main() -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 snapshots per history, N=2")
    parser.add_argument("--n", type=int, default=20, help="how many last days to add")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument(
        "--allow-dirty",
        action="store_true",
        help="measure even if the measured modules differ from HEAD",
    )
    args = parser.parse_args()
    measure_scope(INGEST_SCOPE)
    n, repeat = (2, 1) if args.quick else (args.n, args.repeat)
    print(header("FedRAMP daily ingest" + (" (--quick)" if args.quick else "")), flush=True)
    require_clean(args.allow_dirty)
    with workdir(args.workdir) as folder:
        for history in histories(args.data).values():
            bench(history, folder, n, repeat, args.quick)

    return bool(args.allow_dirty)


if __name__ == "__main__":
    text, status = finish(main())
    print(text, flush=True)
    sys.exit(status)
