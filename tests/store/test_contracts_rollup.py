"""The summary of the money rollup by fiscal year and parent (store/contracts/rollup.py,
``BY_PARENT``): on the real ICE files it equals the money lines summed by parent in Python,
after a run that appended parts (``settle``) and after one that rebuilt the rollup; the top
parents of each year read from it are ``spending(by="parent")``'s."""

from __future__ import annotations

import csv
import itertools
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.contracts import ICE_2018, ICE_LOCAL_GOV, LOCAL_GOV_FILES
from whosbehind.analysis.agencies import AgencySelection
from whosbehind.analysis.contracts import spending as spending_module
from whosbehind.analysis.contracts.lines import Filters
from whosbehind.analysis.contracts.spending import spending
from whosbehind.pipeline.contracts.ingest import ingest_usaspending
from whosbehind.store.contracts import rollup
from whosbehind.store.contracts.lines import lines_sql
from whosbehind.store.contracts.rollup import (
    BY_AGENCY,
    BY_PARENT,
    BY_RECIPIENT,
    PARENT,
    ROLLUP,
    STATE,
    is_fresh,
)
from whosbehind.store.engine import Engine

ICE = AgencySelection("7012", "7012", frozenset({"7012"}))
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


def test_a_snapshot_named_twice_is_summed_once(tmp_path: Path) -> None:
    """A file's transaction rolled back after it was counted in (its number then reused by the
    next file) names a snapshot twice: the run's end sums it once."""
    engine = Engine(tmp_path / "s.duckdb", publish=False)
    ingest_usaspending(engine, ICE_LOCAL_GOV / LOCAL_GOV_FILES[1])
    expected = from_lines(engine)
    assert expected and stored(engine) == expected
    feed, seq = engine.rows("SELECT feed, seq FROM contract_award LIMIT 1")[0].values()
    with engine.transaction():
        for table in (ROLLUP, BY_RECIPIENT, BY_AGENCY, BY_PARENT):
            engine.execute(f"DELETE FROM {table}")
        rollup.mark_stale(engine)
        rollup.settle(engine, [f"{feed}:{seq}", f"{feed}:{seq}"], held_rows=False)
    assert is_fresh(engine) and stored(engine) == expected


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


def _parts_sorted(rows: list[tuple[object, ...]], at: tuple[int, ...]) -> int:
    """How many runs of rows already sorted by the columns ``at`` (NULLs last) ``rows`` is."""
    keys = [tuple((row[i] is None, row[i]) for i in at) for row in rows]
    return 1 + sum(1 for before, after in itertools.pairwise(keys) if after < before)


COLUMNS = "fiscal_year, awarding_subtier_code, recipient_duns, recipient_uei, amount, lines"


def _two_files(folder: Path) -> list[Path]:
    """A real award-summaries file, and the same rows as awards of their own (each award key
    and PIID with a suffix), which a later run loads in one pass and appends to the rollup
    (the two real files share 12 awards, which makes a run rebuild the rollup instead)."""
    source = ICE_LOCAL_GOV / LOCAL_GOV_FILES[1]
    with source.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    for column in ("contract_award_unique_key", "award_id_piid"):
        at = rows[0].index(column)
        for row in rows[1:]:
            row[at] += "-B"
    other = folder / "Contracts_PrimeAwardSummaries_2030-01-01_B.csv"
    with other.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(rows)
    return [source, other]


def _settled_runs(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The two real award-summaries files, one run each (both loaded in one pass, appended to
    the rollup); after each, the copies hold the rollup's rows in at most ``parts`` sorted
    runs, the summary equals the lines, and ``spending`` answers from the copies as from the
    lines. The parts counted after each run."""
    seen = []
    for path in _two_files(engine.path.parent):
        summary = ingest_usaspending(engine, path)
        assert summary.snapshots_stored == 1 and summary.versions_closed == 0, path
        assert is_fresh(engine)
        every = Counter(engine.connection.execute(f"SELECT {COLUMNS} FROM {ROLLUP}").fetchall())
        by_recipient = engine.connection.execute(f"SELECT {COLUMNS} FROM {BY_RECIPIENT}").fetchall()
        by_agency = engine.connection.execute(f"SELECT {COLUMNS} FROM {BY_AGENCY}").fetchall()
        assert Counter(by_recipient) == every and Counter(by_agency) == every
        parts = int(engine.scalar(f"SELECT max(parts) FROM {STATE}"))
        seen.append(parts)
        assert _parts_sorted(by_recipient, (2, 3)) <= parts
        assert _parts_sorted(by_agency, (1, 0)) <= parts
        assert stored(engine) == from_lines(engine)
        asked = [
            ("agency", Filters(recipient="054007823")),
            ("agency", Filters(recipient="094016941")),
            ("recipient", Filters(agency=ICE, first_fiscal_year=2019, last_fiscal_year=2021)),
        ]
        from_copies = [spending(engine, by, filters).rows for by, filters in asked]
        assert any(from_copies)
        with monkeypatch.context() as lines_only:
            lines_only.setattr(spending_module, "is_fresh", lambda _engine: False)
            assert from_copies == [spending(engine, by, filters).rows for by, filters in asked]
    return seen


def test_a_later_run_appends_one_sorted_part_to_the_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into a rollup that held rows, a run's rows go into each copy as one more sorted part,
    instead of every row of the store sorted again."""
    engine = Engine(tmp_path / "s.duckdb", publish=False)
    assert _settled_runs(engine, monkeypatch) == [1, 2]
    by_recipient = engine.connection.execute(f"SELECT {COLUMNS} FROM {BY_RECIPIENT}").fetchall()
    assert _parts_sorted(by_recipient, (2, 3)) == 2


def test_beyond_max_parts_everything_is_sorted_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rollup, "MAX_PARTS", 1)
    engine = Engine(tmp_path / "s.duckdb", publish=False)
    assert _settled_runs(engine, monkeypatch) == [1, 1]
    for table, at in ((ROLLUP, (0, 1)), (BY_RECIPIENT, (2, 3)), (BY_AGENCY, (1, 0))):
        rows = engine.connection.execute(f"SELECT {COLUMNS} FROM {table}").fetchall()
        assert _parts_sorted(rows, at) == 1, table


def test_a_store_from_before_the_parts_count_gets_it(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "s.duckdb", publish=False)
    first, second = _two_files(tmp_path)
    ingest_usaspending(engine, first)
    engine.execute(f"ALTER TABLE {STATE} DROP COLUMN parts")
    ingest_usaspending(engine, second)
    assert is_fresh(engine) and engine.scalar(f"SELECT parts FROM {STATE}") == 2
    assert stored(engine) == from_lines(engine)
