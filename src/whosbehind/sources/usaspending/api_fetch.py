"""Live fetching from the USAspending API v2: award search pages, then each award's detail and
transactions, as raw snapshots, resumable and incremental.

For each award-type group of an ``ApiQuery`` (contracts and IDVs: the API refuses to mix groups
in one search) ``iter_api_pages``:

1. POSTs ``search/spending_by_award/`` page after page: the awarding agency (toptier or subtier
   by name; a code is first resolved to its name, since the API filters agencies by name only),
   the award types, and a ``time_period``. A *full* run filters by ``action_date`` over the
   query's dates; an *incremental* run by ``last_modified_date`` since the state's high-water
   mark minus a safety overlap, through tomorrow. A full re-check runs when none has run for
   ``full_recheck_every`` (that filter is known to miss records). Results are sorted by
   ``Award ID`` and paged with the ``search_after`` cursor the API returns
   (``last_record_unique_id``/``last_record_sort_value``), beyond its 50,000-row page window;
2. for every contract or IDV on the page, GETs ``awards/<generated id>/`` and POSTs
   ``transactions/`` page by page.

Every response becomes one ``ApiSnapshot`` (a ``RawSnapshot``): ``content`` the response bytes,
``locator`` the URL, ``#`` and the first 16 hex digits of the request body's sha256,
``fallback_time`` the retrieval time, plus the endpoint, award key and request body, which
``read_api_snapshot`` uses to parse it.

**State.** When a snapshot is yielded, ``state`` already describes the position *after* it.
Store the snapshot, then save the state (``SyncState.save``): a run stopped at any point
(an exception in the consumer, a closed generator, a killed process) resumes, from the saved
file, with the first snapshot not stored. A pass over a query starts a run for each group at
once, with its search filters fixed, so a resumed run asks the same question and a group done
before the interruption is not searched again. Incremental runs return the agency's awards
modified since the mark whatever their action dates; awards signed after ``query.end`` are not
fetched further. An award the API answers 404 for (deleted since the search) is skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from whosbehind.errors import SnapshotError, SourceError, UsageError
from whosbehind.model.timeutil import now_utc
from whosbehind.sources.fetch import USER_AGENT
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.sources.usaspending.api_http import ApiStatusError, call_api
from whosbehind.sources.usaspending.api_json import ApiResult, PageInfo, load_json, page_info
from whosbehind.sources.usaspending.api_reader import (
    parse_award_detail,
    parse_award_search,
    parse_transactions,
)
from whosbehind.sources.usaspending.api_state import RunState, StreamState, SyncState
from whosbehind.sources.usaspending.metadata import API_BASE

__all__ = [
    "API_BASE",
    "AWARD_TYPE_GROUPS",
    "CONTRACT_TYPES",
    "IDV_TYPES",
    "SEARCH_FIELDS",
    "ApiQuery",
    "ApiSnapshot",
    "SyncState",
    "iter_api_pages",
    "read_api_snapshot",
]

log = logging.getLogger(__name__)

CONTRACT_TYPES = ("A", "B", "C", "D")
IDV_TYPES = ("IDV_A", "IDV_B", "IDV_B_A", "IDV_B_B", "IDV_B_C", "IDV_C", "IDV_D", "IDV_E")
AWARD_TYPE_GROUPS: dict[str, tuple[str, ...]] = {"contracts": CONTRACT_TYPES, "idvs": IDV_TYPES}
_BASE_FIELDS = (
    "Award ID", "generated_internal_id", "Last Modified Date", "Base Obligation Date",
    "Recipient Name", "Recipient UEI", "Recipient DUNS Number", "recipient_id",
    "Recipient Location", "Primary Place of Performance", "Awarding Agency",
    "Awarding Agency Code", "Awarding Sub Agency", "Awarding Sub Agency Code", "Funding Agency",
    "Funding Agency Code", "Funding Sub Agency", "Funding Sub Agency Code", "Description",
    "Contract Award Type", "Award Amount", "Total Outlays", "Start Date", "NAICS", "PSC",
)  # fmt: skip
SEARCH_FIELDS: dict[str, tuple[str, ...]] = {
    "contracts": (*_BASE_FIELDS, "End Date"),
    "idvs": (*_BASE_FIELDS, "Last Date to Order"),
}
SEARCH_SORT = "Award ID"
MAX_PAGE_SIZE = 100  # the API's limit for spending_by_award
TRANSACTIONS_LIMIT = 5000  # the API's limit for transactions
DEFAULT_TIMEOUT = httpx.Timeout(120.0, connect=15.0)

SEARCH_PATH = "search/spending_by_award/"
AWARD_PATH = "awards/{key}/"
TRANSACTIONS_PATH = "transactions/"
AGENCY_PATH = "agency/{code}/"
AGENCY_AUTOCOMPLETE_PATH = "autocomplete/awarding_agency_office/"
_TOPTIER_CODE = re.compile(r"\d{3}")
_SUBTIER_CODE = re.compile(r"\d{2}[0-9A-Z]{2}")
_DEFENSE_TOPTIER = "097"  # Army, Navy, Air Force subtier codes do not start with 97
_CONTRACT_KEY_PREFIXES = ("CONT_AWD_", "CONT_IDV_")


@dataclass(frozen=True)
class ApiQuery:
    """Which awards to fetch: those an ``agency`` awarded (a toptier code such as ``"070"``, a
    subtier code such as ``"7012"``, or the agency's name exactly as USAspending spells it) with
    an action between ``start`` and ``end``, of ``award_types`` (contract codes and IDV codes;
    each group is searched on its own), ``page_size`` awards a search page (at most 100)."""

    agency: str
    start: dt.date
    end: dt.date
    award_types: tuple[str, ...] = CONTRACT_TYPES + IDV_TYPES
    page_size: int = 100

    def __post_init__(self) -> None:
        if not self.agency.strip():
            raise UsageError("an agency code or name is required")
        if self.start > self.end:
            raise UsageError(f"start {self.start} is after end {self.end}")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise UsageError(f"page size must be 1 to {MAX_PAGE_SIZE}, not {self.page_size}")
        known = {code for codes in AWARD_TYPE_GROUPS.values() for code in codes}
        unknown = sorted(set(self.award_types) - known)
        if unknown or not self.award_types:
            raise UsageError(
                f"award types must be contract ({', '.join(CONTRACT_TYPES)}) or IDV "
                f"({', '.join(IDV_TYPES)}) codes; got {', '.join(unknown) or 'none'}"
            )

    def groups(self) -> list[tuple[str, tuple[str, ...]]]:
        """The award-type groups to search, in order, each with the query's codes in it."""
        chosen = set(self.award_types)
        picked = [
            (name, tuple(c for c in codes if c in chosen))
            for name, codes in AWARD_TYPE_GROUPS.items()
        ]
        return [(name, codes) for name, codes in picked if codes]

    def stream_key(self, group: str) -> str:
        """The key of one group's state in a ``SyncState``."""
        codes = ",".join(dict(self.groups())[group])
        return (
            f"agency={self.agency.strip()}|{group}={codes}|"
            f"{self.start.isoformat()}..{self.end.isoformat()}|page_size={self.page_size}"
        )


@dataclass(frozen=True, slots=True)
class ApiSnapshot(RawSnapshot):
    """A ``RawSnapshot`` of one API response, with what is needed to read it: the endpoint
    (``spending_by_award``, ``award`` or ``transactions``), the award it is about, and the
    exact request body sent (empty for a GET)."""

    endpoint: str = ""
    award_key: str | None = None
    request_body: bytes = b""


def iter_api_pages(
    query: ApiQuery,
    client: httpx.Client | None = None,
    state: SyncState | None = None,
    *,
    base_url: str = API_BASE,
    full_recheck_every: dt.timedelta = dt.timedelta(days=7),
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[RawSnapshot]:
    """Every search page, award detail and transactions page of ``query``, in order, one
    ``ApiSnapshot`` per response, advancing ``state`` (see the module documentation).

    Pass ``client`` to choose timeouts or a transport; ``sleep`` is called for each backoff."""
    own = client is None
    http = client if client is not None else _default_client()
    sync = state if state is not None else SyncState()
    api = _Api(http, base_url if base_url.endswith("/") else base_url + "/", sleep)
    try:
        groups = query.groups()
        streams = [sync.stream(query.stream_key(group)) for group, _ in groups]
        if all(stream.run is None for stream in streams):  # a new pass: pin every group's run
            agencies = _resolve_agency(api, query.agency)
            for stream in streams:
                stream.run = _new_run(stream, sync, agencies, query, full_recheck_every)
        for (group, codes), stream in zip(groups, streams, strict=True):
            yield from _drain(api, query, group, codes, stream)  # nothing left if done already
    finally:
        if own:
            http.close()


def read_api_snapshot(snapshot: RawSnapshot) -> ApiResult:
    """Parse a snapshot ``iter_api_pages`` yielded with the reader for its endpoint."""
    if not isinstance(snapshot, ApiSnapshot):
        raise SnapshotError(snapshot.locator, "not a USAspending API snapshot")
    try:
        payload = load_json(snapshot.content)
    except ValueError as error:
        raise SnapshotError(snapshot.locator, f"not JSON ({error})") from None
    if snapshot.endpoint == "spending_by_award":
        return parse_award_search(payload, snapshot.locator)
    if snapshot.endpoint == "award":
        return parse_award_detail(payload, snapshot.locator)
    if snapshot.endpoint == "transactions" and snapshot.award_key:
        return parse_transactions(payload, snapshot.award_key, snapshot.locator)
    raise SnapshotError(snapshot.locator, f"no reader for endpoint {snapshot.endpoint!r}")


def request_locator(url: str, body: bytes) -> str:
    """``url#`` and the first 16 hex digits of the sha256 of the request body."""
    return f"{url}#{hashlib.sha256(body).hexdigest()[:16]}"


class _Api:
    def __init__(self, client: httpx.Client, base: str, sleep: Callable[[float], None]) -> None:
        self.client = client
        self.base = base
        self.sleep = sleep

    def get(self, path: str, endpoint: str, award_key: str | None = None) -> _Answer:
        return self._call("GET", path, None, endpoint, award_key)

    def post(
        self, path: str, body: Mapping[str, Any], endpoint: str, award_key: str | None = None
    ) -> _Answer:
        data = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        return self._call("POST", path, data, endpoint, award_key)

    def _call(
        self, method: str, path: str, body: bytes | None, endpoint: str, award_key: str | None
    ) -> _Answer:
        url = self.base + path
        response = call_api(self.client, method, url, body, sleep=self.sleep)
        snapshot = ApiSnapshot(
            locator=request_locator(url, body or b""),
            # a mirror or a replay answers for the public API: cite the API
            public=request_locator(API_BASE + path, body or b""),
            content=response.content,
            fallback_time=now_utc(),
            kind="url",
            endpoint=endpoint,
            award_key=award_key,
            request_body=body or b"",
        )
        return _Answer(snapshot, response.payload)


@dataclass(frozen=True, slots=True)
class _Answer:
    snapshot: ApiSnapshot
    payload: Mapping[str, Any]

    def page(self) -> PageInfo:
        try:
            return page_info(self.payload, self.snapshot.locator)
        except SnapshotError as error:  # without paging the run cannot go on: abort it
            raise SourceError(str(error)) from None

    def results(self) -> list[Mapping[str, Any]]:
        results = self.payload.get("results")
        if not isinstance(results, list):
            raise SourceError(f"{self.snapshot.locator}: no results list")
        return [item for item in results if isinstance(item, Mapping)]


def _default_client() -> httpx.Client:
    return httpx.Client(
        timeout=DEFAULT_TIMEOUT, headers={"User-Agent": USER_AGENT}, follow_redirects=True
    )


def _new_run(
    stream: StreamState,
    sync: SyncState,
    agencies: list[dict[str, str]],
    query: ApiQuery,
    full_recheck_every: dt.timedelta,
) -> RunState:
    now, high_water = now_utc(), stream.high_water
    if high_water is None or stream.recheck_due(now, full_recheck_every):
        period = {"start_date": query.start.isoformat(), "end_date": query.end.isoformat()}
        period["date_type"] = "action_date"
        return RunState("full", now, period, agencies)
    since = high_water - sync.overlap
    through = now.date() + dt.timedelta(days=1)
    period = {"start_date": since.isoformat(), "end_date": through.isoformat()}
    period["date_type"] = "last_modified_date"
    return RunState("incremental", now, period, agencies)


def _drain(
    api: _Api, query: ApiQuery, group: str, codes: tuple[str, ...], stream: StreamState
) -> Iterator[ApiSnapshot]:
    """The rest of the stream's run: each snapshot after the state moved past it."""
    while (run := stream.run) is not None:
        if run.pending:
            answer = _award_step(api, run)
            _finish_if_done(stream)
            if answer is not None:
                yield answer.snapshot
        elif not run.search_done:
            answer = api.post(
                SEARCH_PATH, search_body(query, group, codes, run), "spending_by_award"
            )
            _take_search_page(stream, run, answer, query)
            _finish_if_done(stream)
            yield answer.snapshot
        else:
            _finish_if_done(stream)


def _award_step(api: _Api, run: RunState) -> _Answer | None:
    """The next response about ``run.pending[0]``: its detail, then its transactions pages.
    An award the API no longer has (404: deleted upstream since the search) is dropped."""
    key = run.pending[0]
    try:
        if not run.detail_done:
            answer = api.get(AWARD_PATH.format(key=quote(key, safe="")), "award", key)
            run.detail_done = True
            return answer
        body = {
            "award_id": key,
            "page": run.transactions_page,
            "limit": TRANSACTIONS_LIMIT,
            "sort": "action_date",
            "order": "asc",
        }
        answer = api.post(TRANSACTIONS_PATH, body, "transactions", key)
    except ApiStatusError as error:
        if error.status != 404:
            raise
        log.warning("%s; award %s skipped", error, key)
        answer = None
    if answer is not None and _has_more(answer.page(), answer):
        run.transactions_page += 1
    else:
        run.pending.pop(0)
        run.detail_done, run.transactions_page = False, 1
    return answer


def search_body(
    query: ApiQuery, group: str, codes: tuple[str, ...], run: RunState
) -> dict[str, Any]:
    """The ``spending_by_award`` request for the run's next page."""
    body: dict[str, Any] = {
        "filters": {
            "award_type_codes": list(codes),
            "agencies": run.agencies,
            "time_period": [run.time_period],
        },
        "fields": list(SEARCH_FIELDS[group]),
        "limit": query.page_size,
        "page": run.next_page,
        "sort": SEARCH_SORT,
        "order": "asc",
        "subawards": False,
        "spending_level": "awards",
    }
    cursor = run.cursor
    if cursor is not None:
        body["last_record_unique_id"], body["last_record_sort_value"] = cursor
    return body


def _take_search_page(stream: StreamState, run: RunState, answer: _Answer, query: ApiQuery) -> None:
    info = answer.page()
    results = answer.results()
    keys: list[str] = []
    wanted: list[str] = []
    for item in results:
        modified = _date(item.get("Last Modified Date"))
        if modified is not None:
            stream.saw_modified(modified)
        key = item.get("generated_internal_id")
        if not isinstance(key, str) or not key.startswith(_CONTRACT_KEY_PREFIXES):
            continue  # assistance awards are out of scope
        if key in keys:
            continue
        keys.append(key)
        signed = _date(item.get("Base Obligation Date"))
        if run.mode == "incremental" and signed is not None and signed > query.end:
            continue  # modified lately, but signed after the query's window
        if key not in run.last_page_keys:  # the API may repeat the previous page's last row
            wanted.append(key)
    run.last_page += 1
    run.pending, run.last_page_keys = wanted, keys
    run.search_done = not _has_more(info, answer)
    if info.has_next and info.last_record_unique_id is not None:
        run.last_record_unique_id = info.last_record_unique_id
        run.last_record_sort_value = info.last_record_sort_value
    else:
        run.last_record_unique_id = run.last_record_sort_value = None


def _has_more(info: PageInfo, answer: _Answer) -> bool:
    if info.has_next and not answer.results():
        log.warning("%s: hasNext with no results; taken as the last page", answer.snapshot.locator)
        return False
    return info.has_next


def _finish_if_done(stream: StreamState) -> None:
    run = stream.run
    if run is None or not run.search_done or run.pending:
        return
    if run.mode == "full":
        stream.last_full_recheck = run.started_at
    stream.last_completed = now_utc()
    stream.runs_completed += 1
    stream.run = None


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _resolve_agency(api: _Api, agency: str) -> list[dict[str, str]]:
    """The ``agencies`` filter for ``agency``: the API matches agencies by exact name only.

    A three-digit code is a toptier agency (``GET agency/<code>/``); a four-character code
    starting with two digits is a subtier, looked up among the subtiers of its department
    (``0`` + its first two digits, or 097 for defense components) via the awarding-agency
    autocomplete. Anything else is taken as a name, of either tier."""
    text = agency.strip()
    if _TOPTIER_CODE.fullmatch(text):
        name = _toptier_name(api, text)
        if name is None:
            raise SourceError(f"USAspending knows no toptier agency with code {text}")
        return [{"type": "awarding", "tier": "toptier", "name": name}]
    if _SUBTIER_CODE.fullmatch(text.upper()):
        return [_subtier_filter(api, text.upper())]
    return [
        {"type": "awarding", "tier": "toptier", "name": text},
        {"type": "awarding", "tier": "subtier", "name": text},
    ]


def _toptier_name(api: _Api, code: str) -> str | None:
    try:
        answer = api.get(AGENCY_PATH.format(code=code), "agency")
    except ApiStatusError as error:
        if 400 <= error.status < 500:
            return None
        raise
    name = answer.payload.get("name")
    return name if isinstance(name, str) and name.strip() else None


def _subtier_filter(api: _Api, code: str) -> dict[str, str]:
    tried: list[str] = []
    for toptier in dict.fromkeys(("0" + code[:2], _DEFENSE_TOPTIER)):
        tried.append(toptier)
        top_name = _toptier_name(api, toptier)
        if top_name is None:
            continue
        body = {"search_text": top_name, "limit": 50}
        payload = api.post(AGENCY_AUTOCOMPLETE_PATH, body, "autocomplete").payload
        results = payload.get("results")
        tops = results.get("toptier_agency") if isinstance(results, Mapping) else None
        for top in tops if isinstance(tops, list) else []:
            if not isinstance(top, Mapping) or top.get("code") != toptier:
                continue
            for sub in top.get("subtier_agencies") or []:
                if isinstance(sub, Mapping) and sub.get("code") == code and sub.get("name"):
                    return {
                        "type": "awarding",
                        "tier": "subtier",
                        "name": str(sub["name"]),
                        "toptier_name": top_name,
                    }
    raise SourceError(
        f"USAspending lists no subtier agency {code} under toptier {' or '.join(tried)}; "
        "give the agency's name instead"
    )
