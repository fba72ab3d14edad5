"""The summary of the money rollup by fiscal year and parent (store/contracts/rollup.py,
``BY_PARENT``): on the real ICE files it equals the money lines summed by parent in Python,
after a run that appended parts (``settle``) and after one that rebuilt the rollup; the top
parents of each year read from it are ``spending(by="parent")``'s."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from tests.support.contracts import ICE_2018, ICE_LOCAL_GOV
from whosbehind.analysis.contracts import spending as spending_module
from whosbehind.analysis.contracts.lines import Filters
from whosbehind.analysis.contracts.spending import spending
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.store.contracts.lines import lines_sql
from whosbehind.store.contracts.rollup import BY_PARENT, PARENT, ROLLUP, is_fresh
from whosbehind.store.engine import Engine

Summed = dict[tuple[int, str], tuple[Decimal, int, int, Decimal]]


def _parent(line: dict[str, object]) -> str:
    """The parent key, computed here in Python: the parent's DUNS, UEI or name, else the
    recipient's (DUNS, UEI, name), else '-'."""

    def key(duns: object, uei: object, name: object) -> str | None:
        if duns is not None:
            return str(duns)
        if uei is not None:
            return str(uei)
        return None if name is None else "name:" + str(name).upper()

    recipient = key(line["recipient_duns"], line["recipient_uei"], line["recipient_name"])
    parent = key(
        line["recipient_parent_duns"],
        line["recipient_parent_uei"],
        line["recipient_parent_name"],
    )
    return parent or recipient or "-"


def from_lines(engine: Engine) -> Summed:
    """The current money lines summed by fiscal year and parent, in Python."""
    lines, params = lines_sql(None)
    summed: dict[tuple[int, str], list[object]] = defaultdict(
        lambda: [Decimal("0.00"), 0, 0, Decimal("0.00")]
    )
    found = engine.rows(f"SELECT * FROM ({lines}) WHERE amount IS NOT NULL", params)
    assert found
    for line in found:
        group = summed[(int(str(line["fiscal_year"])), _parent(line))]
        award = line["basis"] == "award total"
        group[0] = Decimal(str(group[0])) + Decimal(str(line["amount"]))
        group[1] = int(str(group[1])) + 1
        group[2] = int(str(group[2])) + int(award)
        if award:
            group[3] = Decimal(str(group[3])) + Decimal(str(line["amount"]))
    return {
        key: (Decimal(str(a)), int(str(n)), int(str(w)), Decimal(str(t)))
        for key, (a, n, w, t) in summed.items()
    }


def stored(engine: Engine) -> Summed:
    rows = engine.connection.execute(
        f"SELECT fiscal_year, parent, amount, lines, award_lines, award_amount FROM {BY_PARENT}"
    ).fetchall()
    summary = {
        (fy, parent): (amount, lines, awards, total)
        for fy, parent, amount, lines, awards, total in rows
    }
    assert len(summary) == len(rows), "one row per fiscal year and parent"
    return summary


def test_the_key_is_spendings_parent() -> None:
    assert spending_module.GROUPS["parent"][0] == PARENT


def test_the_summary_equals_the_lines_summed_by_parent(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "s.duckdb", publish=False)
    summary = ingest_usaspending(engine, ICE_LOCAL_GOV)  # two parts appended: settled
    assert summary.snapshots_stored == 2 and is_fresh(engine)
    expected = from_lines(engine)
    assert len(expected) > 100
    assert stored(engine) == expected
    # it also equals the rollup summed by its key (what settle computes it from)
    total = engine.scalar(f"SELECT sum(amount) FROM {ROLLUP}")
    assert engine.scalar(f"SELECT sum(amount) FROM {BY_PARENT}") == total
    assert sum(value[0] for value in expected.values()) == total


def test_the_summary_after_a_rebuild_and_a_second_run(tmp_path: Path) -> None:
    """A second run whose file versions awards already stored rebuilds the rollup (and the
    summary) from the lines; a file of another layout appends in a run of its own."""
    engine = Engine(tmp_path / "s.duckdb", publish=False)
    source = ICE_LOCAL_GOV / "us-reg-state-gov-ice-contracts.csv"
    ingest_usaspending(engine, source)
    with source.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    column = rows[0].index("total_obligated_amount")
    rows[1][column] = "1.00"
    changed = tmp_path / "Contracts_PrimeAwardSummaries_2030-01-01_1.csv"
    with changed.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(rows)
    assert ingest_usaspending(engine, changed).versions_closed == 1
    assert is_fresh(engine) and stored(engine) == from_lines(engine)
    ingest_usaspending(engine, ICE_2018 / "fy16.csv")
    assert is_fresh(engine) and stored(engine) == from_lines(engine)


def test_a_store_from_before_the_summary_gets_it_at_its_next_ingest(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "s.duckdb", publish=False)
    ingest_usaspending(engine, ICE_LOCAL_GOV)
    expected = stored(engine)
    engine.execute(f"DROP TABLE {BY_PARENT}")
    ingest_usaspending(engine, ICE_LOCAL_GOV)  # nothing new: the run builds the summary
    assert is_fresh(engine) and stored(engine) == expected


def test_the_top_parents_of_each_year_are_spendings(tmp_path: Path) -> None:
    """The benchmark's q2 over the summary (the ten largest parents of each fiscal year and
    their share of the year) gives the head of ``spending(by="parent")``'s rows."""
    engine = Engine(tmp_path / "s.duckdb", publish=False)
    ingest_usaspending(engine, ICE_LOCAL_GOV)
    top = engine.connection.execute(
        f"WITH t AS (SELECT fiscal_year, sum(amount) AS total, list_min(max(amount, 10)) AS cut "
        f"FROM {BY_PARENT} WHERE amount IS NOT NULL GROUP BY 1) "
        "SELECT fy, parent, amount, share FROM (SELECT p.fiscal_year AS fy, p.parent, p.amount, "
        "p.amount / t.total AS share, row_number() OVER (PARTITION BY p.fiscal_year "
        "ORDER BY p.amount DESC, p.parent) AS rank "
        f"FROM {BY_PARENT} p JOIN t USING (fiscal_year) WHERE p.amount >= t.cut) "
        "WHERE rank <= 10 ORDER BY fy, amount DESC, parent"
    ).fetchall()
    years = sorted({row[0] for row in top})
    assert len(years) > 3
    expected = []
    for fy in years:
        # every group (``top`` cuts ties by name, the question by key)
        found = spending(engine, "parent", Filters(fiscal_year=fy))
        best = sorted(found.rows, key=lambda row: (-row.amount, row.key))[:10]
        expected += [(fy, row.key, row.amount, round(row.share, 9)) for row in best]
    assert [(fy, key, amount, round(float(share), 9)) for fy, key, amount, share in top] == (
        expected
    )
