"""A small real store: legacy snapshots 2016-2024, marketplace snapshots, the org export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ORG_EXPORT, legacy_snapshots, marketplace_snapshots
from tests.support.stores import build_store
from whosbehind.sources.fetch import read_file
from whosbehind.sources.snapshot import RawSnapshot
from whosbehind.store.engine import Engine

LEGACY = sorted(
    legacy_snapshots(every=150) + legacy_snapshots(first=1000, count=3),
    key=lambda raw: raw.fallback_time,
)
MARKETPLACE = marketplace_snapshots(first=1, every=200)


@pytest.fixture(scope="session")
def legacy_raw() -> list[RawSnapshot]:
    return LEGACY


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("analysis") / "store.duckdb"
    org = [
        read_file(ORG_EXPORT / name)
        for name in ("fedramp-products.json", "fedramp-status-changelog.json")
    ]
    build_store(path, [*LEGACY, *MARKETPLACE, *org])
    return path


@pytest.fixture
def engine(store_path: Path) -> Iterator[Engine]:
    opened = Engine(store_path, read_only=True)
    yield opened
    opened.close()
