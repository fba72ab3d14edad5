"""The search box's answers: the Tantivy index of the data version a request reads
(``analysis/search``), built once per version, then ``search`` or ``suggest`` on it."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from fastapi import Request

from whosbehind import Engine, Hit, SearchIndex
from whosbehind.web.cache import cached


@runtime_checkable
class Indexed(Protocol):
    """A provider that keeps one search index per data version (``PublishedProvider``)."""

    def search_index(self) -> SearchIndex: ...


def index_for(request: Request, engine: Engine) -> SearchIndex:
    store = request.app.state.store
    if isinstance(store, Indexed):
        return store.search_index()
    return cached(request, ("search_index",), lambda: SearchIndex.build(engine))


def find_hits(request: Request, engine: Engine, text: str, limit: int) -> list[Hit]:
    return index_for(request, engine).search(text, limit)


def suggest_hits(request: Request, engine: Engine, text: str, limit: int) -> list[Hit]:
    return index_for(request, engine).suggest(text, limit)
