"""Whole-history FedRAMP ingest: the real pipeline against a naive full rewrite and against the
floor (read + parse + diff, no store), as Markdown.

Usage: python3 benchmarks/fedramp_ingest.py [--quick] [--repeat 3] [--naive-every 1]
    [--methods pipeline,naive,floor] [--keep-stores DIR] [--allow-dirty]

For each history (legacy, marketplace) and each round, three runs, each in a fresh spawned
process (and the first two into a fresh DuckDB file), their order rotating between rounds:

- pipeline: ``ingest_fedramp(Engine(db), repo)``, what ``whosbehind ingest fedramp`` does;
- naive: the same git walk and ``parse_snapshot``, then every fact of every record built and every
  row of every snapshot inserted (one transaction and one Arrow insert per table per snapshot).
  ``--naive-every K`` runs it on every K-th snapshot only and extrapolates by snapshot count;
- floor: the least any ingest must do, without a store (``_floor.py``): stream every snapshot
  from one ``git cat-file --batch``, skip one whose body repeats the previous snapshot's, parse
  the others with orjson and keep one version per offering that changed.

With ``--repeat N`` the methods run interleaved (the order rotates: pipeline, floor; floor,
pipeline; ...); every round is listed, with its wall and CPU seconds, the git processes' CPU
seconds and the load average when each run started, and the target is judged on the ratio of
the medians (median pipeline seconds / median floor seconds), with the same for CPU seconds
beside it. CPU seconds are the run's own process, all its threads (DuckDB's too); the git
processes it starts are listed apart. Peak RSS (VmHWM of the run's own process; the
``git cat-file`` child is not counted) is read after 10% of the snapshots and at the end.
``--quick`` ingests the first 5 snapshots of each.
``--methods`` runs only those (issue 15 compares the pipeline with the floor); ``--keep-stores``
copies each pipeline store there (``legacy-1.duckdb``: history and round), to compare with a
store built by other code.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from _common import (
    DEFAULT_DATA,
    INGEST_SCOPE,
    History,
    cpu_seconds,
    finish,
    header,
    histories,
    in_child,
    make_view,
    measure_scope,
    median,
    naive_create,
    naive_write,
    peak_rss_mb,
    remove_store,
    require_clean,
    table,
    verdict,
    workdir,
)
from _floor import floor
from whosbehind.errors import SnapshotError
from whosbehind.pipeline.ingest_fedramp import ingest_fedramp
from whosbehind.sources.fedramp.reader import parse_snapshot
from whosbehind.sources.gitwalk import walk_git_history
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store.engine import Engine

MB = 1e6
TARGET_LEGACY_SECONDS = 60.0
TARGET_FLOOR_RATIO = 1.3  # issue 15: whole-history ingest within 1.3x of the floor


@dataclass
class Run:
    seconds: float
    cpu: float
    size: int  # JSON bytes read
    snapshots: int
    written: int  # versions inserted + closed (pipeline) or rows inserted (naive)
    rss_start: float
    rss_10: float
    rss_end: float
    largest_10: int
    largest: int
    store_mb: float
    child_cpu: float = 0.0  # the git processes' CPU seconds (not in ``cpu``)
    load: float = 0.0  # 1-minute load average when the run started


class Tracker:
    """Counts snapshots and notes the peak RSS once 10% of them have been read."""

    def __init__(self, total: int) -> None:
        self.load = os.getloadavg()[0]
        self.children = children_cpu_seconds()
        self.at = max(1, math.ceil(total / 10))
        self.count = self.size = self.largest = self.largest_10 = 0
        self.rss_start, self.rss_10 = peak_rss_mb(), float("nan")

    def see(self, raw: RawSnapshot) -> None:
        self.see_bytes(raw.content)

    def see_bytes(self, content: bytes) -> None:
        self.count += 1
        self.size += len(content)
        self.largest = max(self.largest, len(content))
        if self.count == self.at:
            self.rss_10, self.largest_10 = peak_rss_mb(), self.largest

    def finish(self, seconds: float, cpu: float, written: int, db: Path | None) -> Run:
        store = sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / MB if db else 0.0
        return Run(
            seconds,
            cpu,
            self.size,
            self.count,
            written,
            self.rss_start,
            self.rss_10,
            peak_rss_mb(),
            self.largest_10,
            self.largest,
            store,
            children_cpu_seconds() - self.children,
            self.load,
        )


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pipeline_run(source: str, db: Path, total: int) -> Run:
    tracker = Tracker(total)
    start, cpu = time.perf_counter(), cpu_seconds()
    engine = Engine(db)
    summary = ingest_fedramp(engine, source, progress=tracker.see)
    engine.close()
    seconds = time.perf_counter() - start
    return tracker.finish(seconds, cpu_seconds() - cpu, summary.changes_stored, db)


def naive_run(history: History, db: Path, only: frozenset[str]) -> Run:
    tracker = Tracker(len(only))
    start, cpu = time.perf_counter(), cpu_seconds()
    con = duckdb.connect(str(db))
    naive_create(con)
    rows = 0
    for seq, raw in enumerate(walk_git_history(history.repo, history.paths, only_commits=only)):
        tracker.see(raw)
        try:
            parsed = parse_snapshot(raw)
        except SnapshotError:
            continue
        rows += naive_write(con, history.feed, seq + 1, parsed)
    con.close()
    seconds = time.perf_counter() - start
    return tracker.finish(seconds, cpu_seconds() - cpu, rows, db)


def floor_run(repo: Path, paths: tuple[str, ...], total: int) -> Run:
    tracker = Tracker(total)
    start, cpu = time.perf_counter(), cpu_seconds()
    counts = floor(repo, paths, tracker.see_bytes)
    seconds = time.perf_counter() - start
    return tracker.finish(seconds, cpu_seconds() - cpu, counts.versions, None)


def describe(name: str, runs: list[Run], scale: float = 1.0) -> list[object]:
    """One table row: medians over the rounds (seconds scaled up when run on a subset)."""
    secs = [run.seconds * scale for run in runs]
    last = runs[-1]
    spread = f"{min(secs):.1f}-{max(secs):.1f}"
    return [
        name,
        f"{median(secs):.1f} ({spread})",
        median([r.cpu * scale for r in runs]),
        median([r.size / MB / r.seconds for r in runs]),
        median([r.snapshots / r.seconds for r in runs]),
        f"{last.snapshots:,} / {last.size / MB:,.0f} MB",
        f"{last.written:,}",
        median([r.rss_start for r in runs]),
        median([r.rss_10 for r in runs]),
        median([r.rss_end for r in runs]),
        f"{last.largest_10 / MB:.1f} / {last.largest / MB:.1f}",
        last.store_mb,
    ]


HEADERS = [
    "method",
    "seconds, median (min-max)",
    "CPU s",
    "MB/s",
    "snapshots/s",
    "snapshots / JSON read",
    "versions or rows written (floor: offering versions)",
    "RSS after imports MB",
    "peak RSS at 10% MB",
    "peak RSS at 100% MB",
    "largest snapshot at 10% / 100% MB",
    "store MB",
]


def rounds_table(pipeline: list[Run], floors: list[Run], orders: list[list[str]]) -> str:
    """Every round of the pipeline and the floor, in the order they ran."""
    rows = []
    for number, (p, f, order) in enumerate(zip(pipeline, floors, orders, strict=False), 1):
        rows.append(
            [
                number,
                ", ".join(method for method in order if method != "naive"),
                f"{p.seconds:.1f} / {p.cpu:.1f}",
                f"{f.seconds:.1f} / {f.cpu:.1f}",
                f"{p.seconds / f.seconds:.2f}x / {p.cpu / f.cpu:.2f}x",
                f"{p.child_cpu:.1f} / {f.child_cpu:.1f}",
                f"{p.load:.2f} / {f.load:.2f}",
            ]
        )
    headers = [
        "round",
        "order",
        "pipeline: wall / CPU s",
        "floor: wall / CPU s",
        "pipeline / floor: wall / CPU",
        "git CPU s (pipeline / floor)",
        "load at start (pipeline / floor)",
    ]
    return "\n" + table(headers, rows)


def main() -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="first 5 snapshots of each history")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-every", type=int, default=1, metavar="K")
    parser.add_argument("--methods", default="pipeline,naive,floor", help="comma-separated")
    parser.add_argument("--keep-stores", type=Path, metavar="DIR")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument(
        "--allow-dirty",
        action="store_true",
        help="measure even if the measured modules differ from HEAD",
    )
    args = parser.parse_args()
    measure_scope(INGEST_SCOPE)
    repeat = 1 if args.quick else args.repeat
    print(header("FedRAMP whole-history ingest" + (" (--quick)" if args.quick else "")), flush=True)
    require_clean(args.allow_dirty)
    with workdir(args.workdir) as folder:
        for history in histories(args.data).values():
            commits = history.commits()
            if args.quick:
                commits = commits[:5]
                source = str(
                    make_view(history.repo, folder / f"{history.name}.git", commits[-1][0])
                )
            else:
                source = str(history.repo)
            subset = commits[:: args.naive_every]
            scale = len(commits) / len(subset)
            only = frozenset(commit for commit, *_ in subset)
            runs: dict[str, list[Run]] = {"pipeline": [], "naive": [], "floor": []}
            pipeline, naive, floors = runs["pipeline"], runs["naive"], runs["floor"]
            order = [method for method in runs if method in args.methods.split(",")]
            orders: list[list[str]] = []
            for round_ in range(repeat):
                db = folder / "store.duckdb"
                turn = round_ % len(order)
                orders.append(order[turn:] + order[:turn])
                for method in orders[-1]:
                    remove_store(db)
                    if method == "pipeline":
                        pipeline.append(in_child(pipeline_run, source, db, len(commits)))
                        if args.keep_stores:
                            args.keep_stores.mkdir(parents=True, exist_ok=True)
                            kept = args.keep_stores / f"{history.name}-{round_ + 1}.duckdb"
                            shutil.copyfile(db, kept)
                    elif method == "naive":
                        naive.append(in_child(naive_run, history, db, only))
                    else:
                        floors.append(
                            in_child(floor_run, Path(source), history.paths, len(commits))
                        )
                remove_store(db)
            note = "" if scale == 1 else f", every {args.naive_every}th, time x {scale:.2f}"
            print(f"### {history.name} history ({len(commits):,} snapshots, {repeat} rounds)\n")
            rows = [
                describe(name, found, found_scale)
                for name, found, found_scale in (
                    ("whosbehind pipeline", pipeline, 1.0),
                    (f"naive full rewrite{note}", naive, scale),
                    ("floor: read + parse + diff, no store", floors, 1.0),
                )
                if found
            ]
            print(table(HEADERS, rows))
            if naive and pipeline:
                ratios = [
                    n.seconds * scale / p.seconds for p, n in zip(pipeline, naive, strict=True)
                ]
                print(
                    f"\nnaive / pipeline time: {median(ratios):.2f}x (median of per-round ratios: "
                    + ", ".join(f"{r:.2f}" for r in ratios)
                    + ")"
                )
            if not (pipeline and floors):
                print(flush=True)
                continue
            print(rounds_table(pipeline, floors, orders))
            wall = median([p.seconds for p in pipeline]) / median([f.seconds for f in floors])
            cpu = median([p.cpu for p in pipeline]) / median([f.cpu for f in floors])
            per_round = [p.seconds / f.seconds for p, f in zip(pipeline, floors, strict=True)]
            cpu_per_round = [p.cpu / f.cpu for p, f in zip(pipeline, floors, strict=True)]
            print(
                f"\npipeline / floor, ratio of the medians: **{wall:.2f}x wall, {cpu:.2f}x CPU** "
                f"(medians of the per-round ratios: {median(per_round):.2f}x wall, "
                f"{median(cpu_per_round):.2f}x CPU)"
            )
            if not args.quick:
                print(
                    f"\ntarget {history.name} ingest within {TARGET_FLOOR_RATIO}x of the floor "
                    f"(ratio of the median wall times): {verdict(wall <= TARGET_FLOOR_RATIO)} "
                    f"({wall:.2f}x)"
                )
            if history.name == "legacy" and not args.quick:
                secs = median([run.seconds for run in pipeline])
                print(
                    f"\ntarget whole legacy history < {TARGET_LEGACY_SECONDS:.0f} s: "
                    f"{verdict(secs < TARGET_LEGACY_SECONDS)} (median {secs:.1f} s)"
                )
            print(flush=True)

    return bool(args.allow_dirty)


if __name__ == "__main__":
    text, status = finish(main())
    print(text, flush=True)
    sys.exit(status)
