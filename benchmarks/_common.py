"""Shared helpers for the FedRAMP benchmarks: histories, git views, stores, RSS, Markdown.

Not a benchmark itself. Each ``fedramp_*.py`` script imports it (``python3 benchmarks/X.py``
puts this folder on ``sys.path``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from whosbehind.model.facts import Fact, ParsedSnapshot, fact_columns
from whosbehind.pipeline.ingest_fedramp import ingest_fedramp
from whosbehind.sources.fedramp.metadata import LEGACY, MARKETPLACE
from whosbehind.sources.gitwalk import list_snapshot_commits
from whosbehind.store.engine import Engine
from whosbehind.store.schema import VERSION_COLUMNS, fact_table_columns
from whosbehind.store.versions import TABLES

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (REPO_ROOT / "../shared/data/fedramp").resolve()
GIT = ("git", "-c", "safe.directory=*")
T = TypeVar("T")


@dataclass(frozen=True)
class History:
    name: str  # "legacy" or "marketplace"
    feed: str
    repo: Path
    paths: tuple[str, ...]

    def commits(self) -> list[tuple[str, dt.datetime, str, str]]:
        """(commit, commit time, path, blob) of every snapshot, oldest first."""
        return list_snapshot_commits(self.repo, self.paths)


def histories(data: Path) -> dict[str, History]:
    return {
        "legacy": History("legacy", LEGACY.name, data / "legacy-history.git", LEGACY.git_paths),
        "marketplace": History("marketplace", MARKETPLACE.name, data / "marketplace-history.git",
                               MARKETPLACE.git_paths),
    }


def git(repo: Path, *args: str) -> str:
    done = subprocess.run([*GIT, f"--git-dir={repo}", *args], capture_output=True, text=True,
                          check=True)
    return done.stdout


def make_view(repo: Path, folder: Path, commit: str) -> Path:
    """A bare repository sharing ``repo``'s objects whose HEAD is ``commit``: the history as it
    stood that day, without copying anything. Move it with ``move_view``."""
    folder.mkdir(parents=True, exist_ok=True)
    git(folder, "init", "--bare", "--quiet")
    (folder / "objects/info/alternates").write_text(f"{(repo / 'objects').resolve()}\n")
    git(folder, "symbolic-ref", "HEAD", "refs/heads/main")
    return move_view(folder, commit)


def move_view(view: Path, commit: str) -> Path:
    git(view, "update-ref", "refs/heads/main", commit)
    return view


def build_store(db: Path, sources: Sequence[Path]) -> float:
    """Ingest every source into ``db`` with the real pipeline; returns seconds."""
    start = time.perf_counter()
    engine = Engine(db)
    try:
        for source in sources:
            ingest_fedramp(engine, str(source))
    finally:
        engine.close()
    return time.perf_counter() - start


def remove_store(db: Path) -> None:
    for path in (db, db.with_name(db.name + ".wal")):
        path.unlink(missing_ok=True)


# ---- the naive baseline: parse every snapshot fully, write every fact row ----------------


def naive_create(con: duckdb.DuckDBPyConnection) -> None:
    """One table per fact type: ``feed``, ``seq`` and the fact's columns, no versions."""
    for table, kind in TABLES.items():
        columns = [("feed", "VARCHAR"), ("seq", "BIGINT")] + [
            column for column in fact_table_columns(kind, Engine.dialect)
            if column[0] not in VERSION_COLUMNS
        ]
        body = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({body})")


def all_facts(parsed: ParsedSnapshot) -> dict[type[Fact], list[Fact]]:
    """Every fact of every record group, built (no skipping of unchanged records)."""
    found: dict[type[Fact], list[Fact]] = {}
    for group in parsed.groups:
        for fact in group.build():
            found.setdefault(type(fact), []).append(fact)
    return found


def naive_write(con: duckdb.DuckDBPyConnection, feed: str, seq: int,
                parsed: ParsedSnapshot) -> int:
    """Insert every fact row of one snapshot (one transaction, one Arrow insert per table)."""
    rows = 0
    con.execute("BEGIN TRANSACTION")
    for kind, facts in all_facts(parsed).items():
        columns: dict[str, list[Any]] = {"feed": [feed] * len(facts), "seq": [seq] * len(facts)}
        for name in fact_columns(kind):
            columns[name] = [getattr(fact, name) for fact in facts]
        incoming = pa.table(columns)
        con.register("_incoming", incoming)
        names = ", ".join(incoming.column_names)
        con.execute(f"INSERT INTO {kind.TABLE} ({names}) SELECT {names} FROM _incoming")
        con.unregister("_incoming")
        rows += len(facts)
    con.execute("COMMIT")
    return rows


# ---- measuring ----------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def in_child(function: Callable[..., T], *args: Any) -> T:
    """Run ``function(*args)`` in a fresh (spawned) interpreter, so that its peak RSS is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


@contextmanager
def workdir(explicit: Path | None, keep: bool = False) -> Iterator[Path]:
    folder = explicit or Path(tempfile.mkdtemp(prefix="whosbehind-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    finally:
        if explicit is None and not keep:
            shutil.rmtree(folder, ignore_errors=True)


# ---- Markdown ------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(value: object) -> str:
        return f"{value:,.2f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


# The modules these benchmarks exercise (the editable install runs whatever is there now).
MEASURED = ("model/*.py", "store/*.py", "pipeline/ingest_fedramp.py", "sources/gitwalk.py",
            "sources/fetch.py", "sources/snapshot.py", "sources/fedramp/*.py", "errors.py",
            "analysis/fedramp_share.py", "analysis/fedramp_feeds.py", "analysis/concentration.py")


def source_fingerprint() -> str:
    """A digest of the measured modules under src/whosbehind."""
    digest = hashlib.sha256()
    package = REPO_ROOT / "src/whosbehind"
    for path in sorted({path for pattern in MEASURED for path in package.glob(pattern)}):
        digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


STARTED_WITH = source_fingerprint()


def footer() -> str:
    now = source_fingerprint()
    if now == STARTED_WITH:
        return f"- measured source unchanged during the run (fingerprint {now})\n"
    return (f"- **WARNING: measured source changed during the run** ({STARTED_WITH} -> {now});"
            " the figures may mix code versions\n")


def header(title: str) -> str:
    """A Markdown heading with what was run, where and when."""
    try:
        commit = git(REPO_ROOT / ".git", "rev-parse", "--short", "HEAD").strip()
        dirty = git(REPO_ROOT / ".git", "--work-tree", str(REPO_ROOT), "status", "--porcelain",
                    "--untracked-files=no", "--", "src").strip()
    except (subprocess.CalledProcessError, OSError):
        commit, dirty = "unknown", ""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return "\n".join([
        f"## {title}",
        "",
        f"- command: `python3 {' '.join(sys.argv)}`",
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}, DuckDB {duckdb.__version__}, load average at start {load}",
        f"- code: commit {commit}{' with uncommitted changes under src/' if dirty else ''}"
        f", fingerprint of the measured modules {STARTED_WITH}",
        "",
    ])


def verdict(met: bool) -> str:
    return "**met**" if met else "**MISSED**"
