"""Offering histories, runs-on, changes and timelines on the real store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.support.registry import copy_store
from whosbehind.analysis.fedramp.changes import KINDS, Change, fedramp_changes
from whosbehind.analysis.fedramp.offering import find_package_id, offering_report
from whosbehind.analysis.fedramp.runs_on import runs_on_provider
from whosbehind.analysis.fedramp.share import fedramp_share
from whosbehind.analysis.fedramp.timeline import fedramp_timeline
from whosbehind.errors import NotFoundError, UsageError
from whosbehind.model.timeutil import parse_user_instant
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store.engine import Engine


def test_offering_by_id_and_by_name(engine: Engine) -> None:
    assert find_package_id(engine, "f1603047866") == "F1603047866"
    assert find_package_id(engine, "AWS GovCloud") == "F1603047866"
    with pytest.raises(NotFoundError):
        find_package_id(engine, "no such offering anywhere")


@pytest.mark.parametrize("short_first", [True, False])
def test_a_name_finds_the_offering_with_the_shortest_matching_name(
    store_path: Path, tmp_path: Path, short_first: bool
) -> None:
    """Of offerings matching a name, the one with the shortest matching name (after those
    still listed), whichever of its rows was written first: before, it ranked by the length of
    ``any_value(name)``, the row its scan met first. The real store, three rows renamed: two of
    one current offering (short and long), one of another (between them)."""
    with Engine(copy_store(store_path, tmp_path)) as engine:
        first, rows = engine.connection.execute(
            "SELECT package_id, list(rowid ORDER BY rowid) FROM fedramp_offering GROUP BY 1 "
            "HAVING count(*) > 1 AND bool_or(to_seq IS NULL) ORDER BY 1 LIMIT 1"
        ).fetchall()[0]
        row = engine.scalar(  # another offering's current row
            "SELECT min(rowid) FROM fedramp_offering WHERE to_seq IS NULL AND package_id <> ?",
            [first],
        )
        current = engine.scalar(
            "SELECT min(rowid) FROM fedramp_offering WHERE package_id = ? AND to_seq IS NULL",
            [first],
        )
        older = next(r for r in rows if r != current)
        short, long = sorted([current, older], reverse=not short_first)
        for rowid, name in ((short, "ZQXJ"), (long, "ZQXJ A LONG NAME"), (row, "ZQXJ MID")):
            engine.execute("UPDATE fedramp_offering SET name = ? WHERE rowid = ?", [name, rowid])
        found = find_package_id(engine, "zqxj")
    assert found == first


@pytest.mark.parametrize("text", ["_", "%", "%%", "_a_", "\\"])
def test_wildcards_in_a_name_are_literal_characters(engine: Engine, text: str) -> None:
    names = engine.rows("SELECT DISTINCT name, provider FROM fedramp_offering")
    holding = [row for row in names if text.lower() in f"{row['name']}|{row['provider']}".lower()]
    if holding:  # the text is in a name: that offering, never an arbitrary one
        found = find_package_id(engine, text)
        assert engine.scalar(
            "SELECT count(*) FROM fedramp_offering WHERE package_id = ? "
            "AND (contains(lower(name), lower(?)) OR contains(lower(provider), lower(?)))",
            [found, text, text],
        )
    else:
        with pytest.raises(NotFoundError):
            find_package_id(engine, text)


def test_offering_history_lists_versions_and_what_runs_on_it(engine: Engine) -> None:
    report = offering_report(engine, "F1603047866", parse_user_instant("2020-06-01"), "legacy")
    assert report.current is not None and report.current.provider == "Amazon"
    assert report.versions and report.versions[0].first_seen <= report.versions[-1].first_seen
    assert all(v.last_seen and v.first_seen <= v.last_seen for v in report.versions)
    users = {row.package_id for row in report.runs_on_it}
    expected = engine.rows(
        "SELECT DISTINCT package_id FROM fedramp_runs_on WHERE feed = 'fedramp-legacy' "
        "AND underlying_id = 'F1603047866' AND from_seq <= ? AND (to_seq IS NULL OR to_seq > ?)",
        [report.snapshot.seq, report.snapshot.seq],
    )
    assert users == {row["package_id"] for row in expected} and len(users) > 20
    kinds = {a.kind for a in report.authorizations}
    assert kinds == {"initial", "letter"}
    assert json.dumps(report.to_json())  # serializable as it is


def test_status_history_from_the_organization_export(engine: Engine) -> None:
    report = offering_report(engine, "F1206061353", parse_user_instant("2026-06-01"))
    assert [s.status for s in report.status_history][-1] == "authorized"
    assert report.status_history[0].start_date == dt.date(2012, 7, 19)


def test_runs_on_amazon_matches_raw_underlying_ids(
    engine: Engine, legacy_raw: list[RawSnapshot]
) -> None:
    raw = legacy_raw[-4]
    report = runs_on_provider(engine, "Amazon", raw.fallback_time, "legacy")
    assert report.snapshot.sha256 == raw.sha256
    providers = json.loads(raw.content)["data"]["Providers"]
    amazon = {
        p["Package_ID"] for p in providers if p["Cloud_Service_Provider_Name"].strip() == "Amazon"
    }
    expected = {
        p["Package_ID"]
        for p in providers
        if p["Cloud_Service_Provider_Name"].strip() != "Amazon"
        and amazon & {u.strip() for u in p.get("Underlying_CSP_Package_ID") or []}
    }
    assert {row.package_id for row in report.rows} == expected
    assert all(row.runs_on_provider == "Amazon" for row in report.rows)


def test_changes_between_two_dates_agree_with_the_two_shares(engine: Engine) -> None:
    since, until = parse_user_instant("2018-01-01"), parse_user_instant("2019-01-01")
    report = fedramp_changes(engine, since, until, "legacy")
    counts = report.counts()
    assert set(counts) == set(KINDS)
    assert counts["new offering"] > 0 and counts["new letter"] > 0
    before = engine.scalar(
        "SELECT count(*) FROM fedramp_offering WHERE feed = 'fedramp-legacy' AND from_seq <= ? "
        "AND (to_seq IS NULL OR to_seq > ?)",
        [report.before.seq, report.before.seq],
    )
    after = engine.scalar(
        "SELECT count(*) FROM fedramp_offering WHERE feed = 'fedramp-legacy' AND from_seq <= ? "
        "AND (to_seq IS NULL OR to_seq > ?)",
        [report.after.seq, report.after.seq],
    )
    assert after - before == counts["new offering"] - counts["removed offering"]
    shares = [fedramp_share(engine, moment, feed="legacy") for moment in (since, until)]
    assert shares[0].snapshot == report.before and shares[1].snapshot == report.after


def test_changes_compare_one_feed_that_covers_both_dates(engine: Engine) -> None:
    # auto: the marketplace feed answers for 2025 but has nothing from 2019, so the legacy
    # feed, which covers both, is compared with itself
    report = fedramp_changes(
        engine, parse_user_instant("2019-01-01"), parse_user_instant("2025-01-01")
    )
    assert report.before.feed == report.after.feed == "fedramp-legacy"
    with pytest.raises(UsageError, match="--feed"):  # a feed named that lacks the first date
        fedramp_changes(
            engine,
            parse_user_instant("2019-01-01"),
            parse_user_instant("2025-01-01"),
            "marketplace",
        )
    with pytest.raises(UsageError):
        fedramp_changes(
            engine, parse_user_instant("2020-01-01"), parse_user_instant("2019-01-01"), "legacy"
        )


def test_timeline_points_equal_single_shares(engine: Engine) -> None:
    series = fedramp_timeline(
        engine, dt.date(2015, 1, 1), dt.date(2021, 6, 30), "year", feed="legacy"
    )
    assert [p.as_of.date() for p in series.points] == [
        dt.date(y, 12, 31) for y in range(2016, 2021)
    ] + [dt.date(2021, 6, 30)]
    for point in series.points:
        single = fedramp_share(engine, point.as_of, feed="legacy")
        assert [(r.provider, r.count) for r in point.rows] == [
            (r.provider, r.count) for r in single.rows
        ]
    assert series.leaders(3)


def test_change_rows_keep_their_change_kind(engine: Engine) -> None:
    report = fedramp_changes(
        engine, parse_user_instant("2018-01-01"), parse_user_instant("2019-01-01"), "legacy"
    )
    assert {change.kind for change in report.changes} <= set(KINDS)
    letters = [c for c in report.changes if c.kind == "new letter"]
    assert letters and {c.letter_kind for c in letters} <= {"initial", "letter"}
    assert all(set(c.to_json([])) == {"kind", "package_id", "agency", "subagency",
                                      "letter_kind", "citations"} for c in letters)  # fmt: skip
    assert set(Change.FIELDS) == set(KINDS)


def test_changes_are_in_one_order_however_duckdb_returns_ties(engine: Engine) -> None:
    # letters of one offering and agency differ by subagency or kind: ordered by those too
    # (ordered by offering and agency only, two identical calls listed them in two orders)
    since, until = parse_user_instant("2023-01-01"), parse_user_instant("2023-03-01")
    report = fedramp_changes(engine, since, until, "legacy")
    for kind in ("new letter", "removed letter", "re-stamped letter date"):
        rows = [
            (c.package_id, c.agency or "", c.subagency or "", c.letter_kind or "", c.before or "")
            for c in report.changes
            if c.kind == kind
        ]
        assert rows == sorted(rows), kind
    letters = [(c.package_id, c.agency) for c in report.changes if c.kind == "new letter"]
    assert len(letters) > len(set(letters))  # ties on offering and agency are there to order
    engine.execute("SET threads = 1")  # DuckDB's order of ties changes with its threads
    try:
        again = fedramp_changes(engine, since, until, "legacy")
    finally:
        engine.execute("RESET threads")
    assert again.changes == report.changes
