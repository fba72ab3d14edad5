"""Ingest keeps every version, writes only changes, and reconstructs any stored snapshot."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.conftest import ORG_EXPORT, legacy_snapshots, marketplace_snapshots
from tests.support.stores import build_store, live_facts, parsed_facts
from whosbehind.pipeline.ingest_fedramp import FedrampIngest
from whosbehind.sources.fetch import read_file
from whosbehind.store.engine import Engine

LEGACY = legacy_snapshots(every=97, count=30) + legacy_snapshots(first=2000, count=6)
LEGACY.sort(key=lambda raw: raw.fallback_time)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ingest") / "store.duckdb"
    build_store(path, LEGACY)
    return path


def test_every_stored_snapshot_is_reconstructed_exactly(store: Path) -> None:
    engine = Engine(store, read_only=True)
    seqs = engine.rows("SELECT seq, sha256 FROM snapshot WHERE status = 'ok' ORDER BY seq")
    by_sha = {raw.sha256: raw for raw in LEGACY}
    assert len(seqs) == len(LEGACY)
    for row in seqs[::5] + seqs[-2:]:
        expected = parsed_facts(by_sha[row["sha256"]])
        assert live_facts(engine, "fedramp-legacy", row["seq"]) == expected
    engine.close()


def test_only_changes_are_written(store: Path) -> None:
    engine = Engine(store, read_only=True)
    versions = engine.scalar("SELECT count(*) FROM fedramp_authorization")
    every_row = sum(
        sum(1 for fact in facts if fact[0] == "fedramp_authorization")
        for facts in map(parsed_facts, LEGACY)
    )
    assert 0 < versions < every_row / 3
    engine.close()


def test_ingesting_again_changes_nothing(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(store.read_bytes())
    before = _table_counts(copy)
    summary = build_store(copy, LEGACY)
    assert summary.already_seen == len(LEGACY)
    assert summary.snapshots_stored == 0
    assert _table_counts(copy) == before


def test_a_malformed_snapshot_is_recorded_failed_and_the_rest_ingested(tmp_db: Path) -> None:
    good = legacy_snapshots(first=3000, count=3)
    broken = dataclasses.replace(
        good[1], content=good[1].content[: len(good[1].content) // 2], sha256=""
    )
    summary = build_store(tmp_db, [good[0], broken, good[2]])
    assert summary.failed == 1 and summary.snapshots_stored == 2
    assert broken.commit and broken.commit in summary.errors[0]
    assert "line" in summary.errors[0] and "column" in summary.errors[0]
    engine = Engine(tmp_db, read_only=True)
    failed = engine.rows("SELECT * FROM snapshot WHERE status = 'failed'")
    assert len(failed) == 1 and failed[0]["commit_id"] == broken.commit
    engine.close()


def test_snapshots_older_than_the_newest_are_skipped_with_a_reason(tmp_db: Path) -> None:
    newer, older = legacy_snapshots(first=3000, count=2)[::-1]
    summary = build_store(tmp_db, [newer, older])
    assert summary.snapshots_stored == 1 and summary.skipped == 1


def test_repeated_body_with_new_timestamp_is_stored_without_parsing(tmp_db: Path) -> None:
    # Legacy snapshots after 2024-01-10 repeat the same body under a new timestamp.
    late = legacy_snapshots(first=4100, count=3)
    summary = build_store(tmp_db, late)
    assert summary.snapshots_stored == 3
    assert summary.unchanged == 2
    engine = Engine(tmp_db, read_only=True)
    digests = engine.rows("SELECT DISTINCT payload_digest FROM snapshot")
    assert len(digests) == 1
    engine.close()


def test_all_formats_together_and_raw_copies_redacted(tmp_db: Path) -> None:
    files = [
        read_file(ORG_EXPORT / name)
        for name in ("fedramp-products.json", "fedramp-status-changelog.json")
    ]
    summary = build_store(tmp_db, [*marketplace_snapshots(first=1, every=400), *files])
    assert summary.failed == 0
    engine = Engine(tmp_db, read_only=True)
    feeds = {row["feed"] for row in engine.rows("SELECT DISTINCT feed FROM snapshot")}
    assert feeds == {"fedramp-marketplace", "fedramp-org-products", "fedramp-org-status"}
    from whosbehind.store.snapshots import raw_content

    kept = raw_content(engine, files[0].sha256)
    assert kept is not None and b"sales_email" not in kept and b"Akamai" in kept
    assert b"sales_email" in files[0].content
    engine.close()


def _table_counts(path: Path) -> dict[str, int]:
    engine = Engine(path, read_only=True)
    tables = [
        row["table_name"]
        for row in engine.rows("SELECT table_name FROM information_schema.tables ORDER BY 1")
    ]
    counts = {table: int(engine.scalar(f"SELECT count(*) FROM {table}")) for table in tables}
    engine.close()
    return counts


def test_state_loaded_from_the_store_continues_a_history(tmp_db: Path) -> None:
    first, second = LEGACY[:10], LEGACY[10:14]
    build_store(tmp_db, first)
    build_store(tmp_db, second)  # a new process: state comes from the store
    engine = Engine(tmp_db, read_only=True)
    last = engine.scalar("SELECT max(seq) FROM snapshot WHERE status = 'ok'")
    assert live_facts(engine, "fedramp-legacy", last) == parsed_facts(second[-1])
    engine.close()
    job = FedrampIngest(Engine(tmp_db))
    assert job.summary.snapshots_read == 0
    job.engine.close()


def test_a_folder_is_ingested_in_record_time_order(tmp_path: Path, tmp_db: Path) -> None:
    picked = legacy_snapshots(first=2400, every=30, count=4)  # before 2022-06-15's held ones
    folder = tmp_path / "snapshots"
    folder.mkdir()
    for number, raw in enumerate(reversed(picked)):  # names sort newest first
        (folder / f"{number:02d}.json").write_bytes(raw.content)
    engine = Engine(tmp_db)
    summary = FedrampIngest(engine).run(str(folder))
    assert summary.snapshots_stored == 4 and summary.skipped == 0
    stored = [row["sha256"] for row in engine.rows("SELECT sha256 FROM snapshot ORDER BY seq")]
    assert stored == [raw.sha256 for raw in picked]
    engine.close()


def test_the_live_feed_is_fetched_and_kept_redacted(tmp_db: Path) -> None:
    import httpx

    from whosbehind.sources.fedramp.metadata import DEFAULT_URL
    from whosbehind.store.snapshots import raw_content

    published = marketplace_snapshots(first=1000, count=1)[0]
    seen: list[str] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=published.content)

    engine = Engine(tmp_db)
    with httpx.Client(transport=httpx.MockTransport(upstream)) as client:
        summary = FedrampIngest(engine).run(None, client=client)
    assert seen == [DEFAULT_URL] and summary.snapshots_stored == 1
    row = engine.rows("SELECT kind, locator, sha256 FROM snapshot")[0]
    assert row == {"kind": "url", "locator": DEFAULT_URL, "sha256": published.sha256}
    kept = raw_content(engine, published.sha256)
    assert kept is not None and b'"security_email"' not in kept
    assert b'"security_email"' in published.content
    engine.close()
