"""Whole responses kept per data version: a GET that was answered with 200 is answered again
from memory, byte for byte, while the data version holds, without routing, parameter
validation, a store cursor or a worker thread. Every route's answer depends only on its URL
and the data version (none reads headers or cookies), so the URL and the version's digest are
the key; a new version empties it. Bounded by entries and bytes, least recently used out
first; a response larger than ``MAX_ONE`` bytes (a whole-graph download) is not kept.

The digest is asked of the store at most every ``CHECK_EVERY`` seconds, in a worker thread
(a provider may look at files, or build the version of a newly published copy); in between, a
new version is noticed by the next look, as the provider itself only looks every few seconds.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from whosbehind.web.provider import StoreProvider

CHECK_EVERY = 1.0
MAX_ENTRIES = 2048
MAX_BYTES = 128 * 1024 * 1024
MAX_ONE = 4 * 1024 * 1024
SKIP = ("/static/", "/reconcile")  # files serve themselves; reconciliation may POST


@dataclass(frozen=True, slots=True)
class Kept:
    headers: list[tuple[bytes, bytes]]
    body: bytes


class ResponseCache:
    """ASGI middleware over the app of ``store``."""

    def __init__(
        self,
        app: ASGIApp,
        store: StoreProvider,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.app = app
        self.store = store
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._kept: OrderedDict[tuple[str, str, bytes], Kept] = OrderedDict()
        self._bytes = 0
        self._digest = ""
        self._looked = float("-inf")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith(SKIP):
            await self.app(scope, receive, send)
            return
        try:
            digest = await self._version()
        except Exception:  # the app answers the store's error as a problem
            await self.app(scope, receive, send)
            return
        key = (digest, scope["path"], scope.get("query_string", b""))
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
            await send({"type": "http.response.start", "status": 200, "headers": kept.headers})
            await send({"type": "http.response.body", "body": kept.body})
            return
        await self.app(scope, receive, self._keeping(key, send))

    async def _version(self) -> str:
        now = time.monotonic()
        if now - self._looked >= CHECK_EVERY:
            digest = (await run_in_threadpool(self.store.version)).digest
            if digest != self._digest:  # answers of the old version are never asked again
                self._kept.clear()
                self._bytes = 0
                self._digest = digest
            self._looked = now
        return self._digest

    def _keeping(self, key: tuple[str, str, bytes], send: Send) -> Send:
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        parts: list[bytes] = []
        size = 0

        async def forward(message: Message) -> None:
            nonlocal status, headers, size
            if message["type"] == "http.response.start":
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body" and status == 200 and size <= MAX_ONE:
                body = message.get("body", b"")
                parts.append(body)
                size += len(body)
                if not message.get("more_body", False) and size <= MAX_ONE:
                    self._keep(key, Kept(headers, b"".join(parts)))
            await send(message)

        return forward

    def _keep(self, key: tuple[str, str, bytes], kept: Kept) -> None:
        if key in self._kept:
            return
        self._kept[key] = kept
        self._bytes += len(kept.body)
        while len(self._kept) > self.max_entries or self._bytes > self.max_bytes:
            _, dropped = self._kept.popitem(last=False)
            self._bytes -= len(dropped.body)
