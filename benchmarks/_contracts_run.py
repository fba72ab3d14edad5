"""Shared parts of the benchmarks that ask the library questions on a synthetic contracts store
(``reports_speed.py``, and ``contracts_library.py`` once switched): finding or building the store
of ``--rows`` rows, and ending a run (the target's line, the load average, the code's state,
the report printed and written, the exit status).

Not a benchmark itself (``python3 benchmarks/X.py`` puts this folder on ``sys.path``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import contracts_generate as gen
from _common import finish
from contracts_bench_load import whosbehind_load


def synthetic_store(
    rows: int, seed: int, data: Path | None, store: Path | None, name: str
) -> tuple[Path, list[str]]:
    """The store named, or ``<data>-stores/<name>`` (data: ``/tmp/whosbehind-contracts-<rows>``)
    built by ``ingest_usaspending`` from the generated CSVs (generated first when missing);
    the lines to report about the building (none when the store was there)."""
    data = data or Path(f"/tmp/whosbehind-contracts-{rows}")
    store = store or data.with_name(data.name + "-stores") / name
    if store.exists():
        return store, []
    if gen.existing(data, rows, seed) is None:
        gen.generate(data, rows, seed)
    store.parent.mkdir(parents=True, exist_ok=True)
    load = whosbehind_load(str(store), str(data))
    return store, [f"- store built by `ingest_usaspending` in {load.seconds:.1f} s"]


def conclude(lines: list[str], target: str, allow_dirty: bool, report: Path | None) -> NoReturn:
    """Print (and write to ``report``) ``lines``, the target's line, the load average at the
    end and the code's state; exit with ``finish``'s status."""
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    lines += [target, f"- load average at the end: {load}"]
    footer, status = finish(allow_dirty)
    text = "\n".join(lines) + "\n" + footer
    print(text)
    if report:
        report.write_text(text)
    raise SystemExit(status)
