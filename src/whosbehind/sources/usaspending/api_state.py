"""Where a live USAspending sync stands, saved between runs (in the manner of dlt's
``Incremental``).

One *stream* per query and award-type group (contracts and IDVs are searched separately). A
stream keeps its incremental bookkeeping, the highest ``Last Modified Date`` seen and when the
last full re-check (a search by action date, without the last-modified filter) completed, and the
run in progress, if any: the search question pinned at the run's start (mode, ``time_period``
filter, agency filter), the last search page done with its cursor, and the awards of that page
whose detail or transactions are still to fetch. ``save`` writes JSON atomically (a temporary
file, then a rename), so the file always holds one whole state.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from whosbehind.errors import SourceError

STATE_VERSION = 1
DEFAULT_OVERLAP_DAYS = 3

Mode = Literal["full", "incremental"]


@dataclass
class RunState:
    """One pass over a stream's search results.

    ``time_period`` and ``agencies`` are the filters the run's searches send, fixed when it
    starts so a resumed run asks the same question. ``last_page`` is the last search page done
    (0: none yet) and ``last_record_unique_id``/``last_record_sort_value`` the cursor it
    returned. ``pending`` lists the awards of that page not finished yet: the first one's detail
    was yielded when ``detail_done`` is set, and its transactions continue at
    ``transactions_page``. ``last_page_keys`` remembers the page's awards, because the API may
    repeat the last row of a page at the top of the next one.
    """

    mode: Mode
    started_at: dt.datetime
    time_period: dict[str, str]
    agencies: list[dict[str, str]]
    last_page: int = 0
    last_record_unique_id: int | None = None
    last_record_sort_value: str | None = None
    search_done: bool = False
    pending: list[str] = field(default_factory=list)
    detail_done: bool = False
    transactions_page: int = 1
    last_page_keys: list[str] = field(default_factory=list)

    @property
    def next_page(self) -> int:
        return self.last_page + 1

    @property
    def cursor(self) -> tuple[int, str] | None:
        """The ``search_after`` cursor for the next page, when the last page gave one."""
        if self.last_record_unique_id is None or self.last_record_sort_value is None:
            return None
        return self.last_record_unique_id, self.last_record_sort_value


@dataclass
class StreamState:
    """The incremental bookkeeping of one stream and the run in progress (None: none)."""

    high_water: dt.date | None = None
    last_full_recheck: dt.datetime | None = None
    last_completed: dt.datetime | None = None
    runs_completed: int = 0
    run: RunState | None = None

    def saw_modified(self, day: dt.date) -> None:
        if self.high_water is None or day > self.high_water:
            self.high_water = day

    def recheck_due(self, now: dt.datetime, every: dt.timedelta) -> bool:
        """A full re-check is due: never done, no high-water mark yet, or ``every`` passed."""
        if self.high_water is None or self.last_full_recheck is None:
            return True
        return now - self.last_full_recheck >= every


@dataclass
class SyncState:
    """Every stream's state by key, and the safety overlap subtracted from the high-water
    mark: an incremental run asks for awards modified since ``high_water - overlap``."""

    streams: dict[str, StreamState] = field(default_factory=dict)
    overlap: dt.timedelta = dt.timedelta(days=DEFAULT_OVERLAP_DAYS)
    # the sha256 of the last response the store recorded: ties the state to the store it
    # describes (a state beside a new or restored store that lacks it is stale)
    store_mark: str | None = None

    def stream(self, key: str) -> StreamState:
        return self.streams.setdefault(key, StreamState())

    @classmethod
    def load(cls, path: Path) -> SyncState:
        """The state saved at ``path``; an empty state when there is no such file yet."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except OSError as error:
            raise SourceError(f"{path}: cannot read sync state ({error.strerror})") from error
        try:
            return cls.from_json(json.loads(text))
        except (ValueError, KeyError, TypeError) as error:
            raise SourceError(f"{path}: not a whosbehind sync state ({error})") from error

    def save(self, path: Path) -> None:
        """Write atomically: a temporary file beside ``path``, flushed, then renamed over it."""
        text = json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "overlap_days": self.overlap.total_seconds() / 86400,
            "streams": {key: _stream_json(s) for key, s in sorted(self.streams.items())},
            "store_mark": self.store_mark,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SyncState:
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported version {data.get('version')!r}")
        streams = {str(key): _stream_from(value) for key, value in data["streams"].items()}
        overlap = dt.timedelta(days=float(data.get("overlap_days", DEFAULT_OVERLAP_DAYS)))
        mark = data.get("store_mark")
        return cls(streams=streams, overlap=overlap, store_mark=None if mark is None else str(mark))


def _stream_json(stream: StreamState) -> dict[str, Any]:
    return {
        "high_water": None if stream.high_water is None else stream.high_water.isoformat(),
        "last_full_recheck": _instant_text(stream.last_full_recheck),
        "last_completed": _instant_text(stream.last_completed),
        "runs_completed": stream.runs_completed,
        "run": None if stream.run is None else _run_json(stream.run),
    }


def _stream_from(data: dict[str, Any]) -> StreamState:
    high_water = data.get("high_water")
    run = data.get("run")
    return StreamState(
        high_water=None if high_water is None else dt.date.fromisoformat(high_water),
        last_full_recheck=_instant(data.get("last_full_recheck")),
        last_completed=_instant(data.get("last_completed")),
        runs_completed=int(data.get("runs_completed", 0)),
        run=None if run is None else _run_from(run),
    )


def _run_json(run: RunState) -> dict[str, Any]:
    data = asdict(run)
    data["started_at"] = run.started_at.isoformat()
    return data


def _run_from(data: dict[str, Any]) -> RunState:
    mode = data["mode"]
    if mode not in ("full", "incremental"):
        raise ValueError(f"unknown run mode {mode!r}")
    started_at = _instant(data["started_at"])
    if started_at is None:
        raise ValueError("run without started_at")
    unique_id = data.get("last_record_unique_id")
    sort_value = data.get("last_record_sort_value")
    return RunState(
        mode=mode,
        started_at=started_at,
        time_period={str(k): str(v) for k, v in data["time_period"].items()},
        agencies=[{str(k): str(v) for k, v in item.items()} for item in data["agencies"]],
        last_page=int(data.get("last_page", 0)),
        last_record_unique_id=None if unique_id is None else int(unique_id),
        last_record_sort_value=None if sort_value is None else str(sort_value),
        search_done=bool(data.get("search_done", False)),
        pending=[str(key) for key in data.get("pending", [])],
        detail_done=bool(data.get("detail_done", False)),
        transactions_page=int(data.get("transactions_page", 1)),
        last_page_keys=[str(key) for key in data.get("last_page_keys", [])],
    )


def _instant_text(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _instant(value: object) -> dt.datetime | None:
    if value is None:
        return None
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
