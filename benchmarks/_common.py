"""Shared helpers for the FedRAMP benchmarks: histories, git views, stores, RSS, Markdown.

Not a benchmark itself. Each ``fedramp_*.py`` script imports it (``python3 benchmarks/X.py``
puts this folder on ``sys.path``).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
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

import whosbehind
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
        "marketplace": History(
            "marketplace", MARKETPLACE.name, data / "marketplace-history.git", MARKETPLACE.git_paths
        ),
    }


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        [*GIT, f"--git-dir={repo}", *args], capture_output=True, text=True, check=True
    )
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
            column
            for column in fact_table_columns(kind, Engine.dialect)
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


def naive_write(con: duckdb.DuckDBPyConnection, feed: str, seq: int, parsed: ParsedSnapshot) -> int:
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


# The modules the FedRAMP benchmarks exercise (the editable install runs whatever is there now).
MEASURED = (
    "sources/fedramp/*.py",
    "store/*.py",
    "pipeline/ingest_fedramp.py",
    "pipeline/snapshot_ingest.py",
    "pipeline/snapshot_batch.py",
    "sources/protocol.py",
    "analysis/fedramp/*.py",
    "analysis/concentration.py",
    "model/facts.py",
    "model/fedramp.py",
    "model/timeutil.py",
    "model/citation.py",
    "sources/gitwalk.py",
    "sources/fetch.py",
    "sources/snapshot.py",
    "sources/readahead.py",
    "errors.py",
)
# the package this process imports: the checkout, or e.g. a `git archive HEAD` export on PYTHONPATH
PACKAGE = Path(whosbehind.__file__).resolve().parent


@dataclass(frozen=True)
class CodeState:
    """What code a run measured: HEAD, a digest of the measured modules as they are on disk, and
    the measured modules that differ from HEAD (modified, staged, deleted or untracked)."""

    commit: str
    fingerprint: str
    dirty: tuple[str, ...]
    load: tuple[float, float, float]

    def describe(self) -> str:
        state = "clean" if not self.dirty else f"**uncommitted changes in {', '.join(self.dirty)}**"
        load = ", ".join(f"{value:.2f}" for value in self.load)
        return (
            f"commit {self.commit}, fingerprint of the measured modules {self.fingerprint}, "
            f"measured modules {state}, load average {load}"
        )


# The ingest benchmarks run no analysis code: edits there do not affect their figures.
INGEST_SCOPE = tuple(pattern for pattern in MEASURED if not pattern.startswith("analysis/"))
SCOPE = MEASURED  # what this run fingerprints; see measure_scope


def _in_scope(relative: str) -> bool:
    return any(
        relative.count("/") == pattern.count("/") and fnmatch.fnmatchcase(relative, pattern)
        for pattern in SCOPE
    )


def _loaded() -> set[Path]:
    """The files of the whosbehind modules this process has imported."""
    return {
        Path(module.__file__).resolve()
        for name, module in list(sys.modules.items())
        if name.startswith("whosbehind") and getattr(module, "__file__", None)
    }


def _head_blobs() -> dict[str, str]:
    """Path under src/whosbehind -> git blob id, as committed in HEAD."""
    listed = git(REPO_ROOT / ".git", "ls-tree", "-r", "HEAD", "--", "src/whosbehind")
    blobs = {}
    for line in listed.splitlines():
        info, path = line.split("\t", 1)
        blobs[path.removeprefix("src/whosbehind/")] = info.split()[2]
    return blobs


def _blob_id(path: Path) -> str:
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _on_disk() -> dict[str, Path]:
    found = {path for pattern in SCOPE for path in PACKAGE.glob(pattern)}
    return {str(path.relative_to(PACKAGE)): path for path in found}


def measured_files() -> list[Path]:
    """The modules in SCOPE that HEAD holds or that this process imported (an untracked file
    nobody imports, such as another engineer's new module, cannot affect the figures)."""
    try:
        head: set[str] | None = set(_head_blobs())
    except (subprocess.CalledProcessError, OSError):
        head = None
    loaded = _loaded()
    return sorted(
        path
        for relative, path in _on_disk().items()
        if head is None or relative in head or path.resolve() in loaded
    )


def source_fingerprint() -> str:
    """A digest of the measured modules under src/whosbehind (paths relative to the package)."""
    digest = hashlib.sha256()
    for path in measured_files():
        digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def code_state() -> CodeState:
    """HEAD, the fingerprint, and the measured modules whose bytes differ from HEAD's: modified,
    deleted, or untracked and imported. Works wherever the package is imported from."""
    fingerprint = source_fingerprint()  # before git: a change in between shows as dirty
    try:
        commit = git(REPO_ROOT / ".git", "rev-parse", "--short=12", "HEAD").strip()
        head = _head_blobs()
        files, loaded = _on_disk(), _loaded()
        dirty = [
            f"{relative} ({'modified' if relative in head else 'untracked, imported'})"
            for relative, path in sorted(files.items())
            if (relative in head and _blob_id(path) != head[relative])
            or (relative not in head and path.resolve() in loaded)
        ]
        dirty += [
            f"{relative} (deleted)"
            for relative in head
            if _in_scope(relative) and relative not in files
        ]
    except (subprocess.CalledProcessError, OSError):
        commit, dirty = "unknown", ["(git failed)"]
    return CodeState(commit, fingerprint, tuple(dirty), os.getloadavg())


STARTED = code_state()
STARTED_WITH = STARTED.fingerprint


def measure_scope(patterns: tuple[str, ...]) -> None:
    """Fingerprint only these modules (call before ``header``); restarts the record."""
    global SCOPE, STARTED, STARTED_WITH
    SCOPE = patterns
    STARTED = code_state()
    STARTED_WITH = STARTED.fingerprint


def require_clean(allow_dirty: bool) -> None:
    """Stop before measuring if the measured modules differ from HEAD (unless allowed)."""
    if STARTED.dirty and not allow_dirty:
        print(
            f"- **REFUSED: the measured modules have uncommitted changes** "
            f"({', '.join(STARTED.dirty)}); commit them or pass --allow-dirty\n",
            flush=True,
        )
        raise SystemExit(2)


def footer() -> str:
    """Markdown lines comparing the code at the start and at the end of the run."""
    return finish()[0]


def finish(allow_dirty: bool = False) -> tuple[str, int]:
    """The footer and the exit status: 1 if the measured source changed during the run, or if
    the measured modules differ from HEAD and ``allow_dirty`` is false; else 0."""
    end = code_state()
    lines = [f"- code at start: {STARTED.describe()}", f"- code at end: {end.describe()}"]
    changed = end.fingerprint != STARTED.fingerprint
    dirty = sorted(set(STARTED.dirty) | set(end.dirty))
    if changed:
        lines.append(
            f"- **WARNING: measured source changed during the run** "
            f"({STARTED.fingerprint} -> {end.fingerprint}); the figures may mix code "
            "versions"
        )
    else:
        lines.append(f"- measured source unchanged during the run (fingerprint {end.fingerprint})")
    if end.commit != STARTED.commit:
        lines.append(
            f"- HEAD moved during the run ({STARTED.commit} -> {end.commit})"
            + ("" if changed else "; the measured modules did not change")
        )
    if dirty:
        lines.append(
            "- **WARNING: the measured modules differ from the commit** ("
            + ", ".join(dirty)
            + ")"
            + ("; allowed by --allow-dirty" if allow_dirty else "")
        )
    failed = changed or (bool(dirty) and not allow_dirty)
    return "\n".join(lines) + "\n", int(failed)


def header(title: str) -> str:
    """A Markdown heading with what was run, where and when."""
    load = ", ".join(f"{value:.2f}" for value in STARTED.load)
    now = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    dirty = f" with uncommitted changes in {', '.join(STARTED.dirty)}" if STARTED.dirty else ""
    return "\n".join(
        [
            f"## {title}",
            "",
            f"- command: `python3 {' '.join(sys.argv)}`",
            f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
            f"- machine: {os.cpu_count()} cores, {platform.machine()}, Python "
            f"{platform.python_version()}, DuckDB {duckdb.__version__}, load average at start {now}"
            + ("" if now == load else f" (at import {load})"),
            f"- code: commit {STARTED.commit}{dirty}, fingerprint of the measured modules "
            f"{STARTED.fingerprint}"
            + (
                ""
                if (REPO_ROOT / "src/whosbehind").resolve() == PACKAGE
                else f" (package imported from {PACKAGE}, compared with the commit)"
            ),
            "",
        ]
    )


def verdict(met: bool) -> str:
    return "**met**" if met else "**MISSED**"
