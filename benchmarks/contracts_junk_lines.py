"""What a contract CSV of junk lines costs, against a valid file of the same size read in the
same run (issue 11: "junk lines take quadratic time before failing").

Each file is built from the real 2018 ICE export (``fy13.csv``): the valid one repeats its
rows, the junk one keeps its header and three rows, then lines of one to three short cells.
Each is ingested into a new store by a child process; the table gives wall time, the child's
peak memory (RSS), the ratio junk/valid and how the junk file ended.

    python benchmarks/contracts_junk_lines.py [--mb 1 5 50]

Not a test: times depend on the machine. (Before the junk check, 0.2 MB of junk, 5,515 lines,
took 185 s and 1.7 GB: DuckDB records one reject per missing cell.)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
EXPORT = REPO_ROOT.parent / "shared" / "data" / "contracts"


def _source() -> tuple[bytes, list[bytes]]:
    path = next(EXPORT.rglob("fy13.csv"))
    header, *rows = path.read_bytes().removeprefix(b"\xef\xbb\xbf").split(b"\n")
    return header, [row for row in rows if row]


def build(path: Path, kind: str, size: int) -> int:
    """Write a ``kind`` ('valid' or 'junk') file of about ``size`` bytes; its line count."""
    header, rows = _source()
    lines, written = [header], len(header)
    if kind == "junk":
        lines += rows[:3]
    pick = random.Random(11)
    while written < size:
        if kind == "valid":
            line = rows[len(lines) % len(rows)]
        else:
            line = (f"junk line {pick.randrange(10**6)} " * pick.randrange(1, 4)).encode()
        lines.append(line)
        written += len(line) + 1
    path.write_bytes(b"\n".join(lines) + b"\n")
    return len(lines)


def _ingest_one(source: str, store: str) -> None:
    """In the child: ingest ``source``, print what happened as JSON."""
    from whosbehind.pipeline.contracts.ingest import ingest_usaspending
    from whosbehind.store.engine import Engine

    engine = Engine(Path(store))
    try:
        summary = ingest_usaspending(engine, Path(source))
        row = engine.rows("SELECT status, error FROM snapshot")[0]
    finally:
        engine.close()
    print(json.dumps({"status": row["status"], "error": row["error"], "rows": summary.rows_read}))


def measure(source: Path, store: Path) -> dict[str, object]:
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, __file__, "--one", str(source), str(store)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    took = time.monotonic() - started
    if child.returncode:
        raise SystemExit(f"{source}: the ingest exited {child.returncode}")
    found: dict[str, object] = json.loads(output)
    found.update(seconds=took, rss_mb=usage.ru_maxrss / 1024)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[1.0, 5.0, 50.0])
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:
        _ingest_one(*options.one)
        return
    print(
        "| size | lines (junk file) | valid: s | junk: s | junk/valid | valid: MB RSS "
        "| junk: MB RSS | junk file |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="junk-bench-") as folder:
        work = Path(folder)
        for mb in options.mb:
            size = int(mb * 1_000_000)
            build(work / "valid.csv", "valid", size)
            lines = build(work / "junk.csv", "junk", size)
            valid = measure(work / "valid.csv", work / f"valid-{mb}.duckdb")
            junk = measure(work / "junk.csv", work / f"junk-{mb}.duckdb")
            ratio = float(str(junk["seconds"])) / float(str(valid["seconds"]))
            outcome = str(junk["status"])
            if junk["error"]:
                outcome += f": {str(junk['error'])[:60]}…"
            print(
                f"| {mb:g} MB | {lines:,} | {valid['seconds']:.1f} | {junk['seconds']:.1f} "
                f"| {ratio:.2f} | {valid['rss_mb']:.0f} | {junk['rss_mb']:.0f} | {outcome} |"
            )


if __name__ == "__main__":
    main()
