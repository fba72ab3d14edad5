"""The labeled set from the real curated files, checked against an independent DuckDB count."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from whosbehind.resolve.labeled import (
    CHILD_COMPANIES,
    FREEZER,
    HOOVERS,
    LABEL_SOURCES,
    VENDOR_DECORATIONS,
    AwardIndex,
    LabeledSet,
    build_labeled_set,
    child_company_records,
    normalize_duns,
    read_awards,
    true_pairs,
)

DATA = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "contracts" / "ice-fy13-fy18"
)
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"real data not found at {DATA}")

# (names, clusters, true pairs) per source, as computed by both the library and _duckdb_counts.
EXPECTED = {
    VENDOR_DECORATIONS: (1060, 1026, 35),
    HOOVERS: (1012, 948, 67),
    FREEZER: (816, 772, 47),
}


@pytest.fixture(scope="module")
def labeled() -> LabeledSet:
    return build_labeled_set(DATA)


@pytest.fixture(scope="module")
def duck() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    columns = [line.split(",", 1)[1] for line in _lines("follow_the_money_data_dictionary.csv")]
    typed = {name: "VARCHAR" for name in columns}
    later = [str(DATA / f"fy{year}.csv") for year in range(14, 19)]
    con.execute(
        "CREATE MACRO nd(x) AS CASE WHEN regexp_full_match(trim(x), '[0-9]+')"
        " THEN lpad(trim(x), 9, '0') ELSE coalesce(trim(x), '') END"
    )
    con.execute("CREATE MACRO lk(x) AS lower(regexp_replace(trim(x), '\\s+', ' ', 'g'))")
    con.execute(
        "CREATE TABLE awards AS"
        " SELECT * FROM read_csv(?, header=false, columns=?, quote='\"', escape='\"',"
        "   filename=true)"
        " UNION ALL BY NAME"
        " SELECT * FROM read_csv(?, header=true, all_varchar=true, filename=true)",
        [later, typed, str(DATA / "fy13.csv")],
    )
    con.execute(
        "CREATE TABLE sole AS SELECT DISTINCT nd(recipient_duns) AS d FROM awards"
        " WHERE sole_proprietorship = 't' AND nd(recipient_duns) <> ''"
    )
    hoovers = [re.fullmatch(r"'(.*)', '(\d+)'", line) for line in _lines(HOOVERS)[1:]]
    con.execute("CREATE TABLE hoovers (name VARCHAR, d VARCHAR)")
    con.executemany("INSERT INTO hoovers VALUES (?, ?)", [[m[1], m[2]] for m in hoovers if m])
    return con


def _lines(file: str) -> list[str]:
    return (DATA / file).read_text(encoding="utf-8").splitlines()


_KEPT_SQL = {
    VENDOR_DECORATIONS: """
        WITH vd AS (
            SELECT nd(duns) AS d, origName AS o, lk(cleanName) AS l
            FROM read_csv(?, header=true, all_varchar=true)
            WHERE trim(coalesce(origName, '')) <> '' AND trim(coalesce(cleanName, '')) <> ''
              AND nd(duns) NOT IN (SELECT d FROM sole)),
        k AS (
            SELECT vd.*,
                EXISTS (SELECT 1 FROM awards a
                        WHERE nd(a.recipient_duns) = vd.d AND a.recipient_name = vd.o) AS own,
                EXISTS (SELECT 1 FROM awards a
                        WHERE nd(a.recipient_parent_duns) = vd.d
                          AND a.recipient_parent_name = vd.o) AS par,
                EXISTS (SELECT 1 FROM awards a
                        WHERE nd(a.recipient_parent_duns) = vd.d AND a.recipient_name = vd.o
                          AND nd(a.recipient_duns) <> vd.d) AS child
            FROM vd)
        SELECT o, l FROM k WHERE own
        UNION ALL
        SELECT o, l FROM k
        WHERE NOT own AND par AND NOT child AND l IN (SELECT l FROM k WHERE own)""",
    HOOVERS: """
        SELECT a.recipient_name AS o, lk(h.name) AS l
        FROM hoovers h JOIN awards a ON nd(a.recipient_duns) = nd(h.d)
        WHERE nd(h.d) NOT IN (SELECT d FROM sole) AND a.recipient_name IS NOT NULL""",
    FREEZER: """
        SELECT a.recipient_name AS o, lk(f.recipient_name) AS l
        FROM read_csv(?, header=true, all_varchar=true) f
        JOIN awards a ON a.award_id_piid = f.award_id AND a.filename LIKE '%fy18.csv'
        WHERE coalesce(a.sole_proprietorship, '') <> 't'
          AND nd(a.recipient_duns) NOT IN (SELECT d FROM sole)""",
}


def _duckdb_counts(con: duckdb.DuckDBPyConnection, source: str) -> tuple[int, int, int]:
    """Names, clusters and true pairs, computed in SQL without the library's code."""
    params = [] if source == HOOVERS else [str(DATA / source)]
    row = con.execute(
        f"""
        WITH kept AS ({_KEPT_SQL[source]}),
        ambiguous AS (SELECT o FROM kept GROUP BY o HAVING count(DISTINCT l) > 1),
        gold AS (SELECT DISTINCT o, l FROM kept WHERE o NOT IN (SELECT o FROM ambiguous)),
        sizes AS (SELECT l, count(*) AS n FROM gold GROUP BY l)
        SELECT (SELECT count(*) FROM gold), (SELECT count(*) FROM sizes),
               (SELECT sum(n * (n - 1) // 2) FROM sizes)
        """,
        params,
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


@pytest.mark.parametrize("source", LABEL_SOURCES)
def test_sizes_match_an_independent_count(
    labeled: LabeledSet, duck: duckdb.DuckDBPyConnection, source: str
) -> None:
    gold = labeled.gold(source)
    sizes = (len(gold), len(set(gold.values())), len(true_pairs(gold)))
    assert sizes == _duckdb_counts(duck, source) == EXPECTED[source]


def test_award_files_are_read_whole(duck: duckdb.DuckDBPyConnection) -> None:
    awards = read_awards(DATA)
    per_file = Counter(a.locator.split(":")[0] for a in awards)
    assert per_file == {
        "fy13.csv": 157,
        "fy14.csv": 193,
        "fy15.csv": 444,
        "fy16.csv": 936,
        "fy17.csv": 1739,
        "fy18.csv": 2203,
    }
    row = duck.execute("SELECT count(*), count(DISTINCT recipient_name) FROM awards").fetchone()
    assert row == (len(awards), len({a.name for a in awards if a.name}))


def test_vendor_decorations_has_the_three_documented_kinds_of_rows() -> None:
    index = AwardIndex.of(read_awards(DATA))
    with (DATA / VENDOR_DECORATIONS).open(encoding="utf-8", newline="") as handle:
        kinds = Counter(
            index.kind(normalize_duns(row["duns"]), row["origName"])
            for row in csv.DictReader(handle)
        )
    # The data README: about 1,080 own, about 190 parent-name strings, about 30 children.
    assert kinds == {"own": 1080, "parent": 186, "child_on_parent": 31}


def test_dropped_rows_are_counted(labeled: LabeledSet) -> None:
    assert labeled.dropped[VENDOR_DECORATIONS] == {
        "sole proprietorship": 36,
        "kind child_on_parent": 31,
        "kind parent, owner label not on any own row": 158,
    }
    kept = sum(1 for r in labeled.records if r.source_file == VENDOR_DECORATIONS)
    assert kept + sum(labeled.dropped[VENDOR_DECORATIONS].values()) == 1297
    assert labeled.dropped[FREEZER] == {"sole proprietorship": 38, "raw name given two labels": 7}
    kept = sum(1 for r in labeled.records if r.source_file == FREEZER)
    assert kept + sum(labeled.dropped[FREEZER].values()) == 2203


def test_child_companies_file_holds_no_labels() -> None:
    with (DATA / CHILD_COMPANIES).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1133
    assert all(row["cleanName"] == "" for row in rows)
    records, dropped = child_company_records(DATA)
    assert records == []
    assert dropped == {"empty cleanName": 1133}


def test_no_sole_proprietorship_is_labeled(
    labeled: LabeledSet, duck: duckdb.DuckDBPyConnection
) -> None:
    sole = {d for (d,) in duck.execute("SELECT d FROM sole").fetchall()}
    awards = {a.locator: a for a in read_awards(DATA)}
    assert sole == {a.duns for a in awards.values() if a.sole_proprietorship}
    assert len(sole) == 36
    for record in labeled.records:
        award = awards.get(record.raw_from)
        assert award is None or (award.duns not in sole and not award.sole_proprietorship)
    decorated = {r.row for r in labeled.records if r.source_file == VENDOR_DECORATIONS}
    with (DATA / VENDOR_DECORATIONS).open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if normalize_duns(row["duns"]) in sole:
                assert line not in decorated


def test_records_cite_their_rows(labeled: LabeledSet) -> None:
    long_beach = [r for r in labeled.records if r.raw_name == "LONG BEACH, CITY OF"]
    assert {(r.source_file, r.cluster_label) for r in long_beach} == {
        (VENDOR_DECORATIONS, "City of Long Beach"),
        (HOOVERS, "City of Long Beach"),
        (FREEZER, "City of Long Beach"),
    }
    long_beach = [r for r in long_beach if r.source_file == VENDOR_DECORATIONS]
    line = _lines(VENDOR_DECORATIONS)[long_beach[0].row - 1]
    assert "LONG BEACH, CITY OF" in line
    freezer = next(r for r in labeled.records if r.source_file == FREEZER)
    file, number = freezer.raw_from.split(":")
    assert file == "fy18.csv"
    assert freezer.raw_name in _lines(file)[int(number) - 1]


def test_true_pairs() -> None:
    clustering = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 3}
    assert true_pairs(clustering) == {("a", "b"), ("a", "c"), ("b", "c")}
    assert true_pairs({}) == set()
