"""A sync state file describes one store: beside a new or restored store that lacks the last
response it saw, it is ignored (the sync reads the whole period, not only what changed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.support.contracts import API_RESPONSES
from whosbehind.pipeline.contracts.ingest import _stale
from whosbehind.pipeline.contracts.job import ContractIngest
from whosbehind.sources.fetch import read_file
from whosbehind.sources.usaspending import metadata
from whosbehind.sources.usaspending.api_state import SyncState
from whosbehind.store.engine import Engine


def _state(mark: str | None) -> SyncState:
    state = SyncState(store_mark=mark)
    state.stream("contracts").saw_modified(dt.date(2025, 7, 16))
    return state


def test_a_state_is_tied_to_the_store_that_holds_its_last_response(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "s.duckdb")
    job = ContractIngest(engine)
    raw = read_file(API_RESPONSES / "spending_by_award_contracts.json")
    assert _stale(_state(raw.sha256), job)  # a new store: stale
    assert _stale(_state(None), job)  # a state without a mark, a store without responses
    assert not _stale(SyncState(), job)  # nothing to be stale about
    job.add_page(raw, metadata.FEED_API)
    assert not _stale(_state(raw.sha256), job)
    assert _stale(_state("0" * 64), job)  # a restored store that lacks the last response
    engine.close()


def test_the_mark_round_trips_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sync.json"
    _state("ab" * 32).save(path)
    assert SyncState.load(path).store_mark == "ab" * 32
