"""What every registered source declares holds in the rest of whosbehind: its feeds are its
own, the store has a table for each of its fact types, resolution has a collector for each
name it feeds, and ``whosbehind ingest`` has a command for it."""

from __future__ import annotations

from pathlib import Path

import typer.main

from whosbehind.cli.app import app
from whosbehind.model.snapshot_facts import SNAPSHOT_FACT_TYPES
from whosbehind.resolve.records import COLLECTORS
from whosbehind.sources.registry import SNAPSHOT_SOURCES, SOURCES, source_of_feed
from whosbehind.store.contracts.schema import CONTRACT_TABLES
from whosbehind.store.engine import Engine
from whosbehind.store.schema import create_all


def test_every_feed_belongs_to_one_source() -> None:
    feeds = [feed for source in SOURCES.values() for feed in source.feeds]
    assert len(feeds) == len(set(feeds))
    assert all(source_of_feed(feed) is not None for feed in feeds)
    assert source_of_feed("no-such-feed") is None


def test_snapshot_sources_are_the_ones_versioned_by_snapshot() -> None:
    by_snapshot = {name for name, s in SOURCES.items() if s.versioning == "snapshot"}
    assert by_snapshot == set(SNAPSHOT_SOURCES) == {"fedramp", "sec"}
    assert all(SOURCES[name] is source for name, source in SNAPSHOT_SOURCES.items())


def test_the_store_has_a_table_for_every_fact_type(tmp_path: Path) -> None:
    snapshot_kinds = {k for s in SNAPSHOT_SOURCES.values() for k in s.fact_types}
    assert snapshot_kinds == set(SNAPSHOT_FACT_TYPES)
    record_tables = {
        k.TABLE for s in SOURCES.values() if s.versioning == "record" for k in s.fact_types
    }
    assert record_tables <= {t.name for t in CONTRACT_TABLES} | {"contract_quarantine"}
    engine = Engine(tmp_path / "store.duckdb")
    try:
        create_all(engine)
        tables = {row[0] for row in engine.connection.execute("SHOW TABLES").fetchall()}
    finally:
        engine.close()
    assert {kind.TABLE for kind in SNAPSHOT_FACT_TYPES} <= tables


def test_every_org_record_name_has_a_collector_and_every_collector_a_source() -> None:
    declared = {name for source in SOURCES.values() for name in source.org_records}
    assert declared == {collector.name for collector in COLLECTORS}


def test_every_source_has_an_ingest_command() -> None:
    root = typer.main.get_command(app)
    ingest = root.commands["ingest"]  # type: ignore[attr-defined]
    assert set(SOURCES) <= set(ingest.commands)
