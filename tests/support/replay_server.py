"""A real HTTP server on 127.0.0.1 (a free port) that replays recorded responses, with faults.

``ReplayServer(route)`` answers every request with ``route(request)``, unless a fault was queued
for that method and path with ``inject``: queued replies are served first, one per request, in
order (a status such as 429 with ``Retry-After``, a body cut short, an answer slower than the
client's timeout). Every request is recorded in ``requests``.

``UsaspendingReplay`` is a route serving the recorded USAspending API v2 responses in
``shared/data/usaspending-api``: search pages in sequence, each award's detail and transactions.
"""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from whosbehind.model.contracts import split_award_key


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    """``truncate_at``: announce the whole body's length, send only that many bytes, close.
    ``delay``: wait that long (seconds) before answering."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    truncate_at: int | None = None
    delay: float = 0.0

    @classmethod
    def of_json(cls, payload: Any, status: int = 200, **kwargs: Any) -> Reply:
        return cls(status, json.dumps(payload).encode(), **kwargs)


Route = Callable[[Request], Reply]


class ReplayServer:
    def __init__(self, route: Route) -> None:
        self.route = route
        self.requests: list[Request] = []
        self._faults: list[tuple[str, str, list[Reply]]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/api/v2/"

    def inject(self, method: str, path_prefix: str, *replies: Reply) -> None:
        """Serve ``replies``, in order, to the next requests whose path starts with the prefix
        (relative to ``/api/v2/``)."""
        with self._lock:
            self._faults.append((method, "/api/v2/" + path_prefix, list(replies)))

    def calls(self, method: str | None = None, path_prefix: str = "") -> list[Request]:
        with self._lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method)
                and r.path.startswith("/api/v2/" + path_prefix)
            ]

    def reply_for(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            for method, prefix, queued in self._faults:
                if queued and request.method == method and request.path.startswith(prefix):
                    return queued.pop(0)
        return self.route(request)

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler_for(server: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no Nagle wait

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            reply = server.reply_for(Request(self.command, self.path, body))
            try:
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.truncate_at is not None:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(reply.body[: reply.truncate_at])
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up waiting

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _load(folder: Path, name: str) -> Any:
    return json.loads((folder / name).read_text())


def _last_page(payload: dict[str, Any], page: int) -> dict[str, Any]:
    """The recorded page served as page ``page`` and the last one: ``hasNext`` false."""
    meta = payload["page_metadata"]
    meta.update(page=page, hasNext=False)
    if "next" in meta:
        meta.update(next=None, previous=page - 1 if page > 1 else None, hasPrevious=page > 1)
    if "last_record_unique_id" in meta:
        meta.update(last_record_unique_id=None, last_record_sort_value="None")
    return payload


class UsaspendingReplay:
    """Recorded responses as an API: three contract search pages, one IDV page, a detail for
    every award (the recorded contract or IDV detail, re-keyed to the award asked for), and
    transactions (two pages for the recorded award, one for the others)."""

    TRANSACTIONS_AWARD = "CONT_AWD_80GSFC18C0008_8000_-NONE-_-NONE-"

    def __init__(self, folder: Path) -> None:
        first = _load(folder, "spending_by_award_contracts.json")  # page 1, hasNext, a cursor
        recorded = _load(folder, "awards/search_results_contracts.json")
        second = copy.deepcopy(recorded)  # hasNext, a cursor
        second["results"] = recorded["results"][:2]
        second["page_metadata"]["page"] = 2
        third = _last_page(copy.deepcopy(recorded), 3)
        third["results"] = recorded["results"][2:]  # ends with a repeat of a page-2 award
        self.search_pages = {
            "contracts": [first, second, third],
            "idvs": [_last_page(_load(folder, "awards/search_results_idvs.json"), 1)],
        }
        self.contract = _load(folder, "awards/contract.json")
        self.idv = _load(folder, "awards/idv.json")
        self.transactions = _load(folder, "awards/transactions.json")  # page 1, hasNext
        self.agency = _load(folder, "agency.json")
        self.autocomplete = _load(folder, "agency_autocomplete.json")

    def page_bytes(self, group: str, page: int) -> bytes:
        return json.dumps(self.search_pages[group][page - 1]).encode()

    def award_keys(self, group: str, page: int) -> list[str]:
        keys = [r["generated_internal_id"] for r in self.search_pages[group][page - 1]["results"]]
        return list(dict.fromkeys(keys))

    def __call__(self, request: Request) -> Reply:
        path = request.path.split("?")[0].removeprefix("/api/v2/")
        if request.method == "POST" and path == "search/spending_by_award/":
            body = request.json()
            group = (
                "idvs" if body["filters"]["award_type_codes"][0].startswith("IDV") else "contracts"
            )
            pages = self.search_pages[group]
            if not 1 <= body["page"] <= len(pages):
                return Reply.of_json({"detail": f"no page {body['page']}"}, 422)
            return Reply(200, self.page_bytes(group, body["page"]))
        if request.method == "GET" and path.startswith("awards/"):
            return Reply.of_json(self.detail(path.split("/")[1]))
        if request.method == "POST" and path == "transactions/":
            body = request.json()
            return Reply.of_json(self.transactions_page(body["award_id"], body["page"]))
        if request.method == "GET" and path == "agency/080/":
            return Reply.of_json(self.agency)
        if request.method == "GET" and path.startswith("agency/"):
            code = path.split("/")[1]
            return Reply.of_json(
                {"detail": f"Agency with a toptier code of '{code}' not found"}, 404
            )
        if request.method == "POST" and path == "autocomplete/awarding_agency_office/":
            return Reply.of_json(self.autocomplete)
        return Reply.of_json({"detail": "Not found."}, 404)

    def detail(self, key: str) -> dict[str, Any]:
        parts = split_award_key(key)
        assert parts is not None, key
        detail: dict[str, Any] = copy.deepcopy(self.idv if parts.is_idv else self.contract)
        detail["generated_unique_award_id"] = key
        detail["piid"] = parts.piid
        return detail

    def transactions_page(self, key: str, page: int) -> dict[str, Any]:
        payload: dict[str, Any] = copy.deepcopy(self.transactions)
        if key != self.TRANSACTIONS_AWARD:
            return _last_page(payload, 1)
        return payload if page == 1 else _last_page(payload, page)
