"""Start-up: `whosbehind --help` and `whosbehind fedramp share`, whole processes, as Markdown.

Usage: python3 benchmarks/startup.py [--quick] [--repeat 15] [--store S.duckdb] [--before SRC]

Each measurement is one fresh process, timed from start to exit (wall clock), the commands
taking turns round by round so that a change in the machine's load hits all of them alike.
Beside them, in the same run, the baselines: `python -c pass` (the interpreter alone) and
`python -c "import duckdb"` (the one library a query cannot do without). ``--before SRC``
also times the same commands with the package imported from SRC (e.g. `git archive` of an
earlier commit, extracted: SRC is its `src` folder), to show the change.

The package's bytecode is compiled first (and the ``--before`` package's), as installing a
wheel does: with ``PYTHONDONTWRITEBYTECODE`` set, as in the engineers' shells, every run would
otherwise compile the package's modules from source (about 0.1 s of CPU per ``fedramp share``
in session 7); ``--no-compile`` leaves that out, to compare.

`fedramp share` reads ``--store``, else a small store built here from every 25th snapshot of
both FedRAMP histories (the query takes milliseconds either way; start-up is what is timed).

Each command's output goes to a pipe, as in a script, and the targets are judged on that (as
in every session). Where output is not a terminal the CLI prints its tables without Rich,
byte for byte as Rich would (session 8, cli/plain_table.py); on a terminal Rich prints them,
styled. So `fedramp share` is also timed with its output on a terminal (a pseudo-terminal
read by this script), shown beside, not judged.
"""

from __future__ import annotations

import argparse
import compileall
import os
import pty
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from _common import (
    DEFAULT_DATA,
    finish,
    header,
    histories,
    measure_scope,
    median,
    require_clean,
    table,
    verdict,
    workdir,
)
from whosbehind.pipeline.ingest_fedramp import FedrampIngest
from whosbehind.sources.gitwalk import walk_git_history
from whosbehind.store.engine import Engine

# any module of the package can change what start-up imports
SCOPE = ("*.py", "*/*.py", "*/*/*.py", "*/*/*/*.py")
TARGETS = {"whosbehind --help": 0.3, "whosbehind fedramp share": 0.4}
PYTHON = sys.executable
SCRIPT = str(Path(PYTHON).with_name("whosbehind"))  # the installed command


@dataclass
class Command:
    label: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    terminal: bool = False  # output to a pseudo-terminal instead of a pipe

    def run(self) -> None:
        env = {**os.environ, **self.env, "COLUMNS": "120"}
        if self.terminal:
            self._run_on_terminal(env)
            return
        start = time.perf_counter()
        done = subprocess.run(self.argv, env=env, capture_output=True, check=False)
        self.seconds.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{self.label}: exit {done.returncode}\n{done.stderr.decode()}")

    def _run_on_terminal(self, env: dict[str, str]) -> None:
        ours, theirs = pty.openpty()
        read: list[bytes] = []
        drain = threading.Thread(target=_drain, args=(ours, read))
        drain.start()
        start = time.perf_counter()
        try:
            done = subprocess.run(
                self.argv, env=env, stdout=theirs, stderr=subprocess.PIPE, check=False
            )
            self.seconds.append(time.perf_counter() - start)
        finally:
            os.close(theirs)
            drain.join()
            os.close(ours)
        if done.returncode != 0 or b"\x1b[" not in b"".join(read):  # Rich's styles: a terminal
            raise SystemExit(f"{self.label}: exit {done.returncode}\n{done.stderr.decode()}")


def _drain(descriptor: int, into: list[bytes]) -> None:
    """Read a pseudo-terminal until it closes (a full one would stop the command)."""
    while True:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # the other end closed
            return
        if not chunk:
            return
        into.append(chunk)


def small_store(data: Path, db: Path, every: int) -> Path:
    engine = Engine(db)
    try:
        job = FedrampIngest(engine)
        for history in histories(data).values():
            picked = frozenset(commit for commit, *_ in history.commits()[::every])
            for raw in walk_git_history(history.repo, history.paths, only_commits=picked):
                job.add(raw)
    finally:
        engine.close()
    return db


def commands(store: Path, before: Path | None) -> list[Command]:
    share = ["--db", str(store), "fedramp", "share"]
    found = [
        Command("python -c pass", [PYTHON, "-c", "pass"]),
        Command('python -c "import duckdb"', [PYTHON, "-c", "import duckdb"]),
        Command("whosbehind --help", [SCRIPT, "--help"]),
        Command("whosbehind fedramp share", [SCRIPT, *share]),
        Command("whosbehind fedramp share, to a terminal", [SCRIPT, *share], terminal=True),
    ]
    if before is not None:
        env = {"PYTHONPATH": str(before)}
        found += [
            Command("whosbehind --help, before", [SCRIPT, "--help"], env),
            Command("whosbehind fedramp share, before", [SCRIPT, *share], env),
            Command(
                "whosbehind fedramp share, to a terminal, before",
                [SCRIPT, *share],
                env,
                terminal=True,
            ),
        ]
    return found


def report(measured: Sequence[Command], quick: bool) -> list[str]:
    by_label = {command.label: command for command in measured}
    python = median(by_label["python -c pass"].seconds)
    duckdb = median(by_label['python -c "import duckdb"'].seconds)
    rows = []
    for command in measured:
        secs = command.seconds
        mid = median(secs)
        rows.append(
            [
                command.label,
                f"{mid:.3f}",
                f"{min(secs):.3f}",
                f"{max(secs):.3f}",
                f"{mid / python:.1f}",
                f"{mid / duckdb:.2f}",
            ]
        )
    headers = ["command", "median s", "min s", "max s", "/ python -c pass", "/ import duckdb"]
    lines = [table(headers, rows), ""]
    for label, target in TARGETS.items():
        mid = median(by_label[label].seconds)
        line = f"target {label} < {target} s: "
        line += (
            "(--quick: not judged)" if quick else f"{verdict(mid < target)} (median {mid:.3f} s)"
        )
        before = by_label.get(f"{label}, before")
        if before is not None:
            line += f"; before: {median(before.seconds):.3f} s, {median(before.seconds) / mid:.1f}x"
        lines.append(line)
    return lines


def main() -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds, every 200th snapshot")
    parser.add_argument("--repeat", type=int, default=15, help="rounds (one process each)")
    parser.add_argument("--store", type=Path, help="the store `fedramp share` reads")
    parser.add_argument("--before", type=Path, help="a src folder to compare with")
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="do not compile bytecode first (each run compiles what has none, as with "
        "PYTHONDONTWRITEBYTECODE set)",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument(
        "--allow-dirty", action="store_true", help="measure even if the package differs from HEAD"
    )
    args = parser.parse_args()
    measure_scope(SCOPE)
    print(header("Start-up" + (" (--quick)" if args.quick else "")), flush=True)
    require_clean(args.allow_dirty)
    repeat = 3 if args.quick else args.repeat
    if not args.no_compile:
        import whosbehind

        for package in [Path(whosbehind.__file__).parent] + ([args.before] if args.before else []):
            compileall.compile_dir(package, quiet=1)
        print("- bytecode compiled first, as an install does (`compileall`)\n", flush=True)
    with workdir(args.workdir) as folder:
        store = args.store or small_store(
            args.data, folder / "store.duckdb", 200 if args.quick else 25
        )
        measured = commands(store, args.before)
        for command in measured:  # warm the file cache; not counted
            command.run()
            command.seconds.clear()
        for _ in range(repeat):
            for command in measured:
                command.run()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"{repeat} rounds; each row one fresh process per round; load average at the end {load}\n"
    )
    print("\n".join(report(measured, args.quick)) + "\n", flush=True)
    return bool(args.allow_dirty)


if __name__ == "__main__":
    text, status = finish(main())
    print(text, flush=True)
    sys.exit(status)
