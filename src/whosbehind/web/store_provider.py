"""``PublishedProvider``: the ``StoreProvider`` of ``whosbehind serve``. It reads the newest copy
of the store that writers publish beside it (``store/published_reader.py``), never the store
itself, so an ingest or ``resolve`` runs while the app answers, and the app answers from the new
data within seconds of a publish. The data version and the search index are computed once per
published copy."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whosbehind import Engine, PublishedStore, PublishedVersion, SearchIndex
from whosbehind.web.provider import DataVersion, data_version


class PublishedProvider:
    def __init__(self, store: Path, check_every: float | None = None) -> None:
        """``check_every``: seconds between looks for a newer copy (default: the reader's)."""
        self.path = store
        self._published = (
            PublishedStore(store) if check_every is None else PublishedStore(store, check_every)
        )

    @contextmanager
    def engine(self) -> Iterator[Engine]:
        with self._published.reading() as engine:
            yield engine

    def version(self) -> DataVersion:
        return self._published.built("data_version", data_version)

    def copy(self) -> PublishedVersion:
        """The published copy requests read now (its file and when it was published)."""
        return self._published.version()

    def search_index(self) -> SearchIndex:
        return self._published.built("search_index", SearchIndex.build)

    def close(self) -> None:
        self._published.close()
