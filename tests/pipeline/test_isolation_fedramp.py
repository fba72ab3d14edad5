"""One bad FedRAMP snapshot, never the run: each trigger found in issue 11, crafted from a real
snapshot, is recorded as failed (where and why) while the snapshots around it are stored whole.
A malformed snapshot is not an empty market, and one that would remove most of it is held."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import legacy_snapshots, marketplace_snapshots
from tests.support.stores import build_store, live_facts, parsed_facts
from whosbehind.errors import StoreError
from whosbehind.pipeline.ingest_fedramp import FedrampIngest
from whosbehind.sources.fedramp.source import FEDRAMP
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store.engine import Engine

GOOD = legacy_snapshots(first=3000, count=3)
LEGACY_FEED = "fedramp-legacy"


def mutated(raw: RawSnapshot, change: Callable[[Any], None]) -> RawSnapshot:
    """``raw`` with ``change`` applied to its parsed JSON (same locator, commit and time)."""
    document = orjson.loads(raw.content)
    change(document)
    return dataclasses.replace(raw, content=orjson.dumps(document), sha256="")


def first_provider(document: Any) -> dict[str, Any]:
    provider: dict[str, Any] = document["data"]["Providers"][0]
    return provider


def _set(field: str, value: object) -> Callable[[Any], None]:
    return lambda document: first_provider(document).__setitem__(field, value)


def _data(field: str, value: object) -> Callable[[Any], None]:
    return lambda document: document["data"].__setitem__(field, value)


TRIGGERS: dict[str, tuple[Callable[[Any], None], str]] = {
    "letters as a string": (_set("Leveraged_ATO_Letters", "see letter"), "is a string"),
    "letters as an object": (_set("Leveraged_ATO_Letters", {"a": 1}), "is an object"),
    "Providers null": (_data("Providers", None), "data.Providers is null"),
    "Providers an object": (_data("Providers", {"F1": {}}), "data.Providers is an object"),
    "Assessors a string": (_data("Assessors", "none"), "data.Assessors is a string"),
}


def _assert_isolated(tmp_db: Path, bad: RawSnapshot, reason: str) -> None:
    summary = build_store(tmp_db, [GOOD[0], bad, GOOD[2]])
    engine = Engine(tmp_db, read_only=True)
    rows = engine.rows(
        "SELECT status, error, commit_id FROM snapshot WHERE sha256 = ?", [bad.sha256]
    )
    stored = engine.rows("SELECT seq FROM snapshot WHERE sha256 = ?", [GOOD[2].sha256])
    facts = live_facts(engine, LEGACY_FEED, stored[0]["seq"]) if stored else set()
    engine.close()
    # the run completed; the bad snapshot is recorded where (commit) and why (field, record)
    assert summary.failed == 1 and summary.snapshots_stored == 2
    assert rows == [{"status": "failed", "error": rows[0]["error"], "commit_id": bad.commit}]
    assert reason in rows[0]["error"] and bad.locator in summary.errors[0]
    # nothing after it is lost: the next snapshot is stored whole
    assert facts == parsed_facts(GOOD[2])


@pytest.mark.parametrize("name", sorted(TRIGGERS))
def test_a_malformed_snapshot_fails_alone(tmp_db: Path, name: str) -> None:
    change, reason = TRIGGERS[name]
    _assert_isolated(tmp_db, mutated(GOOD[1], change), reason)


@pytest.mark.parametrize("placeholder", ["0001-01-01T00:00:00Z", "9999-12-31T23:00:00-05:00"])
def test_a_placeholder_date_in_a_record_is_read_as_empty_and_flagged(
    tmp_db: Path, placeholder: str
) -> None:
    """Year 1 once overflowed (OverflowError) and failed the whole snapshot; now that date
    alone is empty, and the snapshot's audit says which value was set aside."""
    bad = mutated(GOOD[1], _set("Original_Authorization_Date", placeholder))
    package = first_provider(orjson.loads(bad.content))["Package_ID"]
    summary = build_store(tmp_db, [GOOD[0], bad, GOOD[2]])
    engine = Engine(tmp_db, read_only=True)
    try:
        status = engine.scalar("SELECT status FROM snapshot WHERE sha256 = ?", [bad.sha256])
        flagged = engine.rows(
            "SELECT a.path, a.count FROM audit_field a JOIN snapshot s USING (feed, seq) "
            "WHERE s.sha256 = ? AND a.path LIKE '(implausible date%'",
            [bad.sha256],
        )
        dates = engine.rows(
            "SELECT authorization_date FROM fedramp_offering WHERE feed = ? AND package_id = ? "
            "AND from_seq = (SELECT seq FROM snapshot WHERE sha256 = ?)",
            [LEGACY_FEED, package, bad.sha256],
        )
    finally:
        engine.close()
    assert summary.failed == 0 and summary.snapshots_stored == 3 and status == "ok"
    assert flagged == [{"path": f"(implausible date, read as empty) {placeholder}", "count": 1}]
    assert dates == [{"authorization_date": None}]


def test_a_letter_that_is_not_an_object_is_counted_not_fatal(tmp_db: Path) -> None:
    def change(document: Any) -> None:
        first_provider(document)["Leveraged_ATO_Letters"] = ["not a letter", 7]

    bad = mutated(GOOD[1], change)
    summary = build_store(tmp_db, [GOOD[0], bad, GOOD[2]])
    assert summary.failed == 0 and summary.snapshots_stored == 3
    assert summary.warnings["Providers[].Leveraged_ATO_Letters[] entry that is not an object"] == 2


def test_nesting_600_deep_fails_that_snapshot_only(tmp_db: Path) -> None:
    bad = mutated(GOOD[1], _set("CSO_Description", "DEEP"))
    deep = b"[" * 600 + b"]" * 600  # orjson writes at most 255 levels: spliced in as text
    bad = dataclasses.replace(bad, content=bad.content.replace(b'"DEEP"', deep, 1), sha256="")
    # kept as a file (a file's raw copy is redacted, where the nesting used to overflow)
    bad = dataclasses.replace(bad, kind="file", commit=None, locator="/feeds/data/data.json")
    summary = build_store(tmp_db, [GOOD[0], bad, GOOD[2]])
    assert summary.snapshots_stored + summary.failed == 3
    assert summary.snapshots_read == 3 and GOOD[2].sha256 in _stored(tmp_db)


def test_a_placeholder_header_date_in_the_marketplace_feed(tmp_db: Path) -> None:
    good = marketplace_snapshots(first=400, count=3)
    bad = mutated(
        good[1],
        lambda document: document["meta"].__setitem__("last_change", "0001-01-01T00:00:00Z"),
    )
    summary = build_store(tmp_db, [good[0], bad, good[2]])
    assert summary.snapshots_read == 3 and good[2].sha256 in _stored(tmp_db)
    assert summary.snapshots_stored + summary.failed + summary.skipped == 3


def test_any_exception_from_one_record_is_recorded_and_the_run_goes_on(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = mutated(GOOD[1], _set("Cloud_Service_Provider_Name", "Explodes Inc"))
    real = FEDRAMP.parse

    def parse(raw: RawSnapshot) -> Any:
        if raw.sha256 == bad.sha256:
            raise KeyError("a reader bug")
        return real(raw)

    monkeypatch.setattr(FEDRAMP, "parse", parse)
    summary = build_store(tmp_db, [GOOD[0], bad, GOOD[2]])
    assert summary.failed == 1 and summary.snapshots_stored == 2
    assert "KeyError: 'a reader bug'" in summary.errors[0]


@pytest.mark.parametrize("fatal", [KeyboardInterrupt(), MemoryError(), StoreError("disk gone")])
def test_what_must_abort_the_run_still_does(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch, fatal: BaseException
) -> None:
    def parse(raw: RawSnapshot) -> Any:
        raise fatal

    monkeypatch.setattr(FEDRAMP, "parse", parse)
    with pytest.raises(type(fatal)):
        build_store(tmp_db, [GOOD[1]])
    engine = Engine(tmp_db, read_only=True)
    assert engine.scalar("SELECT count(*) FROM snapshot") == 0
    engine.close()


# ---------------------------------------------------------------- mass removal


def _keep_providers(count: int) -> Callable[[Any], None]:
    return lambda document: document["data"].__setitem__(
        "Providers", document["data"]["Providers"][:count]
    )


def test_a_snapshot_that_removes_most_of_the_market_is_held_until_confirmed(
    tmp_db: Path,
) -> None:
    cut = mutated(GOOD[1], _keep_providers(5))
    summary = build_store(tmp_db, [GOOD[0], cut])
    engine = Engine(tmp_db)
    held = engine.rows("SELECT status, error FROM snapshot WHERE sha256 = ?", [cut.sha256])
    open_before = engine.scalar(
        "SELECT count(*) FROM fedramp_offering WHERE feed = ? AND to_seq IS NULL", [LEGACY_FEED]
    )
    assert summary.held == 1 and summary.snapshots_stored == 1
    assert held[0]["status"] == "held" and "--accept-removals" in held[0]["error"]
    assert open_before == len({f for f in parsed_facts(GOOD[0]) if f[0] == "fedramp_offering"})
    # a later run without the flag does not read it again; with it, the snapshot is applied
    again = FedrampIngest(engine)
    again.add(cut)
    assert again.summary.already_seen == 1 and again.summary.held == 0
    job = FedrampIngest(engine, accept_removals=True)
    job.add(cut)
    seq = engine.scalar("SELECT seq FROM snapshot WHERE sha256 = ? AND status = 'ok'", [cut.sha256])
    assert job.summary.snapshots_stored == 1 and live_facts(
        engine, LEGACY_FEED, seq
    ) == parsed_facts(cut)
    engine.close()


def test_ordinary_days_are_never_held(tmp_db: Path) -> None:
    # a real fortnight of daily changes, and the removal of a quarter of the market
    days = legacy_snapshots(first=3000, count=14)
    quarter = mutated(
        days[-1],
        lambda d: d["data"].__setitem__(
            "Providers", d["data"]["Providers"][len(d["data"]["Providers"]) // 4 :]
        ),
    )
    summary = build_store(tmp_db, [*days[:-1], quarter])
    assert summary.held == 0 and summary.snapshots_stored == 14


def _stored(tmp_db: Path) -> set[str]:
    engine = Engine(tmp_db, read_only=True)
    found = {r["sha256"] for r in engine.rows("SELECT sha256 FROM snapshot WHERE status = 'ok'")}
    engine.close()
    return found
