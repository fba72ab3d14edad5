"""Live fetching, replayed: a real HTTP server on 127.0.0.1 serves recorded API responses."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.replay_server import ReplayServer, UsaspendingReplay
from whosbehind.errors import SnapshotError, SourceError
from whosbehind.model.contracts import Award, Transaction
from whosbehind.model.timeutil import now_utc
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.sources.usaspending.api_fetch import (
    CONTRACT_TYPES,
    SEARCH_FIELDS,
    ApiQuery,
    ApiSnapshot,
    iter_api_pages,
    read_api_snapshot,
)
from whosbehind.sources.usaspending.api_reader import (
    load_json,
    parse_award_detail,
    parse_award_search,
    parse_transactions,
)
from whosbehind.sources.usaspending.api_state import SyncState

NASA = "National Aeronautics and Space Administration"
FY2018 = (dt.date(2017, 10, 1), dt.date(2018, 9, 30))
QUERY = ApiQuery("8000", *FY2018)
CONTRACTS = ApiQuery("8000", *FY2018, award_types=CONTRACT_TYPES, page_size=2)
KEY = CONTRACTS.stream_key("contracts")
PAGE_2_CURSOR = (131499581, "10167075939.0")  # as recorded in search_results_contracts.json


def key(piid: str) -> str:
    return f"CONT_AWD_{piid}_8000_-NONE-_-NONE-"


ORDER = "CONT_AWD_80NM0018F0615_8000_80NM0018D0004_8000"
TRACERS = key("80GSFC18C0008")  # the award whose transactions come in two pages
CONTRACT_RUN = [
    ("spending_by_award", None, 1),
    ("award", key("GSFC0200211DNAS502200"), None),
    ("transactions", key("GSFC0200211DNAS502200"), 1),
    ("award", ORDER, None),
    ("transactions", ORDER, 1),
    ("spending_by_award", None, 2),
    ("award", TRACERS, None),
    ("transactions", TRACERS, 1),
    ("transactions", TRACERS, 2),
    ("award", key("NAS1510000"), None),
    ("transactions", key("NAS1510000"), 1),
    ("spending_by_award", None, 3),  # its last row repeats TRACERS: not fetched again
    ("award", key("NNJ06TA25C"), None),
    ("transactions", key("NNJ06TA25C"), 1),
    ("award", key("NNM07AB03C"), None),
    ("transactions", key("NNM07AB03C"), 1),
]

IDVS = ["CONT_IDV_NNJ09GA02B_8000", "CONT_IDV_80JSC019C0012_8000", "CONT_IDV_NNK10LB00B_8000"]
FULL_RUN = [
    *CONTRACT_RUN,
    ("spending_by_award", None, 1),
    *[step for idv in IDVS for step in (("award", idv, None), ("transactions", idv, 1))],
]


@pytest.fixture
def replay(api_responses: Path) -> UsaspendingReplay:
    return UsaspendingReplay(api_responses)


@pytest.fixture
def server(replay: UsaspendingReplay) -> Iterator[ReplayServer]:
    with ReplayServer(replay) as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as opened:
        yield opened


def fetch(
    server: ReplayServer,
    client: httpx.Client,
    query: ApiQuery = CONTRACTS,
    state: SyncState | None = None,
    **options: Any,
) -> Iterator[RawSnapshot]:
    options.setdefault("sleep", _no_sleep)
    return iter_api_pages(query, client, state, base_url=server.base_url, **options)


def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"unexpected backoff of {seconds}s")


def describe(snapshot: RawSnapshot) -> tuple[str, str | None, int | None]:
    assert isinstance(snapshot, ApiSnapshot)
    body = json.loads(snapshot.request_body) if snapshot.request_body else {}
    return snapshot.endpoint, snapshot.award_key, body.get("page")


def search_bodies(server: ReplayServer, since: int = 0) -> list[dict[str, Any]]:
    return [
        r.json()
        for r in server.requests[since:]
        if r.method == "POST" and r.path.endswith("/search/spending_by_award/")
    ]


def test_every_page_detail_and_transactions_page_once_in_order(
    server: ReplayServer, client: httpx.Client, replay: UsaspendingReplay
) -> None:
    snapshots = list(fetch(server, client))
    assert [describe(s) for s in snapshots] == CONTRACT_RUN
    data = [r for r in server.requests if "/agency/" not in r.path and "autocomplete" not in r.path]
    assert len(data) == len(snapshots)  # no retries, nothing fetched twice
    for snapshot, request in zip(snapshots, data, strict=True):
        assert isinstance(snapshot, ApiSnapshot)
        url = snapshot.locator.split("#")[0]
        assert url == server.base_url.removesuffix("/api/v2/") + request.path
        digest = hashlib.sha256(request.body).hexdigest()[:16]
        assert snapshot.locator == f"{url}#{digest}" and snapshot.request_body == request.body
        assert snapshot.kind == "url" and snapshot.commit is None
        assert snapshot.fallback_time.utcoffset() == dt.timedelta(0)
    assert snapshots[0].content == replay.page_bytes("contracts", 1)  # the bytes as served


def test_the_yielded_bytes_parse_with_the_api_readers(
    server: ReplayServer, client: httpx.Client
) -> None:
    awards: list[str] = []
    snapshots = list(fetch(server, client, QUERY))
    assert [describe(s) for s in snapshots] == FULL_RUN  # contracts, then IDVs
    for snapshot in snapshots:
        assert isinstance(snapshot, ApiSnapshot)
        payload = load_json(snapshot.content)
        if snapshot.endpoint == "spending_by_award":
            result = parse_award_search(payload, snapshot.locator)
            assert result.records and all(isinstance(r, Award) for r in result.records)
        elif snapshot.endpoint == "award":
            (award,) = parse_award_detail(payload, snapshot.locator).records
            assert isinstance(award, Award) and award.award_key == snapshot.award_key
            awards.append(award.award_key)
        else:
            assert snapshot.award_key is not None
            result = parse_transactions(payload, snapshot.award_key, snapshot.locator)
            assert result.records and all(isinstance(r, Transaction) for r in result.records)
        assert read_api_snapshot(snapshot).records  # the same, dispatched by endpoint
    assert awards[-3:] == IDVS
    assert len(awards) == len(set(awards)) == 9


def test_search_requests_follow_the_query_and_the_cursor(
    server: ReplayServer, client: httpx.Client
) -> None:
    list(fetch(server, client, QUERY))
    bodies = search_bodies(server)
    assert [(b["filters"]["award_type_codes"][0], b["page"]) for b in bodies] == [
        ("A", 1),
        ("A", 2),
        ("A", 3),
        ("IDV_A", 1),
    ]
    first = bodies[0]
    assert first["filters"] == {
        "award_type_codes": ["A", "B", "C", "D"],
        "agencies": [{"type": "awarding", "tier": "subtier", "name": NASA, "toptier_name": NASA}],
        "time_period": [
            {"start_date": "2017-10-01", "end_date": "2018-09-30", "date_type": "action_date"}
        ],
    }
    assert bodies[3]["filters"]["award_type_codes"] == [
        "IDV_A", "IDV_B", "IDV_B_A", "IDV_B_B", "IDV_B_C", "IDV_C", "IDV_D", "IDV_E",
    ]  # fmt: skip
    assert (first["limit"], first["sort"], first["order"], first["subawards"]) == (
        100,
        "Award ID",
        "asc",
        False,
    )
    assert first["fields"] == list(SEARCH_FIELDS["contracts"])
    assert "Last Modified Date" in first["fields"] and "Last Date to Order" in bodies[3]["fields"]
    assert "last_record_unique_id" not in first
    cursors = [(b["last_record_unique_id"], b["last_record_sort_value"]) for b in bodies[1:3]]
    assert cursors == [(111963182, "2856157775.98"), PAGE_2_CURSOR]
    transactions = [r.json() for r in server.calls("POST", "transactions/")]
    assert transactions[0] == {
        "award_id": key("GSFC0200211DNAS502200"),
        "page": 1,
        "limit": 5000,
        "sort": "action_date",
        "order": "asc",
    }


def test_agency_codes_are_resolved_to_the_names_the_api_filters_by(
    server: ReplayServer, client: httpx.Client
) -> None:
    list(fetch(server, client))
    assert [(r.method, r.path) for r in server.requests[:2]] == [
        ("GET", "/api/v2/agency/080/"),
        ("POST", "/api/v2/autocomplete/awarding_agency_office/"),
    ]
    assert server.requests[1].json()["search_text"] == NASA

    def agencies(agency: str) -> Any:
        since = len(server.requests)
        query = ApiQuery(agency, *FY2018, award_types=("A",))
        next(iter(fetch(server, client, query)))
        return search_bodies(server, since)[0]["filters"]["agencies"]

    assert agencies("080") == [{"type": "awarding", "tier": "toptier", "name": NASA}]
    since = len(server.requests)
    assert agencies("U.S. Immigration and Customs Enforcement") == [
        {"type": "awarding", "tier": tier, "name": "U.S. Immigration and Customs Enforcement"}
        for tier in ("toptier", "subtier")
    ]
    assert len(server.requests) == since + 1  # a name needs no look-up
    with pytest.raises(SourceError, match=r"no subtier agency 7012 under toptier 070 or 097"):
        next(iter(fetch(server, client, ApiQuery("7012", *FY2018))))


class Interrupted(Exception):
    pass


@pytest.mark.parametrize("stored_before_stop", range(len(FULL_RUN)))
def test_an_interrupted_run_resumes_with_the_first_snapshot_not_stored(
    server: ReplayServer, client: httpx.Client, tmp_path: Path, stored_before_stop: int
) -> None:
    """The consumer stores each snapshot, then saves the state; it fails on the next one."""
    path = tmp_path / "sync.json"
    stored: list[RawSnapshot] = []
    state = SyncState.load(path)
    with pytest.raises(Interrupted):
        for snapshot in fetch(server, client, QUERY, state):
            if len(stored) == stored_before_stop:
                raise Interrupted
            stored.append(snapshot)
            state.save(path)
    since = len(server.requests)
    rest = list(fetch(server, client, QUERY, SyncState.load(path)))
    assert [describe(s) for s in stored + rest] == FULL_RUN
    lookups = 2 if stored_before_stop == 0 else 0  # the agency, unless a run was saved
    assert len(server.requests) - since == len(rest) + lookups  # nothing stored is re-fetched


def test_interrupted_after_page_2_the_run_resumes_at_page_3_with_its_cursor(
    server: ReplayServer, client: httpx.Client, tmp_path: Path
) -> None:
    path = tmp_path / "sync.json"
    state = SyncState()
    with pytest.raises(Interrupted):
        for snapshot in fetch(server, client, state=state):
            if describe(snapshot) == ("spending_by_award", None, 3):
                raise Interrupted
            state.save(path)
    saved = SyncState.load(path)
    run = saved.streams[KEY].run
    assert run is not None and (run.last_page, run.pending, run.cursor) == (2, [], PAGE_2_CURSOR)
    assert run.last_page_keys == [TRACERS, key("NAS1510000")]
    since = len(server.requests)
    resumed = fetch(server, client, state=saved)
    assert describe(next(resumed)) == ("spending_by_award", None, 3)
    (body,) = search_bodies(server, since)
    assert (body["page"], body["last_record_unique_id"], body["last_record_sort_value"]) == (
        3,
        *PAGE_2_CURSOR,
    )
    assert body["filters"] == search_bodies(server)[0]["filters"]  # the pinned question
    assert len(list(resumed)) == 4
    assert saved.streams[KEY].run is None and saved.streams[KEY].runs_completed == 1


def test_closing_the_generator_mid_award_resumes_with_its_transactions(
    server: ReplayServer, client: httpx.Client, tmp_path: Path
) -> None:
    path = tmp_path / "sync.json"
    state = SyncState()
    snapshots = fetch(server, client, state=state)
    for snapshot in snapshots:
        state.save(path)
        if describe(snapshot) == ("transactions", TRACERS, 1):
            break
    snapshots.close()  # type: ignore[attr-defined]
    since = len(server.requests)
    resumed = list(fetch(server, client, state=SyncState.load(path)))
    assert describe(resumed[0]) == ("transactions", TRACERS, 2)
    assert server.requests[since].json()["page"] == 2
    assert [describe(s) for s in resumed] == CONTRACT_RUN[8:]


def test_an_incremental_run_asks_for_changes_since_the_high_water_mark(
    server: ReplayServer, client: httpx.Client
) -> None:
    state = SyncState()
    list(fetch(server, client, state=state))
    stream = state.streams[KEY]
    assert stream.high_water == dt.date(2025, 8, 19)  # the repeated row's Last Modified Date
    assert stream.last_full_recheck is not None and stream.run is None
    full_at = stream.last_full_recheck

    since = len(server.requests)
    today = now_utc().date()
    assert [describe(s) for s in fetch(server, client, state=state)] == CONTRACT_RUN
    (period,) = search_bodies(server, since)[0]["filters"]["time_period"]
    assert period["date_type"] == "last_modified_date"
    assert period["start_date"] == "2025-08-16"  # the mark minus the 3-day overlap
    tomorrows = {(day + dt.timedelta(days=1)).isoformat() for day in (today, now_utc().date())}
    assert period["end_date"] in tomorrows
    assert stream.last_full_recheck == full_at and stream.runs_completed == 2

    stream.last_full_recheck = full_at - dt.timedelta(days=8)  # a full re-check is due
    since = len(server.requests)
    list(fetch(server, client, state=state))
    (period,) = search_bodies(server, since)[0]["filters"]["time_period"]
    assert period == {
        "start_date": "2017-10-01",
        "end_date": "2018-09-30",
        "date_type": "action_date",
    }
    assert stream.last_full_recheck > full_at

    since = len(server.requests)
    list(fetch(server, client, state=state, full_recheck_every=dt.timedelta(0)))
    (period,) = search_bodies(server, since)[0]["filters"]["time_period"]
    assert period["date_type"] == "action_date"


def test_incremental_runs_skip_awards_signed_after_the_query(
    server: ReplayServer, client: httpx.Client
) -> None:
    query = ApiQuery("8000", dt.date(2005, 1, 1), dt.date(2010, 1, 1), CONTRACT_TYPES, 2)
    state = SyncState()
    list(fetch(server, client, query, state))  # full: the API applies the dates
    incremental = [describe(s) for s in fetch(server, client, query, state)]
    assert ("award", TRACERS, None) not in incremental  # signed 2018-03-05
    assert ("award", key("NAS1510000"), None) in incremental  # signed 1993, modified 2025


def test_a_consumer_can_stop_and_go_on_with_the_same_state_object(
    server: ReplayServer, client: httpx.Client
) -> None:
    state = SyncState()
    first = fetch(server, client, state=state)
    taken = [next(first) for _ in range(5)]
    first.close()  # type: ignore[attr-defined]
    rest = list(fetch(server, client, state=state))
    assert [describe(s) for s in taken + rest] == CONTRACT_RUN


def test_read_api_snapshot_needs_an_api_snapshot() -> None:
    plain = RawSnapshot("x.json", b"{}", now_utc())
    with pytest.raises(SnapshotError, match="not a USAspending API snapshot"):
        read_api_snapshot(plain)
    broken = ApiSnapshot("u#0", b"{", now_utc(), kind="url", endpoint="award")
    with pytest.raises(SnapshotError, match="not JSON"):
        read_api_snapshot(broken)
