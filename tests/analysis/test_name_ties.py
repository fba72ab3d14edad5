"""A name stated two ways on as many records is the first in sort order wherever a name is
picked from its spellings: ``spending()`` over the lines (recipients, parents, PSC and NAICS
codes) and the reports' code names. Before, DuckDB's ``mode`` took the spelling its scan met
first, which follows the order rows were written. Each tie is made on the real ICE files, one
way and the other in sort order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.registry import copy_store
from whosbehind.analysis.contracts import spending as spending_module
from whosbehind.analysis.contracts.spending import spending
from whosbehind.analysis.reports.money import code_names
from whosbehind.store.contracts.rollup import rebuild
from whosbehind.store.engine import Engine

TIES = ["A TIED SPELLING", "ZZ TIED SPELLING"]  # before and after every real name


@pytest.fixture
def engine(local_gov_store: Path, tmp_path: Path) -> Iterator[Engine]:
    """A writable copy of the store of ICE's award summaries (every line is an award's
    latest record, so renaming awards renames lines)."""
    with Engine(copy_store(local_gov_store, tmp_path)) as opened:
        yield opened


def _tie(engine: Engine, code: str, name: str, other: str) -> tuple[str, str]:
    """Of the values of column ``code`` whose latest awards all state one ``name``, the most
    frequent: half its awards renamed ``other`` (one more left unnamed if odd). The value and
    its real name; the counts are checked, so the tie is exact."""
    value, real = engine.connection.execute(
        f"SELECT {code}, min({name}) FROM contract_award WHERE latest AND {code} IS NOT NULL "
        f"GROUP BY 1 HAVING count(DISTINCT {name}) = 1 AND count({name}) > 1 "
        "ORDER BY count(*) DESC, 1 LIMIT 1"
    ).fetchall()[0]
    keys = [
        key
        for (key,) in engine.connection.execute(
            f"SELECT award_key FROM contract_award WHERE latest AND {code} = ? "
            f"AND {name} IS NOT NULL ORDER BY award_key",
            [value],
        ).fetchall()
    ]
    half, odd = divmod(len(keys), 2)
    engine.execute(
        f"UPDATE contract_award SET {name} = ? WHERE latest AND award_key IN (SELECT unnest(?))",
        [other, keys[:half]],
    )
    if odd:
        engine.execute(
            f"UPDATE contract_award SET {name} = NULL WHERE latest AND award_key = ?", [keys[-1]]
        )
    counts = engine.connection.execute(
        f"SELECT {name}, count(*) FROM contract_award WHERE latest AND {code} = ? "
        f"AND {name} IS NOT NULL GROUP BY 1",
        [value],
    ).fetchall()
    assert dict(counts) == {real: half, other: half}
    return str(value), str(real)


@pytest.mark.parametrize("other", TIES)
@pytest.mark.parametrize(
    ("by", "code", "name"),
    [
        ("recipient", "recipient_duns", "recipient_name"),
        ("reported-parent", "recipient_parent_duns", "recipient_parent_name"),
    ],
)
def test_spending_names_a_tied_group_by_sort_order_from_the_lines_as_from_the_rollup(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, other: str, by: str, code: str, name: str
) -> None:
    group, real = _tie(engine, code, name, other)
    rebuild(engine)  # the rollup holds the tie too
    from_rollup = {row.key: row.name for row in spending(engine, by).rows}
    monkeypatch.setattr(spending_module, "is_fresh", lambda _engine: False)  # the lines
    from_lines = {row.key: row.name for row in spending(engine, by).rows}
    assert from_lines[group] == min(real, other)
    assert from_lines == from_rollup


@pytest.mark.parametrize("other", TIES)
@pytest.mark.parametrize("column", ["psc", "naics"])
def test_a_code_described_two_ways_on_as_many_awards_takes_the_first_in_sort_order(
    engine: Engine, other: str, column: str
) -> None:
    code, name = f"{column}_code", f"{column}_description"
    value, real = _tie(engine, code, name, other)
    first = min(real, other)
    assert code_names(engine, column, [value]) == {value: first}
    rows = {row.key: row.name for row in spending(engine, column).rows}
    assert rows[value] == f"{value} {first}"
