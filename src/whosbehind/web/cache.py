"""Answers kept for reuse: the agency report behind a page is the same one behind its table
downloads, its JSON and its graph. Keyed by the data version, so a new store version is
never answered from the old one; bounded, least recently used out first."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from fastapi import Request

from whosbehind.web.provider import StoreProvider

T = TypeVar("T")
SIZE = 64


class AnswerCache:
    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._found: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._found:
                self._found.move_to_end(key)
                return self._found[key]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._found[key] = value
            while len(self._found) > self.size:
                self._found.popitem(last=False)
        return value


def cached(request: Request, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or the answer it gave for ``key`` on this data version."""
    store: StoreProvider = request.app.state.store
    cache: AnswerCache = request.app.state.answers
    return cache.get((store.version().digest, *key), compute)
