"""Roll-up speed: 1M (org, date) pairs to their ultimate parents, in Python and in SQL.

Two ownership graphs:

- ``ice``: the real one, from ICE's FY13-FY18 contract records (recipient statements with their
  reported parents and action dates, clustered by identifiers and name keys as the tests do);
  pairs drawn from the real transactions (recipient, action date) with replacement.
- ``synthetic``: 200,000 orgs, 120,000 dated edges (chains up to four deep, a quarter of the
  children changing parent once, a few judgements), to show the index at national scale.

Measured: building ``OwnershipIndex``, 1M ``ultimate`` lookups (memo cold), and for ``ice`` the
SQL roll-up (``analysis.org_rollup.rollup_lines_sql``) over 1M synthetic lines in DuckDB.

    python3 benchmarks/ownership_rollup.py
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.contracts import ICE_2018, build  # noqa: E402
from tests.support.orgs import cluster, contract_records  # noqa: E402

from whosbehind.analysis.org_rollup import RollUp, rollup_lines_sql  # noqa: E402
from whosbehind.model.orgs import OwnershipEdge  # noqa: E402
from whosbehind.resolve.ownership import build_edges  # noqa: E402
from whosbehind.resolve.ultimate import OwnershipIndex  # noqa: E402
from whosbehind.store.engine import Engine  # noqa: E402

PAIRS = 1_000_000


def _timed(label: str, action):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    print(f"{label:<58} {time.perf_counter() - start:8.2f} s")
    return result


def synthetic_edges(orgs: int = 200_000, edges: int = 120_000) -> list[OwnershipEdge]:
    rng = random.Random(7)
    out: list[OwnershipEdge] = []
    tops = [f"org:{i}" for i in range(orgs // 50)]
    middle = [f"org:{i}" for i in range(orgs // 50, orgs // 10)]
    for i in range(edges):
        child = f"org:{orgs // 10 + i % (orgs - orgs // 10)}"
        parent = rng.choice(middle if rng.random() < 0.6 else tops)
        start = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(4000))
        if rng.random() < 0.25:
            switch = start + dt.timedelta(days=rng.randrange(1, 2000))
            out.append(OwnershipEdge(parent, child, start, switch, "reported", "", ""))
            out.append(OwnershipEdge(rng.choice(tops), child, switch, None, "reported", "", ""))
        else:
            basis = "judgement" if rng.random() < 0.02 else "reported"
            out.append(OwnershipEdge(parent, child, start, None, basis, "", ""))  # type: ignore[arg-type]
    for org in middle:
        out.append(OwnershipEdge(rng.choice(tops), org, None, None, "reported", "", ""))
    return out


def main() -> None:
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ice.duckdb"
        _timed("ingest ICE FY13-FY18 (setup)", lambda: build(path, ICE_2018))
        engine = Engine(path)
        records = contract_records(engine)
        orgs = cluster(records)
        edges = _timed("ice: build_edges", lambda: build_edges(records, orgs, []))
        rollup = _timed(
            "ice: RollUp (OrgIndex + OwnershipIndex)", lambda: RollUp(records, orgs, edges)
        )
        lines = engine.rows(
            "SELECT recipient_name, recipient_duns, recipient_uei, action_date "
            "FROM contract_transaction WHERE record_to IS NULL"
        )
        picked = [rng.choice(lines) for _ in range(PAIRS)]
        days = [row["action_date"] + dt.timedelta(days=rng.randrange(-400, 400)) for row in picked]
        statement_org = {
            (
                r["recipient_name"],
                r["recipient_duns"],
                r["recipient_uei"],
            ): rollup.orgs.org_for_statement(
                r["recipient_name"], r["recipient_duns"], r["recipient_uei"]
            )
            for r in lines
        }
        pairs = [
            (statement_org[(r["recipient_name"], r["recipient_duns"], r["recipient_uei"])] or "", d)
            for r, d in zip(picked, days, strict=True)
        ]
        index = OwnershipIndex(edges)
        moved = _timed(
            f"ice: {PAIRS:,} ultimate() lookups ({len(edges)} edges)",
            lambda: sum(index.ultimate(o, d) != o for o, d in pairs),
        )
        print(f"    {moved:,} of {PAIRS:,} pairs roll up to another org")
        table = pa.table(
            {
                "recipient_name": [r["recipient_name"] for r in picked],
                "recipient_duns": [r["recipient_duns"] for r in picked],
                "recipient_uei": [r["recipient_uei"] for r in picked],
                "first_date": pa.array(days, pa.date32()),
                "amount": [1] * PAIRS,
            }
        )
        engine.connection.register("bench_lines", table)

        def sql_rollup() -> int:
            with rollup_lines_sql(engine, rollup, "SELECT * FROM bench_lines") as (sql, params):
                return int(
                    engine.scalar(
                        f"SELECT count(*) FILTER (WHERE parent_org_id <> org_id) FROM ({sql}) r",
                        params,
                    )
                )

        moved_sql = _timed(f"ice: SQL roll-up of {PAIRS:,} lines (DuckDB)", sql_rollup)
        print(f"    {moved_sql:,} lines roll up to another org (Python: {moved:,})")
        engine.close()

    edges = _timed("synthetic: 200k orgs, edges generated", synthetic_edges)
    index = _timed(
        f"synthetic: OwnershipIndex over {len(edges):,} edges", lambda: OwnershipIndex(edges)
    )
    children = sorted({e.child_id for e in edges})
    pairs = [
        (rng.choice(children), dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(6000)))
        for _ in range(PAIRS)
    ]
    _timed(
        f"synthetic: {PAIRS:,} ultimate() lookups (all orgs with a parent)",
        lambda: [index.ultimate(o, d) for o, d in pairs],
    )
    _timed("synthetic: segments() (the SQL join table)", index.segments)


if __name__ == "__main__":
    main()
