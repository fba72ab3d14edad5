"""The unlabelled award statements and the DUNS development split, counted independently with
DuckDB over the raw award files."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from whosbehind.resolve.labeled import read_awards
from whosbehind.resolve.labeled_records import award_statements, duns_names

DATA = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "contracts" / "ice-fy13-fy18"
)
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"real data not found at {DATA}")


@pytest.fixture(scope="module")
def duck() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    lines = (DATA / "follow_the_money_data_dictionary.csv").read_text(encoding="utf-8")
    columns = [line.split(",", 1)[1] for line in lines.splitlines()]
    later = [str(DATA / f"fy{year}.csv") for year in range(14, 19)]
    con.execute(
        "CREATE MACRO nd(x) AS CASE WHEN regexp_full_match(trim(x), '[0-9]+')"
        " THEN lpad(trim(x), 9, '0') ELSE coalesce(trim(x), '') END"
    )
    con.execute(
        "CREATE TABLE awards AS"
        " SELECT * FROM read_csv(?, header=false, columns=?, quote='\"', escape='\"')"
        " UNION ALL BY NAME"
        " SELECT * FROM read_csv(?, header=true, all_varchar=true)",
        [later, {name: "VARCHAR" for name in columns}, str(DATA / "fy13.csv")],
    )
    con.execute(
        "CREATE VIEW usable AS SELECT * FROM awards WHERE coalesce(sole_proprietorship, '') <> 't'"
    )
    return con


def test_award_statements_are_the_distinct_statements_and_parents(
    duck: duckdb.DuckDBPyConnection,
) -> None:
    records = award_statements(read_awards(DATA))
    statements = [r for r in records if r.source == "usaspending"]
    parents = [r for r in records if r.source == "usaspending-parent"]
    row = duck.execute(
        "SELECT count(*) FROM (SELECT DISTINCT coalesce(recipient_name, ''),"
        " nd(recipient_duns), coalesce(recipient_parent_name, ''), nd(recipient_parent_duns)"
        " FROM usable)"
    ).fetchone()
    assert row is not None and len(statements) == row[0]
    row = duck.execute(
        "SELECT count(*) FROM (SELECT DISTINCT recipient_parent_name, nd(recipient_parent_duns)"
        " FROM usable WHERE trim(coalesce(recipient_parent_name, '')) <> '')"
    ).fetchone()
    assert row is not None and len(parents) == row[0]
    assert len({r.record_key for r in records}) == len(records)
    assert all(r.name for r in parents)


def test_duns_split_keeps_names_of_one_duns(duck: duckdb.DuckDBPyConnection) -> None:
    records, gold = duns_names(read_awards(DATA))
    expected = dict(
        duck.execute(
            "SELECT n, min(d) FROM (SELECT regexp_replace(trim(recipient_name), '\\s+', ' ', 'g')"
            " AS n, nd(recipient_duns) AS d FROM usable) WHERE n <> '' AND d <> ''"
            " GROUP BY n HAVING count(DISTINCT d) = 1"
        ).fetchall()
    )
    assert gold == expected
    assert sorted(r.name for r in records) == sorted(gold)
    assert all(r.duns is None and r.uei is None for r in records)  # the answer is not given
