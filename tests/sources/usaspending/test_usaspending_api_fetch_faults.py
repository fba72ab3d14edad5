"""Faults injected by the loopback server (429, 500, timeouts, cut bodies), giving up, the saved
state file, and query validation."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.replay_server import ReplayServer, Reply, UsaspendingReplay
from whosbehind.errors import SourceError, UsageError
from whosbehind.model.timeutil import UTC
from whosbehind.sources.usaspending.api_fetch import (
    CONTRACT_TYPES,
    ApiQuery,
    ApiSnapshot,
    iter_api_pages,
)
from whosbehind.sources.usaspending.api_http import RetryPolicy, parse_retry_after
from whosbehind.sources.usaspending.api_state import SyncState

FY2018 = (dt.date(2017, 10, 1), dt.date(2018, 9, 30))
CONTRACTS = ApiQuery("8000", *FY2018, award_types=CONTRACT_TYPES, page_size=2)
FIRST_AWARD = "CONT_AWD_GSFC0200211DNAS502200_8000_-NONE-_-NONE-"
ATTEMPTS = RetryPolicy().attempts
TIMEOUT = 0.2


@pytest.fixture
def replay(api_responses: Path) -> UsaspendingReplay:
    return UsaspendingReplay(api_responses)


@pytest.fixture
def server(replay: UsaspendingReplay) -> Iterator[ReplayServer]:
    with ReplayServer(replay) as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=TIMEOUT) as opened:
        yield opened


def fetch(
    server: ReplayServer, client: httpx.Client, sleeps: list[float], **options: Any
) -> Iterator[Any]:
    options.setdefault("state", SyncState())
    return iter_api_pages(
        CONTRACTS, client, base_url=server.base_url, sleep=sleeps.append, **options
    )


def test_faults_are_retried_with_backoff_and_retry_after(
    server: ReplayServer,
    client: httpx.Client,
    replay: UsaspendingReplay,
    caplog: pytest.LogCaptureFixture,
) -> None:
    page = replay.page_bytes("contracts", 1)
    server.inject(
        "POST",
        "search/spending_by_award/",
        Reply.of_json({"detail": "Request was throttled."}, 429, headers={"Retry-After": "2"}),
        Reply.of_json({"detail": "A server error occurred."}, 500),
        Reply(200, page, truncate_at=len(page) // 2),  # the connection drops mid-body
        Reply(200, page, delay=TIMEOUT * 3),  # slower than the client waits
        Reply(200, page[:-40]),  # a whole HTTP message, but the JSON is cut
    )
    server.inject("GET", "awards/", Reply(429))  # throttled without a Retry-After
    sleeps: list[float] = []
    with caplog.at_level(logging.WARNING, "whosbehind.sources.usaspending.api_http"):
        snapshots = list(fetch(server, client, sleeps))
    assert len(snapshots) == 16
    seen = [record.getMessage().split(": ", 1)[1].split(";")[0] for record in caplog.records]
    assert seen[:4] == ["HTTP 429", "HTTP 500", seen[2], "timeout (ReadTimeout)"]
    assert seen[2].startswith("RemoteProtocolError: peer closed connection")
    assert seen[4].startswith("HTTP 200 with a body that is not a JSON object")
    assert seen[5] == "HTTP 429" and len(seen) == 6
    assert all("{" not in record.getMessage() for record in caplog.records)  # no bodies logged
    first = snapshots[0]
    assert isinstance(first, ApiSnapshot) and first.content == page
    searches = server.calls("POST", "search/")
    assert len(searches) == 5 + 3 and len({r.body for r in searches[:6]}) == 1
    assert sleeps[0] == 2.0  # Retry-After, as given
    for attempt, slept in enumerate(sleeps[1:5], start=2):  # 2, 4, 8, 16 s plus <= 25%
        assert 2 ** (attempt - 1) <= slept <= 1.25 * 2 ** (attempt - 1)
    assert 1.0 <= sleeps[5] <= 1.25 and len(sleeps) == 6  # the award's 429: first backoff
    assert len(server.calls("GET", f"awards/{FIRST_AWARD}/")) == 2


def test_giving_up_names_the_url_the_attempts_and_the_last_status(
    server: ReplayServer, client: httpx.Client
) -> None:
    server.inject("GET", "awards/", *[Reply.of_json({"detail": "boom"}, 503)] * ATTEMPTS)
    sleeps: list[float] = []
    state = SyncState()
    received = []
    with pytest.raises(SourceError) as raised:
        for snapshot in fetch(server, client, sleeps, state=state):
            received.append(snapshot)
    message = str(raised.value)
    assert f"GET {server.base_url}awards/{FIRST_AWARD}/" in message
    assert f"gave up after {ATTEMPTS} attempts" in message and "HTTP 503" in message
    assert len(sleeps) == ATTEMPTS - 1 and len(received) == 1  # the search page came through
    run = state.streams[CONTRACTS.stream_key("contracts")].run
    assert run is not None and run.pending[0] == FIRST_AWARD and not run.detail_done


def test_timeouts_every_time_end_in_a_source_error(server: ReplayServer) -> None:
    server.inject("POST", "transactions/", *[Reply(200, b"{}", delay=0.3)] * ATTEMPTS)
    with (
        httpx.Client(timeout=0.1) as impatient,
        pytest.raises(SourceError, match=r"transactions/: gave up after \d+ attempts .*timeout"),
    ):
        list(fetch(server, impatient, []))


def test_a_refused_request_fails_at_once_with_the_api_message(
    server: ReplayServer, client: httpx.Client
) -> None:
    detail = "Field 'filters|time_period|start_date' is outside valid values ['2007-10-01']"
    server.inject("POST", "search/", Reply.of_json({"detail": detail}, 422))
    sleeps: list[float] = []
    with pytest.raises(SourceError, match="HTTP 422") as raised:
        list(fetch(server, client, sleeps))
    assert detail in str(raised.value) and "spending_by_award/" in str(raised.value)
    assert sleeps == [] and len(server.calls("POST", "search/")) == 1


def test_an_award_gone_since_the_search_is_skipped(
    server: ReplayServer, client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    gone = {"detail": f"No award found with: '{FIRST_AWARD}'"}
    server.inject("GET", f"awards/{FIRST_AWARD}/", Reply.of_json(gone, 404))
    with caplog.at_level(logging.WARNING):
        snapshots = list(fetch(server, client, []))
    assert len(snapshots) == 14  # neither its detail nor its transactions
    assert all(s.award_key != FIRST_AWARD for s in snapshots)
    assert f"award {FIRST_AWARD} skipped" in caplog.text


def test_a_page_without_pagination_aborts_the_run(
    server: ReplayServer, client: httpx.Client
) -> None:
    server.inject("POST", "search/", Reply.of_json({"results": []}))
    with pytest.raises(SourceError, match="page_metadata") as raised:
        list(fetch(server, client, []))
    assert type(raised.value) is SourceError  # not a SnapshotError a loop would skip


def test_retry_after_may_be_an_http_date() -> None:
    now = dt.datetime(2025, 8, 20, 12, 0, tzinfo=UTC)
    assert parse_retry_after("Wed, 20 Aug 2025 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Wed, 20 Aug 2025 11:00:00 GMT", now) == 0.0
    assert parse_retry_after(" 7 ", now) == 7.0
    assert parse_retry_after("soon", now) is None and parse_retry_after(None) is None


def test_the_state_file_round_trips_and_is_replaced_atomically(
    server: ReplayServer, client: httpx.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state" / "sync.json"
    assert SyncState.load(path).streams == {}
    state = SyncState(overlap=dt.timedelta(days=5))
    snapshots = fetch(server, client, [], state=state)
    for _ in range(7):
        next(snapshots)
    state.save(path)
    loaded = SyncState.load(path)
    assert loaded == state and loaded.overlap == dt.timedelta(days=5)
    saved = json.loads(path.read_text())
    (stream,) = saved["streams"].values()
    assert stream["run"]["last_page"] == 2 and stream["run"]["mode"] == "full"
    assert stream["high_water"] == "2025-07-16"

    before = path.read_bytes()
    for _ in range(3):
        next(snapshots)

    def fail(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        state.save(path)
    assert path.read_bytes() == before and os.listdir(path.parent) == ["sync.json"]


def test_a_damaged_state_file_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "sync.json"
    path.write_text('{"version": 1, "streams": {"k": {"run": {"mode": "sometimes"}}}}')
    with pytest.raises(SourceError, match="not a whosbehind sync state"):
        SyncState.load(path)
    path.write_text("{")
    with pytest.raises(SourceError, match=r"sync\.json"):
        SyncState.load(path)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"agency": " "}, "agency"),
        ({"start": dt.date(2019, 1, 1)}, "after end"),
        ({"page_size": 101}, "page size"),
        ({"award_types": ("A", "02")}, "got 02"),
        ({"award_types": ()}, "got none"),
    ],
)
def test_queries_are_checked(changes: dict[str, Any], message: str) -> None:
    fields: dict[str, Any] = {"agency": "7012", "start": FY2018[0], "end": FY2018[1], **changes}
    with pytest.raises(UsageError, match=message):
        ApiQuery(**fields)


def test_each_award_type_group_is_its_own_stream() -> None:
    query = ApiQuery("7012", *FY2018, award_types=("IDV_A", "A", "C"))
    assert query.groups() == [("contracts", ("A", "C")), ("idvs", ("IDV_A",))]
    assert query.stream_key("idvs") == "agency=7012|idvs=IDV_A|2017-10-01..2018-09-30|page_size=100"
